import Foundation
import Testing

/// Issue 10 through the command line: what a hostile but realistic user gives candor is a
/// clear error (exit 2) or a counted note, the same in every command.
@Suite struct HostileInputTests {
    static let bundle = FixturePaths.root.appendingPathComponent("Fixtures/captures/fleet/van-urban-faults")

    /// A scratch folder with the bundle's DBC and its config with `extra` appended.
    func folder(config extra: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.bundle.appendingPathComponent("van.dbc"), to: folder.appendingPathComponent("van.dbc"))
        let config = try String(contentsOf: Self.bundle.appendingPathComponent("candor.yaml"), encoding: .utf8)
        try (config + "\n" + extra).write(to: folder.appendingPathComponent("candor.yaml"), atomically: true, encoding: .utf8)
        try "(1700000000.000000) can0 123#11\n".write(
            to: folder.appendingPathComponent("one.log"), atomically: true, encoding: .utf8)
        return folder
    }

    /// `localhost:9464` once passed `replay --config` and made `run` exit 1: one validation now.
    @Test func replayAndRunRefuseTheSameListenAddress() throws {
        let candor = CandorExecutable.located()
        let folder = try folder(config: "sinks:\n  prometheus: { listen: \"localhost:9464\" }\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("candor.yaml").path
        let replay = try candor.run(["replay", "--config", config, folder.appendingPathComponent("one.log").path])
        let run = try candor.run(["run", "--config", config])
        for (name, result) in [("replay", replay), ("run", run)] {
            print("\(name): status \(result.status), stderr: \(result.stderr)")
            #expect(!result.crashed)
            #expect(result.status == 2, "\(name)")
            #expect(result.stderr.contains("sinks.prometheus.listen: expected an IPv4 address and a port"), "\(name)")
        }
    }
}
