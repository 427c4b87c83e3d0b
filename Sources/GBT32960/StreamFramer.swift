/// Cuts a TCP byte stream into frames.
///
/// Frames arrive back to back. The framer scans for a start marker (`##` or `$$`), reads the
/// 24-byte header, rejects a data-unit length over 65,531 (the marker was a false sync: it
/// resumes scanning one byte later), waits until `24 + n + 1` bytes are buffered and checks
/// the BCC. Bytes skipped while resynchronising are counted, never silently dropped.
/// The buffer is bounded by one maximal frame plus what one `append` brings.
public struct StreamFramer: Sendable {
    /// What `next()` found.
    public enum Unit: Equatable, Sendable {
        /// A frame whose BCC matches.
        case frame([UInt8])
        /// A complete frame whose BCC does not match; scanning resumed just after its start.
        case badChecksum([UInt8])
    }

    public private(set) var skippedBytes = 0
    public private(set) var oversizeHeaders = 0
    public private(set) var badChecksums = 0
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Bytes buffered but not yet part of a returned unit.
    public var pendingCount: Int { buffer.count - start }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete unit, or nil when more bytes are needed.
    public mutating func next() -> Unit? {
        while true {
            guard let found = markerIndex() else { return nil }
            skippedBytes += found - start
            start = found
            guard buffer.count - start >= Frame.headerLength else { return nil }
            let length = Int(buffer[start + 22]) << 8 | Int(buffer[start + 23])
            if length > Frame.maxDataLength {
                oversizeHeaders += 1
                skippedBytes += 1
                start += 1
                continue
            }
            let total = Frame.headerLength + length + 1
            guard buffer.count - start >= total else { return nil }
            let frame = Array(buffer[start..<start + total])
            if Frame.checksum(frame[2..<total - 1]) == frame[total - 1] {
                start += total
                return .frame(frame)
            }
            badChecksums += 1
            start += 1
            return .badChecksum(frame)
        }
    }

    /// The bytes left at the end of a stream (a truncated frame or garbage); clears them.
    public mutating func finish() -> [UInt8] {
        let rest = Array(buffer[start...])
        buffer = []
        start = 0
        return rest
    }

    /// The first position at or after `start` where a start marker begins, or where a lone
    /// marker byte ends the buffer (it may be the first half of a marker); nil when none.
    private mutating func markerIndex() -> Int? {
        var i = start
        while i < buffer.count {
            let b = buffer[i]
            if b == 0x23 || b == 0x24 {
                if i + 1 == buffer.count { return i }
                if buffer[i + 1] == b { return i }
            }
            i += 1
        }
        skippedBytes += buffer.count - start
        start = buffer.count
        return nil
    }
}
