// Public memberwise factories (the synthesized initializers are internal and cannot be
// redeclared), for receivers that rebuild records from their JSON form (`candor collect`).

extension SignalWindowRecord {
    public static func make(vehicle: String, bus: String, message: String, signal: String, windowStart: Int64, windowLength: Int64,
                            count: Int, minimum: Double, maximum: Double, mean: Double, last: Double, standardDeviation: Double,
                            firstTime: Int64, lastTime: Int64) -> Self {
        Self(vehicle: vehicle, bus: bus, message: message, signal: signal, windowStart: windowStart, windowLength: windowLength,
             count: count, minimum: minimum, maximum: maximum, mean: mean, last: last, standardDeviation: standardDeviation,
             firstTime: firstTime, lastTime: lastTime)
    }
}

extension MessageHealthRecord {
    public static func make(vehicle: String, bus: String, message: String, windowStart: Int64, windowLength: Int64, frames: Int,
                            rate: Double, expectedPeriod: Int64, periodSource: PeriodSource, meanPeriod: Double, periodJitter: Double,
                            maxGap: Int64, timeouts: Int, counterErrors: Int, checksumErrors: Int, decodeErrors: Int, silent: Bool) -> Self {
        Self(vehicle: vehicle, bus: bus, message: message, windowStart: windowStart, windowLength: windowLength, frames: frames,
             rate: rate, expectedPeriod: expectedPeriod, periodSource: periodSource, meanPeriod: meanPeriod, periodJitter: periodJitter,
             maxGap: maxGap, timeouts: timeouts, counterErrors: counterErrors, checksumErrors: checksumErrors,
             decodeErrors: decodeErrors, silent: silent)
    }
}

extension BusHealthRecord {
    public static func make(vehicle: String, bus: String, windowStart: Int64, windowLength: Int64, frames: Int, framesPerSecond: Double,
                            busLoadPercent: Double, busLoadWorstCasePercent: Double, errorFrames: Int, errorFramesByClass: [Int],
                            maxTxErrorCount: Int, maxRxErrorCount: Int, unknownFrames: Int, decodeErrors: Int, lateFrames: Int) -> Self {
        Self(vehicle: vehicle, bus: bus, windowStart: windowStart, windowLength: windowLength, frames: frames,
             framesPerSecond: framesPerSecond, busLoadPercent: busLoadPercent, busLoadWorstCasePercent: busLoadWorstCasePercent,
             errorFrames: errorFrames, errorFramesByClass: errorFramesByClass, maxTxErrorCount: maxTxErrorCount,
             maxRxErrorCount: maxRxErrorCount, unknownFrames: unknownFrames, decodeErrors: decodeErrors, lateFrames: lateFrames)
    }
}

extension SilentEpisode {
    public static func make(vehicle: String, bus: String, message: String, start: Int64, end: Int64, open: Bool) -> Self {
        Self(vehicle: vehicle, bus: bus, message: message, start: start, end: end, open: open)
    }
}
