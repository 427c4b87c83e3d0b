import Foundation
@testable import Gateway
import MQTT
import Outbox
import Testing

/// What each class of PUBACK reason code does to the outbox, with the link driven by an
/// in-process broker (`FakeBroker`). The rule restated from MQTT 5 (2.4, 3.4.2.1): a reason
/// below 0x80 is a success; 0x10 "no matching subscribers" is not a delivery when the uplink
/// requires a subscriber; 0x80 and up refuse the message. What is not delivered stays in the
/// outbox and is sent again, oldest first, after a pause; once the broker takes messages again
/// each arrives exactly once, in order.
@Suite struct UplinkRefusalTests {
    static let cases: [(code: Int, requireSubscriber: Bool)] = [
        (0x00, true), (0x10, false), (0x10, true), (0x7F, true),
        (0x80, true), (0x83, true), (0x87, true), (0x90, true), (0x97, true), (0x99, true), (0x91, true),
    ]

    private struct Harness {
        let directory: String
        let broker = FakeBroker()
        let events = EventLog()
        let link: UplinkLink
        let messages = 40  // more than the 32 the link has in flight at most

        init(code: Int, requireSubscriber: Bool) throws {
            directory = NSTemporaryDirectory() + "candor-refusal-\(getpid())-\(UUID().uuidString.prefix(8))"
            var settings = UplinkSettings(broker: MQTTClientOptions(host: "127.0.0.1", port: 1883, clientID: "t"),
                                          fleet: "f", outboxPath: directory)
            settings.requireSubscriber = requireSubscriber
            broker.answer { $0.topic.hasSuffix("/status") ? 0 : code }
            let events = events
            link = UplinkLink(settings: settings, outbox: try Outbox(directory: directory), client: broker, broker: "fake",
                              seed: 7, holdBaseMillis: 20, notify: { events.add($0) })
            link.start()
            try link.store((1...messages).map {
                UplinkMessage(label: "candor/v1/f/v/signals|run|\($0)|\($0)", payload: Array("m\($0)".utf8), outboxClass: .signals, records: 1)
            })
        }

        /// The records messages the broker saw, with its answers.
        var data: [FakeBroker.Publish] { broker.log.filter { !$0.topic.hasSuffix("/status") } }

        func end() throws {
            _ = link.finish(timeout: 0)
            try link.close()
            try FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test(arguments: cases)
    func aPubackKeepsTheMessageUnlessItIsADelivery(code: Int, requireSubscriber: Bool) throws {
        let delivered = code < 0x80 && !(code == 0x10 && requireSubscriber)
        let h = try Harness(code: code, requireSubscriber: requireSubscriber)
        let all = (1...h.messages).map { "m\($0)" }
        if delivered {
            #expect(h.broker.await { h.link.statistics.outbox.messages == 0 })
            let s = h.link.statistics
            #expect(s.acknowledged == UInt64(h.messages) && s.refused.isEmpty && s.unmatched == 0)
            #expect(h.data.map { String(decoding: $0.payload, as: UTF8.self) } == all)
            try h.end()
            return
        }
        // Not delivered: the first 32 are answered, then the oldest alone, again and again.
        #expect(h.broker.await { h.data.count >= 32 + 4 })
        var s = h.link.statistics
        #expect(s.outbox.messages == h.messages && s.acknowledged == 0)
        let resent = h.data.dropFirst(32).map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(Set(resent) == ["m1"], "after the pause the oldest goes alone: \(resent)")
        let answered = UInt64(h.data.count)
        if code >= 0x80 {
            #expect(s.unmatched == 0 && s.refused.keys.sorted() == [code] && s.refused[code]! >= answered - 1)
            // One line however many times it was refused (at most one a minute).
            let lines = h.events.all.compactMap { if case .refused(_, let c, let n, _) = $0 { (c, n) } else { nil } }
            #expect(lines.count == 1 && lines.first?.0 == code && lines.first?.1 == 32)
            let line = h.events.all.first { if case .refused = $0 { true } else { false } }!.logLine
            #expect(line.contains("PUBACK \(MQTTReasonCode.hex(code)) (\(MQTTReasonCode.pubackName(code)))"), "\(line)")
        } else {
            #expect(s.refused.isEmpty && s.unmatched >= answered - 1)
        }
        // The broker takes messages again: each arrives once, in order.
        h.broker.answer { _ in 0 }
        #expect(h.broker.await { h.link.statistics.outbox.messages == 0 })
        s = h.link.statistics
        let taken = h.data.filter { $0.reason == 0 }.map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(taken == all && s.acknowledged == UInt64(h.messages))
        let resumed = h.events.all.contains {
            switch $0 {
            case .accepted: code >= 0x80
            case .noSubscriber(_, false, _): code < 0x80
            default: false
            }
        }
        #expect(resumed)
        try h.end()
    }

    @Test func reasonCodesAreNamedAsMQTT5NamesThem() {
        #expect(MQTTReasonCode.pubackName(0x87) == "Not authorized" && MQTTReasonCode.hex(0x87) == "0x87")
        #expect(MQTTReasonCode.pubackName(0x97) == "Quota exceeded" && MQTTReasonCode.pubackName(0x99) == "Payload format invalid")
        #expect(MQTTReasonCode.pubackName(0x90) == "Topic Name invalid" && MQTTReasonCode.pubackName(0x83) == "Implementation specific error")
        #expect(MQTTReasonCode.pubackName(0xA2) == "reason 0xa2" && MQTTReasonCode.hex(0) == "0x00")
    }

    @Test func aThrottledLineSaysTheFirstAtOnceThenAtMostOncePerInterval() {
        var line = ThrottledLine(intervalMillis: 1000)
        #expect(line.due("0x87", now: 0) == nil)
        line.note()
        #expect(line.due("0x87", now: 0) == 1)
        for _ in 0..<5 { line.note() }
        #expect(line.due("0x87", now: 999) == nil)
        #expect(line.due("0x97", now: 999) == 5)  // another kind: said at once
        line.note()
        #expect(line.due("0x97", now: 1500) == nil)
        #expect(line.due("0x97", now: 1999) == 1)
        line.note()
        line.reset()
        #expect(line.due("0x97", now: 2000) == nil)
    }
}
