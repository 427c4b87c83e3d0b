import CANCore
import Foundation
import TestSupport
import Testing
@testable import MQTT

/// MosquittoClient against a real mosquitto 2.0 on a free loopback port; `mosquitto_sub` and
/// `mosquitto_pub` (Debian's clients) are the independent other side.
@Suite(.serialized) struct MosquittoClientTests {
    private func options(_ broker: MosquittoBroker, _ id: String) -> MQTTClientOptions {
        var o = MQTTClientOptions(host: "127.0.0.1", port: broker.port, clientID: id)
        o.keepAliveSeconds = 5
        return o
    }

    @Test func qos1PublishesAreAcknowledgedAndArriveWithTheirProperties() throws {
        let broker = try MosquittoBroker(name: "publish")
        try broker.start()
        let subscriber = try Subscriber(port: broker.port, topic: "candor/v1/#", count: 50)
        usleep(300_000)  // mosquitto_sub has no ready signal; its subscription precedes our first publish
        let client = MosquittoClient(options: options(broker, "gw-publish"))
        try client.connect()
        let connected = pump(client) { isConnected($0) || endedOrRefused($0) }
        #expect(connected.contains { if case .connected(_, .v5) = $0 { true } else { false } }, "\(connected)")
        var rng = SplitMix64(seed: 7)
        var sent: [Int32: [UInt8]] = [:]
        for i in 0..<50 {
            let payload = (0..<(1 + Int(rng.next() % 300))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let id = try client.publish(MQTTOutgoing(topic: "candor/v1/f/v\(i % 3)/signals", payload: payload, contentType: "application/json",
                                                     userProperties: [("vehicle", "v\(i % 3)"), ("seq", String(i))]))
            sent[id] = payload
        }
        let events = pump(client) { acknowledgedIDs($0).count == 50 }
        #expect(acknowledgedIDs(events) == Set(sent.keys))
        let lines = subscriber.lines()
        #expect(lines.count == 50)
        for (i, line) in lines.enumerated() {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            #expect(parts.count == 4)
            #expect(parts[0] == "candor/v1/f/v\(i % 3)/signals")
            #expect(parts[1] == "application/json")
            #expect(parts[2] == "vehicle:v\(i % 3) seq:\(i)")
        }
        #expect(Set(lines.map { String($0.split(separator: "|").last!) }) == Set(sent.values.map(hex)))
        client.disconnect()
    }

    @Test func aPersistentSessionKeepsWhatArrivedWhileAway() throws {
        let broker = try MosquittoBroker(name: "session")
        try broker.start()
        let client = MosquittoClient(options: options(broker, "collector-1"))
        try client.connect()
        #expect(isConnected(pump(client) { isConnected($0) || endedOrRefused($0) }))
        try client.subscribe("candor/v1/f/#", qos: 1)
        pump(client) { $0.contains { if case .subscribed = $0 { true } else { false } } }
        client.disconnect()
        for i in 0..<5 {
            try runTool("/usr/bin/mosquitto_pub", ["-V", "5", "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1",
                                                   "-t", "candor/v1/f/v/ops", "-m", "m\(i)", "-D", "publish", "content-type", "text/plain"])
        }
        try client.connect()
        let events = pump(client) { messages($0).count == 5 }
        #expect(events.contains { if case .connected(true, _) = $0 { true } else { false } }, "session present: \(events)\n\(broker.log())")
        #expect(messages(events).map { String(decoding: $0.payload, as: UTF8.self) } == ["m0", "m1", "m2", "m3", "m4"])
        #expect(messages(events).allSatisfy { $0.contentType == "text/plain" })
        client.disconnect()
    }

    @Test func theWillIsPublishedWhenTheConnectionDiesAndNotOnACleanDisconnect() throws {
        let broker = try MosquittoBroker(name: "will")
        try broker.start()
        var o = options(broker, "gw-will")
        o.keepAliveSeconds = 5  // libmosquitto's minimum
        o.will = MQTTOutgoing(topic: "candor/v1/f/v/status", payload: Array(#"{"state":"offline"}"#.utf8), retain: true)
        // A clean disconnect: no will.
        do {
            let client = MosquittoClient(options: o)
            try client.connect()
            #expect(isConnected(pump(client) { isConnected($0) || endedOrRefused($0) }))
            _ = try client.publish(MQTTOutgoing(topic: "candor/v1/f/v/status", payload: Array(#"{"state":"online"}"#.utf8), retain: true))
            pump(client) { !acknowledgedIDs($0).isEmpty }
            client.disconnect()
        }
        let retained = { () throws -> String in
            try runTool("/usr/bin/mosquitto_sub", ["-V", "5", "-h", "127.0.0.1", "-p", String(broker.port), "-t", "candor/v1/f/v/status",
                                                   "-C", "1", "-W", "5", "-F", "%p"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try retained() == #"{"state":"online"}"#)
        // A client that stops answering (no PINGREQ, no DISCONNECT): after 1.5 × keepalive (7.5 s) the
        // broker drops it and publishes its will.
        let client = MosquittoClient(options: o)
        try client.connect()
        #expect(isConnected(pump(client) { isConnected($0) || endedOrRefused($0) }))
        let deadline = Date().addingTimeInterval(15)
        var seen = ""
        while Date() < deadline {
            seen = try retained()
            if seen == #"{"state":"offline"}"# { break }
            usleep(200_000)
        }
        #expect(seen == #"{"state":"offline"}"#, "retained status after the link died: \(seen)")
        client.disconnect()
    }

    @Test func wrongCredentialsAreRefusedWithTheReason() throws {
        let broker = try MosquittoBroker(name: "auth")
        let passwords = broker.directory + "/passwords"
        #expect(FileManager.default.createFile(atPath: passwords, contents: nil))
        try runTool("/usr/bin/mosquitto_passwd", ["-b", passwords, "van", "s3cret"])
        broker.setConfig("allow_anonymous false\npassword_file \(passwords)")
        try broker.start()
        var o = options(broker, "gw-auth")
        o.username = "van"
        o.password = "wrong"
        let refused = MosquittoClient(options: o)
        try refused.connect()
        let events = pump(refused) { isConnected($0) || endedOrRefused($0) }
        #expect(events.contains { if case .refused(let code, _) = $0 { code == 134 || code == 135 } else { false } }, "\(events)\n\(broker.log())")
        o.password = "s3cret"
        let accepted = MosquittoClient(options: o)
        try accepted.connect()
        #expect(isConnected(pump(accepted) { isConnected($0) || endedOrRefused($0) }))
        accepted.disconnect()
    }

    @Test func anAbsentBrokerFailsTheConnectAndALostOneIsReported() throws {
        let broker = try MosquittoBroker(name: "lost")
        let client = MosquittoClient(options: options(broker, "gw-lost"))
        #expect(throws: MQTTError.self) { try client.connect() }
        try broker.start()
        try client.connect()
        #expect(isConnected(pump(client) { isConnected($0) || endedOrRefused($0) }))
        broker.stop(kill: true)
        let events = pump(client) { endedOrRefused($0) }
        #expect(events.contains { if case .disconnected = $0 { true } else { false } })
        #expect(!client.isConnected)
    }
}
