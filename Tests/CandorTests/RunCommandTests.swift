import Foundation
import Testing

@Suite struct RunCommandTests {
    /// Without AF_CAN (or without the configured interface) `candor run` says which bus it
    /// could not open and exits 1; it never crashes and never reports readiness.
    @Test func aBusThatCannotBeOpenedFailsWithExitOne() throws {
        let candor = CandorExecutable.located()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulated = try candor.run(["simulate", "--vehicle", "van", "--duration", "5s", "--seed", "1", "--output", folder.path])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let result = try candor.run(["run", "--config", folder.appendingPathComponent("candor.yaml").path])
        print("candor run without the buses: status \(result.status), stderr: \(result.stderr)")
        #expect(!result.crashed)
        #expect(result.status == 1)
        #expect(result.stderr.contains("candor: run: cannot open can0"))
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
