import MQTT
import Outbox
import Prometheus
import Synchronization
import SystemIO

extension PrometheusFamily {
    static let uplinkConnected = PrometheusFamily(name: "candor_uplink_connected", kind: .gauge,
        help: "1 while the uplink is connected to its MQTT broker, else 0.")
    static let outboxMessages = PrometheusFamily(name: "candor_uplink_outbox_messages", kind: .gauge,
        help: "Messages in the uplink's outbox, not yet acknowledged by the broker.")
    static let outboxBytes = PrometheusFamily(name: "candor_uplink_outbox_bytes", kind: .gauge,
        help: "Bytes of the messages in the uplink's outbox.")
    static let outboxOldest = PrometheusFamily(name: "candor_uplink_outbox_oldest_age_seconds", kind: .gauge,
        help: "Age of the oldest message in the uplink's outbox (0 when empty).")
    static let uplinkPublished = PrometheusFamily(name: "candor_uplink_published_total", kind: .counter,
        help: "Messages the uplink handed to the broker (resends included).")
    static let uplinkAcknowledged = PrometheusFamily(name: "candor_uplink_acknowledged_total", kind: .counter,
        help: "Messages the broker acknowledged (PUBACK); they left the outbox, unless uplink.outbox.confirm is collector.")
    static let uplinkAwaiting = PrometheusFamily(name: "candor_uplink_awaiting_confirmation", kind: .gauge,
        help: "Messages the broker acknowledged that a collector has not confirmed yet (uplink.outbox.confirm: collector); they stay in the outbox.")
    static let uplinkConfirmed = PrometheusFamily(name: "candor_uplink_confirmed_total", kind: .counter,
        help: "Messages a collector confirmed as stored in the fleet store (uplink.outbox.confirm: collector); they left the outbox.")
    static let uplinkConfirmTimeouts = PrometheusFamily(name: "candor_uplink_confirm_timeouts_total", kind: .counter,
        help: "Messages sent again because no collector confirmed them within uplink.outbox.confirm_timeout of their PUBACK (doubling per resend).")
    static let uplinkResent = PrometheusFamily(name: "candor_uplink_resent_total", kind: .counter,
        help: "Messages handed to the broker again: after a reconnect, a refusal's pause or an overdue confirmation (included in published).")
    static let uplinkEvicted = PrometheusFamily(name: "candor_uplink_evicted_total", kind: .counter,
        help: "Messages that left the outbox unacknowledged, by reason (full, age, disk, rejected).")
    static let uplinkRefused = PrometheusFamily(name: "candor_uplink_refused_total", kind: .counter,
        help: "PUBACKs refusing a message, by MQTT 5 reason code (0x80 and up); the message stays in the outbox and is sent again.")
    static let uplinkUnmatched = PrometheusFamily(name: "candor_uplink_unmatched_total", kind: .counter,
        help: "PUBACKs saying no subscriber matched (0x10) with require_subscriber; the message stays in the outbox and is sent again.")
    static let uplinkOutboxErrors = PrometheusFamily(name: "candor_uplink_outbox_errors_total", kind: .counter,
        help: "Outbox operations of the uplink's link that failed (read, acknowledge, evict by age).")
    static let uplinkReconnects = PrometheusFamily(name: "candor_uplink_reconnects_total", kind: .counter,
        help: "Connections to the broker after the first one.")
    static let uplinkCaptures = PrometheusFamily(name: "candor_uplink_captures_total", kind: .counter,
        help: "Capture triggers (uplink.captures) by outcome: taken (cut from the ring), stored (in the outbox), limited (over max_per_hour), covered (inside a capture already taken), dropped (lost before the outbox).")
    static let uplinkDropped = PrometheusFamily(name: "candor_uplink_dropped_records_total", kind: .counter,
        help: "Records dropped before the outbox (the uplink's queue was full).")
}

/// The uplink's series on the daemon's metrics endpoint, refreshed by `update` (the daemon
/// calls it with its other periodic figures). `service` is only read (its statistics lock);
/// the series are under `series`.
public final class UplinkMetrics: @unchecked Sendable {
    private struct Series {
        var connected: Gauge
        var messages: Gauge
        var bytes: Gauge
        var oldest: Gauge
        var published: MirroredTotal
        var acknowledged: MirroredTotal
        var awaiting: Gauge
        var confirmed: MirroredTotal
        var confirmTimeouts: MirroredTotal
        var resent: MirroredTotal
        var evicted: [EvictionKey: MirroredTotal]
        var refused: [Int: MirroredTotal] = [:]
        var unmatched: MirroredTotal
        var outboxErrors: MirroredTotal
        var reconnects: MirroredTotal
        var dropped: MirroredTotal
        var captures: [String: MirroredTotal]
    }

    private typealias EvictionKey = String
    private let uplink: UplinkService
    private let queue: QueuedRecordService
    private let series: Mutex<Series>
    private let registry: PrometheusCollectorRegistry

    /// Nil when `services` has no uplink.
    public init?(_ metrics: PrometheusMetrics, services: [any RecordService]) {
        guard let (uplink, queue) = services.queued(UplinkService.self) else { return nil }
        self.uplink = uplink
        self.queue = queue
        let r = metrics.registry
        registry = r
        var evicted: [String: MirroredTotal] = [:]
        for reason in ["full", "age", "disk", "rejected"] {
            evicted[reason] = MirroredTotal(PrometheusFamily.uplinkEvicted.counter(in: r, [("reason", reason)]), total: 0)
        }
        series = Mutex(Series(
            connected: PrometheusFamily.uplinkConnected.gauge(in: r, []),
            messages: PrometheusFamily.outboxMessages.gauge(in: r, []),
            bytes: PrometheusFamily.outboxBytes.gauge(in: r, []),
            oldest: PrometheusFamily.outboxOldest.gauge(in: r, []),
            published: MirroredTotal(PrometheusFamily.uplinkPublished.counter(in: r, []), total: 0),
            acknowledged: MirroredTotal(PrometheusFamily.uplinkAcknowledged.counter(in: r, []), total: 0),
            awaiting: PrometheusFamily.uplinkAwaiting.gauge(in: r, []),
            confirmed: MirroredTotal(PrometheusFamily.uplinkConfirmed.counter(in: r, []), total: 0),
            confirmTimeouts: MirroredTotal(PrometheusFamily.uplinkConfirmTimeouts.counter(in: r, []), total: 0),
            resent: MirroredTotal(PrometheusFamily.uplinkResent.counter(in: r, []), total: 0),
            evicted: evicted,
            unmatched: MirroredTotal(PrometheusFamily.uplinkUnmatched.counter(in: r, []), total: 0),
            outboxErrors: MirroredTotal(PrometheusFamily.uplinkOutboxErrors.counter(in: r, []), total: 0),
            reconnects: MirroredTotal(PrometheusFamily.uplinkReconnects.counter(in: r, []), total: 0),
            dropped: MirroredTotal(PrometheusFamily.uplinkDropped.counter(in: r, []), total: 0),
            captures: uplink.settings.captures == nil ? [:] : Dictionary(uniqueKeysWithValues: ["taken", "stored", "limited", "covered", "dropped"].map {
                ($0, MirroredTotal(PrometheusFamily.uplinkCaptures.counter(in: r, [("outcome", $0)]), total: 0))
            })))
    }

    /// Sets the series from the uplink's statistics; returns the link and outbox events since
    /// the last call, as log lines.
    @discardableResult
    public func update() -> [String] {
        let s = uplink.statistics
        let dropped = queue.statistics.droppedRecords
        series.withLock { m in
            m.connected.set(to: s.connected ? 1.0 : 0.0)
            m.messages.set(to: Double(s.outbox.messages))
            m.bytes.set(to: Double(s.outbox.bytes))
            m.oldest.set(to: s.outbox.oldestStoredMillis.map { max(0, Double(Outbox.wallClockMillis() - $0) / 1000) } ?? 0)
            m.published.advance(to: Int(s.published))
            m.acknowledged.advance(to: Int(s.acknowledged))
            m.awaiting.set(to: Double(s.outbox.awaitingConfirmation))
            m.confirmed.advance(to: Int(s.confirmed))
            m.confirmTimeouts.advance(to: Int(s.confirmTimeouts))
            m.resent.advance(to: Int(s.resent))
            for (reason, total) in s.outbox.evicted { m.evicted[reason.rawValue]?.advance(to: Int(total)) }
            for (code, total) in s.refused {
                if m.refused[code] == nil {
                    let label = [("reason", MQTTReasonCode.hex(code))]
                    m.refused[code] = MirroredTotal(PrometheusFamily.uplinkRefused.counter(in: registry, label), total: 0)
                }
                m.refused[code]?.advance(to: Int(total))
            }
            m.unmatched.advance(to: Int(s.unmatched))
            m.outboxErrors.advance(to: Int(s.outboxErrors))
            m.reconnects.advance(to: Int(s.reconnects))
            m.dropped.advance(to: Int(dropped))
            if !m.captures.isEmpty {
                let c = uplink.captureCounters.statistics
                for (outcome, total) in [("taken", c.taken), ("stored", c.stored), ("limited", c.limited), ("covered", c.covered), ("dropped", c.dropped)] {
                    m.captures[outcome]?.advance(to: Int(total))
                }
            }
        }
        return uplink.takeEvents().map(\.logLine)
    }
}

extension UplinkEvent {
    public var logLine: String {
        switch self {
        case .connected(let broker, let present, let version):
            "uplink connected to \(broker) (MQTT \(version == 5 ? "5" : "3.1.1"), session \(present ? "resumed" : "new"))"
        case .connectFailed(let broker, let reason, let retry):
            "uplink cannot connect to \(broker): \(reason); retrying in \(retry) s"
        case .disconnected(let broker, let reason):
            "uplink lost \(broker): \(reason)"
        case .noSubscriber(let broker, true, let retry):
            "uplink: \(broker) has no subscriber for the fleet's messages (PUBACK 0x10); they stay in the outbox, sent again in \(retry) s"
        case .noSubscriber(let broker, false, _):
            "uplink: \(broker) has a subscriber again; sending resumed"
        case .refused(let broker, let code, let messages, let retry):
            "uplink: \(broker) refused \(messages) message\(messages == 1 ? "" : "s") with PUBACK \(MQTTReasonCode.hex(code)) "
                + "(\(MQTTReasonCode.pubackName(code))); they stay in the outbox, sent again in \(retry) s"
        case .accepted(let broker):
            "uplink: \(broker) accepts the fleet's messages again; sending resumed"
        case .outboxFailed(let message, let occurrences):
            "uplink: \(message)\(occurrences > 1 ? " (\(occurrences) times since the last line)" : ""); the messages stay in the outbox"
        case .unconfirmed(let broker, let messages, let after):
            "uplink: \(messages) message\(messages == 1 ? "" : "s") acknowledged by \(broker) not confirmed by a collector within \(after) s "
                + "(or longer, for a later resend); sent again"
        case .confirmationsRefused(let broker, let code):
            "uplink: \(broker) refused the subscription to the collector's confirmations (\(MQTTReasonCode.hex(code))); "
                + "messages stay in the outbox until confirmed"
        case .outbox(let event):
            switch event {
            case .corruptSegment(let path, let moved, let messages, let bytes):
                "outbox: corrupt segment \(path) moved to \(moved); \(messages) messages and \(bytes) bytes lost"
            case .tornTail(let path, let bytes): "outbox: \(path) ended in a partial record; \(bytes) bytes cut"
            case .cursorReset(let path): "outbox: cursor \(path) unreadable; every stored message is sent again"
            case .diskFull(let path, let code, let outboxClass, let messages):
                "outbox: disk refused a write (\(Self.errorName(code))); dropped \(path): \(messages) \(outboxClass) messages"
            case .diskRejected(let path, let code, let outboxClass):
                "outbox: disk refused a write to \(path) (\(Self.errorName(code))); a new \(outboxClass) message was not stored"
            }
        }
    }

    /// `No space left on device, errno 28`.
    static func errorName(_ code: Int32) -> String {
        "\(SystemError.text(code)), errno \(code)"
    }
}
