import FleetSimulator
import Foundation
@testable import GBT32960
import Testing
import TestSupport
@testable import Gateway

/// The fuel-cell truck's 2025 reports against cantools, with the FCU silent for a while and with
/// the five roles and `hv_dcdc_state` unmapped: the simulated drive (seed 32960) replayed to the test platform.
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["cantools", "rtm_con"])))
struct GBT32960HydrogenRoleServiceTests {
    typealias H = HydrogenSystem.Fields
    typealias S = FuelCellStack.Fields
    static let signals = ["FCU_H2SOC", "FDC_Temp", "FCU_H2InletPressure", "FCU_AirInletPressure", "FCU_AirInletTemp", "FDC_State"]

    /// The HV DC/DC state the truck's `hv_dcdc_state` codes give `FDC_State`'s raw value (cantools'):
    /// 1 (On) working → 1, 0 (Off) disconnected → 2, anything else abnormal → 0xFE.
    static func dcdcCode(_ raw: Double) -> UInt8 { raw == 1 ? 1 : raw == 0 ? 2 : 0xFE }

    /// The hydrogen-system body's HV DC/DC state byte of a report.
    static func dcdcState(_ entry: GBT32960PlatformProcess.Entry) throws -> UInt8? {
        guard case let .report(report) = try GBT32960ServiceTests.message(entry).payload else { return nil }
        for case let .hydrogenSystem(h) in report.items { return h.dcdcState }
        return nil
    }

    /// cantools (separate process) at each instant (Unix seconds): each signal's last value in
    /// a frame at or before it and that frame's time.
    func lastValues(at instants: [Int64], bundle: SimulatedBundle, python: String) throws -> [String: [String: [Double]]] {
        let script = """
            import cantools, json, sys
            db = cantools.database.load_file(sys.argv[1])
            wanted = set(json.loads(sys.argv[3]))
            instants = sorted(json.loads(sys.stdin.read()))
            last, out, i = {}, {}, 0
            for line in open(sys.argv[2]):
                stamp, bus, frame = line.split()
                sec, frac = stamp.strip("()").split(".")
                micros = int(sec) * 1000000 + int(frac.ljust(6, "0"))
                while i < len(instants) and instants[i] * 1000000 <= micros:
                    out[str(instants[i])] = dict(last); i += 1
                ident, data = frame.split("#")
                try:
                    message = db.get_message_by_frame_id(int(ident, 16))
                except KeyError:
                    continue
                if not wanted & {s.name for s in message.signals}:
                    continue
                for k, v in message.decode(bytes.fromhex(data), decode_choices=False).items():
                    if k in wanted:
                        last[k] = [float(v), micros / 1e6]
            while i < len(instants):
                out[str(instants[i])] = dict(last); i += 1
            print(json.dumps(out))
            """
        let bus = try #require(bundle.definition.buses.first)
        let arguments = [bundle.directory + "/" + bus.dbcFile, bundle.capture,
                         String(decoding: try JSONSerialization.data(withJSONObject: Self.signals), as: UTF8.self)]
        let result = try PythonOracle.run(python, script: script, arguments: arguments,
                                          input: try JSONSerialization.data(withJSONObject: instants), timeout: 300)
        #expect(result.status == 0, "\(result.errors)")
        return try #require(try JSONSerialization.jsonObject(with: result.output) as? [String: [String: [Double]]])
    }

    /// The five fields of a report, by cantools signal: the field and its raw value.
    static func fields(_ entry: GBT32960PlatformProcess.Entry) throws -> [(String, FieldSpec, UInt32)] {
        guard case let .report(report) = try GBT32960ServiceTests.message(entry).payload,
              case let .hydrogenSystem(h)? = report.items.suffix(2).first, case let .fuelCellStacks(stacks)? = report.items.last,
              let stack = stacks.first else {
            Issue.record("\(entry.time ?? 0): no 0x03 and 0x30 at the report's end")
            return []
        }
        return [("FCU_H2SOC", H.remaining, UInt32(h.remaining)), ("FDC_Temp", H.dcdcTemperature, UInt32(h.dcdcTemperature)),
                ("FCU_H2InletPressure", S.hydrogenInletPressure, UInt32(stack.hydrogenInletPressure)),
                ("FCU_AirInletPressure", S.airInletPressure, UInt32(stack.airInletPressure)),
                ("FCU_AirInletTemp", S.temperature, UInt32(stack.airInletTemperature))]
    }

    /// The FCU silent 40-55 s into a 90 s drive (its FDC still sending): each report's hydrogen
    /// remaining, HV DC/DC temperature, inlet pressures and air temperature equal cantools'
    /// newest value at the report's instant (half a wire step) while that value is at most 5 s
    /// old, and are the invalid sentinel when it is older.
    @Test func the2025FieldsAreCantoolsNewestValueWhileFreshInvalidWhenStale() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let d = try GBT32960ServiceTests().drive("h2-roles", vehicle: .fcev, seconds: 90, faults: [try FaultSpec(parsing: "silent-ecu:FCU@40+15")],
                                                 edition: "2025", python: python)
        let reports = try d.platform.acceptedFrames().filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(reports.count >= 8)
        let expected = try lastValues(at: reports.compactMap(\.time), bundle: d.bundle, python: python)
        var compared = 0, stale = 0, values: [String: [Double]] = [:], states: [UInt8] = []
        for entry in reports {
            let time = try #require(entry.time)
            let want = try #require(expected[String(time)])
            // The HV DC/DC state (the FDC's FDC_State, its FDC still sending): cantools' newest
            // raw value by the truck's codes while at most 5 s old, else invalid.
            let state = try #require(try Self.dcdcState(entry))
            if let last = want["FDC_State"], Double(time) - last[1] <= 5 {
                #expect(state == Self.dcdcCode(last[0]), "FDC_State at \(time): \(state) vs cantools \(last[0])")
            } else {
                #expect(state == 0xFF, "FDC_State at \(time): \(state), not invalid")
            }
            states.append(state)
            for (signal, field, raw) in try Self.fields(entry) {
                guard let last = want[signal] else { continue }
                let age = Double(time) - last[1]
                if age > 5 {
                    #expect(raw == field.invalidRaw, "\(signal) at \(time), \(age) s old: \(raw), not invalid")
                    stale += 1
                } else {
                    let got = field.reading(raw).value
                    #expect(got != nil && abs(got! - last[0]) <= field.halfStep + 1e-9, "\(signal) at \(time): \(String(describing: got)) vs cantools \(last[0])")
                    values[signal, default: []].append(got ?? .nan)
                    compared += 1
                }
            }
        }
        print("GBT32960 hydrogen roles (seed \(GBT32960ServiceTests.seed)): \(reports.count) reports, \(compared) values equal to cantools', \(stale) stale fields invalid; \(values); HV DC/DC states \(states)")
        #expect(states.contains(1), "the converter never worked while the stack ran")
        #expect(stale >= 4, "the FCU's silence left no report with stale fields")
        #expect(compared >= reports.count * 5 - 10)
        #expect((values["FCU_AirInletPressure"] ?? []).contains { $0 > 5 }, "the compressor never ran")
        #expect((values["FCU_H2SOC"] ?? []).allSatisfy { (80...90).contains($0) }, "the tank is 86 % full at the start")
    }

    /// The truck's config without the five roles: those fields invalid in every report, the
    /// stack's voltage still sent.
    @Test func unmappedRolesAreInvalidInEveryReport() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let keys = ["hydrogen_remaining", "hv_dcdc_temperature", "fuel_cell_hydrogen_inlet_pressure", "fuel_cell_air_inlet_pressure",
                    "fuel_cell_air_inlet_temperature", "hv_dcdc_state"]
        let d = try GBT32960ServiceTests().drive("h2-unmapped", vehicle: .fcev, seconds: 30, edition: "2025", config: { text in
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { line in !keys.contains { line.hasPrefix("      \($0): ") } }.joined(separator: "\n")
        }, python: python)
        let reports = try d.platform.acceptedFrames().filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(reports.count >= 2)
        for entry in reports {
            let fields = try Self.fields(entry)
            #expect(fields.count == 5 && fields.allSatisfy { $0.2 == $0.1.invalidRaw }, "\(entry.time ?? 0): \(fields.map(\.2))")
            #expect(try Self.dcdcState(entry) == 0xFF, "\(entry.time ?? 0): the HV DC/DC state unmapped, not invalid")
            guard case let .report(report) = try GBT32960ServiceTests.message(entry).payload,
                  case let .fuelCellStacks(stacks)? = report.items.last else { continue }
            #expect(stacks.first.map { $0.voltage != 0xFFFF } == true, "the stack's voltage is still mapped")
        }
    }
}

extension FieldSpec {
    /// Half of one step of the field: how far a value may be from what it codes.
    var halfStep: Double { 0.5 / divisor }
}
