#if canImport(Glibc)
import Glibc
#endif

enum EntryState: UInt8 {
    case pending
    case inFlight
    /// The next hop has it (MQTT PUBACK), the end receiver has not confirmed it yet: still
    /// live (counted in the bounds, evictable), handed out again by a rewind.
    case delivered
    case acknowledged
}

/// Where one stored message is; the message itself stays on disk until it is sent.
struct Entry {
    var sequence: UInt64
    var offset: Int
    var length: Int
    var stored: Int64
    var state: EntryState = .pending
    /// Handed out before (since the outbox was opened): the next hand-out is a resend.
    var handedOut = false
}

/// One segment file of a class; `firstEntry` is the absolute index of its first message.
final class Segment {
    let number: Int
    let path: String
    let fd: Int32
    var size: Int
    var firstEntry: Int

    init(number: Int, path: String, fd: Int32, size: Int, firstEntry: Int) {
        self.number = number
        self.path = path
        self.fd = fd
        self.size = size
        self.firstEntry = firstEntry
    }

    static func name(_ outboxClass: OutboxClass, _ number: Int) -> String {
        let digits = String(number)
        return "\(outboxClass)-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".seg"
    }
}

/// The messages of one class in sequence order, with three absolute positions:
/// `head` (first message not yet removed), `sendIndex` (first not yet handed out), end.
/// Entries before `head` are gone; entries between are acknowledged, delivered, in flight or
/// pending.
final class ClassQueue {
    let outboxClass: OutboxClass
    private var entries: [Entry] = []
    private var base = 0
    private(set) var head = 0
    private var sendIndex = 0
    var segments: [Segment] = []
    var nextSegmentNumber = 1
    private(set) var liveMessages = 0
    private(set) var liveBytes = 0
    /// Live messages in the `delivered` state.
    private(set) var deliveredMessages = 0
    /// The first live sequence changed since the cursor was last saved.
    var cursorMoved = false

    init(_ outboxClass: OutboxClass) { self.outboxClass = outboxClass }

    private var end: Int { base + entries.count }

    var firstLive: Entry? { head < end ? entries[head - base] : nil }

    var diskBytes: Int { segments.reduce(0) { $0 + $1.size } }

    func firstLiveSequence(default value: UInt64) -> UInt64 { firstLive?.sequence ?? value }

    /// The segment to append `size` bytes to, beginning a new one past `limit`.
    func writableSegment(for size: Int, limit: Int, directory: String, durability: OutboxDurability) throws(OutboxError) -> Segment {
        if let last = segments.last, last.size == 0 || last.size + size <= limit { return last }
        let number = nextSegmentNumber
        let path = directory + "/" + Segment.name(outboxClass, number)
        let fd = try FileSystem.openFile(path, O_RDWR | O_CREAT | O_APPEND)
        if durability == .full { try FileSystem.syncDirectory(directory) }
        let segment = Segment(number: number, path: path, fd: fd, size: 0, firstEntry: end)
        nextSegmentNumber += 1
        segments.append(segment)
        return segment
    }

    /// Adds a message just written to the last segment.
    func add(_ entry: Entry, segmentSize: Int) {
        entries.append(entry)
        segments[segments.count - 1].size += segmentSize
        liveMessages += 1
        liveBytes += entry.length
    }

    func nextUnsentSequence() -> UInt64? {
        sendIndex = max(sendIndex, head)
        while sendIndex < end && entries[sendIndex - base].state != .pending { sendIndex += 1 }
        return sendIndex < end ? entries[sendIndex - base].sequence : nil
    }

    /// Reads the message at `sendIndex` back from its segment and marks it in flight.
    func takeUnsent() throws(OutboxError) -> OutboxMessage {
        let index = sendIndex
        let entry = entries[index - base]
        let segment = segments.last(where: { $0.firstEntry <= index })!
        let bytes = try FileSystem.readAt(segment.fd, entry.offset, entry.length, segment.path)
        let message: OutboxMessage? = bytes.withUnsafeBytes { raw in
            guard case .record(let n, let crc) = RecordCodec.header(raw), n + RecordCodec.headerBytes == raw.count else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: raw[RecordCodec.headerBytes...])
            guard CRC32C.checksum(body) == crc else { return nil }
            return RecordCodec.decodeBody(body)
        }
        guard var message, message.sequence == entry.sequence else {
            throw OutboxError(path: segment.path, operation: "read back", errno: EIO,
                              message: "record \(entry.sequence) at offset \(entry.offset) changed on disk")
        }
        message.resent = entry.handedOut
        entries[index - base].state = .inFlight
        entries[index - base].handedOut = true
        sendIndex = index + 1
        return message
    }

    /// The position in `entries` of a live (not removed) `sequence`, or nil.
    private func position(_ sequence: UInt64) -> Int? {
        guard let first = firstLive, sequence >= first.sequence, sequence <= entries[entries.count - 1].sequence else { return nil }
        var low = head - base
        var high = entries.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let s = entries[mid].sequence
            if s == sequence { return entries[mid].state == .acknowledged ? nil : mid }
            if s < sequence { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    /// Whether this class holds `sequence` (not yet acknowledged or evicted).
    func holds(_ sequence: UInt64) -> Bool { position(sequence) != nil }

    /// Marks `sequence` acknowledged; false when this class does not hold it.
    func acknowledge(_ sequence: UInt64) -> Bool {
        guard let i = position(sequence) else { return false }
        if entries[i].state == .delivered { deliveredMessages -= 1 }
        entries[i].state = .acknowledged
        liveMessages -= 1
        liveBytes -= entries[i].length
        advanceHead()
        return true
    }

    /// Marks an in-flight `sequence` delivered; false when it is not in flight here.
    func markDelivered(_ sequence: UInt64) -> Bool {
        guard let i = position(sequence), entries[i].state == .inFlight else { return false }
        entries[i].state = .delivered
        deliveredMessages += 1
        return true
    }

    /// A delivered `sequence` becomes pending again; false when it is not delivered here.
    func rewind(_ sequence: UInt64) -> Bool {
        guard let i = position(sequence), entries[i].state == .delivered else { return false }
        entries[i].state = .pending
        deliveredMessages -= 1
        sendIndex = min(sendIndex, base + i)
        return true
    }

    /// Everything in flight, and with `delivered` everything delivered, becomes pending again.
    func rewind(delivered: Bool) {
        for i in (head - base)..<entries.count where entries[i].state == .inFlight || (delivered && entries[i].state == .delivered) {
            entries[i].state = .pending
        }
        if delivered { deliveredMessages = 0 }
        sendIndex = head
    }

    /// Removes the first live message; returns its bytes.
    @discardableResult
    func evictFirst() -> Int {
        let length = entries[head - base].length
        if entries[head - base].state == .delivered { deliveredMessages -= 1 }
        liveMessages -= 1
        liveBytes -= length
        head += 1
        cursorMoved = true
        advanceHead()
        return length
    }

    /// Removes every message of the oldest segment; returns how many were live.
    func evictOldestSegment() -> Int {
        let boundary = segments.count > 1 ? segments[1].firstEntry : end
        var evicted = 0
        while head < boundary {
            if entries[head - base].state != .acknowledged {
                evictFirst()
                evicted += 1
            } else {
                head += 1
            }
        }
        cursorMoved = true
        advanceHead()
        return evicted
    }

    private func advanceHead() {
        let before = head
        while head < end && entries[head - base].state == .acknowledged { head += 1 }
        if head != before { cursorMoved = true }
        if head - base > 1024 && head - base > entries.count / 2 {
            entries.removeFirst(head - base)
            base = head
        }
    }

    /// Deletes segments whose messages are all gone; with `all`, also empties the last one
    /// when it holds nothing live (room on a full disk).
    func removeConsumedSegments(durability: OutboxDurability, directory: String, all: Bool) throws(OutboxError) {
        while segments.count > 1 && segments[1].firstEntry <= head {
            let segment = segments.removeFirst()
            try FileSystem.closeFile(segment.fd, segment.path)
            try FileSystem.remove(segment.path)
        }
        if all, let last = segments.last, segments.count == 1, head == end, last.size > 0 {
            try FileSystem.truncate(last.fd, 0, last.path)
            last.size = 0
            last.firstEntry = end
        }
    }

    func closeFiles() {
        for segment in segments { try? FileSystem.closeFile(segment.fd, segment.path) }
        segments.removeAll()
    }

    /// Loading: a message read back from a segment on open.
    func load(_ entry: Entry) {
        entries.append(entry)
        liveMessages += 1
        liveBytes += entry.length
    }

    /// Loading: forgets the messages loaded from `index` on (a corrupt segment).
    func unload(from index: Int) {
        for entry in entries[(index - base)...] {
            liveMessages -= 1
            liveBytes -= entry.length
        }
        entries.removeSubrange((index - base)...)
    }

    var endIndex: Int { end }
}
