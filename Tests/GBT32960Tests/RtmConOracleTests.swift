import Foundation
import Testing
import TestSupport
@testable import GBT32960

/// rtm_con 1.0.4 (PyPI, GPL-2.0; installed by Tests/setup.sh into the test venv and run as a
/// separate process) decodes every frame candor's encoder produces — every message kind and
/// every body of both editions — and its values agree with candor's decode, field by field
/// (Tests/Oracle/gbt32960_rtm_con.py). Only the rtm_con deviations of the reference's §4.2
/// are whitelisted, by name.
@Suite struct RtmConOracleTests {
    static let script = PythonOracle.repositoryRoot.appendingPathComponent("Tests/Oracle/gbt32960_rtm_con.py").path

    /// Bodies rtm_con does not decode go last (it reads them and everything after as bytes);
    /// 2025 reports carry a signature block (rtm_con requires one) made of test bytes, and their
    /// fuel-cell and super-capacitor bodies hold no 0xFF byte (rtm_con's fallback stops at the first one).
    static func oracleMessages(seed: UInt64, rounds: Int) -> [Message] {
        var random = RandomMessages(seed: seed)
        var out: [Message] = []
        for _ in 0..<rounds {
            for edition in Edition.allCases {
                for var message in random.messages(edition) {
                    if case var .report(report) = message.payload {
                        let undecoded: (InfoItem) -> Bool = {
                            switch $0 {
                            case .fuelCell, .hydrogenSystem, .fuelCellStacks, .superCapacitor, .superCapacitorExtremes: true
                            default: false
                            }
                        }
                        report.items = report.items.filter { !undecoded($0) } + report.items.filter(undecoded)
                        if edition == .v2025 {
                            report.items = report.items.map { item in
                                var item = item
                                while undecoded(item) && { var w = WireWriter(); item.encode(to: &w, edition: .v2025); return w.bytes.contains(0xFF) }() {
                                    item = {
                                        switch item {
                                        case .hydrogenSystem: .hydrogenSystem(random.hydrogen())
                                        case .superCapacitor: .superCapacitor(random.superCapacitor())
                                        case .superCapacitorExtremes: .superCapacitorExtremes(random.superCapacitorExtremes())
                                        default: .fuelCellStacks(random.stacks())
                                        }
                                    }()
                                }
                                return item
                            }
                            report.signature = Signature(algorithm: 1, r: random.byteArray(32...32, max: 255), s: random.byteArray(32...32, max: 255))
                        }
                        message.payload = .report(report)
                    }
                    out.append(message)
                }
            }
        }
        return out
    }

    @Test func rtmConAgreesOnEveryFrameCandorEncodes() throws {
        guard let python = PythonOracle.find(importing: ["rtm_con", "construct"]) else { return }
        let seed: UInt64 = 0x3296_0C0D
        print("GBT32960 rtm_con oracle seed: 0x\(String(seed, radix: 16))")
        let messages = Self.oracleMessages(seed: seed, rounds: 12)
        var input = ""
        for message in messages {
            let bytes = message.frame.bytes
            input += hex(bytes) + "\t" + FrameInput.describe(LocatedFrame(bytes: bytes, checksumValid: true, location: [])).rendered + "\n"
        }
        // SIGALRM ends the oracle after 300 s whatever happens.
        let runner = "import runpy, signal, sys; signal.alarm(300); sys.argv = [sys.argv[1]]; runpy.run_path(sys.argv[0], run_name='__main__')"
        let result = try PythonOracle.run(python, script: runner, arguments: [Self.script], input: Data(input.utf8))
        #expect(result.status == 0, "rtm_con oracle: \(result.text) \(result.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: result.output) as? [String: Any], "\(result.errors)")
        print("GBT32960 rtm_con oracle: \(result.text)")
        #expect(summary["frames"] as? Int == messages.count)
        #expect(summary["mismatch_count"] as? Int == 0)
        #expect((summary["fields"] as? Int ?? 0) > 10_000)
        // Only the deviations the reference names.
        let allowed: Set = ["rtm_con_2016_storage_current_offset", "rtm_con_2016_fuel_cell_not_decoded",
                            "rtm_con_2025_fuel_cell_not_decoded", "rtm_con_2025_super_capacitor_not_decoded", "rtm_con_time_only_acks"]
        let whitelisted = Set((summary["whitelisted"] as? [String: Int] ?? [:]).keys)
        #expect(whitelisted.isSubset(of: allowed))
    }
}
