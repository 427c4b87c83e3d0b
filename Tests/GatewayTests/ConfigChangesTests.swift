@testable import Gateway
import Testing

/// What a reload reports: buses, DBC files and vehicles added or removed, and the sections
/// that only a restart applies (each named, so the warning says which).
@Suite struct ConfigChangesTests {
    func config(_ extra: String, bus: String = "can0", dbc: String = "van.dbc") throws -> GatewayConfig {
        let yaml = """
            version: 1
            vehicles:
              van01:
                buses:
                  \(bus): { dbc: \(dbc), bitrate: 500000 }
            """ + "\n" + extra
        return try GatewayConfig.decode(yaml: yaml, file: "/etc/candor/candor.yaml", environment: [:])
    }

    @Test func sameConfigChangesNothing() throws {
        let changes = ConfigChanges(from: try config(""), to: try config(""))
        #expect(changes.restartOnly.isEmpty)
        #expect(changes.description == "no bus, DBC file or vehicle added or removed")
    }

    @Test func busAndDBCChangesAreNamed() throws {
        let changes = ConfigChanges(from: try config(""), to: try config("", bus: "can1", dbc: "bus.dbc"))
        #expect(changes.description == "buses +can1 -can0, dbc files +/etc/candor/bus.dbc -/etc/candor/van.dbc")
    }

    @Test(arguments: [
        ("sinks:\n  jsonl: { path: m.jsonl }", "sinks"),
        ("recorder: { directory: rec }", "recorder"),
        ("tail: { socket: /run/candor/tail.sock }", "tail"),
        ("decoded_log: { directory: dec }", "decoded_log"),
        ("live: { queue: 1024 }", "live"),
    ])
    func restartOnlySectionsAreNamed(section: String, name: String) throws {
        let changes = ConfigChanges(from: try config(""), to: try config(section))
        #expect(changes.restartOnly == [name])
    }
}
