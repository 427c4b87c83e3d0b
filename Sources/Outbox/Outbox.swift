/// The durable outbox of an uplink: every message is on disk before it is handed to the
/// sender and leaves only when the receiver acknowledged it, or when it is evicted (counted).
/// With an end-to-end confirmation, a message the next hop has (`markDelivered`) stays until
/// its end receiver confirms it (`acknowledge`); `resend` hands it out again meanwhile.
///
/// Backing: an append-only segment log of our own, one per `OutboxClass`, in a directory:
/// `<class>-<number>.seg` files of CRC-checked records (`RecordCodec`) and a two-slot
/// `cursor` (`CursorFile`). Chosen over a table in SQLite because the one Swift module that
/// may import SQLite is the gateway's store, and this module is shared by every uplink (MQTT,
/// GB/T 32960); an append-only log also needs one `write` per message (plus an `fdatasync` with
/// `.full`), no page rewrites, and its failure modes are few and testable: a torn tail (cut
/// back on open) and a corrupt segment (moved aside, what it held counted).
///
/// Order: sequences increase over the outbox's life; `next` hands out messages in sequence
/// order (or important classes first), so a restart resumes where delivery stopped. Only
/// acknowledgements are persisted: after a restart, delivered messages are pending again.
/// Acknowledgements may come out of order; a class's cursor moves past a message once it
/// and everything before it in the class is acknowledged or evicted, and a segment file is
/// deleted when the cursor has passed all of it.
///
/// Bounds: live bytes ≤ `maxBytes` (evicting, never waiting: see `OutboxClass`); messages
/// older than `maxAgeMillis` are evicted. On disk, the segments of a class hold at most one
/// segment of already-delivered bytes beyond that: `maxBytes + 3 × segmentBytes`.
///
/// Not thread-safe: one owner (the uplink's thread) calls everything.
public final class Outbox {
    public let directory: String
    public let options: OutboxOptions
    let clock: () -> Int64
    var queues: [ClassQueue]
    var cursor: CursorFile
    var nextSequence: UInt64
    var statistics = OutboxStatistics()
    var events: [OutboxEvent] = []
    private var recordBuffer: [UInt8] = []
    private var closed = false

    /// Opens the outbox in `directory` (created when missing), checking every stored record.
    /// `clock` gives wall-clock milliseconds (the ages of messages).
    public init(directory: String, options: OutboxOptions = OutboxOptions(),
                clock: @escaping () -> Int64 = Outbox.wallClockMillis) throws(OutboxError) {
        self.directory = directory
        self.options = options
        self.clock = clock
        let loaded = try OutboxLoader.load(directory: directory, durability: options.durability)
        queues = loaded.queues
        cursor = loaded.cursor
        nextSequence = loaded.nextSequence
        events = loaded.events
        statistics.corruptMessages = loaded.corruptMessages
        statistics.corruptBytes = loaded.corruptBytes
        for queue in queues { try release(queue) }
        try saveCursor()
    }

    deinit {
        if !closed { for queue in queues { queue.closeFiles() } }
    }

    /// Wall-clock milliseconds (`CLOCK_REALTIME`), the default clock.
    public static func wallClockMillis() -> Int64 { FileSystem.nowMillis() }

    /// The sequence the next stored message gets.
    public var upcomingSequence: UInt64 { nextSequence }

    /// Stores a message and returns its sequence, or nil when it was dropped for lack of room
    /// (counted under `.rejected`). Makes room by evicting (`OutboxClass`), never waits.
    /// Throws only for I/O errors other than a full disk.
    @discardableResult
    public func append(label: String, payload: [UInt8], class outboxClass: OutboxClass) throws(OutboxError) -> UInt64? {
        precondition(!closed, "outbox used after close")
        let now = clock()
        try evictExpired(now: now)
        let message = OutboxMessage(sequence: nextSequence, outboxClass: outboxClass, storedMillis: now, label: label, payload: payload)
        RecordCodec.encode(message, into: &recordBuffer)
        let size = recordBuffer.count
        guard try makeRoom(size, for: outboxClass) else { return reject(outboxClass) }
        let queue = queues[outboxClass.rawValue]
        for attempt in 0..<2 {
            let segment = try queue.writableSegment(for: size, limit: options.segmentBytes, directory: directory, durability: options.durability)
            let code = FileSystem.appendAll(segment.fd, recordBuffer)
            if code == 0 {
                if options.durability == .full { try FileSystem.syncData(segment.fd, segment.path) }
                queue.add(Entry(sequence: message.sequence, offset: segment.size, length: size, stored: now), segmentSize: size)
                nextSequence += 1
                statistics.stored += 1
                return message.sequence
            }
            // Remove what part of the record reached the file.
            try FileSystem.truncate(segment.fd, segment.size, segment.path)
            guard (code == ENOSPC || code == EFBIG || code == EDQUOT), attempt == 0 else {
                if code == ENOSPC || code == EFBIG || code == EDQUOT {
                    events.append(.diskRejected(path: segment.path, errno: code, outboxClass: outboxClass))
                    return reject(outboxClass)
                }
                throw FileSystem.failure("write", segment.path, code)
            }
            try dropOldestSegment(below: outboxClass, errno: code)
        }
        return reject(outboxClass)
    }

    /// Up to `limit` messages not yet handed out, in sequence order, or with `importantFirst`
    /// the most important class first. They count as in flight until acknowledged or `resend`.
    public func next(limit: Int, importantFirst: Bool = false) throws(OutboxError) -> [OutboxMessage] {
        var result: [OutboxMessage] = []
        while result.count < limit {
            var pick: ClassQueue?
            for queue in queues.reversed() {
                guard let sequence = queue.nextUnsentSequence() else { continue }
                if importantFirst { pick = queue; break }
                if pick == nil || sequence < pick!.nextUnsentSequence()! { pick = queue }
            }
            guard let queue = pick else { break }
            result.append(try queue.takeUnsent())
        }
        return result
    }

    /// The receiver has `sequence`: it leaves the outbox. Unknown or already removed sequences
    /// are ignored (false).
    @discardableResult
    public func acknowledge(_ sequence: UInt64) throws(OutboxError) -> Bool {
        for queue in queues where queue.acknowledge(sequence) {
            statistics.acknowledged += 1
            try release(queue)
            return true
        }
        return false
    }

    /// The next hop has the in-flight `sequence` (an MQTT PUBACK) and its end receiver is
    /// still to confirm it (`acknowledge`): it stays, counted under `awaitingConfirmation`,
    /// evictable as any other, handed out again by `resend`. False when it is not in flight.
    @discardableResult
    public func markDelivered(_ sequence: UInt64) -> Bool {
        queues.contains { $0.markDelivered(sequence) }
    }

    /// Everything in flight is handed out again by `next` (after a reconnect), and with
    /// `delivered` everything delivered and not confirmed too.
    public func resend(delivered: Bool = true) {
        for queue in queues { queue.rewind(delivered: delivered) }
    }

    /// The delivered `sequences` are handed out again by `next` (their confirmation did not
    /// come); returns those that were delivered (the others are gone or not delivered).
    public func resend(_ sequences: [UInt64]) -> [UInt64] {
        sequences.filter { sequence in queues.contains { $0.rewind(sequence) } }
    }

    /// Whether `sequence` is still in the outbox (not acknowledged, not evicted).
    public func holds(_ sequence: UInt64) -> Bool {
        queues.contains { $0.holds(sequence) }
    }

    /// Messages delivered to the next hop and not yet confirmed (`markDelivered`).
    public var awaitingConfirmation: Int { queues.reduce(0) { $0 + $1.deliveredMessages } }

    /// Evicts what is older than `maxAgeMillis` at `now`.
    public func evictExpired(now: Int64) throws(OutboxError) {
        for queue in queues {
            var changed = false
            while let first = queue.firstLive, now - first.stored > options.maxAgeMillis {
                queue.evictFirst()
                count(.age, queue.outboxClass)
                changed = true
            }
            if changed { try release(queue) }
        }
    }

    public func takeEvents() -> [OutboxEvent] {
        defer { events.removeAll() }
        return events
    }

    public var currentStatistics: OutboxStatistics {
        var s = statistics
        s.messages = queues.reduce(0) { $0 + $1.liveMessages }
        s.bytes = queues.reduce(0) { $0 + $1.liveBytes }
        s.diskBytes = queues.reduce(0) { $0 + $1.diskBytes }
        s.awaitingConfirmation = awaitingConfirmation
        s.oldestStoredMillis = queues.compactMap { $0.firstLive?.stored }.min()
        return s
    }

    /// Saves the cursor and closes the files; a second call does nothing.
    public func close() throws(OutboxError) {
        guard !closed else { return }
        closed = true
        try saveCursor()
        for queue in queues { queue.closeFiles() }
        try cursor.close()
    }

    // MARK: - Room

    private func makeRoom(_ size: Int, for outboxClass: OutboxClass) throws(OutboxError) -> Bool {
        guard size <= options.maxBytes else { return false }
        var total = queues.reduce(0) { $0 + $1.liveBytes }
        var touched = Set<Int>()
        while total + size > options.maxBytes {
            guard let victim = queues.first(where: { $0.outboxClass.rawValue <= outboxClass.rawValue && $0.liveMessages > 0 }) else {
                return false
            }
            total -= victim.evictFirst()
            count(.full, victim.outboxClass)
            touched.insert(victim.outboxClass.rawValue)
        }
        for index in touched.sorted() { try release(queues[index]) }
        return true
    }

    /// The disk refused a write: gives up the oldest segment of the least important class
    /// that has one (at most `outboxClass`), or of `outboxClass` itself.
    private func dropOldestSegment(below outboxClass: OutboxClass, errno code: Int32) throws(OutboxError) {
        guard let queue = queues.first(where: { $0.outboxClass.rawValue <= outboxClass.rawValue && $0.diskBytes > 0 }) else { return }
        let path = queue.segments[0].path
        let evicted = queue.evictOldestSegment()
        for _ in 0..<evicted { count(.disk, queue.outboxClass) }
        events.append(.diskFull(path: path, errno: code, outboxClass: queue.outboxClass, messages: evicted))
        try saveCursor()
        try queue.removeConsumedSegments(durability: options.durability, directory: directory, all: true)
    }

    private func reject(_ outboxClass: OutboxClass) -> UInt64? {
        count(.rejected, outboxClass)
        return nil
    }

    private func count(_ reason: EvictionReason, _ outboxClass: OutboxClass) {
        statistics.evicted[reason, default: 0] += 1
        statistics.evictedByClass[outboxClass, default: 0] += 1
    }

    /// Saves the cursor when a class's first live sequence moved and deletes segments it passed.
    private func release(_ queue: ClassQueue) throws(OutboxError) {
        guard queue.cursorMoved else { return }
        try saveCursor()
        try queue.removeConsumedSegments(durability: options.durability, directory: directory, all: false)
    }

    private func saveCursor() throws(OutboxError) {
        try cursor.write(queues.map { $0.firstLiveSequence(default: nextSequence) })
        for queue in queues { queue.cursorMoved = false }
    }
}

#if canImport(Glibc)
import Glibc
#endif
