import FleetSimulator
import Foundation
@testable import GBT32960
import Testing
import TestSupport
@testable import Gateway

/// The bus's 384 cell voltages (96 multiplexed groups of four) and 48 probe temperatures (8
/// groups of six) end to end: a simulated drive replayed with `uplink.gbt32960` against the
/// test platform, every report's storage bodies against cantools' decode of the capture (the
/// last frame carrying each cell before the report's instant), and rtm_con decoding every frame
/// (separate processes). Both editions: 2016 (0x08 in records of 200 cells with their start
/// index, 0x09; the extreme values 0x06 with the subsystem and the cell/probe numbers) and 2025
/// (0x07 one record, 0x08).
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["cantools", "rtm_con"])))
struct GBT32960StorageServiceTests {
    static let cells = (1...384).map { String(format: "BMS_Cell%03d_V", $0) }
    static let probes = (1...48).map { String(format: "BMS_Probe%02d_T", $0) }

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
                                          signals: Self.cells + Self.probes + ["BMS_PackVoltage", "BMS_PackCurrent"])
        let is2016 = edition == "2016"
        let f = SubsystemVoltage.Fields(is2016 ? .v2016 : .v2025), probe = SubsystemTemperature.probeTemperature
        var compared = 0, invalid = 0, extremes = 0
        for entry in reports {
            let time = entry.time!
            let want = try #require(expected[String(time)], "no cantools values at \(time)")
            var voltages: [SubsystemVoltage] = [], temperatures: [SubsystemTemperature] = []
            for item in Self.storage(try GBT32960ServiceTests.message(entry)) {
                if case let .subsystemVoltages(v) = item { voltages = v }
                if case let .subsystemTemperatures(t) = item { temperatures = t }
            }
            if is2016 { extremes += try Self.expectExtremes(of: try GBT32960ServiceTests.message(entry), want, at: time) }
            #expect(voltages.allSatisfy { $0.number == 1 && $0.totalCells == 384 })
            #expect(voltages.map(\.firstCell) == (is2016 ? [1, 201] : [1]) && voltages.map(\.cellVoltages.count) == (is2016 ? [200, 184] : [384]),
                    "\(time): \(voltages.map { ($0.firstCell, $0.cellVoltages.count) })")
            #expect(temperatures.count == 1 && temperatures.first?.number == 1 && temperatures.first?.probeTemperatures.count == 48)
            let got: [(String, (FieldSpec, UInt32, Double))] = Array(zip(Self.cells, voltages.flatMap(\.cellVoltages).map { (f.cellVoltage, UInt32($0), 0.0005) }))
                + Array(zip(Self.probes, (temperatures.first?.probeTemperatures ?? []).map { (probe, UInt32($0), 0.0) }))
                + Array(zip(["BMS_PackVoltage", "BMS_PackCurrent"], voltages.prefix(1).flatMap { [(f.voltage, UInt32($0.voltage), 0.05), (f.current, UInt32($0.current), 0.05)] }))
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
        print("GBT32960 storage \(edition): \(reports.count) reports, \(compared) cell/probe/pack values equal to cantools', \(invalid) invalid (not yet sent)")
        #expect(compared >= (reports.count - 1) * 434, "\(compared) values compared in \(reports.count) reports")
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
    /// the highest and lowest (in the wire's 1 mV / 1 °C steps; ties: the lowest number) with
    /// subsystem 1 and their number, or abnormal for a number over Table 16's 250. How many of
    /// the four were compared (a side whose series cantools has not seen yet is skipped).
    static func expectExtremes(of message: Message, _ want: [String: Double], at time: Int64) throws -> Int {
        guard case let .report(report) = message.payload,
              case let .extremeValues(e)? = report.items.first(where: { if case .extremeValues = $0 { true } else { false } }) else {
            Issue.record("\(time): no extreme values body")
            return 0
        }
        typealias F = ExtremeValues.Fields
        var compared = 0
        for (names, step, sides) in [
            (cells, 1_000.0, [("max cell", e.maxVoltageSubsystem, e.maxVoltageCell, F.voltage.reading(UInt32(e.maxVoltage)), true),
                              ("min cell", e.minVoltageSubsystem, e.minVoltageCell, F.voltage.reading(UInt32(e.minVoltage)), false)]),
            (probes, 1.0, [("max probe", e.maxTemperatureSubsystem, e.maxTemperatureProbe, F.temperature.reading(UInt32(e.maxTemperature)), true),
                           ("min probe", e.minTemperatureSubsystem, e.minTemperatureProbe, F.temperature.reading(UInt32(e.minTemperature)), false)]),
        ] {
            let seen = names.enumerated().compactMap { i, name in want[name].map { (number: i + 1, key: ($0 * step).rounded(), value: $0) } }
            guard !seen.isEmpty else { continue }
            for (side, subsystem, number, reading, highest) in sides {
                let key = highest ? seen.map(\.key).max()! : seen.map(\.key).min()!
                let first = seen.first { $0.key == key }!
                #expect(subsystem == 1, "\(side) subsystem at \(time): \(subsystem)")
                #expect(number == (first.number <= 250 ? UInt8(first.number) : 0xFE), "\(side) number at \(time): \(number), cantools \(first.number)")
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
