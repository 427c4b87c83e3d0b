import CANCore
import Foundation
@testable import Gateway
import Telemetry
import Testing

/// `uplink.captures:` as candor.yaml gives it: defaults, bounds, and each mistake as an error
/// at its file, line and column (a signal that is not in the DBC too: found when the DBCs are read).
struct CaptureConfigTests {
    static let fixture = CaptureBrokerTests.fixture

    /// The van bundle's candor.yaml with `captures` under `uplink:`; returns the path and the
    /// line (1-based) of the captures' first line.
    static func write(_ captures: String) throws -> (path: String, firstLine: Int) {
        let directory = NSTemporaryDirectory() + "candor-capture-config-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture + "/van.dbc", toPath: directory + "/van.dbc")
        var yaml = try String(contentsOfFile: fixture + "/candor.yaml", encoding: .utf8)
        yaml += "\nuplink:\n  mqtt: { url: mqtt://127.0.0.1:1883, fleet: f }\n  outbox: { path: outbox }\n  captures:\n"
        let firstLine = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
        yaml += captures.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        try yaml.write(toFile: directory + "/candor.yaml", atomically: true, encoding: .utf8)
        return (directory + "/candor.yaml", firstLine)
    }

    static func error(_ captures: String) throws -> (ConfigError, Int) {
        let (path, first) = try write(captures)
        do {
            _ = try GatewaySetup.load(configFile: path, environment: [:])
        } catch {
            return (error, first)
        }
        Issue.record("no error for:\n\(captures)")
        return (ConfigError(file: "", keyPath: "", message: ""), first)
    }

    @Test func defaultsAndTheRingTheySize() throws {
        let (path, _) = try Self.write("triggers:\n  - { kind: fault, fault: over_temperature, level: 3 }\n  - { kind: bus_off }\n  - { kind: silent, message: MCU_Status }\n  - { kind: signal, bus: can0, message: BMS_PackStatus, signal: BMS_SOC, below: 10 }")
        let setup = try GatewaySetup.load(configFile: path, environment: [:])
        let plan = try #require(setup.capturePlan)
        let s = plan.settings
        #expect(s.before == 10_000_000_000 && s.after == 10_000_000_000 && s.hold == 30_000_000_000 && s.frameRate == 2000)
        #expect(s.maxPerHour == 6 && s.chunkBytes == 65536 && s.ringFrames == 100_000)
        print("CaptureConfigTests: default ring \(s.ringFrames) frames × \(MemoryLayout<CANFrame>.stride) B = \(plan.ringBytes) B")
        let expected: [CaptureTrigger.Condition] = [
            .fault(kind: "over_temperature", level: 3), .busOff(bus: nil), .silent(bus: nil, message: "MCU_Status"),
            .signal(reference: SignalReference(bus: "can0", message: "BMS_PackStatus", signal: "BMS_SOC"), threshold: 10, above: false, name: "BMS_SOC"),
        ]
        #expect(s.triggers.map(\.condition) == expected)
        #expect(plan.signals.count == 1)
    }

    @Test func mistakesAreErrorsAtTheirPosition() throws {
        let cases: [(String, line: Int, column: Int, contains: String)] = [
            ("before: 301s\ntriggers:\n  - { kind: bus_off }", 0, 13, "uplink.captures.before: expected at most 300s"),
            ("triggers: []", 0, 15, "uplink.captures.triggers: expected at least one trigger"),
            ("triggers:\n  - { kind: crash }", 1, 17, "uplink.captures.triggers.0.kind: expected one of fault, bus_off, silent, signal"),
            ("triggers:\n  - { kind: fault, bus: can0 }", 1, 29, "uplink.captures.triggers.0.bus: unknown key"),
            ("triggers:\n  - { kind: fault, level: 4 }", 1, 31, "expected a fault level 1 to 3"),
            ("triggers:\n  - { kind: signal, role: soc }", 1, 9, "a signal trigger takes one of `above` and `below`"),
            ("triggers:\n  - { kind: signal, role: speed, above: 3 }", 1, 31, "expected a role mapped under vehicles.van01.signals, found \"speed\""),
            ("triggers:\n  - { kind: signal, bus: can0, message: BMS_PackStatus, signal: SoC, above: 3 }", 1, 9,
             "uplink.captures.triggers.0: expected a signal of BMS_PackStatus on can0, found \"SoC\""),
            ("triggers:\n  - { kind: signal, bus: can9, message: BMS_PackStatus, signal: BMS_SOC, above: 3 }", 1, 9, "expected a bus of vehicle van01"),
            ("frame_rate: 100000\nhold: 300s\nbefore: 300s\nafter: 300s\ntriggers:\n  - { kind: bus_off }", 0, 5, "at most 4000000"),
            ("chunk_bytes: 100\ntriggers:\n  - { kind: bus_off }", 0, 18, "expected 1024 to 1048576 bytes"),
        ]
        for (text, line, column, contains) in cases {
            let (error, first) = try Self.error(text)
            print("CaptureConfigTests: \(error)")
            #expect(error.description.contains(contains), "\(error)")
            #expect(error.line == first + line && error.column == column, "\(error): expected \(first + line):\(column)")
        }
    }
}
