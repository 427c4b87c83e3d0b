import Foundation
import GBT32960
@testable import Telemetry
import Testing
import TestSupport
@testable import Gateway

/// The storage voltage and temperature bodies (2016 0x08/0x09, 2025 0x07/0x08) from the
/// `cell_voltages` and `probe_temperatures` series: every cell and probe in the DBC's
/// numbering, invalid when never seen or stale, abnormal outside the table's range; 2016's
/// 200-cell records with their start index; the config's pattern, count and DBC checks.
@Suite struct GBT32960StorageSnapshotTests {
    static let second = GBT32960SnapshotTests.second
    static let millis = GBT32960SnapshotTests.millis

    static func window(_ message: String, _ signal: String, _ value: Double, at time: Int64 = GBT32960SnapshotTests.t0) -> SignalWindowRecord {
        SignalWindowRecord(vehicle: "bus01", bus: "can2", message: message, signal: signal, windowStart: time - second,
                           windowLength: second, count: 1, minimum: value, maximum: value, mean: value, last: value,
                           standardDeviation: 0, firstTime: time - second / 2, lastTime: time)
    }

    static func snapshot(_ edition: Edition, cells: Int = 450, probes: Int = 12) -> SignalSnapshot {
        var map = SemanticMap()
        map.packVoltage = SignalReference(bus: "can2", message: "BMS_Pack", signal: "BMS_PackVoltage")
        map.packCurrent = SignalReference(bus: "can2", message: "BMS_Pack", signal: "BMS_PackCurrent")
        map.packCurrentPositive = .charge
        map.cellVoltages = NumberedSignals(bus: "can2", message: "BMS_CellVoltages", pattern: "BMS_Cell###_V", count: cells)
        map.probeTemperatures = NumberedSignals(bus: "can2", message: "BMS_CellTemps", pattern: "BMS_Probe##_T", count: probes)
        return SignalSnapshot(VehicleRules(signals: map), edition: edition)
    }

    @Test func aSeriesNamesItsSignalsByNumberZeroPaddedToThePatternsWidth() {
        let cells = NumberedSignals(bus: "can2", message: "M", pattern: "BMS_Cell###_V", count: 1000)
        #expect(cells.name(1) == "BMS_Cell001_V" && cells.name(384) == "BMS_Cell384_V" && cells.name(1000) == "BMS_Cell1000_V")
        #expect(cells.references.count == 1000 && cells.references[41].signal == "BMS_Cell042_V")
        #expect(NumberedSignals(bus: "b", message: "m", pattern: "T#", count: 3).references.map(\.signal) == ["T1", "T2", "T3"])
        for bad in ["BMS_Cell_V", "BMS_#Cell#_V", "#a#"] { #expect(!NumberedSignals.isValidPattern(bad), "\(bad)") }
        for good in ["#", "Cell##", "##_V"] { #expect(NumberedSignals.isValidPattern(good), "\(good)") }
    }

    /// 2016: 450 cells → records of 200, 200 and 50 cells starting at 1, 201 and 401, each with
    /// the total 450 and the pack's voltage and current (discharge positive: the map's charge-
    /// positive current is negated). Unseen → 0xFFFF, 60.001 V → abnormal, stale → invalid.
    @Test func cellsGoInTwoHundredCellRecordsIn2016AndOneRecordIn2025() {
        let s = Self.snapshot(.v2016)
        s.update(Self.window("BMS_Pack", "BMS_PackVoltage", 1_440.2))
        s.update(Self.window("BMS_Pack", "BMS_PackCurrent", -120.5))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell001_V", 3.301))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell201_V", 3.287))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell450_V", 60.001))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell449_V", 3.2, at: GBT32960SnapshotTests.t0 - 6 * Self.second))
        let records = s.storageVoltages(at: Self.millis)
        #expect(records.map(\.cellVoltages.count) == [200, 200, 50] && records.map(\.firstCell) == [1, 201, 401])
        #expect(records.allSatisfy { $0.number == 1 && $0.totalCells == 450 })
        let f = SubsystemVoltage.Fields(.v2016)
        // 1440.2 V is over 2016's 1000 V: abnormal; the current 120.5 A discharge → 11205.
        #expect(records[0].voltage == 0xFFFE && records[0].current == 11_205)
        #expect(f.current.reading(UInt32(records[0].current)) == .value(120.5))
        #expect(records[0].cellVoltages[0] == 3_301 && records[1].cellVoltages[0] == 3_287)
        #expect(records[0].cellVoltages[1] == 0xFFFF, "never seen")
        #expect(records[2].cellVoltages[49] == 0xFFFE, "60.001 V is over the table's 60 V")
        #expect(records[2].cellVoltages[48] == 0xFFFF, "stale: 6 s old")
        #expect(s.storageVoltages(at: Self.millis + 5_001)[0].cellVoltages[0] == 0xFFFF, "stale after 5 s")
        let modern = Self.snapshot(.v2025)
        modern.update(Self.window("BMS_Pack", "BMS_PackVoltage", 1_440.2))
        modern.update(Self.window("BMS_CellVoltages", "BMS_Cell450_V", 3.4))
        let one = modern.storageVoltages(at: Self.millis)
        #expect(one.count == 1 && one[0].cellVoltages.count == 450 && one[0].cellVoltages[449] == 3_400)
        #expect(one[0].voltage == 14_402 && one[0].current == 0xFFFF, "2025: 0–6000 V; the current never seen")
    }

    @Test(arguments: [Edition.v2016, .v2025])
    func probesAreOneRecordOffsetByFortyWithTheSentinels(edition: Edition) throws {
        let s = Self.snapshot(edition)
        s.update(Self.window("BMS_CellTemps", "BMS_Probe01_T", 28))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe02_T", -40))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe12_T", 211))
        let records = s.storageTemperatures(at: Self.millis)
        #expect(records.count == 1 && records[0].number == 1)
        let probes = records[0].probeTemperatures
        #expect(probes.count == 12 && probes[0] == 68 && probes[1] == 0 && probes[2] == 0xFF && probes[11] == 0xFE)
        #expect(s.storageTemperatures(at: Self.millis + 5_001)[0].probeTemperatures[0] == 0xFF, "stale after 5 s")
        // Both bodies go into the report, after the alarm body, and the frame round-trips.
        let items = s.items(atMillis: Self.millis)
        let names = items.map { $0.typeCode(edition)! }
        #expect(Array(names.suffix(3)) == (edition == .v2016 ? [0x07, 0x08, 0x09] : [0x06, 0x07, 0x08]))
        let report = RealtimeReport(time: BeijingTime(unixSeconds: Self.millis / 1000), items: items)
        #expect(try RealtimeReport.decode(report.encode(edition: edition), edition: edition) == report)
        #expect(SignalSnapshot(VehicleRules(signals: SemanticMap()), edition: edition).items(atMillis: Self.millis).allSatisfy {
            switch $0 { case .subsystemVoltages, .subsystemTemperatures: false; default: true }
        }, "no series mapped, no storage bodies")
    }

    /// 2016's extreme values from the series: the highest and lowest cell and probe with
    /// subsystem 1 and their numbers (ties in the wire's step: the lowest number; over 250:
    /// abnormal); unseen and stale members left out; without a seen member, or without a series,
    /// the BMS's min/max signals with invalid numbers.
    @Test func extremeValuesComeWithTheSubsystemAndTheNumbersOfTheSeries() {
        let s = Self.snapshot(.v2016)
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell003_V", 3.3051))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell007_V", 3.3049))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell120_V", 3.301))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell300_V", 3.287))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell301_V", 2.1, at: GBT32960SnapshotTests.t0 - 6 * Self.second))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe05_T", 31))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe02_T", 31))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe09_T", 24))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe11_T", 24))
        let e = s.extremes(at: Self.millis)
        #expect(e.maxVoltageSubsystem == 1 && e.maxVoltageCell == 3 && e.maxVoltage == 3_305, "3.3051 and 3.3049 V are both 3.305: cell 3")
        #expect(e.minVoltageSubsystem == 1 && e.minVoltageCell == 0xFE && e.minVoltage == 3_287, "cell 300 is over 250; cell 301 stale")
        #expect(e.maxTemperatureSubsystem == 1 && e.maxTemperatureProbe == 2 && e.maxTemperature == 71)
        #expect(e.minTemperatureSubsystem == 1 && e.minTemperatureProbe == 9 && e.minTemperature == 64)
        // Stale series, and no series: the BMS's extreme signals, numbers invalid.
        var map = SemanticMap()
        map.maxCellVoltage = SignalReference(bus: "can2", message: "BMS_CellSummary", signal: "BMS_MaxCellVoltage")
        map.minCellTemperature = SignalReference(bus: "can2", message: "BMS_TempSummary", signal: "BMS_MinTemp")
        for (snapshot, at) in [(s, Self.millis + 5_001), (SignalSnapshot(VehicleRules(signals: map), edition: .v2016), Self.millis)] {
            let stale = snapshot.extremes(at: at)
            #expect(stale.maxVoltageSubsystem == 0xFF && stale.maxVoltageCell == 0xFF && stale.minVoltageCell == 0xFF)
            #expect(stale.maxTemperatureSubsystem == 0xFF && stale.maxTemperatureProbe == 0xFF && stale.minTemperatureProbe == 0xFF)
        }
        let signals = SignalSnapshot(VehicleRules(signals: map), edition: .v2016)
        signals.update(Self.window("BMS_CellSummary", "BMS_MaxCellVoltage", 3.41))
        signals.update(Self.window("BMS_TempSummary", "BMS_MinTemp", -5))
        let e2 = signals.extremes(at: Self.millis)
        #expect(e2.maxVoltage == 3_410 && e2.maxVoltageCell == 0xFF && e2.minTemperature == 35 && e2.minTemperatureProbe == 0xFF)
        #expect(e2.minVoltage == 0xFFFF && e2.maxTemperature == 0xFF, "unmapped")
    }

    static let series = """
        signals:
          cell_voltages: { bus: can0, message: BMS_CellVoltages, signal: "BMS_Cell###_V", count: 384 }
          probe_temperatures: { bus: can0, message: BMS_CellTemps, signal: "BMS_Probe##_T", count: 48, offset: 0.5 }

    """

    @Test func theConfigTakesAPatternAndACountAndChecksBoth() throws {
        let config = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + Self.series, file: "candor.yaml", environment: [:])
        let map = config.vehicles[0].rules.signals
        #expect(map.cellVoltages?.count == 384 && map.cellVoltages?.name(7) == "BMS_Cell007_V")
        #expect(map.probeTemperatures?.offset == 0.5 && map.probeTemperatures?.references.last?.signal == "BMS_Probe48_T")
        #expect(map.references.filter { $0.message == "BMS_CellVoltages" }.count == 384, "the mapped roles include every cell")
        for (good, bad, message) in [("\"BMS_Cell###_V\"", "BMS_Cell_V", "expected a signal name with one run of `#`"),
                                     ("count: 384", "count: 0", "expected a cell count"),
                                     ("count: 48", "count: 16001", "expected a probe count"),
                                     (", count: 384", "", "count")] {
            let error = configFailure(ConfigTests.minimal + "\n" + Self.series.replacingOccurrences(of: good, with: bad), file: "candor.yaml")
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
            #expect((error?.line ?? 0) >= 7)
        }
    }

    /// Every numbered signal must be in the DBC: the bus fixture with one cell more than its DBC has;
    /// likewise every storage subsystem's voltage and current.
    @Test func aNumberedSignalTheDBCLacksIsAnErrorNamingIt() throws {
        let fixture = PythonOracle.repositoryRoot.appendingPathComponent("Fixtures/captures/fleet/bus-c-wtvc").path
        let setup = try GatewaySetup.load(configFile: fixture + "/candor.yaml", environment: [:])
        let map = setup.layout.configuration.vehicles[0].rules.signals
        #expect(map.cellVoltages?.count == 384 && map.probeTemperatures?.count == 48)
        let directory = try TemporaryDirectory.make("gbt-storage-config")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["bus_powertrain_j1939.dbc", "bus_adas_fd.dbc", "bus_battery.dbc"] {
            try TestFile.write(try TestFile.read(fixture + "/" + name), to: directory + "/" + name)
        }
        let text = String(decoding: try TestFile.read(fixture + "/candor.yaml"), as: UTF8.self)
        // The second string takes the extra cell, so that the subsystems still cover the series.
        try TestFile.write(text.replacingOccurrences(of: "count: 384", with: "count: 385").replacingOccurrences(of: "last: 384", with: "last: 385"),
                           to: directory + "/candor.yaml")
        #expect {
            _ = try GatewaySetup.load(configFile: directory + "/candor.yaml", environment: [:])
        } throws: { error in
            "\(error)".contains("vehicles.bus01.signals.cell_voltages.signal: expected a signal of BMS_CellVoltages on can2, found \"BMS_Cell385_V\"")
        }
        // A subsystem's signal too, at its line: the bus's second string's current misspelled.
        #expect(map.storageSubsystems.map(\.cells) == [1...192, 193...384] && map.storageSubsystems.map(\.probes) == [1...24, 25...48])
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("signal: BMS_String2Current") }! + 1
        try TestFile.write(text.replacingOccurrences(of: "BMS_String2Current", with: "BMS_String3Current"), to: directory + "/candor.yaml")
        #expect {
            _ = try GatewaySetup.load(configFile: directory + "/candor.yaml", environment: [:])
        } throws: { error in
            "\(error)".contains("candor.yaml:\(line):")
                && "\(error)".contains("vehicles.bus01.signals.storage_subsystems.1.current.signal: expected a signal of BMS_StringStatus on can2, found \"BMS_String3Current\"")
        }
    }
}

/// The whole-vehicle body's DC-DC state (coded, several values to a name), insulation
/// resistance and pedals (2016 only) from their roles; sentinels when unmapped or stale.
@Suite struct GBT32960VehicleRolesTests {
    static let yaml = """
        signals:
          dcdc_state: { bus: can0, message: DCDC_Status, signal: DCDC_State, codes: { working: [1, 2], disconnected: 0, abnormal: 3 } }
          insulation_resistance: { bus: can0, message: BMS_Insulation, signal: BMS_InsulationResistance }
          accelerator_pedal: { bus: can0, message: VCU_Status, signal: VCU_AccelPedal }
          brake_pedal: { bus: can0, message: VCU_Status, signal: VCU_BrakePedal }

    """

    static func window(_ message: String, _ signal: String, _ value: Double) -> SignalWindowRecord {
        GBT32960SnapshotTests.window(message, signal, value)
    }

    @Test(arguments: [Edition.v2016, .v2025])
    func dcdcStateInsulationAndPedalsFillTheVehicleBody(edition: Edition) throws {
        let config = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + Self.yaml, file: "candor.yaml", environment: [:])
        let map = config.vehicles[0].rules.signals
        #expect(map.dcdcState?.codes.map(\.name) == ["working", "working", "disconnected", "abnormal"])
        #expect(map.references.contains { $0.signal == "BMS_InsulationResistance" } && map.references.contains { $0.signal == "DCDC_State" })
        let s = SignalSnapshot(VehicleRules(signals: map), edition: edition)
        let millis = GBT32960SnapshotTests.millis
        let unseen = s.vehicle(at: millis)
        #expect(unseen.dcdcState == 0xFF && unseen.accelerator == 0xFF && unseen.brake == 0xFF)
        #expect(unseen.insulation == 0xFFFF, "2016 defines no sentinel: all ones (out of range); 2025 invalid")
        for (raw, code) in [(1.0, UInt8(1)), (2, 1), (0, 2), (3, 0xFE), (7, 0xFE)] {
            s.update(Self.window("DCDC_Status", "DCDC_State", raw))
            #expect(s.vehicle(at: millis).dcdcState == code, "DCDC_State \(raw)")
        }
        s.update(Self.window("BMS_Insulation", "BMS_InsulationResistance", 3500))
        s.update(Self.window("VCU_Status", "VCU_AccelPedal", 42.4))
        s.update(Self.window("VCU_Status", "VCU_BrakePedal", 100))
        var v = s.vehicle(at: millis)
        #expect(v.insulation == 3500 && v.accelerator == 42 && v.brake == 100)
        s.update(Self.window("VCU_Status", "VCU_BrakePedal", 100.8))
        s.update(Self.window("BMS_Insulation", "BMS_InsulationResistance", 65_535))
        v = s.vehicle(at: millis)
        #expect(v.brake == 0xFE, "over 100 %: abnormal, never 101 (brake on, no travel)")
        #expect(v.insulation == (edition == .v2016 ? 0xFFFF : 0xFFFE), "over 60,000 kΩ")
        let stale = s.vehicle(at: millis + 5_001)
        #expect(stale.dcdcState == 0xFF && stale.accelerator == 0xFF && stale.brake == 0xFF && stale.insulation == 0xFFFF)
        // 2025's vehicle body has no pedals: the report round-trips without them.
        let report = RealtimeReport(time: BeijingTime(unixSeconds: millis / 1000), items: [.vehicle(v)])
        let decoded = try RealtimeReport.decode(report.encode(edition: edition), edition: edition)
        if case let .vehicle(back)? = decoded.items.first {
            #expect(back.dcdcState == 0xFE && back.insulation == v.insulation)
            #expect(edition == .v2025 || back.brake == 0xFE)
        } else { Issue.record("no vehicle body") }
        let empty = configFailure(ConfigTests.minimal + "\n" + Self.yaml.replacingOccurrences(of: "[1, 2]", with: "[]"), file: "candor.yaml")
        #expect(empty?.description.contains("expected a value or a non-empty list of values") == true, "\(String(describing: empty))")
    }

    /// Table 9's running mode: a signal's codes (a value no code names or named `abnormal` →
    /// 0xFE, stale → 0xFF), or one fixed mode; unmapped → 0xFF; both editions.
    @Test(arguments: [Edition.v2016, .v2025])
    func runningModeFromASignalsCodesOrFixed(edition: Edition) throws {
        let coded = "      running_mode: { bus: can0, message: FCU_Status, signal: FCU_State, codes: { hybrid: 2, electric: [0, 1, 3], abnormal: 4 } }\n"
        let config = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n    signals:\n" + coded, file: "candor.yaml", environment: [:])
        let map = config.vehicles[0].rules.signals
        #expect(map.keyedReferences.contains { $0.key == "running_mode" && $0.reference.signal == "FCU_State" })
        let s = SignalSnapshot(VehicleRules(signals: map), edition: edition)
        let millis = GBT32960SnapshotTests.millis
        #expect(s.vehicle(at: millis).runningMode == 0xFF, "not seen yet")
        for (raw, code) in [(2.0, UInt8(2)), (0, 1), (3, 1), (4, 0xFE), (6, 0xFE)] {
            s.update(Self.window("FCU_Status", "FCU_State", raw))
            #expect(s.vehicle(at: millis).runningMode == code, "FCU_State \(raw)")
        }
        #expect(s.vehicle(at: millis + 5_001).runningMode == 0xFF, "stale")
        for (mode, code) in [("electric", UInt8(1)), ("hybrid", 2), ("fuel", 3)] {
            let fixed = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n    signals:\n      running_mode: \(mode)\n", file: "candor.yaml", environment: [:])
            #expect(fixed.vehicles[0].rules.signals.runningMode == .fixed(mode))
            #expect(fixed.vehicles[0].rules.signals.keyedReferences.isEmpty, "a fixed mode maps no signal")
            let v = SignalSnapshot(VehicleRules(signals: fixed.vehicles[0].rules.signals), edition: edition).vehicle(at: millis)
            #expect(v.runningMode == code, "\(mode)")
            let report = RealtimeReport(time: BeijingTime(unixSeconds: millis / 1000), items: [.vehicle(v)])
            let decoded = try RealtimeReport.decode(report.encode(edition: edition), edition: edition)
            if case let .vehicle(back)? = decoded.items.first { #expect(back.runningMode == code) } else { Issue.record("no vehicle body") }
        }
        #expect(SignalSnapshot(VehicleRules(signals: SemanticMap()), edition: edition).vehicle(at: millis).runningMode == 0xFF, "unmapped")
        for (bad, message) in [("      running_mode: diesel\n", "expected one of"), ("      running_mode: abnormal\n", "expected one of"),
                               (coded.replacingOccurrences(of: "hybrid: 2", with: "range_extender: 2"), "unknown code")] {
            let error = configFailure(ConfigTests.minimal + "\n    signals:\n" + bad, file: "candor.yaml")
            #expect(error?.description.contains(message) == true && error?.keyPath.hasPrefix("vehicles.") == true, "\(String(describing: error))")
        }
    }
}
