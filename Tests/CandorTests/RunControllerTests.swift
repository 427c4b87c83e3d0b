import Foundation
import Testing

/// `controller: { configure: true }` is applied before any bus is opened: a missing
/// interface or a bad `controller:` value stops `candor run` with the reason.
@Suite struct RunControllerTests {
    static func config(in folder: URL, controller: String) throws -> String {
        let dbc = folder.appendingPathComponent("bench.dbc")
        try "VERSION \"\"\n\nBU_: ECU\n\nBO_ 256 STATUS: 8 ECU\n SG_ SPEED : 0|16@1+ (0.01,0) [0|655.35] \"km/h\" Vector__XXX\n"
            .write(to: dbc, atomically: true, encoding: .utf8)
        let yaml = """
            version: 1
            vehicles:
              bench:
                buses:
                  cannotexist9: { dbc: bench.dbc, bitrate: 250000, controller: \(controller) }
            """
        let file = folder.appendingPathComponent("candor.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func withFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-controller-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    @Test func configureOnAMissingInterfaceExitsOneBeforeOpening() throws {
        let result = try withFolder { folder in
            try CandorExecutable.located().run(["run", "--config", try Self.config(in: folder, controller: "{ configure: true, restart_ms: 100 }")])
        }
        print("stderr: \(result.stderr)")
        #expect(!result.crashed)
        #expect(result.status == 1)
        #expect(result.stderr.contains("candor: run: cannotexist9: no such interface; controller.configure needs it present at startup"))
        #expect(!result.stderr.contains("cannot open"), "configured before the sockets are opened")
    }

    @Test func aBadControllerValueIsAConfigError() throws {
        let result = try withFolder { folder in
            try CandorExecutable.located().run(["run", "--config", try Self.config(in: folder, controller: "{ restart_ms: 100 }")])
        }
        #expect(result.status == 2)
        #expect(result.stderr.contains("candor.yaml:5:"))
        #expect(result.stderr.contains("vehicles.bench.buses.cannotexist9.controller.restart_ms: restart_ms is applied only with `configure: true`"))
    }
}
