import Foundation
import Gateway
import Synchronization
import Testing

/// Deep, explosive or huge YAML is a config error with a position, never a crash or a
/// runaway allocation (issue 10, item 2); the daemon's reload reads through the same limits.
@Suite struct ConfigLimitsTests {
    func failure(_ yaml: String) -> ConfigError? { configFailure(yaml, file: "deep.yaml") }

    @Test(arguments: [5_000, 20_000])
    func deepFlowNestingIsAnErrorAtItsPosition(depth: Int) {
        let yaml = "version: 1\nvehicles: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let error = failure(yaml)
        #expect(error?.message.contains("nested deeper than 64 levels") == true, "\(String(describing: error))")
        #expect(error?.line == 2)
        #expect((error?.column ?? 0) > 11 && (error?.column ?? 0) < 11 + 64)
    }

    @Test func deepBlockNestingIsAnError() {
        let compact = "version: 1\nvehicles:\n" + String(repeating: "- ", count: 5_000) + "x\n"
        #expect(failure(compact)?.message.contains("nested deeper") == true)
        var indented = "version: 1\nvehicles:\n"
        for level in 0..<200 { indented += String(repeating: " ", count: level + 1) + "k\(level):\n" }
        let error = failure(indented)
        #expect(error?.message.contains("nested deeper") == true)
        #expect((error?.line ?? 0) > 3)
    }

    @Test func aliasBombIsRefusedQuickly() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            yaml += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        yaml = "version: 1\nvehicles: {}\n" + yaml
        let clock = ContinuousClock()
        let started = clock.now
        let error = failure(yaml)
        #expect(error?.message.contains("aliases are expanded") == true, "\(String(describing: error))")
        #expect(clock.now - started < .seconds(5))
    }

    @Test func oversizedDocumentIsRefused() {
        let yaml = "version: 1\n# " + String(repeating: "x", count: 5 << 20) + "\n"
        #expect(failure(yaml)?.message.contains("larger than 4 MiB") == true)
    }

    @Test func ordinaryConfigsWithAnchorsPass() throws {
        let yaml = """
            version: 1
            vehicles:
              van01:
                buses:
                  can0: &bus { dbc: van.dbc, bitrate: 500000 }
                signals:
                  soc: &soc { bus: can0, message: "BMS_Pack", signal: 'SOC' }   # a comment [ {
                description: |
                  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
              van02:
                buses:
                  can1: *bus
            """
        let config = try GatewayConfig.decode(yaml: yaml, file: "ok.yaml", environment: [:])
        #expect(config.vehicles.count == 2)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = ["Systemd/candor.example.yaml", "Fixtures/captures/fleet/van-urban-faults/candor.yaml",
                     "Fixtures/captures/fleet/bus-c-wtvc/candor.yaml"]
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            #expect(throws: Never.self, "\(file)") {
                _ = try GatewayConfig.decode(yaml: text, file: file, environment: ["CANDOR_STATE": "/tmp", "HOME": "/tmp"])
            }
        }
    }

    /// `candor run` reloads on its supervisor thread; the same file read there on a small
    /// stack is rejected with the same error.
    @Test func reloadReadsThroughTheSameLimits() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("candor-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("candor.yaml").path
        let yaml = "version: 1\nvehicles: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                _ = try ConfigReload.load(configFile: path, environment: [:])
                outcome.withLock { $0 = "loaded" }
            } catch {
                let text = "\(error)"; outcome.withLock { $0 = text }
            }
            done.signal()
        }
        thread.stackSize = 256 << 10
        thread.start()
        #expect(done.wait(timeout: .now() + 30) == .success)
        let message = outcome.withLock { $0 } ?? ""
        #expect(message.contains("candor.yaml:2:") && message.contains("nested deeper"), "\(message)")
    }
}
