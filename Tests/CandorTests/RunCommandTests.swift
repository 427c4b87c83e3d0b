import Foundation
import Testing

@Suite struct RunCommandTests {
    /// The bus of the simulated config renamed to one no Linux machine can have (the kernel
    /// refuses interface names with a `:`), so that this holds on a host with AF_CAN and a
    /// can0 too: `candor run` says which bus it could not open and exits 1; it never crashes
    /// and never reports readiness.
    static let noSuchBus = "no:such:can"

    @Test func aBusThatCannotBeOpenedFailsWithExitOne() throws {
        let candor = CandorExecutable.located()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulated = try candor.run(["simulate", "--vehicle", "van", "--duration", "5s", "--seed", "1", "--output", folder.path])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let config = folder.appendingPathComponent("candor.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        #expect(text.contains("can0"))
        try text.replacingOccurrences(of: "can0", with: Self.noSuchBus).write(to: config, atomically: true, encoding: .utf8)
        let result = try candor.run(["run", "--config", config.path], timeout: 60)
        print("candor run without the buses: status \(result.status), stderr: \(result.stderr)")
        #expect(!result.crashed)
        #expect(result.status == 1)
        #expect(result.stderr.contains("candor: run: cannot open \(Self.noSuchBus)"))
    }

    @Test func helpShowsExamples() throws {
        let result = try CandorExecutable.located().run(["run", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("candor run --config /etc/candor/candor.yaml"))
    }

    @Test func aMissingConfigIsAnInputError() throws {
        let result = try CandorExecutable.located().run(["run", "--config", "/nonexistent/candor.yaml"])
        #expect(!result.crashed)
        #expect(result.status == 2)
    }
}
