import CANCore
import CANDatabase
@testable import Telemetry


enum Fixture {
    static let second: Int64 = 1_000_000_000
    static let millisecond: Int64 = 1_000_000

    /// A small van-like message table on one bus.
    static func messages() -> [Message] {
        [
            Message(id: 0x100, name: "VCU_Status", length: 8, signals: [
                Signal(name: "VehicleSpeed", startBit: 0, length: 16, factor: .real(0.01)),
                Signal(name: "Ready", startBit: 16, length: 2),
            ], cycleTime: 100),
            Message(id: 0x200, name: "BMS_Pack", length: 8, signals: [
                Signal(name: "PackVoltage", startBit: 0, length: 16, factor: .real(0.1)),
                Signal(name: "PackCurrent", startBit: 16, length: 16, isSigned: true, factor: .real(0.1)),
                Signal(name: "SOC", startBit: 32, length: 8),
                Signal(name: "ChargeState", startBit: 40, length: 2),
            ], cycleTime: 100),
            Message(id: 0x300, name: "EHB_Status", length: 8, signals: [
                Signal(name: "BrakePressure", startBit: 0, length: 16, factor: .real(0.1)),
                Signal(name: "Counter", startBit: 48, length: 4),
                Signal(name: "Checksum", startBit: 56, length: 8),
            ], cycleTime: 20),
            Message(id: 0x400, name: "BMS_Cells", length: 8, signals: [
                Signal(name: "MinCell", startBit: 0, length: 16, factor: .real(0.001)),
                Signal(name: "MaxCell", startBit: 16, length: 16, factor: .real(0.001)),
                Signal(name: "MaxTemp", startBit: 32, length: 8, offset: .integer(-40)),
                Signal(name: "AlarmOverTemp", startBit: 40, length: 2),
            ]),
        ]
    }

    static func configuration(
        rules: [String: MessageRules] = [:], trips: TripRule = TripRule(kind: .speed),
        windows: [Int64] = [second, 60 * second], dayOffset: Int64 = 0
    ) -> TelemetryConfiguration {
        let ref = { (m: String, s: String) in SignalReference(bus: "can0", message: m, signal: s) }
        let map = SemanticMap(
            vehicleSpeed: ref("VCU_Status", "VehicleSpeed"), packVoltage: ref("BMS_Pack", "PackVoltage"),
            packCurrent: ref("BMS_Pack", "PackCurrent"), packCurrentPositive: .discharge, soc: ref("BMS_Pack", "SOC"),
            minCellVoltage: ref("BMS_Cells", "MinCell"), maxCellVoltage: ref("BMS_Cells", "MaxCell"),
            maxCellTemperature: ref("BMS_Cells", "MaxTemp"), brakePressure: ref("EHB_Status", "BrakePressure"),
            ready: StateReference(ref("VCU_Status", "Ready"), onValues: [1]),
            charging: StateReference(ref("BMS_Pack", "ChargeState")))
        let vehicle = VehicleConfiguration(
            name: "van01",
            buses: [BusConfiguration(interface: "can0", rules: BusRules(bitrate: 500_000, messageRules: rules), messages: messages())],
            rules: VehicleRules(signals: map, faults: [.init(kind: "over_temperature", flag: FaultFlag(ref("BMS_Cells", "AlarmOverTemp")))],
                                trips: trips))
        return TelemetryConfiguration(vehicles: [vehicle], rules: FleetRules(windowLengths: windows, dayUTCOffsetSeconds: dayOffset))
    }

    static func aggregator(_ configuration: TelemetryConfiguration = configuration()) throws -> TelemetryAggregator {
        TelemetryAggregator(layout: try TelemetryLayout(configuration))
    }

    static func frame(_ t: Int64, id: UInt32, bytes: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0], bus: String = "can0") -> CANFrame {
        CANFrame(timestamp: CANTimestamp(totalNanoseconds: t, fractionDigits: 6), bus: bus, id: id, bytes: bytes)
    }
}

extension TelemetryAggregator {
    /// Feeds one frame of message `message` (plan index) with values in signal order.
    mutating func feed(_ t: Int64, message: Int, values: [Double], bytes: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]) {
        let ids: [UInt32] = [0x100, 0x200, 0x300, 0x400]
        let samples = values.enumerated().map { SignalSample(signal: $0.offset, value: $0.element) }
        ingest(Fixture.frame(t, id: ids[message], bytes: bytes), bus: 0, message: message, values: samples)
    }
}

extension Array where Element == TelemetryRecord {
    var signalWindows: [SignalWindowRecord] { compactMap { if case .signalWindow(let r) = $0 { return r } else { return nil } } }
    var messageHealth: [MessageHealthRecord] { compactMap { if case .messageHealth(let r) = $0 { return r } else { return nil } } }
    var busHealth: [BusHealthRecord] { compactMap { if case .busHealth(let r) = $0 { return r } else { return nil } } }
    var silentEpisodes: [SilentEpisode] { compactMap { if case .silentEpisode(let r) = $0 { return r } else { return nil } } }
    var faultEpisodes: [FaultEpisode] { compactMap { if case .faultEpisode(let r) = $0 { return r } else { return nil } } }
    var operations: [OperationsSummary] { compactMap { if case .operations(let r) = $0 { return r } else { return nil } } }
}
