import Foundation
import GBT32960
@testable import Telemetry
import Testing
import TestSupport
@testable import Gateway

/// `signals.storage_subsystems`: strings in parallel reported as storage subsystems 1, 2, …, each
/// with its own voltage and current and its share of the cells and probes, in both editions'
/// storage bodies (2016 0x08/0x09 with the 200-cell split per subsystem, 2025 0x07/0x08) and in
/// 2016's extreme values; the config's checks of the slices, with their positions.
@Suite struct GBT32960StorageSubsystemTests {
    static let millis = GBT32960SnapshotTests.millis
    static let second = GBT32960SnapshotTests.second

    /// 384 cells: subsystem 1 has cells 1–134 and probes 1–5, subsystem 2 cells 135–384 (250:
    /// two 2016 records) and probes 6–12. Subsystem 2's current is positive on charge.
    static let yaml = """
        signals:
          pack_voltage: { bus: can2, message: BMS_Pack, signal: BMS_PackVoltage }
          pack_current: { bus: can2, message: BMS_Pack, signal: BMS_PackCurrent, positive: discharge }
          storage_subsystems:
            - voltage: { bus: can2, message: BMS_Strings, signal: BMS_S1_V }
              current: { bus: can2, message: BMS_Strings, signal: BMS_S1_I, positive: discharge }
              cells: { first: 1, last: 134 }
              probes: { first: 1, last: 5 }
            - voltage: { bus: can2, message: BMS_Strings, signal: BMS_S2_V }
              current: { bus: can2, message: BMS_Strings, signal: BMS_S2_I, positive: charge }
              cells: { first: 135, last: 384 }
              probes: { first: 6, last: 12 }
          cell_voltages: { bus: can2, message: BMS_CellVoltages, signal: "BMS_Cell###_V", count: 384 }
          probe_temperatures: { bus: can2, message: BMS_CellTemps, signal: "BMS_Probe##_T", count: 12 }

    """

    static func snapshot(_ edition: Edition, yaml: String = yaml) throws -> SignalSnapshot {
        let config = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + yaml, file: "candor.yaml", environment: [:])
        return SignalSnapshot(config.vehicles[0].rules, edition: edition)
    }

    static func window(_ message: String, _ signal: String, _ value: Double, at time: Int64 = GBT32960SnapshotTests.t0) -> SignalWindowRecord {
        GBT32960StorageSnapshotTests.window(message, signal, value, at: time)
    }

    @Test func theConfigListsTheSubsystemsInOrderWithTheirSlices() throws {
        let config = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + Self.yaml, file: "candor.yaml", environment: [:])
        let list = config.vehicles[0].rules.signals.storageSubsystems
        #expect(list.map(\.cells) == [1...134, 135...384] && list.map(\.probes) == [1...5, 6...12])
        #expect(list.map(\.voltage.signal) == ["BMS_S1_V", "BMS_S2_V"] && list.map(\.currentPositive) == [.discharge, .charge])
        #expect(config.vehicles[0].rules.signals.references.suffix(4).map(\.signal) == ["BMS_S1_V", "BMS_S1_I", "BMS_S2_V", "BMS_S2_I"],
                "the subsystems' signals are mapped roles")
    }

    /// 2016: subsystem 1 one record of 134 cells; subsystem 2 records of 200 and 50 cells starting
    /// at 1 and 201 of its own numbering, each with the subsystem's count 250, voltage and current.
    /// 2025: one record per subsystem. Unseen, stale and out-of-range values are the sentinels.
    @Test(arguments: [Edition.v2016, .v2025])
    func eachSubsystemHasItsVoltageCurrentAndCells(edition: Edition) throws {
        let s = try Self.snapshot(edition)
        s.update(Self.window("BMS_Pack", "BMS_PackVoltage", 620.4))
        s.update(Self.window("BMS_Pack", "BMS_PackCurrent", 80))
        s.update(Self.window("BMS_Strings", "BMS_S1_V", 620.1))
        s.update(Self.window("BMS_Strings", "BMS_S1_I", 41.2))
        s.update(Self.window("BMS_Strings", "BMS_S2_V", 619.8))
        s.update(Self.window("BMS_Strings", "BMS_S2_I", -38.8))  // charge-positive: 38.8 A discharge
        for (n, v) in [(1, 3.301), (134, 3.299), (135, 3.288), (334, 3.312), (335, 3.305), (384, 3.297)] {
            s.update(Self.window("BMS_CellVoltages", String(format: "BMS_Cell%03d_V", n), v))
        }
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell200_V", 3.2, at: GBT32960SnapshotTests.t0 - 6 * Self.second))
        let f = SubsystemVoltage.Fields(edition)
        let records = s.storageVoltages(at: Self.millis)
        if edition == .v2016 {
            #expect(records.map(\.number) == [1, 2, 2] && records.map(\.firstCell) == [1, 1, 201])
            #expect(records.map(\.cellVoltages.count) == [134, 200, 50] && records.map(\.totalCells) == [134, 250, 250])
        } else {
            #expect(records.map(\.number) == [1, 2] && records.map(\.cellVoltages.count) == [134, 250])
        }
        let one = records[0], two = Array(records.dropFirst())
        #expect(f.voltage.reading(UInt32(one.voltage)) == .value(620.1) && f.current.reading(UInt32(one.current)) == .value(41.2))
        #expect(two.allSatisfy { f.voltage.reading(UInt32($0.voltage)) == .value(619.8) && f.current.reading(UInt32($0.current)) == .value(38.8) })
        let cells2 = two.flatMap(\.cellVoltages)
        #expect(one.cellVoltages[0] == 3_301 && one.cellVoltages[133] == 3_299 && one.cellVoltages[1] == 0xFFFF)
        #expect(cells2[0] == 3_288 && cells2[199] == 3_312 && cells2[200] == 3_305 && cells2[249] == 3_297)
        #expect(cells2[65] == 0xFFFF, "cell 200 (subsystem 2's 66th) is 6 s old: stale")
        let later = s.storageVoltages(at: Self.millis + 5_001)
        #expect(later.allSatisfy { $0.voltage == 0xFFFF && $0.current == 0xFFFF && $0.cellVoltages.allSatisfy { $0 == 0xFFFF } })
        // The whole-vehicle body still carries the pack's.
        #expect(VehicleData.Fields(edition).current.reading(UInt32(s.vehicle(at: Self.millis).current)) == .value(80))
        // Probes: 5 and 7, in their subsystems.
        s.update(Self.window("BMS_CellTemps", "BMS_Probe05_T", 31))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe06_T", 29))
        let t = s.storageTemperatures(at: Self.millis)
        #expect(t.map(\.number) == [1, 2] && t.map(\.probeTemperatures.count) == [5, 7])
        #expect(t[0].probeTemperatures[4] == 71 && t[1].probeTemperatures[0] == 69 && t[0].probeTemperatures[0] == 0xFF)
        // The report round-trips in the edition's layout.
        let report = RealtimeReport(time: BeijingTime(unixSeconds: Self.millis / 1000), items: s.items(atMillis: Self.millis))
        #expect(try RealtimeReport.decode(report.encode(edition: edition), edition: edition) == report)
    }

    /// 2016's extreme values name the subsystem holding the cell (probe) and its number within it:
    /// from the series, and from the BMS's own pack-wide numbers alike.
    @Test func extremeValuesNameTheSubsystemAndTheNumberWithinIt() throws {
        let s = try Self.snapshot(.v2016)
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell010_V", 3.280))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell384_V", 3.340))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe12_T", 33))
        s.update(Self.window("BMS_CellTemps", "BMS_Probe05_T", 22))
        let e = s.extremes(at: Self.millis)
        #expect(e.maxVoltageSubsystem == 2 && e.maxVoltageCell == 250 && e.maxVoltage == 3_340, "cell 384 is subsystem 2's 250th")
        #expect(e.minVoltageSubsystem == 1 && e.minVoltageCell == 10)
        #expect(e.maxTemperatureSubsystem == 2 && e.maxTemperatureProbe == 7 && e.minTemperatureSubsystem == 1 && e.minTemperatureProbe == 5)
        let numbers = """
            signals:
              max_cell_voltage: { bus: can2, message: BMS_CellSummary, signal: BMS_MaxCellVoltage }
              max_cell_voltage_number: { bus: can2, message: BMS_CellSummary, signal: BMS_MaxCellNo }
              min_cell_voltage_number: { bus: can2, message: BMS_CellSummary, signal: BMS_MinCellNo }
              storage_subsystems:
                - voltage: { bus: can2, message: BMS_Strings, signal: BMS_S1_V }
                  current: { bus: can2, message: BMS_Strings, signal: BMS_S1_I, positive: discharge }
                  cells: { first: 1, last: 192 }
                - voltage: { bus: can2, message: BMS_Strings, signal: BMS_S2_V }
                  current: { bus: can2, message: BMS_Strings, signal: BMS_S2_I, positive: discharge }
                  cells: { first: 193, last: 384 }
              cell_voltages: { bus: can2, message: BMS_CellVoltages, signal: "BMS_Cell###_V", count: 384 }

        """
        // No cell seen: the BMS's numbers, placed in their subsystem; one past the series as it is.
        let bms = try Self.snapshot(.v2016, yaml: numbers)
        bms.update(Self.window("BMS_CellSummary", "BMS_MaxCellNo", 300))
        bms.update(Self.window("BMS_CellSummary", "BMS_MinCellNo", 400))
        let b = bms.extremes(at: Self.millis)
        #expect(b.maxVoltageSubsystem == 2 && b.maxVoltageCell == 108 && b.maxVoltage == 0xFFFF, "cell 300 is subsystem 2's 108th")
        #expect(b.minVoltageSubsystem == 1 && b.minVoltageCell == 0xFE, "400 is in no subsystem: over 250, abnormal")
    }

    /// A bad list is an error at the line and column of what is wrong.
    @Test func badSubsystemsAreConfigErrorsAtTheirPosition() {
        let cases: [(String, String, String, Int)] = [
            ("last: 134 }", "last: 135 }", "subsystem 2's cells 135–384 overlap subsystem 1's 1–135", 16),
            ("first: 6, last: 12", "first: 6, last: 13", "expected a number of `probe_temperatures` from 1 to 12, found 13", 17),
            ("first: 135, last: 384", "first: 136, last: 384", "cell 135 is in no subsystem", 10),
            ("first: 1, last: 5", "first: 5, last: 4", "expected last ≥ first (5), found 4", 13),
            (", positive: charge", "", "missing required key `positive`", 15),
            ("      probe_temperatures:", "      #probe_temperatures:", "`probes` needs `signals.probe_temperatures`", 13),
            ("          probes: { first: 1, last: 5 }\n", "          probes: { first: 1, last: 5 }\n          spare: 1\n",
             "spare", 14),
        ]
        for (good, bad, message, line) in cases {
            let yaml = Self.yaml.replacingOccurrences(of: good, with: bad)
            #expect(yaml != Self.yaml, "\(good)")
            let error = configFailure(ConfigTests.minimal + "\n" + yaml, file: "candor.yaml")
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
            #expect(error?.line == line, "\(message): \(String(describing: error))")
        }
        let none = configFailure(ConfigTests.minimal + "\n" + "    signals:\n      storage_subsystems: []\n", file: "candor.yaml")
        #expect(none?.description.contains("1 to 50 subsystems") == true, "\(String(describing: none))")
    }
}
