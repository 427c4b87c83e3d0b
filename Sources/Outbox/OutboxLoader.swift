#if canImport(Glibc)
import Glibc
#endif

/// Opening an outbox directory: reads the cursor, then every segment of every class in
/// order, keeping the messages at or past the class's cursor. The newest segment of a class
/// may end in a partial record (a crash mid-write): it is cut back. Any other invalid record
/// marks the segment corrupt: it is renamed `….corrupt`, its messages counted as lost.
enum OutboxLoader {
    struct Loaded {
        var queues: [ClassQueue]
        var cursor: CursorFile
        var nextSequence: UInt64
        var events: [OutboxEvent]
        var corruptMessages: UInt64
        var corruptBytes: UInt64
    }

    static func load(directory: String, durability: OutboxDurability) throws(OutboxError) -> Loaded {
        try FileSystem.makeDirectory(directory)
        let cursorPath = directory + "/cursor"
        let (cursor, firsts) = try CursorFile.open(path: cursorPath)
        var events: [OutboxEvent] = []
        if firsts == nil { events.append(.cursorReset(path: cursorPath)) }
        let starts = firsts ?? Array(repeating: 0, count: OutboxClass.allCases.count)
        var loaded = Loaded(queues: OutboxClass.allCases.map(ClassQueue.init), cursor: cursor, nextSequence: starts.max() ?? 0,
                            events: events, corruptMessages: 0, corruptBytes: 0)
        let names = try FileSystem.names(in: directory)
        for queue in loaded.queues {
            let prefix = "\(queue.outboxClass)-"
            let numbers = names.compactMap { name -> Int? in
                guard name.hasPrefix(prefix), name.hasSuffix(".seg") else { return nil }
                return Int(name.dropFirst(prefix.count).dropLast(4))
            }.sorted()
            for (i, number) in numbers.enumerated() {
                try loadSegment(number, newest: i == numbers.count - 1, into: queue, first: starts[queue.outboxClass.rawValue],
                                directory: directory, loaded: &loaded)
                queue.nextSegmentNumber = number + 1
            }
        }
        if durability == .full { try FileSystem.syncDirectory(directory) }
        return loaded
    }

    private static func loadSegment(_ number: Int, newest: Bool, into queue: ClassQueue, first: UInt64,
                                    directory: String, loaded: inout Loaded) throws(OutboxError) {
        let path = directory + "/" + Segment.name(queue.outboxClass, number)
        let bytes = try FileSystem.readWhole(path)
        let firstIndex = queue.endIndex
        var offset = 0
        var badTail = false
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                guard raw.count - offset >= RecordCodec.headerBytes else { badTail = true; return }
                let header = RecordCodec.header(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                guard case .record(let n, let crc) = header else { badTail = true; return }
                let total = RecordCodec.headerBytes + n
                guard raw.count - offset >= total else { badTail = true; return }
                let body = UnsafeRawBufferPointer(rebasing: raw[(offset + RecordCodec.headerBytes)..<(offset + total)])
                guard CRC32C.checksum(body) == crc, let message = RecordCodec.decodeBody(body),
                      message.outboxClass == queue.outboxClass else { badTail = true; return }
                if message.sequence >= first {
                    queue.load(Entry(sequence: message.sequence, offset: offset, length: total, stored: message.storedMillis))
                }
                loaded.nextSequence = max(loaded.nextSequence, message.sequence + 1)
                offset += total
            }
        }
        if badTail && !(newest && looksTorn(bytes, at: offset)) {
            let lost = queue.endIndex - firstIndex
            queue.unload(from: firstIndex)
            let moved = path + ".corrupt"
            try FileSystem.move(path, moved)
            loaded.events.append(.corruptSegment(path: path, movedTo: moved, messages: lost, bytes: bytes.count - offset))
            loaded.corruptMessages += UInt64(lost)
            loaded.corruptBytes += UInt64(bytes.count - offset)
            return
        }
        let fd = try FileSystem.openFile(path, O_RDWR | O_APPEND)
        if badTail {
            do { try FileSystem.truncate(fd, offset, path) } catch {
                try? FileSystem.closeFile(fd, path)
                throw error
            }
            loaded.events.append(.tornTail(path: path, bytes: bytes.count - offset))
        }
        queue.segments.append(Segment(number: number, path: path, fd: fd, size: offset, firstEntry: firstIndex))
    }

    /// A partial last record: too short for a header, a header whose record runs past the
    /// end, or zeros (a file extended but never written, after a power loss).
    private static func looksTorn(_ bytes: [UInt8], at offset: Int) -> Bool {
        let rest = bytes.count - offset
        if rest < RecordCodec.headerBytes { return true }
        if bytes[offset...].allSatisfy({ $0 == 0 }) { return true }
        return bytes.withUnsafeBytes { raw in
            let r = UnsafeRawBufferPointer(rebasing: raw[offset...])
            guard RecordCodec.read32(r, 0) == RecordCodec.magic else { return false }
            let n = Int(RecordCodec.read32(r, 4))
            return RecordCodec.headerBytes + n > rest
        }
    }
}
