@testable import GBT32960
@testable import Telemetry
import Testing
import TestSupport
@testable import Gateway

/// The hydrogen system's numbers (`hydrogen_max_temperature_probe`,
/// `hydrogen_max_concentration_sensor`, `hydrogen_max_pressure_sensor`, as the truck's
/// `FCU_H2MaxTempProbe`, `FCU_H2MaxConcSensor`, `FCU_H2MaxPressSensor`) in 2016's fuel-cell body
/// (Table 12: 1–252) and 2025's hydrogen-system body (1–253): fresh → the number; not seen,
/// stale or unmapped → 0xFF; below 1 or beyond the table's range → 0xFE.
@Suite struct GBT32960HydrogenNumberSnapshotTests {
    typealias T = GBT32960SnapshotTests
    static let signals = ["FCU_H2MaxTempProbe", "FCU_H2MaxConcSensor", "FCU_H2MaxPressSensor"]

    static func map() -> SemanticMap {
        var map = SemanticMap()
        map.hydrogenMaxTemperatureProbe = T.reference("FCU_Hydrogen", signals[0])
        map.hydrogenMaxConcentrationSensor = T.reference("FCU_Hydrogen", signals[1])
        map.hydrogenMaxPressureSensor = T.reference("FCU_Hydrogen", signals[2])
        return map
    }

    /// The three numbers of a report made at `time` (ms), from the body of `edition`.
    static func numbers(_ s: SignalSnapshot, _ edition: Edition, at time: Int64) -> [UInt8] {
        if edition == .v2016 {
            let f = s.fuelCell(at: time)
            return [f.hydrogenMaxTemperatureProbe, f.hydrogenMaxConcentrationSensor, f.hydrogenMaxPressureSensor]
        }
        let h = s.hydrogenSystem(at: time)
        return [h.maxTemperatureProbe, h.maxConcentrationSensor, h.maxPressureSensor]
    }

    func update(_ s: SignalSnapshot, _ values: [Double], at time: Int64 = T.t0) {
        for (signal, value) in zip(Self.signals, values) { s.update(T.window("FCU_Hydrogen", signal, value, at: time)) }
    }

    @Test(arguments: Edition.allCases)
    func freshNumbersStaleAndUnseenInvalid(edition: Edition) throws {
        let s = SignalSnapshot(VehicleRules(signals: Self.map()), edition: edition)
        #expect(Self.numbers(s, edition, at: T.millis) == [0xFF, 0xFF, 0xFF], "not seen yet")
        update(s, [2, 1, 3])
        #expect(Self.numbers(s, edition, at: T.millis) == [2, 1, 3])
        #expect(Self.numbers(s, edition, at: T.millis + 5_000) == [2, 1, 3], "5 s old: still fresh")
        #expect(Self.numbers(s, edition, at: T.millis + 5_001) == [0xFF, 0xFF, 0xFF], "older than 5 s: invalid")
        // The newest value wins, and each role goes stale on its own.
        s.update(T.window("FCU_Hydrogen", Self.signals[0], 1, at: T.t0 + 3 * T.second))
        #expect(Self.numbers(s, edition, at: T.millis + 5_001) == [1, 0xFF, 0xFF])
        let kinds = s.items(atMillis: T.millis).compactMap { $0.typeCode(edition) }
        #expect(edition == .v2016 ? kinds.contains(0x03) : kinds.suffix(2) == [0x03, 0x30], "mapped alone, they send the fuel-cell bodies: \(kinds)")
        let report = RealtimeReport(time: BeijingTime(unixSeconds: T.millis / 1000), items: s.items(atMillis: T.millis))
        #expect(try RealtimeReport.decode(report.encode(edition: edition), edition: edition) == report)
    }

    /// 2016's Table 12 allows 1–252, 2025's 0x03 1–253: the ends are numbers, one beyond (and 0,
    /// and what rounds below 1) abnormal; a fraction rounds to the nearest number.
    @Test(arguments: Edition.allCases)
    func numbersOutsideTheTablesRangeAreAbnormal(edition: Edition) {
        let last: Double = edition == .v2016 ? 252 : 253
        let s = SignalSnapshot(VehicleRules(signals: Self.map()), edition: edition)
        update(s, [1, last, 2.4])
        #expect(Self.numbers(s, edition, at: T.millis) == [1, UInt8(last), 2], "the range's ends are numbers")
        update(s, [0, last + 1, 0.4])
        #expect(Self.numbers(s, edition, at: T.millis) == [0xFE, 0xFE, 0xFE])
        update(s, [-3, 1_000, 0.5])
        #expect(Self.numbers(s, edition, at: T.millis) == [0xFE, 0xFE, 1])
    }

    /// Identities, like the BMS's cell numbers: keys of the map, not among the signals the
    /// uplink's `signals: mapped` chooses (a window's mean of sensor numbers is no sensor).
    @Test func theNumbersAreKeysOfTheMapButNotOfTheUplinksMappedSignals() {
        let map = Self.map()
        let keys = ["hydrogen_max_temperature_probe", "hydrogen_max_concentration_sensor", "hydrogen_max_pressure_sensor"]
        #expect(map.keyedReferences.map(\.key) == keys)
        #expect(keys.allSatisfy(SemanticMap.numberKeys.contains) && map.references.isEmpty)
        #expect(!SemanticMap.operationsKeys.contains { keys.contains($0) }, "telemetry does not read them")
    }

    /// Unmapped → invalid beside mapped fuel-cell values, even when the signal is on the bus.
    @Test(arguments: Edition.allCases)
    func unmappedIsInvalid(edition: Edition) {
        var map = SemanticMap()
        map.hydrogenTemperature = T.reference("FCU_Hydrogen", "FCU_TankTemp")
        let s = SignalSnapshot(VehicleRules(signals: map), edition: edition)
        s.update(T.window("FCU_Hydrogen", "FCU_TankTemp", 21))
        update(s, [2, 1, 2])
        #expect(Self.numbers(s, edition, at: T.millis) == [0xFF, 0xFF, 0xFF])
        let temperature = edition == .v2016 ? FuelCell.Fields.maxTemperature.reading(UInt32(s.fuelCell(at: T.millis).hydrogenMaxTemperature))
            : HydrogenSystem.Fields.maxTemperature.reading(UInt32(s.hydrogenSystem(at: T.millis).maxTemperature))
        #expect(temperature == .value(21))
    }
}
