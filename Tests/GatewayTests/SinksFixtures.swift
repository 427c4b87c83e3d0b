import CANCore
import Foundation
@testable import Telemetry
@testable import Gateway

/// Hand-built records covering every kind, with awkward names and numbers.
enum SinksFixtures {
    static let t0: Int64 = 1_700_000_000_000_000_000
    static let second: Int64 = 1_000_000_000

    static func signalWindow(vehicle: String = "van01", signal: String = "SOC", start: Int64 = t0, length: Int64 = second,
                             mean: Double = 80.25) -> SignalWindowRecord {
        SignalWindowRecord(vehicle: vehicle, bus: "can0", message: "BMS_1", signal: signal, windowStart: start,
                           windowLength: length, count: 100, minimum: 80.0, maximum: 80.5, mean: mean, last: 80.5,
                           standardDeviation: 0.1, firstTime: start + 100_000, lastTime: start + 999_900_000)
    }

    static func messageHealth(start: Int64 = t0) -> MessageHealthRecord {
        MessageHealthRecord(vehicle: "van01", bus: "can0", message: "BMS_1", windowStart: start, windowLength: second,
                            frames: 100, rate: 100.0, expectedPeriod: 10_000_000, periodSource: .database,
                            meanPeriod: 0.01, periodJitter: 1e-05, maxGap: 12_000_000, timeouts: 0, counterErrors: 1,
                            checksumErrors: 2, decodeErrors: 0, silent: false)
    }

    static func busHealth(start: Int64 = t0, length: Int64 = 60 * second, load: Double = 31.5) -> BusHealthRecord {
        var byClass = [Int](repeating: 0, count: CANErrorClass.named.count)
        byClass[6] = 1  // bus-off
        byClass[8] = 1  // restarted
        return BusHealthRecord(vehicle: "van01", bus: "can0", windowStart: start, windowLength: length, frames: 6000,
                               framesPerSecond: 100.0, busLoadPercent: load, busLoadWorstCasePercent: 38.25,
                               errorFrames: 2, errorFramesByClass: byClass, maxTxErrorCount: 0, maxRxErrorCount: 128,
                               unknownFrames: 3, decodeErrors: 1, lateFrames: 0)
    }

    static func silent(start: Int64 = t0 + 5 * second) -> SilentEpisode {
        SilentEpisode(vehicle: "van01", bus: "can0", message: "BMS_1", start: start, end: start + 3 * second, open: false)
    }

    static func fault(target: String? = nil) -> FaultEpisode {
        FaultEpisode(vehicle: "van01", kind: target == nil ? "over_temperature" : FaultEpisode.busOff, level: 2,
                     start: t0 + 7 * second, end: t0 + 9 * second, open: false, target: target)
    }

    static func trip(index: Int = 0) -> OperationsSummary {
        var s = OperationsSummary(vehicle: "van01", scope: .trip(index: index), start: t0, end: t0 + 600 * second)
        s.distanceKm = 5.5
        s.tractionEnergyKWh = 1.25
        s.regenEnergyKWh = 0.25
        s.socStart = 80
        s.socEnd = 78.5
        s.maxCellTemperature = 41.5
        s.brakeApplications = 7
        s.drivingSeconds = 540
        s.idleSeconds = 60
        s.maxTemperatures = [NamedValue(name: "motor", value: 65.0)]
        s.frames = [NamedCount(name: "can0", count: 60_000)]
        return s
    }

    static func day() -> OperationsSummary {
        var s = OperationsSummary(vehicle: "van01", scope: .day, start: t0 - 1_000, end: t0 + 3600 * second)
        s.distanceKm = 42.125
        return s
    }

    /// One of every kind.
    static func all() -> [TelemetryRecord] {
        [.signalWindow(signalWindow()), .signalWindow(signalWindow(signal: "PACK_V", mean: 350.5)),
         .signalWindow(signalWindow(length: 60 * second)), .messageHealth(messageHealth()), .busHealth(busHealth()),
         .silentEpisode(silent()), .faultEpisode(fault()), .faultEpisode(fault(target: "can0")),
         .operations(trip()), .operations(day())]
    }

    /// A fresh directory under the system temporary directory.
    static func directory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "candor-sinks-\(name)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
