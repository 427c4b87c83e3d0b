import Outbox

/// What the uplink has done; read at any time (`UplinkLink.statistics`).
public struct UplinkStatistics: Sendable, Hashable {
    public var connected = false
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
    public var lastError: String?

    public var refusedTotal: UInt64 { refused.values.reduce(0, +) }
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
    case outbox(OutboxEvent)
}
