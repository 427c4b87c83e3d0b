import GBT32960
@testable import Telemetry
import Testing
@testable import Gateway

/// The semantic roles the GB/T 32960 bodies take from the signal windows (`SignalSnapshot`):
/// coded values → the tables' codes, and the invalid/abnormal sentinels where a value is
/// missing, stale or names no code.
@Suite struct GBT32960SnapshotTests {
    static let second: Int64 = 1_000_000_000
    static let t0: Int64 = 1_783_378_515 * second

    static func reference(_ message: String, _ signal: String) -> SignalReference {
        SignalReference(bus: "can0", message: message, signal: signal)
    }

    static func window(_ message: String, _ signal: String, _ value: Double, at time: Int64 = t0) -> SignalWindowRecord {
        SignalWindowRecord(vehicle: "van01", bus: "can0", message: message, signal: signal, windowStart: time - second,
                           windowLength: second, count: 10, minimum: value, maximum: value, mean: value, last: value,
                           standardDeviation: 0, firstTime: time - second / 2, lastTime: time)
    }

    static func snapshot(_ edition: Edition) -> SignalSnapshot {
        var map = SemanticMap()
        map.gear = CodedReference(reference("VCU_Status", "VCU_Gear"),
                                  codes: [.init("P", 0), .init("R", 1), .init("N", 2), .init("D", 3)])
        map.motorState = CodedReference(reference("MCU_Status", "MCU_State"),
                                        codes: [.init("off", 0), .init("ready", 1), .init("consuming", 2), .init("generating", 3)])
        map.motorTorque = reference("MCU_Status", "MCU_MotorTorque")
        map.brakePressure = reference("EHB_Status", "EHB_BrakePressure")
        return SignalSnapshot(VehicleRules(signals: map), edition: edition)
    }

    static let millis = t0 / 1_000_000

    @Test(arguments: [Edition.v2016, .v2025])
    func gearPositionsAndForceBitsComeFromTheCodesTorqueAndBrakePressure(edition: Edition) {
        let s = Self.snapshot(edition)
        #expect(s.gear(at: Self.millis) == 0xFF, "gear never seen: all ones")
        s.update(Self.window("VCU_Status", "VCU_Gear", 3))
        #expect(s.gear(at: Self.millis) == 14, "D, no torque or brake pressure seen: no force bits")
        s.update(Self.window("MCU_Status", "MCU_MotorTorque", 120.5))
        s.update(Self.window("EHB_Status", "EHB_BrakePressure", 0))
        #expect(s.gear(at: Self.millis) == 0x20 | 14, "driving force")
        s.update(Self.window("MCU_Status", "MCU_MotorTorque", -40))
        #expect(s.gear(at: Self.millis) == 0x10 | 14, "regenerative braking is a braking force")
        s.update(Self.window("MCU_Status", "MCU_MotorTorque", 0))
        s.update(Self.window("EHB_Status", "EHB_BrakePressure", 12))
        s.update(Self.window("VCU_Status", "VCU_Gear", 0))
        #expect(s.gear(at: Self.millis) == 0x10 | 15, "P with the brake applied")
        s.update(Self.window("VCU_Status", "VCU_Gear", 1))
        #expect(Gear(byte: s.gear(at: Self.millis)).position == Gear.reverse)
        s.update(Self.window("VCU_Status", "VCU_Gear", 7))
        #expect(s.gear(at: Self.millis) == 0xFF, "a value no code names")
        s.update(Self.window("VCU_Status", "VCU_Gear", 2))
        #expect(s.gear(at: Self.millis) == 0x10, "N")
        #expect(s.gear(at: Self.millis + 5_001) == 0xFF, "stale after 5 s")
        // The whole-vehicle body carries it.
        #expect(s.vehicle(at: Self.millis).gear == 0x10)
    }

    @Test func motorStateIsTheCodedStateAbnormalForAnUnnamedValueInvalidWhenMissing() {
        let s = Self.snapshot(.v2016)
        #expect(s.motorState(at: Self.millis) == 0xFF)
        for (value, code) in [(0.0, UInt8(3)), (1, 4), (2, 1), (3, 2), (4, 0xFE)] {
            s.update(Self.window("MCU_Status", "MCU_State", value))
            #expect(s.motorState(at: Self.millis) == code, "MCU_State \(value)")
            #expect(s.motor(at: Self.millis).state == code)
        }
        #expect(s.motorState(at: Self.millis + 5_001) == 0xFF, "stale after 5 s")
        #expect(s.items(atMillis: Self.millis).contains { if case .driveMotors = $0 { true } else { false } })
    }

    /// 2016's fuel-cell body: consumption in kg/100 km (×0.01), the concentration role's %vol as
    /// ppm (0.0042 %vol → 42); unmapped, not seen or stale → the invalid sentinel.
    @Test func hydrogenConsumptionAndConcentrationFillTheFuelCellBody() {
        var map = SemanticMap()
        map.hydrogenConsumption = Self.reference("FCU_Hydrogen", "FCU_H2Consumption")
        map.hydrogenConcentration = Self.reference("FCU_Hydrogen", "FCU_H2Concentration")
        let s = SignalSnapshot(VehicleRules(signals: map), edition: .v2016)
        let empty = s.fuelCell(at: Self.millis)
        #expect(empty.consumption == 0xFFFF && empty.hydrogenMaxConcentration == 0xFFFF && empty.voltage == 0xFFFF)
        #expect(s.items(atMillis: Self.millis).contains { if case .fuelCell = $0 { true } else { false } })
        s.update(Self.window("FCU_Hydrogen", "FCU_H2Consumption", 1.85))
        s.update(Self.window("FCU_Hydrogen", "FCU_H2Concentration", 0.0042))
        let body = s.fuelCell(at: Self.millis)
        #expect(body.consumption == 185 && body.hydrogenMaxConcentration == 42)
        #expect(FuelCell.Fields.consumption.reading(UInt32(body.consumption)) == .value(1.85))
        let stale = s.fuelCell(at: Self.millis + 5_001)
        #expect(stale.consumption == 0xFFFF && stale.hydrogenMaxConcentration == 0xFFFF)
        // Outside the table's range: abnormal.
        s.update(Self.window("FCU_Hydrogen", "FCU_H2Concentration", 7.5))
        #expect(s.fuelCell(at: Self.millis).hydrogenMaxConcentration == 0xFFFE)
        #expect(SignalSnapshot(VehicleRules(signals: SemanticMap()), edition: .v2016).items(atMillis: Self.millis)
            .allSatisfy { if case .fuelCell = $0 { false } else { true } }, "no fuel-cell role, no fuel-cell body")
    }

    /// 2025: the hydrogen-system (0x03) and stack (0x30) bodies, last in the report, from the
    /// same roles; the coolant-outlet probe from `temperatures.fuel_cell_coolant` (none mapped:
    /// no probe); whatever no role carries invalid; stale → invalid; no fuel-cell role → neither.
    @Test func hydrogenSystemAndStackFill2025sBodies() throws {
        var map = SemanticMap()
        map.fuelCellVoltage = Self.reference("FCU_Status", "FCU_StackVoltage")
        map.fuelCellCurrent = Self.reference("FCU_Status", "FCU_StackCurrent")
        map.hydrogenPressure = Self.reference("FCU_Hydrogen", "FCU_TankPressure")
        map.hydrogenTemperature = Self.reference("FCU_Hydrogen", "FCU_TankTemp")
        map.hydrogenConcentration = Self.reference("FCU_Hydrogen", "FCU_H2Concentration")
        let coolant = VehicleRules.Temperature(name: "fuel_cell_coolant", reference: Self.reference("FCU_Cooling", "FCU_CoolantOutletTemp"))
        let s = SignalSnapshot(VehicleRules(signals: map, temperatures: [coolant]), edition: .v2025)
        for (message, signal, value) in [("FCU_Status", "FCU_StackVoltage", 312.4), ("FCU_Status", "FCU_StackCurrent", 150.3),
                                         ("FCU_Hydrogen", "FCU_TankPressure", 34.87), ("FCU_Hydrogen", "FCU_TankTemp", 21),
                                         ("FCU_Hydrogen", "FCU_H2Concentration", 0.0042), ("FCU_Cooling", "FCU_CoolantOutletTemp", 68)] {
            s.update(Self.window(message, signal, value))
        }
        let items = s.items(atMillis: Self.millis)
        #expect(items.suffix(2).map { $0.typeCode(.v2025) } == [0x03, 0x30], "\(items.map { $0.typeCode(.v2025) })")
        #expect(!items.contains { if case .fuelCell = $0 { true } else { false } }, "2016's body is not sent in 2025")
        let h = s.hydrogenSystem(at: Self.millis), stack = s.fuelCellStack(at: Self.millis)
        #expect(h.maxTemperature == 61 && h.maxPressure == 349 && h.maxConcentration == 42)
        #expect(h.maxTemperatureProbe == 0xFF && h.dcdcState == 0xFF && h.remaining == 0xFF && h.dcdcTemperature == 0xFF)
        #expect(stack.sequence == 1 && stack.voltage == 3_124 && stack.current == 1_503 && stack.coolantOutletTemperatures == [108])
        #expect(stack.hydrogenInletPressure == 0xFFFF && stack.airInletPressure == 0xFFFF && stack.airInletTemperature == 0xFF)
        let stale = s.fuelCellStack(at: Self.millis + 5_001)
        #expect(stale.voltage == 0xFFFF && stale.coolantOutletTemperatures == [0xFF] && s.hydrogenSystem(at: Self.millis + 5_001).maxPressure == 0xFFFF)
        let report = RealtimeReport(time: BeijingTime(unixSeconds: Self.millis / 1000), items: items)
        #expect(try RealtimeReport.decode(report.encode(edition: .v2025), edition: .v2025) == report)
        #expect(SignalSnapshot(VehicleRules(signals: map), edition: .v2025).fuelCellStack(at: Self.millis).coolantOutletTemperatures.isEmpty,
                "no coolant probe mapped: none sent")
        #expect(SignalSnapshot(VehicleRules(signals: SemanticMap()), edition: .v2025).items(atMillis: Self.millis).allSatisfy {
            switch $0 { case .hydrogenSystem, .fuelCellStacks: false; default: true }
        }, "no fuel-cell role, neither body")
    }

    static let signals = """
        signals:
          gear: { bus: can0, message: VCU_Status, signal: VCU_Gear, codes: { P: 0, R: 1, N: 2, D: 3, "1": 4 } }
          motor_state: { bus: can0, message: MCU_Status, signal: MCU_State, codes: { off: 0, consuming: 2, abnormal: 4 } }

    """

    @Test func theCodesDecodeAndAnUnknownNameIsAnErrorAtItsPosition() throws {
        let config = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + Self.signals, file: "candor.yaml", environment: [:])
        let map = config.vehicles[0].rules.signals
        #expect(map.gear?.codes.map(\.name) == ["P", "R", "N", "D", "1"])
        #expect(map.gear?.name(of: 4) == "1" && map.gear?.name(of: 3) == "D" && map.gear?.name(of: 9) == nil)
        #expect(map.motorState?.name(of: 4) == "abnormal" && map.motorState?.reference.signal == "MCU_State")
        #expect(map.references.contains { $0.signal == "VCU_Gear" } && map.references.contains { $0.signal == "MCU_State" })
        for (good, bad, message) in [("D: 3", "Drive: 3", "unknown code; expected one of N, 1, 2"),
                                     ("consuming: 2", "motoring: 2", "unknown code; expected one of consuming"),
                                     (", codes: { off: 0, consuming: 2, abnormal: 4 }", "", "codes")] {
            let error = configFailure(ConfigTests.minimal + "\n" + Self.signals.replacingOccurrences(of: good, with: bad), file: "candor.yaml")
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
            #expect((error?.line ?? 0) >= 7)
        }
    }
}
