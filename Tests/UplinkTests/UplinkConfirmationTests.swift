import Foundation
@testable import Gateway
import MQTT
import Outbox
import Telemetry
import Testing

/// `uplink.outbox.confirm: collector` with the link driven by an in-process broker
/// (`FakeBroker`, every publish PUBACK'd at once): a PUBACK only ends a message's flight; the
/// collector's confirmation removes it; what is not confirmed is sent again after a reconnect
/// (at once when the broker lost the session, after a grace when it kept it) and when its
/// confirmation is overdue; at most `maxAwaiting` messages await a confirmation.
@Suite struct UplinkConfirmationTests {
    final class Harness {
        let directory: String
        let broker = FakeBroker()
        let events = EventLog()
        let link: UplinkLink

        init(confirmation: UplinkConfirmation = .collector, timeout: Double = 600, messages: Int) throws {
            directory = NSTemporaryDirectory() + "candor-confirm-\(getpid())-\(UUID().uuidString.prefix(8))"
            var settings = UplinkSettings(broker: MQTTClientOptions(host: "127.0.0.1", port: 1883, clientID: "t"), fleet: "f", outboxPath: directory)
            settings.vehicles = ["v"]
            settings.confirmation = confirmation
            settings.confirmTimeoutSeconds = timeout
            let events = events
            link = UplinkLink(settings: settings, outbox: try Outbox(directory: directory), client: broker, broker: "fake",
                              seed: 7, holdBaseMillis: 20, notify: { events.add($0) })
            link.start()
            try link.store((1...messages).map {
                UplinkMessage(label: "candor/v1/f/v/signals|run-1|\($0)|\($0)", payload: Array("m\($0)".utf8), outboxClass: .signals, records: 1)
            })
        }

        /// The records messages the broker saw, as `m<first sequence>`.
        var data: [String] { broker.log.filter { !$0.topic.hasSuffix("/status") }.map { String(decoding: $0.payload, as: UTF8.self) } }

        /// A collector's confirmation of the messages whose first sequences are `firsts`.
        static func confirmation(_ firsts: some Sequence<Int>, vehicle: String = "v") -> MQTTIncoming {
            let named = firsts.map { UplinkMessageIdentity(vehicle: vehicle, run: "run-1", part: .records(firstSequence: UInt64($0))) }
            return MQTTIncoming(topic: "candor/confirm/v1/f/\(vehicle)", payload: UplinkConfirmationMessage.encode(named))
        }

        func confirm(_ firsts: some Sequence<Int>, vehicle: String = "v") {
            broker.deliver(Self.confirmation(firsts, vehicle: vehicle))
        }

        var statistics: UplinkStatistics { link.statistics }

        func end() throws {
            _ = link.finish(timeout: 0)
            try link.close()
            try FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func aPubackKeepsTheMessageUntilTheCollectorConfirmsIt() throws {
        let h = try Harness(messages: 10)
        #expect(h.broker.await { h.statistics.acknowledged == 10 })
        var s = h.statistics
        #expect(s.outbox.messages == 10 && s.outbox.awaitingConfirmation == 10 && s.confirmed == 0)
        #expect(h.broker.subscriptions == ["candor/confirm/v1/f/v"])
        h.confirm(1...4)
        #expect(h.broker.await { h.statistics.confirmed == 4 })
        // Again (a duplicate's confirmation), another vehicle's, and garbage: nothing changes.
        h.confirm([2])
        h.confirm([5], vehicle: "other")
        h.broker.deliver(MQTTIncoming(topic: "candor/confirm/v1/f/v", payload: Array("{}".utf8)))
        #expect(h.broker.await { h.statistics.confirmationsIgnored == 2 })
        s = h.statistics
        #expect(s.outbox.messages == 6 && s.outbox.awaitingConfirmation == 6 && s.confirmed == 4 && s.resent == 0)
        #expect(h.data == (1...10).map { "m\($0)" })
        h.confirm(5...10)
        #expect(h.broker.await { h.statistics.outbox.messages == 0 })
        #expect(h.statistics.confirmed == 10 && h.statistics.confirmTimeouts == 0)
        try h.end()
    }

    @Test func aReconnectSendsTheUnconfirmedAgainAtOnceWhenTheSessionWasLost() throws {
        let h = try Harness(messages: 6)
        #expect(h.broker.await { h.statistics.acknowledged == 6 })
        h.confirm(1...2)
        #expect(h.broker.await { h.statistics.confirmed == 2 })
        // The broker restarted without its persistence: our session and its confirmations are gone.
        h.broker.drop(keepSession: false, queued: [Harness.confirmation(3...6)])
        #expect(h.broker.await { h.data.count == 10 })
        #expect(Array(h.data.suffix(4)) == ["m3", "m4", "m5", "m6"])
        #expect(h.broker.subscriptions == ["candor/confirm/v1/f/v", "candor/confirm/v1/f/v"], "subscribed again on the new connection")
        #expect(h.broker.await { h.statistics.resent == 4 })
        h.confirm(3...6)
        #expect(h.broker.await { h.statistics.outbox.messages == 0 })
        try h.end()
    }

    @Test func aReconnectWithTheSessionWaitsForItsQueuedConfirmationsFirst() throws {
        let h = try Harness(messages: 6)
        #expect(h.broker.await { h.statistics.acknowledged == 6 })
        // The session's queued confirmations arrive right after the CONNACK: those are not sent again.
        h.broker.drop(keepSession: true, queued: [Harness.confirmation(1...4)])
        #expect(h.broker.await { h.statistics.confirmed == 4 })
        #expect(h.statistics.reconnects == 1)
        // The rest is sent again once the grace (2 s) is over.
        #expect(h.broker.await { h.data.count == 8 })
        #expect(h.broker.await { h.statistics.resent == 2 })
        #expect(Array(h.data.suffix(2)) == ["m5", "m6"] && h.data.count == 8)
        h.confirm(5...6)
        #expect(h.broker.await { h.statistics.outbox.messages == 0 })
        try h.end()
    }

    @Test func anOverdueConfirmationSendsTheMessageAgainWithAGrowingWait() throws {
        let h = try Harness(timeout: 0.2, messages: 3)
        // 0.2 s, then 0.4 s, 0.8 s: each message at least three times.
        #expect(h.broker.await { h.statistics.resent >= 6 })
        let s = h.statistics
        #expect(s.outbox.messages == 3 && s.confirmTimeouts >= 6 && h.data.count >= 9)
        #expect(Set(h.data) == ["m1", "m2", "m3"])
        let lines = h.events.all.filter { if case .unconfirmed = $0 { true } else { false } }
        #expect(lines.count == 1, "one line at once, then at most one a minute: \(lines)")
        #expect(lines.first?.logLine.contains("not confirmed by a collector within 0.2 s") == true, "\(lines)")
        h.confirm(1...3)
        #expect(h.broker.await { h.statistics.outbox.messages == 0 })
        try h.end()
    }

    @Test func atMostMaxAwaitingMessagesAwaitAConfirmation() throws {
        let window = UplinkLink.maxAwaiting
        let h = try Harness(messages: window + 88)
        #expect(h.broker.await { h.data.count >= window })
        // The link polls again (a confirmation of nothing of ours) and still sends nothing more.
        h.confirm([100_000])
        #expect(h.broker.await { h.statistics.confirmationsIgnored == 1 })
        #expect(h.data.count == window && h.statistics.outbox.awaitingConfirmation == window)
        h.confirm(1...100)
        #expect(h.broker.await { h.data.count == window + 88 })
        #expect(h.broker.await { h.statistics.outbox.awaitingConfirmation == window + 88 - 100 }, "the last PUBACKs")
        #expect(h.data.count == window + 88)
        h.confirm(101...(window + 88))
        #expect(h.broker.await { h.statistics.outbox.messages == 0 })
        try h.end()
    }

    @Test func withPubackAMessageLeavesOnItsPubackAndNothingIsSubscribed() throws {
        let h = try Harness(confirmation: .puback, messages: 5)
        #expect(h.broker.await { h.statistics.outbox.messages == 0 })
        #expect(h.broker.subscriptions.isEmpty && h.statistics.acknowledged == 5)
        try h.end()
    }

    @Test func identitiesGoFromTheLabelThroughTheConfirmationAndBack() throws {
        let records = try #require(UplinkMessageIdentity(label: "candor/v1/f/van01/signals|0a1b-2c|17|40"))
        #expect(records == UplinkMessageIdentity(vehicle: "van01", run: "0a1b-2c", part: .records(firstSequence: 17)))
        let chunk = try #require(UplinkMessageIdentity(label: "candor/v1/f/van01/capture|0a1b-2c|capture|3|0|2"))
        let index = try #require(UplinkMessageIdentity(label: "candor/v1/f/van01/capture|0a1b-2c|capture|3|index|2"))
        #expect(chunk.part == .capture(number: 3, chunk: "0") && index.part == .capture(number: 3, chunk: "index"))
        #expect(UplinkMessageIdentity(label: "candor/v1/f/van01/signals|run") == nil)
        let payload = UplinkConfirmationMessage.encode([records, chunk, index])
        #expect(String(decoding: payload, as: UTF8.self)
            == #"{"confirmed":[{"first_seq":17,"run":"0a1b-2c"},{"capture":3,"chunk":0,"run":"0a1b-2c"},{"capture":3,"chunk":"index","run":"0a1b-2c"}],"v":1}"#)
        #expect(UplinkConfirmationMessage.decode(payload, vehicle: "van01") == [records, chunk, index])
        for bad in ["{}", #"{"confirmed":[{"run":"r"}],"v":1}"#, #"{"confirmed":[{"first_seq":1}],"v":1}"#, "not json"] {
            #expect(UplinkConfirmationMessage.decode(Array(bad.utf8), vehicle: "v") == nil, "\(bad)")
        }
        #expect(UplinkConfirmationMessage.topic(fleet: "demo", vehicle: "van01") == "candor/confirm/v1/demo/van01")
    }

    /// The van bundle's candor.yaml with an `uplink:` whose outbox has `outbox` added, in a
    /// directory of its own (removed by the caller).
    static func setup(_ outbox: String) throws -> (GatewaySetup, directory: String) {
        let directory = NSTemporaryDirectory() + "candor-confirm-config-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CaptureConfigTests.fixture + "/van.dbc", toPath: directory + "/van.dbc")
        var yaml = try String(contentsOfFile: CaptureConfigTests.fixture + "/candor.yaml", encoding: .utf8)
        yaml += "\nuplink:\n  mqtt: { url: mqtt://127.0.0.1:1883, fleet: f }\n  outbox: { path: outbox\(outbox) }\n"
        try yaml.write(toFile: directory + "/candor.yaml", atomically: true, encoding: .utf8)
        do {
            return (try GatewaySetup.load(configFile: directory + "/candor.yaml", environment: [:]), directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// What an operator sees: the series next to the other `candor_uplink_*`, and the report.
    @Test func theMetricsSayWhatAwaitsConfirmationAndWhatWasConfirmed() throws {
        let (setup, directory) = try Self.setup(", confirm: collector")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let broker = FakeBroker()
        let queue = try UplinkService.make(try #require(setup.config.sinks.uplink), log: { _ in }, client: broker)
        try queue.start()
        let service = try #require([queue].queued(UplinkService.self)).consumer
        let json = #"{"bus":"can0","end":1767225610.000000,"kind":"silent_episode","message":"BMS_1","open":false,"start":1767225600.500000,"vehicle":"van01"}"#
        let record = try JSONLinesFormat.record(JSONParser.parse(Array(json.utf8)))
        let run = RunID(high: 0x0123_4567_89ab_4def, low: 0x8123_4567_89ab_cdef)
        queue.write(RecordBatch(run: run, firstSequence: 41, records: [record, record]))
        #expect(broker.await { service.statistics.acknowledged == 1 })
        let metrics = PrometheusMetrics(layout: setup.layout)
        let uplinkMetrics = try #require(UplinkMetrics(metrics, services: [queue]))
        func sample(_ name: String) -> Double? {
            uplinkMetrics.update()
            return metrics.exposition().split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        #expect(sample("candor_uplink_awaiting_confirmation") == 1 && sample("candor_uplink_outbox_messages") == 1)
        #expect(sample("candor_uplink_acknowledged_total") == 1 && sample("candor_uplink_confirmed_total") == 0)
        #expect(service.statusLine.contains("outbox 1 messages") && service.statusLine.contains("1 awaiting confirmation"), "\(service.statusLine)")
        let confirmation = UplinkConfirmationMessage.encode([UplinkMessageIdentity(vehicle: "van01", run: run.description, part: .records(firstSequence: 41))])
        broker.deliver(MQTTIncoming(topic: "candor/confirm/v1/f/van01", payload: confirmation))
        #expect(broker.await { service.statistics.confirmed == 1 })
        #expect(sample("candor_uplink_awaiting_confirmation") == 0 && sample("candor_uplink_outbox_messages") == 0)
        #expect(sample("candor_uplink_confirmed_total") == 1 && sample("candor_uplink_resent_total") == 0 && sample("candor_uplink_confirm_timeouts_total") == 0)
        try queue.close()
        #expect(service.report.contains("2 records in 1 messages stored, 1 acknowledged") && service.report.contains("1 confirmed by a collector"), "\(service.report)")
        #expect(service.report.contains("0 not delivered"), "\(service.report)")
    }

    /// `uplink.outbox.confirm` and `confirm_timeout` as candor.yaml gives them.
    @Test func theConfigKeysDecodeAndTheirMistakesAreNamed() throws {
        func load(_ outbox: String) throws -> UplinkSettings? {
            let (setup, directory) = try Self.setup(outbox)
            try? FileManager.default.removeItem(atPath: directory)
            return setup.config.sinks.uplink
        }
        let defaults = try #require(try load(""))
        #expect(defaults.confirmation == .puback && defaults.confirmTimeoutSeconds == 30)
        let set = try #require(try load(", confirm: collector, confirm_timeout: 2m"))
        #expect(set.confirmation == .collector && set.confirmTimeoutSeconds == 120)
        #expect(try load(", confirm: puback")?.confirmation == .puback)
        for (text, message) in [(", confirm: broker", "uplink.outbox.confirm: expected one of puback, collector, found \"broker\""),
                                (", confirm_timeout: 500ms", "uplink.outbox.confirm_timeout: expected a confirm timeout of 1s or more")] {
            do {
                _ = try load(text)
                Issue.record("no error for \(text)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }
}
