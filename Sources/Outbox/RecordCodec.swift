/// The record format of a segment file (little-endian):
///
///     offset size
///     0      4    magic "CBX1"
///     4      4    body length n
///     8      4    CRC-32C of the body
///     12     n    body: sequence u64, stored ms i64, class u8, label length u16, label, payload
///
/// A record is valid when its magic, length and CRC check; a segment is read from its start
/// and stops at the first invalid record.
enum RecordCodec {
    static let magic: UInt32 = 0x3158_4243  // "CBX1" little-endian
    static let headerBytes = 12
    static let bodyFixedBytes = 8 + 8 + 1 + 2
    static let maxBodyBytes = 256 << 20

    static func encode(_ message: OutboxMessage, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        let label = Array(message.label.utf8)
        precondition(label.count <= Int(UInt16.max), "outbox label longer than 65535 bytes")
        let bodyCount = bodyFixedBytes + label.count + message.payload.count
        append(magic, to: &buffer)
        append(UInt32(bodyCount), to: &buffer)
        append(UInt32(0), to: &buffer)
        append(message.sequence, to: &buffer)
        append(UInt64(bitPattern: message.storedMillis), to: &buffer)
        buffer.append(UInt8(message.outboxClass.rawValue))
        buffer.append(UInt8(label.count & 0xFF))
        buffer.append(UInt8(label.count >> 8))
        buffer.append(contentsOf: label)
        buffer.append(contentsOf: message.payload)
        let crc = buffer.withUnsafeBufferPointer { CRC32C.checksum(UnsafeBufferPointer(rebasing: $0[headerBytes...])) }
        for i in 0..<4 { buffer[8 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
    }

    enum Header {
        case record(bodyBytes: Int, crc: UInt32)
        /// Not a record: zeros (a file extended but never written) or garbage.
        case invalid(allZero: Bool)
    }

    static func header(_ bytes: UnsafeRawBufferPointer) -> Header {
        precondition(bytes.count >= headerBytes)
        let m = read32(bytes, 0)
        let n = Int(read32(bytes, 4))
        guard m == magic, n >= bodyFixedBytes, n <= maxBodyBytes else {
            return .invalid(allZero: bytes.prefix(headerBytes).allSatisfy { $0 == 0 })
        }
        return .record(bodyBytes: n, crc: read32(bytes, 8))
    }

    /// The message in a body whose CRC was checked; nil when its fields do not fit.
    static func decodeBody(_ body: UnsafeRawBufferPointer) -> OutboxMessage? {
        let sequence = read64(body, 0)
        let stored = Int64(bitPattern: read64(body, 8))
        guard let outboxClass = OutboxClass(rawValue: Int(body[16])) else { return nil }
        let labelCount = Int(body[17]) | Int(body[18]) << 8
        guard bodyFixedBytes + labelCount <= body.count else { return nil }
        let label = String(decoding: body[bodyFixedBytes..<(bodyFixedBytes + labelCount)], as: UTF8.self)
        let payload = Array(body[(bodyFixedBytes + labelCount)...])
        return OutboxMessage(sequence: sequence, outboxClass: outboxClass, storedMillis: stored, label: label, payload: payload)
    }

    private static func append(_ value: UInt32, to buffer: inout [UInt8]) {
        for i in 0..<4 { buffer.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    private static func append(_ value: UInt64, to buffer: inout [UInt8]) {
        for i in 0..<8 { buffer.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    static func read32(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
    }

    static func read64(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven. Check value of
/// "123456789" is 0xE3069283.
///
/// Eight bytes a step ("slicing-by-8": eight 256-entry tables, `tables[k][b]` the CRC of byte
/// `b` followed by `k` zero bytes), the rest a byte a step with the first table. Every stored
/// message is checked twice (written, read back to be sent): a byte a step cost the uplink
/// about as much as writing the message.
enum CRC32C {
    /// Eight tables of 256, one after the other.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = t[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return t
    }()

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        tables.withUnsafeBufferPointer { t in
            var i = 0
            let count = bytes.count
            while i + 8 <= count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ crc
                let high = UInt32(truncatingIfNeeded: word >> 32)
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < count {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    static func checksum<C: Collection<UInt8>>(_ bytes: C) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return crc }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}
