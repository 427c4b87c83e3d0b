import Outbox

/// What the uplink has done; read at any time (`UplinkLink.statistics`).
public struct UplinkStatistics: Sendable, Hashable {
    public var connected = false
    /// The MQTT version of the connection (4 = 3.1.1, 5), nil while there is none.
    public var protocolVersion: Int?
    /// Whether a connection was ever made since the start.
    public var everConnected = false
    /// Wall-clock milliseconds of the last link transition (the start, a connection, its loss).
    public var linkSinceMillis: Int64 = 0
    /// Why the link is down: the last failed attempt or the loss; nil while connected.
    public var linkDownReason: String?
    /// Sending paused after a PUBACK that was not a delivery (refused, or no subscriber).
    public var sendingHeld = false
    public var outbox = OutboxStatistics()
    /// Messages handed to the broker, and acknowledged by it (PUBACK).
    public var published: UInt64 = 0
    public var acknowledged: UInt64 = 0
    /// Payload bytes of the acknowledged messages (what the link carried, before MQTT framing).
    public var acknowledgedBytes: UInt64 = 0
    /// Records put in the outbox (a message holds several).
    public var recordsStored: UInt64 = 0
    /// Connections made after the first one.
    public var reconnects: UInt64 = 0
    public var connectFailures: UInt64 = 0
    /// PUBACKs saying no subscription matched (MQTT 5 reason 0x10): with
    /// `requireSubscriber` those messages stay in the outbox and are sent again.
    public var unmatched: UInt64 = 0
    /// PUBACKs refusing the message (MQTT 5 reason 0x80 and up), by reason code: those
    /// messages stay in the outbox and are sent again.
    public var refused: [Int: UInt64] = [:]
    /// Outbox operations of the link's thread that failed (reading the next message,
    /// removing an acknowledged one, evicting by age).
    public var outboxErrors: UInt64 = 0
    /// Messages handed to the broker again (after a reconnect, a refusal's pause or a
    /// confirmation that did not come); included in `published`.
    public var resent: UInt64 = 0
    /// With `uplink.outbox.confirm: collector`: messages a collector confirmed (they left
    /// the outbox), messages sent again because their confirmation was overdue, and named
    /// identities that matched nothing handed out (a duplicate's confirmation, a malformed one).
    public var confirmed: UInt64 = 0
    public var confirmTimeouts: UInt64 = 0
    public var confirmationsIgnored: UInt64 = 0
    public var lastError: String?
    /// CPU time of the uplink's threads, each read as its thread ends (zeros until then).
    public var cpu = UplinkCPU()

    public var refusedTotal: UInt64 { refused.values.reduce(0, +) }

    /// The uplink's part of the daemon's `STATUS=` line (`systemctl status`): the link, the
    /// backlog, what the broker would not take.
    ///
    ///     uplink connected to 127.0.0.1:1883 (MQTT 5) since 2026-12-06T21:04:05.120Z; outbox 0 messages, 0 B
    ///     uplink disconnected from 127.0.0.1:1883 since 2026-12-06T21:05:10.003Z (Connection refused);
    ///       outbox 41 messages, 30512 B, oldest 12 s; refused 0x87 Not authorized: 7; sending held
    public func statusLine(broker: String, nowMillis: Int64) -> String {
        let since = LogLineFormat.utc((Int(linkSinceMillis / 1000), Int(linkSinceMillis % 1000)))
        var text: String
        if connected {
            text = "uplink connected to \(broker) (MQTT \(protocolVersion == 5 ? "5" : "3.1.1")) since \(since)"
        } else {
            text = "uplink \(everConnected ? "disconnected from" : "not yet connected to") \(broker) since \(since)"
            if let linkDownReason { text += " (\(linkDownReason))" }
        }
        text += "; outbox \(outbox.messages) messages, \(outbox.bytes) B"
        if outbox.messages > 0, let oldest = outbox.oldestStoredMillis { text += ", oldest \(max(0, nowMillis - oldest) / 1000) s" }
        if outbox.awaitingConfirmation > 0 { text += ", \(outbox.awaitingConfirmation) awaiting confirmation" }
        if outbox.evictedTotal > 0 { text += ", \(outbox.evictedTotal) evicted" }
        if refusedTotal > 0 { text += "; refused \(UplinkService.reasons(refused))" }
        if unmatched > 0 { text += "; \(unmatched) without a subscriber" }
        if sendingHeld { text += "; sending held" }
        return text
    }
}

/// A link transition or an outbox event, for the log.
public enum UplinkEvent: Sendable, Hashable {
    case connected(broker: String, sessionPresent: Bool, version: Int)
    case connectFailed(broker: String, reason: String, retryInSeconds: Double)
    case disconnected(broker: String, reason: String)
    /// The broker has no subscriber for the uplink's messages: sending paused, retried in
    /// `retryInSeconds`; `false` when a subscriber took them again.
    case noSubscriber(broker: String, holding: Bool, retryInSeconds: Double)
    /// The broker refused `messages` messages (since the last such line) with `reasonCode`
    /// (MQTT 5, 0x80 and up): they stay in the outbox, sending paused for `retryInSeconds`.
    case refused(broker: String, reasonCode: Int, messages: Int, retryInSeconds: Double)
    /// After refusals, the broker took a message again: sending resumed.
    case accepted(broker: String)
    /// An outbox operation failed `occurrences` times since the last such line.
    case outboxFailed(message: String, occurrences: Int)
    /// `messages` messages (since the last such line) were PUBACK'd and not confirmed by a
    /// collector within `afterSeconds` (or longer, for a later resend): sent again.
    case unconfirmed(broker: String, messages: Int, afterSeconds: Double)
    /// The broker refused the subscription to the collector's confirmations.
    case confirmationsRefused(broker: String, reasonCode: Int)
    case outbox(OutboxEvent)
}

/// CPU time (user and system, nanoseconds) of the uplink's own threads, for `candor replay`'s
/// CPU line and the README's figure: what the uplink costs besides the selection on the
/// ingest thread (`UplinkEncoder.uplinked`, a look at the window runs of each batch).
public struct UplinkCPU: Sendable, Hashable {
    /// The record thread (`candor-mqtt`): grouping, the records' JSON, zlib, the outbox write.
    public var encoding: UInt64 = 0
    /// The link thread (`candor-uplink`): MQTT, PUBACKs, the outbox's cursor, evictions.
    public var sending: UInt64 = 0
    /// The capture thread (`candor-capture`), with `uplink.captures`.
    public var captures: UInt64 = 0

    public var total: UInt64 { encoding + sending + captures }

    public init(encoding: UInt64 = 0, sending: UInt64 = 0, captures: UInt64 = 0) {
        self.encoding = encoding
        self.sending = sending
        self.captures = captures
    }

    /// These times beside the process's CPU time; `captures`: the capture thread ran.
    ///
    ///     uplink CPU: 30.8 ms on its threads (20.9 ms encoding, 9.9 ms sending), 2.04 % of the process's 1510.2 ms
    public func line(processNanoseconds: UInt64, captures withCaptures: Bool) -> String {
        func ms(_ n: UInt64) -> String { ReplaySummary.fixed(Double(n) / 1e6, 1) + " ms" }
        let share = processNanoseconds > 0 ? ReplaySummary.fixed(100 * Double(total) / Double(processNanoseconds), 2) + " %" : "n/a"
        return "uplink CPU: \(ms(total)) on its threads (\(ms(encoding)) encoding, \(ms(sending)) sending"
            + (withCaptures ? ", \(ms(captures)) captures" : "") + "), \(share) of the process's \(ms(processNanoseconds))"
    }
}
