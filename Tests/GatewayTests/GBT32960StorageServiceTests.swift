import FleetSimulator
import Foundation
@testable import GBT32960
import Testing
import TestSupport
@testable import Gateway

/// The bus's two parallel strings as two storage subsystems (`storage_subsystems` in the
/// bundle's candor.yaml): string 1 cells 1–192 and probes 1–24, string 2 cells 193–384 and probes
/// 25–48, each with its voltage and current from BMS_StringStatus; the 384 cell voltages (96
/// multiplexed groups of four) and 48 probe temperatures (8 groups of six). End to end: a simulated
/// drive replayed with `uplink.gbt32960` against the test platform, every report's storage bodies
/// against cantools' decode of the capture (the last frame carrying each signal before the
/// report's instant), and rtm_con decoding every frame (separate processes). Both editions: 2016
/// (0x08 one record of 192 cells per subsystem, start index 1, 0x09; the extreme values 0x06 with
/// the subsystem and the cell/probe number within it) and 2025 (0x07, 0x08).
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["cantools", "rtm_con"])))
struct GBT32960StorageServiceTests {
    static let cells = (1...384).map { String(format: "BMS_Cell%03d_V", $0) }
    static let probes = (1...48).map { String(format: "BMS_Probe%02d_T", $0) }
    /// Each subsystem's voltage and current signal, and its cells and probes (0-based ranges).
    static let strings = [(voltage: "BMS_String1Voltage", current: "BMS_String1Current", cells: 0..<192, probes: 0..<24),
                          (voltage: "BMS_String2Voltage", current: "BMS_String2Current", cells: 192..<384, probes: 24..<48)]

    /// The storage bodies of a report (none when it is not a report).
    static func storage(_ message: Message) -> [InfoItem] {
        guard case let .report(report) = message.payload else { return [] }
        return report.items.filter {
            switch $0 { case .subsystemVoltages, .subsystemTemperatures: true; default: false }
        }
    }

    @Test(arguments: ["2016", "2025"])
    func aBusReportsEveryCellAndProbeAsCantoolsDecodesThem(edition: String) throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let d = try GBT32960ServiceTests().drive("bus-\(edition)", vehicle: .bus, seconds: 60, edition: edition, python: python)
        let frames = try d.platform.acceptedFrames()
        let reports = frames.filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(reports.count >= 6)
        let expected = try GBT32960ServiceTests().cantoolsValues(at: reports.compactMap(\.time), bundle: d.bundle, python: python,
                                          signals: Self.cells + Self.probes + Self.strings.flatMap { [$0.voltage, $0.current] })
        let is2016 = edition == "2016"
        let f = SubsystemVoltage.Fields(is2016 ? .v2016 : .v2025), probe = SubsystemTemperature.probeTemperature
        var compared = 0, invalid = 0, extremes = 0, subsystems = 0
        for entry in reports {
            let time = entry.time!
            let want = try #require(expected[String(time)], "no cantools values at \(time)")
            var voltages: [SubsystemVoltage] = [], temperatures: [SubsystemTemperature] = []
            for item in Self.storage(try GBT32960ServiceTests.message(entry)) {
                if case let .subsystemVoltages(v) = item { voltages = v }
                if case let .subsystemTemperatures(t) = item { temperatures = t }
            }
            if is2016 { extremes += try Self.expectExtremes(of: try GBT32960ServiceTests.message(entry), want, at: time) }
            // One record per string: 192 cells (under 2016's 200, so no split), 24 probes.
            #expect(voltages.map(\.number) == [1, 2] && voltages.allSatisfy { $0.totalCells == 192 && $0.firstCell == 1 && $0.cellVoltages.count == 192 },
                    "\(time): \(voltages.map { ($0.number, $0.totalCells, $0.firstCell, $0.cellVoltages.count) })")
            #expect(temperatures.map(\.number) == [1, 2] && temperatures.allSatisfy { $0.probeTemperatures.count == 24 })
            guard voltages.count == 2, temperatures.count == 2 else { continue }
            var got: [(String, (FieldSpec, UInt32, Double))] = []
            for (k, string) in Self.strings.enumerated() {
                got += zip(Self.cells[string.cells], voltages[k].cellVoltages.map { (f.cellVoltage, UInt32($0), 0.0005) })
                got += zip(Self.probes[string.probes], temperatures[k].probeTemperatures.map { (probe, UInt32($0), 0.0) })
                got += [(string.voltage, (f.voltage, UInt32(voltages[k].voltage), 0.05)), (string.current, (f.current, UInt32(voltages[k].current), 0.05))]
                subsystems += 1
            }
            for (signal, (field, raw, tolerance)) in got {
                guard let value = want[signal] else {
                    // Not sent yet at the drive's first instants: the invalid sentinel.
                    #expect(field.reading(raw) == .invalid, "\(signal) at \(time): \(raw), cantools saw no frame")
                    invalid += 1
                    continue
                }
                let reading = field.reading(raw).value
                #expect(reading != nil && abs(reading! - value) <= tolerance + 1e-9, "\(signal) at \(time): \(field.reading(raw)) vs cantools \(value)")
                compared += 1
            }
        }
        print("GBT32960 storage \(edition): \(reports.count) reports, \(subsystems) subsystems, \(compared) cell/probe/string values equal to cantools', \(invalid) invalid (not yet sent)")
        #expect(subsystems == 2 * reports.count)
        #expect(compared >= (reports.count - 1) * 436, "\(compared) values compared in \(reports.count) reports")
        if is2016 {
            print("GBT32960 storage 2016: \(extremes) extreme values (value, subsystem, number) equal to the series' in cantools' decode")
            #expect(extremes >= (reports.count - 1) * 4, "\(extremes) extremes compared in \(reports.count) reports")
        }
        let summary = try GBT32960ServiceTests().expectRtmConAgrees(try frames.map(Self.withTestSignature), python: python)
        // Every cell and probe of every report was among the fields rtm_con compared.
        let fields = summary["fields"] as? Int ?? 0
        print("GBT32960 storage \(edition): rtm_con compared \(fields) fields, whitelisted \(summary["whitelisted"] ?? [:])")
        #expect(fields >= reports.count * 432, "rtm_con compared \(fields) fields in \(reports.count) reports")
    }

    /// 2016's extreme values (0x06) against cantools' cells and probes at the report's instant:
    /// the highest and lowest (in the wire's 1 mV / 1 °C steps; ties: the lowest number) with the
    /// subsystem (string) that holds it and its number within that string. How many of the four
    /// were compared (a side whose series cantools has not seen yet is skipped).
    static func expectExtremes(of message: Message, _ want: [String: Double], at time: Int64) throws -> Int {
        guard case let .report(report) = message.payload,
              case let .extremeValues(e)? = report.items.first(where: { if case .extremeValues = $0 { true } else { false } }) else {
            Issue.record("\(time): no extreme values body")
            return 0
        }
        typealias F = ExtremeValues.Fields
        var compared = 0
        for (names, perString, step, sides) in [
            (cells, 192, 1_000.0, [("max cell", e.maxVoltageSubsystem, e.maxVoltageCell, F.voltage.reading(UInt32(e.maxVoltage)), true),
                              ("min cell", e.minVoltageSubsystem, e.minVoltageCell, F.voltage.reading(UInt32(e.minVoltage)), false)]),
            (probes, 24, 1.0, [("max probe", e.maxTemperatureSubsystem, e.maxTemperatureProbe, F.temperature.reading(UInt32(e.maxTemperature)), true),
                           ("min probe", e.minTemperatureSubsystem, e.minTemperatureProbe, F.temperature.reading(UInt32(e.minTemperature)), false)]),
        ] {
            let seen = names.enumerated().compactMap { i, name in want[name].map { (number: i + 1, key: ($0 * step).rounded(), value: $0) } }
            guard !seen.isEmpty else { continue }
            for (side, subsystem, number, reading, highest) in sides {
                let key = highest ? seen.map(\.key).max()! : seen.map(\.key).min()!
                let first = seen.first { $0.key == key }!
                let string = (first.number - 1) / perString
                #expect(subsystem == UInt8(string + 1), "\(side) subsystem at \(time): \(subsystem), cantools' \(first.number)")
                #expect(number == UInt8(first.number - string * perString), "\(side) number at \(time): \(number), cantools \(first.number)")
                #expect(reading.value.map { abs($0 - first.value) <= 0.5 / step + 1e-9 } == true,
                        "\(side) at \(time): \(reading) vs cantools \(first.value)")
                compared += 1
            }
        }
        return compared
    }

    /// rtm_con parses a 2025 report only up to its signature block (0xFF …): without one it reads
    /// past the end. candor sends 2025 reports unsigned (no security chip, no fake signature),
    /// so for rtm_con alone each is re-framed with a block of test bytes after its bodies — the
    /// bodies' bytes unchanged. 2016 frames and everything else pass as sent.
    static func withTestSignature(_ entry: GBT32960PlatformProcess.Entry) throws -> GBT32960PlatformProcess.Entry {
        var message = try GBT32960ServiceTests.message(entry)
        guard message.edition == .v2025, case var .report(report) = message.payload, report.signature == nil else { return entry }
        report.signature = Signature(algorithm: 1, r: [UInt8](repeating: 0x5A, count: 32), s: [UInt8](repeating: 0xA5, count: 32))
        message.payload = .report(report)
        var signed = entry
        signed.hex = hex(message.frame.bytes)
        return signed
    }
}
