#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Lets a repeating condition through to the log once per `interval`, counting what it held
/// back: for things that can happen thousands of times a second (`accept` failing with
/// `EMFILE`, a full disk refusing every write), so that the first occurrence is logged at
/// once and the rest are summarised instead of flooding the journal.
///
///     var throttle = LogThrottle(interval: .seconds(10))
///     if let held = throttle.admit(now: LogThrottle.monotonicNow()) { log.warning("…", ["suppressed": String(held)]) }
struct LogThrottle {
    let intervalNanoseconds: Int64
    private var lastAdmitted: Int64?
    private var held = 0

    init(interval: Duration) {
        let (seconds, attoseconds) = interval.components
        intervalNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Whether to log now (`now`: monotonic nanoseconds). Returns the number of occurrences
    /// held back since the last admitted one, or nil when this one is held back too.
    mutating func admit(now: Int64) -> Int? {
        if let last = lastAdmitted, now - last < intervalNanoseconds {
            held += 1
            return nil
        }
        lastAdmitted = now
        defer { held = 0 }
        return held
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    static func monotonicNow() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
