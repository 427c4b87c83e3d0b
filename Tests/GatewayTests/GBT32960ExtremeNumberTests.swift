import FleetSimulator
import Foundation
import GBT32960
@testable import Telemetry
import Testing
import TestSupport
@testable import Gateway

/// 2016's extreme values (Table 16) from the BMS's own numbers of its extreme cells and probes
/// (`max_cell_voltage_number`…), for a vehicle whose DBC has no cell or probe series (the van,
/// the fuel-cell truck): subsystem 1 and the number while the number is fresh; invalid when it
/// is unmapped, not seen or stale; abnormal outside 1–250; a fresh series still wins.
@Suite struct GBT32960ExtremeNumberSnapshotTests {
    static let millis = GBT32960SnapshotTests.millis
    static let second = GBT32960SnapshotTests.second

    /// The van's BMS signals as its bundle's candor.yaml maps them.
    static let yaml = """
        signals:
          min_cell_voltage: { bus: can0, message: BMS_CellVoltage, signal: BMS_MinCellVoltage }
          max_cell_voltage: { bus: can0, message: BMS_CellVoltage, signal: BMS_MaxCellVoltage }
          max_cell_temperature: { bus: can0, message: BMS_Temperature, signal: BMS_MaxTemp }
          min_cell_temperature: { bus: can0, message: BMS_Temperature, signal: BMS_MinTemp }
          max_cell_voltage_number: { bus: can0, message: BMS_CellVoltage, signal: BMS_MaxCellIndex }
          min_cell_voltage_number: { bus: can0, message: BMS_CellVoltage, signal: BMS_MinCellIndex }
          max_cell_temperature_number: { bus: can0, message: BMS_Temperature, signal: BMS_MaxTempProbe }
          min_cell_temperature_number: { bus: can0, message: BMS_Temperature, signal: BMS_MinTempProbe }

    """

    static func map(_ yaml: String = yaml) throws -> SemanticMap {
        try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + yaml, file: "candor.yaml", environment: [:]).vehicles[0].rules.signals
    }

    static func window(_ message: String, _ signal: String, _ value: Double, age: Int64 = 0) -> SignalWindowRecord {
        GBT32960SnapshotTests.window(message, signal, value, at: GBT32960SnapshotTests.t0 - age * second)
    }

    /// The BMS's two frames: the extreme cells (V) and probes (°C) with their numbers.
    static func send(_ s: SignalSnapshot, cells: (max: Double, maxCell: Double, min: Double, minCell: Double),
                     probes: (max: Double, maxProbe: Double, min: Double, minProbe: Double), numbersAge: Int64 = 0) {
        s.update(window("BMS_CellVoltage", "BMS_MaxCellVoltage", cells.max))
        s.update(window("BMS_CellVoltage", "BMS_MinCellVoltage", cells.min))
        s.update(window("BMS_Temperature", "BMS_MaxTemp", probes.max))
        s.update(window("BMS_Temperature", "BMS_MinTemp", probes.min))
        s.update(window("BMS_CellVoltage", "BMS_MaxCellIndex", cells.maxCell, age: numbersAge))
        s.update(window("BMS_CellVoltage", "BMS_MinCellIndex", cells.minCell, age: numbersAge))
        s.update(window("BMS_Temperature", "BMS_MaxTempProbe", probes.maxProbe, age: numbersAge))
        s.update(window("BMS_Temperature", "BMS_MinTempProbe", probes.minProbe, age: numbersAge))
    }

    /// (subsystem, number) of the four sides: max cell, min cell, max probe, min probe.
    static func numbers(_ e: ExtremeValues) -> [[UInt8]] {
        [[e.maxVoltageSubsystem, e.maxVoltageCell], [e.minVoltageSubsystem, e.minVoltageCell],
         [e.maxTemperatureSubsystem, e.maxTemperatureProbe], [e.minTemperatureSubsystem, e.minTemperatureProbe]]
    }

    @Test func theFourNumberRolesAreKeysOfTheMapButNotOfTheUplinksMappedSignals() throws {
        let map = try Self.map()
        let keys = map.keyedReferences.map(\.key)
        // The BMS's four (numberKeys also holds the hydrogen system's three, which this map leaves out).
        let bms: Set = ["max_cell_voltage_number", "min_cell_voltage_number", "max_cell_temperature_number", "min_cell_temperature_number"]
        #expect(bms.isSubset(of: SemanticMap.numberKeys) && bms.allSatisfy(keys.contains), "\(keys)")
        #expect(map.maxCellTemperatureNumber?.signal == "BMS_MaxTempProbe" && map.minCellVoltageNumber?.signal == "BMS_MinCellIndex")
        let chosen = Set(map.references.map(\.signal))
        #expect(chosen == ["BMS_MinCellVoltage", "BMS_MaxCellVoltage", "BMS_MaxTemp", "BMS_MinTemp"],
                "a cell's number has no window statistic worth sending: \(chosen)")
        #expect(!SemanticMap.operationsKeys.contains { SemanticMap.numberKeys.contains($0) }, "telemetry does not read them")
        let error = configFailure(ConfigTests.minimal + "\n" + Self.yaml.replacingOccurrences(of: "max_cell_voltage_number:", with: "max_cell_number:"),
                                  file: "candor.yaml")
        #expect(error?.description.contains("unknown role") == true && error?.description.contains("max_cell_voltage_number") == true,
                "\(String(describing: error))")
    }

    @Test func theBMSsNumbersGoOutWithSubsystemOneWhileFreshElseInvalid() throws {
        let s = SignalSnapshot(VehicleRules(signals: try Self.map()), edition: .v2016)
        #expect(Self.numbers(s.extremes(at: Self.millis)) == Array(repeating: [0xFF, 0xFF], count: 4), "nothing seen")
        Self.send(s, cells: (3.342, 41, 3.291, 52), probes: (31.4, 11, 27.6, 2))
        let e = s.extremes(at: Self.millis)
        #expect(Self.numbers(e) == [[1, 41], [1, 52], [1, 11], [1, 2]])
        #expect(e.maxVoltage == 3_342 && e.minVoltage == 3_291 && e.maxTemperature == 71 && e.minTemperature == 68)
        // Table 16's range is 1–250: a BMS numbering 251 cells or saying 0 is abnormal, its subsystem still 1.
        Self.send(s, cells: (3.342, 251, 3.291, 250), probes: (31.4, 0, 27.6, 1))
        #expect(Self.numbers(s.extremes(at: Self.millis)) == [[1, 0xFE], [1, 250], [1, 0xFE], [1, 1]])
        // The numbers 6 s old, the values fresh: which cell is not known now.
        Self.send(s, cells: (3.342, 41, 3.291, 52), probes: (31.4, 11, 27.6, 2), numbersAge: 6)
        let stale = s.extremes(at: Self.millis)
        #expect(Self.numbers(stale) == Array(repeating: [0xFF, 0xFF], count: 4))
        #expect(stale.maxVoltage == 3_342 && stale.minTemperature == 68, "the values stay")
        #expect(Self.numbers(s.extremes(at: Self.millis + 5_001)) == Array(repeating: [0xFF, 0xFF], count: 4), "all stale")
        // Unmapped numbers: the values alone, numbers invalid.
        let valuesOnly = SignalSnapshot(VehicleRules(signals: try Self.map(Self.yaml.components(separatedBy: "\n")
            .filter { !$0.contains("_number:") }.joined(separator: "\n"))), edition: .v2016)
        Self.send(valuesOnly, cells: (3.342, 41, 3.291, 52), probes: (31.4, 11, 27.6, 2))
        let unmapped = valuesOnly.extremes(at: Self.millis)
        #expect(Self.numbers(unmapped) == Array(repeating: [0xFF, 0xFF], count: 4) && unmapped.maxVoltage == 3_342)
    }

    /// A fresh `cell_voltages` series stays the source of the voltage side (its number, not the
    /// BMS's); when none of its cells is fresh the BMS's value and number take over.
    @Test func aFreshSeriesWinsOverTheBMSsNumbers() throws {
        var map = try Self.map()
        map.cellVoltages = NumberedSignals(bus: "can0", message: "BMS_CellVoltages", pattern: "BMS_Cell###_V", count: 108)
        let s = SignalSnapshot(VehicleRules(signals: map), edition: .v2016)
        Self.send(s, cells: (3.342, 41, 3.291, 52), probes: (31.4, 11, 27.6, 2))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell007_V", 3.351))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell009_V", 3.280))
        let e = s.extremes(at: Self.millis)
        #expect(Self.numbers(e) == [[1, 7], [1, 9], [1, 11], [1, 2]], "cells from the series, probes from the BMS (no probe series)")
        #expect(e.maxVoltage == 3_351 && e.minVoltage == 3_280)
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell007_V", 3.351, age: 6))
        s.update(Self.window("BMS_CellVoltages", "BMS_Cell009_V", 3.280, age: 6))
        let fallback = s.extremes(at: Self.millis)
        #expect(Self.numbers(fallback) == [[1, 41], [1, 52], [1, 11], [1, 2]] && fallback.maxVoltage == 3_342)
    }
}

/// The van end to end (its bundle's candor.yaml maps the BMS's numbers): a simulated drive
/// replayed with `uplink.gbt32960` against the test platform; every report's extreme values
/// decoded by rtm_con (a separate process) against cantools' decode of the capture at the
/// report's instant — subsystem 1 and `BMS_MaxCellIndex`, `BMS_MinCellIndex`,
/// `BMS_MaxTempProbe`, `BMS_MinTempProbe` (the simulated BMS sends the numbers of the cells and
/// probes its model finds extreme) — and 0xFF where the BMS is silent or the numbers unmapped.
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["cantools", "rtm_con"])))
struct GBT32960ExtremeNumberServiceTests {
    /// rtm_con's field, the cantools signal it must equal, the tolerance (half a wire step).
    static let sides: [(field: String, signal: String, tolerance: Double)] = [
        ("max_volt_cell_index", "BMS_MaxCellIndex", 0), ("min_volt_cell_index", "BMS_MinCellIndex", 0),
        ("max_temp_cell_index", "BMS_MaxTempProbe", 0), ("min_temp_cell_index", "BMS_MinTempProbe", 0),
        ("max_cell_volt", "BMS_MaxCellVoltage", 0.0005), ("min_cell_volt", "BMS_MinCellVoltage", 0.0005),
        ("max_cell_temp", "BMS_MaxTemp", 0.5), ("min_cell_temp", "BMS_MinTemp", 0.5),
    ]
    static let subsystems = ["max_volt_pack_index", "min_volt_pack_index", "max_temp_pack_index", "min_temp_pack_index"]
    static let numbers = Array(sides.prefix(4).map(\.field))

    /// rtm_con's decode of each report's 0x06 body: field → its value, or "invalid" / "abnormal".
    static func rtmConExtremes(_ reports: [GBT32960PlatformProcess.Entry], python: String) throws -> [[String: Any]] {
        let script = """
            import json, sys
            from rtm_con import msg_checked
            fields = json.loads(sys.argv[1])
            def reading(item):
                return item.value if item.valid is True else ("abnormal" if item.valid is False else "invalid")
            out = []
            for line in sys.stdin:
                message = msg_checked.parse(bytes.fromhex(line.strip()))
                body = next(d.data_content for d in message.payload.data_list if int(d.data_type) == 6)
                out.append({f: reading(body[f]) for f in fields})
            print(json.dumps(out))
            """
        let fields = subsystems + sides.map(\.field)
        let result = try PythonOracle.run(python, script: script,
                                          arguments: [String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)],
                                          input: Data(reports.map { $0.hex! + "\n" }.joined().utf8), timeout: 120)
        #expect(result.status == 0, "\(result.errors)")
        return try #require(try JSONSerialization.jsonObject(with: result.output) as? [[String: Any]])
    }

    /// The van's 120 s drive with its BMS silent from 50 s for 20 s (`silent-ecu:BMS@50+20`).
    /// Reports up to 54 s and from 72 s: each number and value as cantools decodes the signal,
    /// subsystem 1; reports from 56 to 69 s (the BMS's last frame over 5 s old): all invalid.
    @Test func aVansReportsNameTheBMSsExtremeCellsAndProbesAsCantoolsDecodesThem() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let d = try GBT32960ServiceTests().drive("extreme-numbers", faults: [try FaultSpec(parsing: "silent-ecu:BMS@50+20")], python: python)
        let frames = try d.platform.acceptedFrames()
        let reports = frames.filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(reports.count >= 11)
        let expected = try GBT32960ServiceTests().cantoolsValues(at: reports.compactMap(\.time), bundle: d.bundle, python: python,
                                                                 signals: Self.sides.map(\.signal))
        let decoded = try Self.rtmConExtremes(reports, python: python)
        #expect(decoded.count == reports.count)
        var fresh = 0, silent = 0, seen: Set<String> = []
        for (entry, rtm) in zip(reports, decoded) {
            let time = entry.time!, offset = time - d.start
            let want = try #require(expected[String(time)], "no cantools values at \(time)")
            let message = try GBT32960ServiceTests.message(entry)
            guard case let .report(report) = message.payload,
                  case let .extremeValues(e)? = report.items.first(where: { if case .extremeValues = $0 { true } else { false } }) else {
                Issue.record("\(offset) s: no extreme values body")
                continue
            }
            let ours = [e.maxVoltageCell, e.minVoltageCell, e.maxTemperatureProbe, e.minTemperatureProbe]
            if (56...69).contains(offset) {
                #expect(Self.subsystems.allSatisfy { rtm[$0] as? String == "invalid" }, "\(offset) s, BMS silent: \(rtm)")
                #expect(Self.sides.allSatisfy { rtm[$0.field] as? String == "invalid" }, "\(offset) s, BMS silent: \(rtm)")
                #expect(ours == [0xFF, 0xFF, 0xFF, 0xFF])
                silent += 1
                continue
            }
            guard offset <= 54 || offset >= 72 else { continue }
            #expect(Self.subsystems.allSatisfy { rtm[$0] as? Int == 1 }, "\(offset) s: \(rtm)")
            for (i, side) in Self.sides.enumerated() {
                let wanted = try #require(want[side.signal], "\(offset) s: cantools saw no \(side.signal)")
                let got = rtm[side.field] as? Double ?? (rtm[side.field] as? Int).map(Double.init)
                #expect(got != nil && abs(got! - wanted) <= side.tolerance + 1e-9, "\(side.field) at \(offset) s: rtm_con \(String(describing: rtm[side.field])), cantools \(side.signal) \(wanted)")
                if i < 4 { #expect(Double(ours[i]) == wanted, "candor's \(side.field) at \(offset) s: \(ours[i]) vs cantools \(wanted)") }
            }
            seen.insert(Self.numbers.map { "\(rtm[$0]!)" }.joined(separator: "/"))
            if fresh == 0 {
                print("GBT32960 extreme numbers at \(offset) s: candor \(ours), rtm_con \(Self.sides.map { "\($0.field)=\(rtm[$0.field]!)" }), "
                      + "cantools \(Self.sides.map { "\($0.signal)=\(want[$0.signal]!)" })")
            }
            fresh += 1
        }
        print("GBT32960 extreme numbers: \(fresh) reports with the BMS's numbers equal to cantools' (max/min cell, max/min probe: \(seen.sorted())), \(silent) invalid while the BMS was silent")
        #expect(fresh >= reports.count - 3 && silent >= 1, "\(fresh) compared, \(silent) silent of \(reports.count)")
        try GBT32960ServiceTests().expectRtmConAgrees(frames, python: python)
    }

    /// The same van with the four number roles taken out of its candor.yaml: every report's
    /// numbers and subsystems invalid (0xFF), the values still cantools'.
    @Test func unmappedNumbersAreInvalidBesideTheValues() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let d = try GBT32960ServiceTests().drive("extreme-unmapped", seconds: 30, config: { yaml in
            yaml.components(separatedBy: "\n").filter { !$0.contains("_number: {") }.joined(separator: "\n")
        }, python: python)
        let reports = try d.platform.acceptedFrames().filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(reports.count >= 2)
        let expected = try GBT32960ServiceTests().cantoolsValues(at: reports.compactMap(\.time), bundle: d.bundle, python: python,
                                                                 signals: Self.sides.map(\.signal))
        for (entry, rtm) in zip(reports, try Self.rtmConExtremes(reports, python: python)) {
            let want = try #require(expected[String(entry.time!)])
            #expect((Self.subsystems + Self.numbers).allSatisfy { rtm[$0] as? String == "invalid" }, "\(rtm)")
            for side in Self.sides.dropFirst(4) {
                let got = rtm[side.field] as? Double ?? (rtm[side.field] as? Int).map(Double.init)
                #expect(got != nil && want[side.signal].map { abs(got! - $0) <= side.tolerance + 1e-9 } == true, "\(side.field): \(rtm)")
            }
        }
    }
}
