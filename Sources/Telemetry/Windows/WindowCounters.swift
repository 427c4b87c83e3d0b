/// One message's health counters over one open window.
struct MessageWindowCounters: Sendable {
    var frames = 0
    /// Inter-arrival times in seconds.
    var gaps = RunningStatistics()
    var maxGap: Int64 = 0
    var timeouts = 0
    var counterErrors = 0
    var checksumErrors = 0
    var decodeErrors = 0
}

/// One bus's counters over one open window.
struct BusWindowCounters: Sendable {
    var frames = 0
    /// Seconds of bus time, without and with worst-case stuffing.
    var busSeconds = 0.0
    var busSecondsWorstCase = 0.0
    var errorFrames = 0
    var maxTxErrorCount = 0
    var maxRxErrorCount = 0
    var unknownFrames = 0
    var decodeErrors = 0
    var lateFrames = 0
}

/// What the aggregator keeps per message between windows.
struct MessageState: Sendable {
    var seen = false
    var lastTime: Int64 = 0
    var expectedPeriod: Int64
    var periodSource: PeriodSource
    var learnCount = 0
    var learnSum: Int64 = 0
    var hasCounter = false
    var lastCounter = 0
}

/// Floor division for window alignment (times may be negative on relative clocks).
@inline(__always)
func alignDown(_ t: Int64, to length: Int64) -> Int64 {
    let q = t / length
    return (t % length < 0 ? q - 1 : q) * length
}
