import GBT32960

/// The receiver's newest TPV report and the last valid fix, turned into the location body by
/// GB/T 32960.3's rule (2016 Tables 14–15): the status says valid only while the newest report
/// is a 2D or 3D fix received no more than `maxAge` ago (monotonic time: a gpsd that stops
/// reporting, or a receiver that lost its fix, makes it invalid); otherwise the status says
/// invalid and the coordinates are the last valid fix's ("with no fix, send the last valid
/// fix and set the bit"), zero before any fix. Coordinates are WGS84, as gpsd reports them.
/// The rule itself (`position(newest:maxAge:lastFix:)`) is also the recorded track's
/// (`GNSSTrack`), which finds its newest report by the capture's clock instead.
struct GNSSFixKeeper {
    let maxAgeNanos: Int64
    private var latest: (tpv: GpsdReport.TPV, at: Int64)?
    private(set) var lastFix: (latitude: Double, longitude: Double)?

    init(maxAgeMillis: Int64) { maxAgeNanos = maxAgeMillis * 1_000_000 }

    /// A TPV report received at `monotonic` nanoseconds.
    mutating func received(_ tpv: GpsdReport.TPV, at monotonic: Int64) {
        latest = (tpv, monotonic)
        if tpv.isFix, let latitude = tpv.latitude, let longitude = tpv.longitude { lastFix = (latitude, longitude) }
    }

    /// Whether the newest report is a fix no older than the bound at `now`.
    func isValid(at now: Int64) -> Bool {
        Self.isValid(newest: latest.map { ($0.tpv.isFix, now - $0.at) }, maxAge: maxAgeNanos)
    }

    func position(at now: Int64) -> Position {
        Self.position(newest: latest.map { ($0.tpv.isFix, now - $0.at) }, maxAge: maxAgeNanos, lastFix: lastFix)
    }

    /// The location body from the newest report (whether it is a fix, and its age; nil before
    /// any report) and the last valid fix (nil before any). `age` and `maxAge` in one unit.
    static func position(newest: (isFix: Bool, age: Int64)?, maxAge: Int64,
                         lastFix: (latitude: Double, longitude: Double)?) -> Position {
        Position(latitude: lastFix?.latitude, longitude: lastFix?.longitude, valid: isValid(newest: newest, maxAge: maxAge))
    }

    private static func isValid(newest: (isFix: Bool, age: Int64)?, maxAge: Int64) -> Bool {
        guard let newest else { return false }
        return newest.isFix && newest.age <= maxAge
    }
}
