import Foundation
@testable import Gateway
import MQTT
import TestSupport
import Testing

/// A broker that speaks MQTT 3.1.1 only: Debian's NATS server with its MQTT listener answers
/// an MQTT 5 CONNECT with CONNACK 0x84 (unsupported protocol version). The uplink falls back
/// to 3.1.1 at once and delivers everything; the independent other side is `mosquitto_sub -V
/// 311` with a persistent session made before the gateway publishes. Over 3.1.1 a PUBACK has no
/// reason code (neither a refusal nor "no subscriber" can be seen): that is the README's caveat,
/// not this test's subject.
@Suite(.serialized) struct UplinkFallbackTests {
    static let kinds = ["signals", "health", "episodes", "operations"]

    /// `mosquitto_sub` over 3.1.1 with the session `candor-oracle`, on the data topics;
    /// `extra`: -E (subscribe, then exit), or -C N -W S (N messages at most, S seconds at most).
    static func subscriber(_ port: Int, _ extra: [String], timeout: TimeInterval) throws -> (status: Int32, output: String) {
        let tool = try OracleTool.require("mosquitto_sub")
        var arguments = ["-h", "127.0.0.1", "-p", String(port), "-V", "311", "-c", "-i", "candor-oracle", "-q", "1", "-F", "%t %x"]
        for kind in kinds { arguments += ["-t", "candor/v1/testfleet/+/\(kind)"] }
        return try runTool(tool, arguments + extra, timeout: timeout)
    }

    /// Each `topic hex` line of `mosquitto_sub -F '%t %x'` as a received message.
    static func messages(_ output: String) throws -> [MQTTIncoming] {
        try output.split(separator: "\n").map { line in
            guard let space = line.firstIndex(of: " ") else { throw BrokerError("no payload in \(line)") }
            let hex = Array(line[line.index(after: space)...].utf8)
            guard hex.count % 2 == 0 else { throw BrokerError("odd hex payload on \(line.prefix(80))") }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.count / 2)
            for i in stride(from: 0, to: hex.count, by: 2) {
                guard let byte = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else { throw BrokerError("bad hex") }
                bytes.append(byte)
            }
            return MQTTIncoming(topic: String(line[..<space]), payload: bytes)
        }
    }

    @Test(.enabled(if: OracleTool.shouldRun("nats-server"), "nats-server is not installed"))
    func aBrokerThatRefusesMQTT5GetsEverythingOver311() throws {
        let nats = try NatsServer(name: "v311")
        try nats.start()
        // The broker really refuses MQTT 5: mosquitto_pub -V 5 gets CONNACK 0x84 (132).
        let pub = try OracleTool.require("mosquitto_pub")
        let refused = try runTool(pub, ["-h", "127.0.0.1", "-p", String(nats.port), "-V", "5", "-q", "1", "-t", "x/y", "-m", "v5"])
        #expect(refused.status == 132, "mosquitto_pub -V 5 exited \(refused.status)")
        #expect(try Self.subscriber(nats.port, ["-E"], timeout: 20).status == 0)

        let bundle = try UplinkBundle(name: "v311", seconds: 300, seed: 13)
        try bundle.writeConfig(port: nats.port)
        let (records, uplink, run) = try bundle.replay()
        let stats = uplink.statistics
        print("UplinkFallbackTests: \(records.count) records, \(uplink.report)")
        let events = uplink.takeEvents()
        let connections = events.compactMap { if case .connected(_, _, let version) = $0 { version } else { nil } }
        #expect(connections == [4], "connections by version: \(connections); events \(events.map(\.logLine))")
        #expect(events.contains { $0.logLine.contains("(MQTT 3.1.1, session new)") })
        #expect(stats.connectFailures == 0, "the fallback is not a failure: \(events.map(\.logLine))")
        #expect(stats.outbox.messages == 0 && stats.acknowledged == stats.outbox.stored && stats.outbox.evictedTotal == 0)
        #expect(stats.refusedTotal == 0 && stats.unmatched == 0)

        let drained = try Self.subscriber(nats.port, ["-C", String(stats.acknowledged), "-W", "60"], timeout: 90)
        #expect(drained.status == 0, "mosquitto_sub exited \(drained.status)")
        let received = try Self.messages(drained.output)
        #expect(received.count == Int(stats.acknowledged))
        // Nothing more is queued for the session.
        let more = try Self.subscriber(nats.port, ["-W", "3"], timeout: 20)
        let extra = try Self.messages(more.output)
        let wanted = bundle.expected(records)
        #expect(wanted.count > 20 && wanted.count < records.count)
        let duplicates = try checkUplinked(received + extra, against: wanted, run: run, vehicle: bundle.vehicle, mqtt311: true)
        print("UplinkFallbackTests: \(received.count) messages, \(wanted.count) records, \(extra.count) more after, \(duplicates) duplicates")
        #expect(duplicates == 0 && extra.isEmpty)
    }
}
