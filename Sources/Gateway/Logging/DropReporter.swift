import Synchronization

/// Logs dropped frames and failed writes while the daemon runs, not only at exit: fed with each
/// stage's running totals (the counters behind `candor_dropped_frames_total{stage=…}`, the
/// recorder's and decoded log's write failures) on every supervisor tick, it logs the first
/// growth at once ("started dropping", the write error) and then at most one line per stage
/// and kind per `interval`, with the count since the previous line.
///
///     let drops = DropReporter(log: log.labelled("drops"))
///     drops.observe(stage: "recorder", total: recorder.statistics.dropped)   // every tick
///     drops.observeWriteFailures(stage: "recorder", total: stats.writeFailures, lastError: recorder.lastError?.description)
public final class DropReporter: Sendable {
    private struct Stage {
        var reported: UInt64 = 0
        var throttle: LogThrottle
    }
    private let log: GatewayLog
    private let interval: Duration
    private let now: @Sendable () -> Int64
    private let stages = Mutex<[String: Stage]>([:])

    /// `now`: monotonic nanoseconds (a fake clock in tests).
    public init(log: GatewayLog, interval: Duration = .seconds(10), now: (@Sendable () -> Int64)? = nil) {
        self.log = log
        self.interval = interval
        self.now = now ?? { LogThrottle.monotonicNow() }
    }

    public func observe(stage: String, total: Int) { observe(stage: stage, total: UInt64(max(0, total))) }

    public func observe(stage: String, total: UInt64) {
        guard let (first, count) = admit(key: stage, total: total) else { return }
        let fields: KeyValuePairs<String, String> = ["stage": stage, "dropped": String(count), "total": String(total)]
        log.warning(first ? "frames dropped: stage \(stage) started dropping" : "frames dropped: stage \(stage) still dropping", fields)
    }

    /// `total`: the stage's failed writes so far; `lastError`: the most recent one's text.
    public func observeWriteFailures(stage: String, total: UInt64, lastError: String?) {
        guard let (_, count) = admit(key: "write failures of " + stage, total: total) else { return }
        log.error("\(stage): writes failing", [
            "stage": stage, "failures": String(count), "total": String(total), "error": lastError ?? "unknown",
        ])
    }

    /// Whether `total` grew since the last line for `key` and the throttle lets a line out:
    /// (is it the first line, how much it grew since the last line).
    private func admit(key: String, total: UInt64) -> (first: Bool, count: UInt64)? {
        let time = now()
        return stages.withLock { all in
            var state = all[key] ?? Stage(throttle: LogThrottle(interval: interval))
            defer { all[key] = state }
            guard total > state.reported, state.throttle.admit(now: time) != nil else { return nil }
            defer { state.reported = total }
            return (state.reported == 0, total - state.reported)
        }
    }
}
