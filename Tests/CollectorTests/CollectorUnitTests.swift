import Foundation
@testable import Collector
@testable import Gateway
import MQTT
import Telemetry
import TestSupport
import Testing

/// The collector's parts without processes: malformed messages, identities kept across a
/// restart. (Records back from their JSON: `RecordJSONRoundTripTests`, beside the encoder's.)
@Suite(.serialized) struct CollectorUnitTests {
    static func publish(_ port: Int, _ messages: [MQTTOutgoing]) throws {
        let client = MosquittoClient(options: MQTTClientOptions(host: "127.0.0.1", port: port, clientID: "test-publisher"))
        try client.connect()
        #expect(eventually(seconds: 10) { client.poll(timeoutMillis: 50).contains { if case .connected = $0 { true } else { false } } })
        var pending = Set<Int32>()
        for m in messages { pending.insert(try client.publish(m)) }
        #expect(eventually(seconds: 10) {
            for case .acknowledged(let id, _) in client.poll(timeoutMillis: 50) { pending.remove(id) }
            return pending.isEmpty
        })
        client.disconnect()
    }

    static func valid(seq: UInt64, run: String = "00000000-0000-4000-8000-000000000001") -> MQTTOutgoing {
        let record = #"{"bus":"can0","end":1767225610.000000,"kind":"silent_episode","message":"BMS_1","open":false,"start":1767225600.500000,"vehicle":"van01"}"#
        let json = #"{"kind":"episodes","records":[\#(record)],"run":"\#(run)","seqs":[\#(seq)],"v":1,"vehicle":"van01"}"#
        return MQTTOutgoing(topic: "candor/v1/testfleet/van01/episodes", payload: Array(json.utf8))
    }

    @Test func malformedMessagesAreCountedLoggedOncePerKindAndSkipped() throws {
        let scratch = try Scratch("malformed")
        let broker = try MosquittoBroker(name: "malformed")
        try broker.start()
        let running = try Running(port: broker.port, store: scratch.path + "/fleet.db", id: "collect-malformed")
        func m(_ topic: String, _ text: String) -> MQTTOutgoing { MQTTOutgoing(topic: "candor/v1/testfleet/" + topic, payload: Array(text.utf8)) }
        let envelope = #""records":[],"run":"r","seqs":[],"vehicle":"van01""#
        try Self.publish(broker.port, [
            m("van01/signals", "not json"), m("van01/signals", "{\"kind\""),                         // json ×2
            MQTTOutgoing(topic: "candor/v1/testfleet/van01/signals", payload: [0x78, 0x9C, 1, 2, 3]),  // json (zlib)
            m("van01/signals", #"{"kind":"signals",\#(envelope),"v":2}"#),                          // version
            m("van01/gossip", #"{"kind":"gossip",\#(envelope),"v":1}"#),                            // kind
            m("van02/signals", #"{"kind":"signals",\#(envelope),"v":1}"#),                          // envelope
            m("van01/episodes", #"{"kind":"episodes","records":[{"kind":"silent_episode"}],"run":"r","seqs":[1],"v":1,"vehicle":"van01"}"#),  // record
            m("van01", "{}"),                                                                       // topic
            Self.valid(seq: 1),
        ])
        #expect(eventually(seconds: 20) { running.collector.statistics.messages == 9 })
        running.stop()
        let s = running.collector.statistics
        #expect(s.malformed == 8 && s.records == 1 && s.duplicates == 0)
        let text = running.collector.metrics.exposition()
        for (kind, n) in [("json", 3), ("version", 1), ("kind", 1), ("envelope", 1), ("record", 1), ("topic", 1)] {
            #expect(text.contains("candor_collect_malformed_total{kind=\"\(kind)\"} \(n)"), "\(kind): \(text)")
        }
        let warnings = running.lines.all.filter { $0.contains("malformed message skipped") }
        #expect(warnings.count == 6, "\(warnings)")
        #expect(warnings.contains { $0.contains("candor/v1/testfleet/van01/gossip") })
        #expect(try SQLiteShell.query(scratch.path + "/fleet.db", "SELECT count(*) FROM silent_episode") == "1")
    }

    /// Identities are kept in the store: a second collector (a restart, a new session) that gets
    /// the same records again counts them as duplicates and stores nothing twice.
    ///
    /// Each stopping collector hands the broker everything before its socket closes (its last
    /// PUBACKs, its last confirmation, DISCONNECT), so the resumed session gets nothing of the
    /// first collector's again, and mosquitto's log — the oracle here — says both disconnected
    /// cleanly. Closing with the broker's reply to a confirmation still unread sent a reset:
    /// mosquitto then dropped what it had not read, logged "disconnected due to out of memory",
    /// and sent the first collector's last message again (2 runs in 12 with four busy loops
    /// beside the test, before `MosquittoClient.disconnect` waited for the broker to close).
    @Test func aRestartedCollectorRecognisesWhatWasStored() throws {
        let scratch = try Scratch("restart")
        let broker = try MosquittoBroker(name: "restart")
        try broker.start()
        let store = scratch.path + "/fleet.db"
        let first = try Running(port: broker.port, store: store, id: "collect-first")
        try Self.publish(broker.port, [Self.valid(seq: 1), Self.valid(seq: 2), Self.valid(seq: 1)])
        #expect(eventually(seconds: 20) { first.collector.statistics.messages == 3 })
        first.stop()
        #expect(first.collector.statistics.records == 2 && first.collector.statistics.duplicates == 1)
        // The same client id: a restart resumes its session (a new id would be a second member
        // of the shared group, and the first one's offline session would keep getting its share).
        let second = try Running(port: broker.port, store: store, id: "collect-first")
        try Self.publish(broker.port, [Self.valid(seq: 2), Self.valid(seq: 3)])
        #expect(eventually(seconds: 20) { let s = second.collector.statistics; return s.records == 1 && s.duplicates >= 1 })
        second.stop()
        let s = second.collector.statistics
        print("CollectorUnitTests restart: the second collector got \(s.messages) messages, \(s.records) stored, \(s.duplicates) duplicates")
        #expect(s.messages == 2 && s.records == 1 && s.duplicates == 1, "seq 3 stored, seq 2 a duplicate: \(s)")
        let log = broker.directory + "/mosquitto.log"
        var ends: [Substring] = []
        #expect(eventually(seconds: 10) {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            ends = text.split(separator: "\n").filter { $0.contains("collect-first") && ($0.contains("disconnected") || $0.contains("closed")) }
            return ends.count >= 2
        })
        print("CollectorUnitTests restart: mosquitto logged \(ends.map { $0.drop { $0 != " " }.dropFirst() })")
        #expect(ends.count == 2 && ends.allSatisfy { $0.hasSuffix("Client collect-first disconnected.") }, "\(ends)")
        #expect(try SQLiteShell.query(store, "SELECT count(*) FROM uplinked_record") == "3")
        #expect(try SQLiteShell.query(store, "SELECT count(*) FROM silent_episode") == "1")
    }

    @Test func aBrokerThatRefusesTheFirstConnectionEndsCollectWithStatus1() throws {
        let scratch = try Scratch("refused")
        let passwords = scratch.path + "/passwd"
        _ = FileManager.default.createFile(atPath: passwords, contents: nil)
        try runTool(try OracleTool.require("mosquitto_passwd"), ["-b", passwords, "van", "s3cret"])
        let broker = try MosquittoBroker(name: "refused", extraConfig: "allow_anonymous false\npassword_file \(scratch.path)/passwd")
        try broker.start()
        let child = try Child(["collect", "--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--fleet", "testfleet",
                               "--sqlite", scratch.path + "/fleet.db", "--client-id", "collect-refused"],
                              log: scratch.path + "/collect.log", seconds: 60)
        #expect(try child.wait() == 1)
        #expect(child.output.contains("127.0.0.1:\(broker.port) refused the connection"), "\(child.output)")
    }
}

/// A collector in this process against a real broker; the test publishes.
final class Running: @unchecked Sendable {
    let collector: Collector
    let lines = LogLines()
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(port: Int, store: String, id: String) throws {
        let lines = self.lines
        let log = GatewayLog(label: "test", minimum: .info, format: .terminal, output: { lines.append($0) })
        collector = try Collector(CollectorOptions(broker: MQTTClientOptions(host: "127.0.0.1", port: port, clientID: id), fleet: "testfleet", sqlitePath: store), log: log)
        let t = Thread { [collector, done] in
            try? collector.run()
            done.signal()
        }
        t.start()
        thread = t
        #expect(eventually(seconds: 20) { lines.all.contains { $0.contains("subscribed") } })
    }

    func stop() {
        collector.stop()
        #expect(done.wait(timeout: .now() + 20) == .success)
    }
}

/// Log lines a test keeps.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
