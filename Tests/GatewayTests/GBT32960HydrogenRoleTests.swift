@testable import GBT32960
@testable import Telemetry
import Testing
import TestSupport
@testable import Gateway

/// 2025's own hydrogen-system and stack roles (`hydrogen_remaining`, `hv_dcdc_temperature`,
/// `fuel_cell_hydrogen_inlet_pressure`, `fuel_cell_air_inlet_pressure`,
/// `fuel_cell_air_inlet_temperature`) in the bodies' units: fresh → the value; not seen, stale or
/// unmapped → the invalid sentinel; outside the field's range → abnormal.
@Suite struct GBT32960HydrogenRoleSnapshotTests {
    typealias T = GBT32960SnapshotTests
    static let roles: [(message: String, signal: String)] = [
        ("FCU_Supply", "FCU_H2SOC"), ("FDC_Thermal", "FDC_Temp"), ("FCU_Supply", "FCU_H2InletPressure"),
        ("FCU_Supply", "FCU_AirInletPressure"), ("FCU_Supply", "FCU_AirInletTemp"),
    ]

    static func map() -> SemanticMap {
        var map = SemanticMap()
        map.hydrogenRemaining = T.reference("FCU_Supply", "FCU_H2SOC")
        map.hvDCDCTemperature = T.reference("FDC_Thermal", "FDC_Temp")
        map.fuelCellHydrogenInletPressure = T.reference("FCU_Supply", "FCU_H2InletPressure")
        map.fuelCellAirInletPressure = T.reference("FCU_Supply", "FCU_AirInletPressure")
        map.fuelCellAirInletTemperature = T.reference("FCU_Supply", "FCU_AirInletTemp")
        return map
    }

    /// The five fields of a report made at `time` (ms): remaining, DC/DC temperature, hydrogen
    /// and air inlet pressures, air inlet temperature, as raw values.
    static func fields(_ s: SignalSnapshot, at time: Int64) -> [UInt32] {
        let h = s.hydrogenSystem(at: time), stack = s.fuelCellStack(at: time)
        return [UInt32(h.remaining), UInt32(h.dcdcTemperature), UInt32(stack.hydrogenInletPressure),
                UInt32(stack.airInletPressure), UInt32(stack.airInletTemperature)]
    }

    static let invalid: [UInt32] = [0xFF, 0xFF, 0xFFFF, 0xFFFF, 0xFF]

    @Test func freshValuesInTheBodiesUnitsStaleAndUnseenInvalid() throws {
        let s = SignalSnapshot(VehicleRules(signals: Self.map()), edition: .v2025)
        #expect(Self.fields(s, at: T.millis) == Self.invalid, "not seen yet")
        // 85.96 % → 86; 31 °C → 71; 45.4 kPa → 1454; 19.4 kPa → 1194; 29.6 °C → 70 (1 °C steps).
        for ((message, signal), value) in zip(Self.roles, [85.96, 31, 45.4, 19.4, 29.6]) { s.update(T.window(message, signal, value)) }
        #expect(Self.fields(s, at: T.millis) == [86, 71, 1_454, 1_194, 70])
        #expect(HydrogenSystem.Fields.remaining.reading(86) == .value(86))
        #expect(FuelCellStack.Fields.hydrogenInletPressure.reading(1_454) == .value(45.4))
        #expect(Self.fields(s, at: T.millis + 5_000) == [86, 71, 1_454, 1_194, 70], "5 s old: still fresh")
        #expect(Self.fields(s, at: T.millis + 5_001) == Self.invalid, "older than 5 s: invalid")
        // The newest value wins; a stack at rest reads the atmosphere (0 kPa gauge = raw 1000).
        s.update(T.window("FCU_Supply", "FCU_H2InletPressure", 0, at: T.t0 + T.second))
        #expect(Self.fields(s, at: T.millis + 1_000)[2] == 1_000)
        let report = RealtimeReport(time: BeijingTime(unixSeconds: T.millis / 1000), items: s.items(atMillis: T.millis))
        #expect(try RealtimeReport.decode(report.encode(edition: .v2025), edition: .v2025) == report)
    }

    /// Each field's range: remaining 0–100 %, temperatures −40…210 °C, pressures −100…400 kPa.
    @Test func valuesOutsideTheFieldsRangeAreAbnormal() {
        let s = SignalSnapshot(VehicleRules(signals: Self.map()), edition: .v2025)
        for ((message, signal), value) in zip(Self.roles, [100.4, 210, 400, -100, -40]) { s.update(T.window(message, signal, value)) }
        #expect(Self.fields(s, at: T.millis) == [100, 250, 5_000, 0, 0], "the ends of each range are values")
        for ((message, signal), value) in zip(Self.roles, [100.6, 211, 400.1, -100.1, -41]) { s.update(T.window(message, signal, value)) }
        #expect(Self.fields(s, at: T.millis) == [0xFE, 0xFE, 0xFFFE, 0xFFFE, 0xFE])
    }

    /// Unmapped → invalid beside the mapped fuel-cell values; any one of the five mapped alone
    /// sends 2025's two bodies, and none of them sends 2016's fuel-cell body (it has no such field).
    @Test func unmappedIsInvalidAndTheRolesSend2025sBodiesOnly() {
        var map = SemanticMap()
        map.fuelCellVoltage = T.reference("FCU_Status", "FCU_StackVoltage")
        let s = SignalSnapshot(VehicleRules(signals: map), edition: .v2025)
        s.update(T.window("FCU_Status", "FCU_StackVoltage", 300.9))
        #expect(s.fuelCellStack(at: T.millis).voltage == 3_009 && Self.fields(s, at: T.millis) == Self.invalid)
        func kinds(_ edition: Edition, _ map: SemanticMap) -> [UInt8] {
            SignalSnapshot(VehicleRules(signals: map), edition: edition).items(atMillis: T.millis).compactMap { $0.typeCode(edition) }
        }
        let maps: [SemanticMap] = (0..<5).map { i in
            var m = SemanticMap()
            let r = T.reference(Self.roles[i].message, Self.roles[i].signal)
            switch i {
            case 0: m.hydrogenRemaining = r
            case 1: m.hvDCDCTemperature = r
            case 2: m.fuelCellHydrogenInletPressure = r
            case 3: m.fuelCellAirInletPressure = r
            default: m.fuelCellAirInletTemperature = r
            }
            return m
        }
        for (i, m) in maps.enumerated() {
            #expect(kinds(.v2025, m).suffix(2) == [0x03, 0x30], "\(Self.roles[i].signal) alone: \(kinds(.v2025, m))")
            #expect(!kinds(.v2016, m).contains(0x03), "\(Self.roles[i].signal) alone sends no 2016 fuel-cell body")
        }
    }
    /// `hv_dcdc_state` (coded, as the truck's `FDC_State`: working 1, disconnected 0, abnormal 2):
    /// 2016's fuel-cell body and 2025's hydrogen-system body carry 1 working, 2 disconnected; a
    /// value named `abnormal` or named by no code → 0xFE; not seen, stale or unmapped → 0xFF.
    /// Mapped alone, it sends both editions' fuel-cell bodies.
    @Test func hvDCDCStateByItsCodesInBothEditions() {
        var map = SemanticMap()
        map.hvDCDCState = CodedReference(T.reference("FDC_Thermal", "FDC_State"),
                                         codes: [.init("working", 1), .init("disconnected", 0), .init("abnormal", 2)])
        for edition in [Edition.v2016, .v2025] {
            let s = SignalSnapshot(VehicleRules(signals: map), edition: edition)
            func state(at time: Int64 = T.millis) -> [UInt8] { [s.fuelCell(at: time).dcdcState, s.hydrogenSystem(at: time).dcdcState] }
            #expect(state() == [0xFF, 0xFF], "\(edition): not seen yet")
            for (raw, expected) in [(1.0, UInt8(1)), (0, 2), (2, 0xFE), (3, 0xFE)] {
                s.update(T.window("FDC_Thermal", "FDC_State", raw))
                #expect(state() == [expected, expected], "\(edition): raw \(raw)")
            }
            s.update(T.window("FDC_Thermal", "FDC_State", 1))
            #expect(state(at: T.millis + 5_000) == [1, 1], "5 s old: still fresh")
            #expect(state(at: T.millis + 5_001) == [0xFF, 0xFF], "older than 5 s: invalid")
            let kinds = s.items(atMillis: T.millis).compactMap { $0.typeCode(edition) }
            #expect(edition == .v2016 ? kinds.contains(0x03) : kinds.suffix(2) == [0x03, 0x30], "\(edition): \(kinds)")
        }
        var other = SemanticMap()
        other.fuelCellVoltage = T.reference("FCU_Status", "FCU_StackVoltage")
        let s = SignalSnapshot(VehicleRules(signals: other), edition: .v2016)
        s.update(T.window("FDC_Thermal", "FDC_State", 1))
        #expect(s.fuelCell(at: T.millis).dcdcState == 0xFF && s.hydrogenSystem(at: T.millis).dcdcState == 0xFF, "unmapped: invalid")
    }
}
