/// How long a message is kept when the outbox is full: classes are evicted in this order,
/// the oldest message of a class first. A message may only push out messages of its own
/// class or of a class evicted before it; when there are none, the new message itself is
/// dropped (and counted).
public enum OutboxClass: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Closed signal windows: evicted first.
    case signals = 0
    /// Message and bus health.
    case health = 1
    /// Operations figures, episodes, status: evicted last.
    case essential = 2

    public var description: String {
        switch self {
        case .signals: "signals"
        case .health: "health"
        case .essential: "essential"
        }
    }
}

/// The meaning of `sinks.sqlite.synchronous`, for the outbox.
public enum OutboxDurability: String, Sendable, Hashable {
    /// A stored message survives `kill -9` of candor (it is in the kernel's page cache when
    /// `append` returns); a power loss may lose the messages since the kernel last wrote back.
    case normal
    /// Every `append` is synced to the disk (`fdatasync`) before it returns.
    case full
}

public struct OutboxOptions: Sendable, Hashable {
    /// Live message bytes (record headers included) kept at most; see `Outbox` for the disk bound.
    public var maxBytes: Int
    /// Messages older than this (milliseconds since they were stored) are evicted.
    public var maxAgeMillis: Int64
    public var durability: OutboxDurability
    /// A segment file is closed and a new one begun past this size.
    public var segmentBytes: Int

    public init(maxBytes: Int = 64 << 20, maxAgeMillis: Int64 = 7 * 86_400_000,
                durability: OutboxDurability = .normal, segmentBytes: Int? = nil) {
        precondition(maxBytes > 0 && maxAgeMillis > 0)
        self.maxBytes = maxBytes
        self.maxAgeMillis = maxAgeMillis
        self.durability = durability
        self.segmentBytes = segmentBytes ?? max(4096, min(1 << 20, maxBytes / 16))
    }
}

/// One stored message, as handed to the sender.
public struct OutboxMessage: Sendable, Hashable {
    /// Increases by one per stored message over the outbox's life (restarts included).
    public var sequence: UInt64
    public var outboxClass: OutboxClass
    /// Wall-clock milliseconds when it was stored.
    public var storedMillis: Int64
    /// Where it goes (an MQTT topic; a message kind for other uplinks).
    public var label: String
    public var payload: [UInt8]
    /// Handed out before since the outbox was opened (after a reconnect, or a confirmation
    /// that did not come): this hand-out sends it again.
    public var resent = false
}

/// Why messages left the outbox without an acknowledgement.
public enum EvictionReason: String, Sendable, Hashable, CaseIterable {
    /// Room for a newer message of the same or a more important class.
    case full
    /// Older than `maxAgeMillis`.
    case age
    /// The disk refused the write (ENOSPC, EFBIG): a whole segment was given up.
    case disk
    /// A new message that found no room: nothing less important was left to evict.
    case rejected
}

/// Something a log should show; taken with `Outbox.takeEvents()`.
public enum OutboxEvent: Sendable, Hashable {
    /// A segment failed its checks in the middle: renamed to `movedTo`; `messages` readable
    /// messages in it and `bytes` unreadable bytes after them are lost.
    case corruptSegment(path: String, movedTo: String, messages: Int, bytes: Int)
    /// The newest segment ended in a partial record (a write cut short by a crash or power
    /// loss): cut back to the last whole record.
    case tornTail(path: String, bytes: Int)
    /// The cursor file was unreadable: every stored message is sent again (duplicates, no loss).
    case cursorReset(path: String)
    /// The disk refused a write; the oldest segment of `outboxClass` was dropped.
    case diskFull(path: String, errno: Int32, outboxClass: OutboxClass, messages: Int)
    /// The disk refused a write even after that (or nothing could be given up for a message
    /// of `outboxClass`): the new message was not stored (counted under `rejected`).
    case diskRejected(path: String, errno: Int32, outboxClass: OutboxClass)
}

public struct OutboxStatistics: Sendable, Hashable {
    public var messages = 0
    /// Live bytes (record headers included).
    public var bytes = 0
    /// Bytes of the segment files on disk.
    public var diskBytes = 0
    public var oldestStoredMillis: Int64?
    public var stored: UInt64 = 0
    public var acknowledged: UInt64 = 0
    /// Messages the next hop has (`markDelivered`) that their end receiver has not confirmed.
    public var awaitingConfirmation = 0
    public var evicted: [EvictionReason: UInt64] = [:]
    public var evictedByClass: [OutboxClass: UInt64] = [:]
    /// Messages and bytes lost to corrupt segments (see `OutboxEvent.corruptSegment`).
    public var corruptMessages: UInt64 = 0
    public var corruptBytes: UInt64 = 0

    public var evictedTotal: UInt64 { evicted.values.reduce(0, +) }

    public init() {}
}

public struct OutboxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32
    public var message: String

    public var description: String {
        "outbox \(path): \(operation): \(message)"
    }
}
