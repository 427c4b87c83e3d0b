import GBT32960

/// The receiver's newest TPV report and the last valid fix, turned into the location body by
/// GB/T 32960.3's rule (2016 Tables 14–15): the status says valid only while the newest report
/// is a 2D or 3D fix received no more than `maxAge` ago (monotonic time: a gpsd that stops
/// reporting, or a receiver that lost its fix, makes it invalid); otherwise the status says
/// invalid and the coordinates are the last valid fix's ("with no fix, send the last valid
/// fix and set the bit"), zero before any fix. Coordinates are WGS84, as gpsd reports them.
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
        guard let latest else { return false }
        return latest.tpv.isFix && now - latest.at <= maxAgeNanos
    }

    func position(at now: Int64) -> Position {
        Position(latitude: lastFix?.latitude, longitude: lastFix?.longitude, valid: isValid(at: now))
    }
}
