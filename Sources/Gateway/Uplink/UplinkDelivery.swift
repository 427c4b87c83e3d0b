import MQTT

/// What a PUBACK means for the message it answers. Only a delivery removes the message from
/// the outbox: reason codes below 0x80 are successes (MQTT 5, 2.4), except 0x10 "no matching
/// subscribers" with `requireSubscriber` (the broker took it and nobody got it); 0x80 and up
/// are refusals (not authorized, quota exceeded, topic name or payload format invalid, …),
/// which leave the message where it was, sent again after a pause. A 3.1.1 PUBACK carries no
/// reason (0): there every PUBACK is a delivery.
enum PubackVerdict: Sendable, Hashable {
    case delivered
    case noSubscriber
    case refused(reasonCode: Int)

    init(reasonCode: Int, requireSubscriber: Bool) {
        if reasonCode >= MQTTReasonCode.firstRefusal {
            self = .refused(reasonCode: reasonCode)
        } else if reasonCode == MQTTReasonCode.noMatchingSubscribers && requireSubscriber {
            self = .noSubscriber
        } else {
            self = .delivered
        }
    }
}

/// A log line that repeats at most once per `intervalMillis`: the first occurrence of a kind
/// (a reason code, an outbox operation) is said at once, later ones of the same kind are
/// counted and said with the next line due. Owned by the link's thread.
struct ThrottledLine: Sendable {
    let intervalMillis: UInt64
    private var lastSaid: UInt64?
    private var lastKind: String?
    private var unsaid = 0

    init(intervalMillis: UInt64 = 60_000) { self.intervalMillis = intervalMillis }

    /// One more occurrence of `kind` at `now` (monotonic milliseconds).
    mutating func note() { unsaid += 1 }

    /// How many occurrences to report now, or nil when the line is not due.
    mutating func due(_ kind: String, now: UInt64) -> Int? {
        guard unsaid > 0 else { return nil }
        if let lastSaid, lastKind == kind, now - lastSaid < intervalMillis { return nil }
        defer {
            lastSaid = now
            lastKind = kind
            unsaid = 0
        }
        return unsaid
    }

    /// The condition ended: the next occurrence is said at once.
    mutating func reset() {
        lastSaid = nil
        lastKind = nil
        unsaid = 0
    }
}
