#if canImport(Glibc)
import Glibc
#endif

/// `cursor`: for each class, the first sequence still to deliver (everything below it was
/// acknowledged or evicted). Two 64-byte slots written in turn, each with a generation and
/// a CRC-32C; the valid slot with the higher generation wins, so a write torn by a crash
/// leaves the previous one readable. Not synced: a lost cursor update only means messages
/// that were already acknowledged are sent again (the receiver removes duplicates).
///
///     slot: magic "CBC1" u32, generation u64, first sequence per class u64 × 3, CRC-32C u32
struct CursorFile {
    static let magic: UInt32 = 0x3143_4243
    static let slotBytes = 64
    let path: String
    private let fd: Int32
    private(set) var generation: UInt64 = 0
    private var buffer: [UInt8] = []

    private init(path: String, fd: Int32, generation: UInt64) {
        self.path = path
        self.fd = fd
        self.generation = generation
    }

    /// Opens (or creates) the cursor; the firsts are nil when the file existed but neither
    /// slot was valid.
    static func open(path: String) throws(OutboxError) -> (CursorFile, [UInt64]?) {
        let fd = try FileSystem.openFile(path, O_RDWR | O_CREAT)
        let size: Int
        do { size = try FileSystem.size(fd, path) } catch {
            try? FileSystem.closeFile(fd, path)
            throw error
        }
        var best: (generation: UInt64, firsts: [UInt64])?
        if size > 0 {
            let bytes = (try? FileSystem.readAt(fd, 0, min(size, 2 * slotBytes), path)) ?? []
            for slot in 0..<2 where bytes.count >= (slot + 1) * slotBytes {
                bytes.withUnsafeBytes { raw in
                    let s = UnsafeRawBufferPointer(rebasing: raw[(slot * slotBytes)..<((slot + 1) * slotBytes)])
                    let fields = 4 + 8 + 8 * OutboxClass.allCases.count
                    guard RecordCodec.read32(s, 0) == magic,
                          RecordCodec.read32(s, fields) == CRC32C.checksum(s[0..<fields]) else { return }
                    let generation = RecordCodec.read64(s, 4)
                    if best == nil || generation > best!.generation {
                        best = (generation, OutboxClass.allCases.map { RecordCodec.read64(s, 12 + 8 * $0.rawValue) })
                    }
                }
            }
        }
        let cursor = CursorFile(path: path, fd: fd, generation: best?.generation ?? 0)
        if let best { return (cursor, best.firsts) }
        return (cursor, size == 0 ? Array(repeating: 0, count: OutboxClass.allCases.count) : nil)
    }

    mutating func write(_ firsts: [UInt64]) throws(OutboxError) {
        generation += 1
        buffer.removeAll(keepingCapacity: true)
        func put32(_ v: UInt32) { for i in 0..<4 { buffer.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
        func put64(_ v: UInt64) { for i in 0..<8 { buffer.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        put32(Self.magic)
        put64(generation)
        for first in firsts { put64(first) }
        put32(CRC32C.checksum(buffer))
        while buffer.count < Self.slotBytes { buffer.append(0) }
        try FileSystem.writeAt(fd, Int(generation % 2) * Self.slotBytes, buffer, path)
    }

    func close() throws(OutboxError) {
        try FileSystem.closeFile(fd, path)
    }
}
