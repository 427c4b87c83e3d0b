import Foundation
import Testing

/// `candor decode --dbc IFACE=FILE`: a bundle with one DBC per bus (the simulated city bus:
/// J1939 powertrain on can0, CAN FD ADAS on can1, the battery's multiplexed cell voltages on
/// can2) decodes in one command, every frame on its own bus's DBC.
@Suite struct DecodeBusTests {
    static let bundle = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/captures/fleet/bus-c-wtvc")

    func path(_ name: String) -> String { Self.bundle.appendingPathComponent(name).path }

    @Test func everyFrameDecodesOnItsBusDatabase() throws {
        let result = try CandorExecutable.located().run([
            "decode", "--summary",
            "--dbc", "can0=" + path("bus_powertrain_j1939.dbc"),
            "--dbc", "can1=" + path("bus_adas_fd.dbc"),
            "--dbc", "can2=" + path("bus_battery.dbc"),
            "--j1939-bus", "can0",
            path("capture.log.gz"),
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // The bundle's truth: 63,299 frames, all known.
        #expect(result.stdout.contains("63299 frames of 26 known messages, 0 with unknown ids, 0 not decodable"),
                "stdout: \(result.stdout)")
        #expect(result.stdout.contains("can0: DM1"))
    }

    @Test func aBusWithoutADatabaseGivesUnknownMessages() throws {
        let result = try CandorExecutable.located().run([
            "decode", "--dbc", "can2=" + path("bus_battery.dbc"), path("capture.log.gz"),
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 63299)
        let can0 = lines.filter { $0.contains(#""bus":"can0""#) }
        #expect(!can0.isEmpty && can0.allSatisfy { $0.contains(#""msg":null,"signals":{}"#) })
        #expect(lines.contains { $0.contains(#""msg":"BMS_CellVoltages""#) })
    }

    @Test func twoDatabasesForOneBusIsAUsageError() throws {
        let result = try CandorExecutable.located().run([
            "decode", "--dbc", "can0=" + path("bus_battery.dbc"), "--dbc", "can0=" + path("bus_adas_fd.dbc"),
            path("capture.log.gz"),
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("two --dbc options for bus can0"))
    }
}
