import CANCapture
import GBT32960
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// A recorded GNSS track as the location body's source in a replay (`uplink.gbt32960.track`):
/// an NMEA 0183 file — the `track.nmea` that `candor simulate` writes, or a receiver's log,
/// optionally gzip'd, in one member or several — read whole when the terminal starts, then
/// looked up on the capture's clock. Each GGA or RMC is a report at its time (UTC; a GGA takes
/// its date from the nearest RMC, before it in the file or else after, across midnight when its
/// time of day is more than 12 h from that RMC's); reports are ordered by time, the file's
/// order kept among equal times.
///
/// The report made at time t (the report's collection time, Unix milliseconds) takes the
/// newest report at or before t, by the rule gpsd's reports get (`GNSSFixKeeper.position`, 2016 Tables
/// 14–15): valid when that report is a fix at most `maxAgeMillis` (5 s) older than t; otherwise
/// invalid with the newest fix at or before t (Table 15's "last valid fix"), and 0, 0 before
/// any fix. A pure function of t: reports reissued or sent in any order agree with the drive.
///
/// A line that is not a sentence this reader can read (`NMEASentence.Malformed`: a bad or
/// missing checksum, a field out of shape) is counted and skipped; a file that cannot be read,
/// or holds no GGA or RMC at all, or GGA without any RMC (no date), is an error at start.
public struct GNSSTrack: Sendable {
    public struct Statistics: Equatable, Sendable {
        /// Lines read (blank lines not counted).
        public var lines = 0
        /// GGA and RMC sentences; those with a fix.
        public var reports = 0
        public var fixes = 0
        /// Lines skipped, and the first few with their line number and why.
        public var skipped = 0
        public var firstSkipped: [String] = []
    }

    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The largest track read (inflated, for a gzip'd one): an 8-hour drive at 1 Hz is about
    /// 4.5 MB of GGA and RMC.
    static let maxBytes = 64 << 20

    public let path: String
    public let maxAgeMillis: Int64
    public let statistics: Statistics
    /// The reports' times (Unix milliseconds), ascending; whether each is a fix; the newest fix
    /// at or before each.
    private let times: [Int64]
    private let isFix: [Bool]
    private let lastFix: [NMEASentence.Coordinates?]

    /// Reads `path`. Gzip data (magic `1f 8b`) is inflated first, every member of it — a track
    /// gzip'd in pieces (`cat a.nmea.gz b.nmea.gz`, a logger that appends a member per
    /// rotation) is their text joined, as `gzip -dc` gives it; a member cut short, damaged
    /// data, bytes after a member that start no other, or more than `maxBytes` inflated is an
    /// error naming the file.
    public static func load(path: String, maxAgeMillis: Int64) throws(LoadError) -> GNSSTrack {
        let read: [UInt8]?
        do {
            let fd = try FileDescriptor.open(path, O_RDONLY)
            read = try fd.readAll(limit: maxBytes)
        } catch {
            throw LoadError(path: path, reason: "cannot read the track: \(error.reason)")
        }
        guard var bytes = read else { throw LoadError(path: path, reason: "larger than \(maxBytes >> 20) MiB; not a track") }
        if bytes.starts(with: [0x1F, 0x8B]) {
            do {
                bytes = try Deflate.gunzip(bytes, limit: maxBytes, name: path)
            } catch {
                throw LoadError(path: path, reason: error.message)
            }
        }
        return try GNSSTrack(bytes: bytes, path: path, maxAgeMillis: maxAgeMillis)
    }

    /// The track in `bytes` (NMEA text); `path` names it in errors.
    public init(bytes: [UInt8], path: String, maxAgeMillis: Int64) throws(LoadError) {
        self.path = path
        self.maxAgeMillis = maxAgeMillis
        var statistics = Statistics()
        // In file order: the time of day, the date (RMC only), the fix.
        var read: [(report: NMEASentence.Report, days: Int64?)] = []
        var number = 0
        for var line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { continue }
            statistics.lines += 1
            do {
                switch try NMEASentence.parse(Substring(String(decoding: line, as: UTF8.self))) {
                case .gga(let report): read.append((report, nil))
                case .rmc(let report, let days): read.append((report, days))
                case .other: continue
                }
            } catch {
                statistics.skipped += 1
                if statistics.firstSkipped.count < 3 { statistics.firstSkipped.append("line \(number): \(error.description)") }
            }
        }
        guard !read.isEmpty else {
            throw LoadError(path: path, reason: "no GGA or RMC sentence in \(statistics.lines) lines"
                            + (statistics.firstSkipped.first.map { " (\(statistics.skipped) skipped; \($0))" } ?? ""))
        }
        guard let firstDated = read.firstIndex(where: { $0.days != nil }) else {
            throw LoadError(path: path, reason: "GGA without any RMC: the date is only in RMC")
        }
        // Each report's time: an RMC's own date; a GGA's from the RMC before it (else the first).
        let day: Int64 = 86_400_000
        var reference = read[firstDated]
        var timed: [(time: Int64, fix: NMEASentence.Coordinates?)] = []
        timed.reserveCapacity(read.count)
        for entry in read {
            if entry.days != nil { reference = entry }
            let referenceTime = reference.days! * day + reference.report.timeOfDayMillis
            var time = reference.days! * day + entry.report.timeOfDayMillis
            if time - referenceTime > day / 2 { time -= day } else if referenceTime - time > day / 2 { time += day }
            timed.append((time, entry.report.fix))
        }
        // Stable: the file's order among equal times (Swift's sort is stable).
        timed.sort { $0.time < $1.time }
        times = timed.map(\.time)
        isFix = timed.map { $0.fix != nil }
        var newest: NMEASentence.Coordinates?
        lastFix = timed.map { entry in
            if let fix = entry.fix { newest = fix }
            return newest
        }
        statistics.reports = timed.count
        statistics.fixes = isFix.count { $0 }
        self.statistics = statistics
    }

    /// The first report's time and the last's (Unix milliseconds).
    public var span: ClosedRange<Int64> { times.first!...times.last! }

    /// The location body for a report made at `time` (Unix milliseconds).
    public func position(atMillis time: Int64) -> Position {
        // The number of reports at or before `time`.
        var low = 0, high = times.count
        while low < high {
            let middle = (low + high) / 2
            if times[middle] <= time { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return GNSSFixKeeper.position(newest: nil, maxAge: maxAgeMillis, lastFix: nil) }
        let newest = low - 1
        return GNSSFixKeeper.position(newest: (isFix[newest], time - times[newest]), maxAge: maxAgeMillis,
                                      lastFix: lastFix[newest].map { ($0.latitude, $0.longitude) })
    }

    /// One line for the end of a replay.
    public var summary: String {
        let s = statistics
        return "track \(path): \(s.fixes) fixes in \(s.reports) reports, \(s.skipped) lines skipped"
            + (s.firstSkipped.first.map { " (\($0))" } ?? "")
    }
}
