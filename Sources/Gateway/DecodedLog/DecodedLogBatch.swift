/// Lines taken from the decoded log's queue in one go, as the queue holds them: per line an
/// 8-byte event time (nanoseconds since the epoch), a 4-byte length, then the line's bytes
/// (no newline), native byte order. Owned and reused by the writer thread.
public struct DecodedLogBatch {
    static let headerBytes = 12
    var bytes: [UInt8] = []
    /// Lines in `bytes`.
    public internal(set) var lineCount = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// An empty batch (for tests of outputs), then `append`.
    public init() {}

    /// Adds one line (no newline) with its frame's event time.
    public mutating func append(_ line: some Collection<UInt8>, time: Int64) {
        Self.header(time: time, length: line.count) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: line)
        lineCount += 1
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        lineCount = 0
    }

    /// Hands `body` each line (no newline) with its event time, in queue order.
    public func forEachLine<E: Error>(_ body: (_ time: Int64, _ line: ArraySlice<UInt8>) throws(E) -> Void) throws(E) {
        var offset = 0
        while offset < bytes.count {
            var time: Int64 = 0
            var length: UInt32 = 0
            withUnsafeMutableBytes(of: &time) { $0.copyBytes(from: bytes[offset..<offset + 8]) }
            withUnsafeMutableBytes(of: &length) { $0.copyBytes(from: bytes[offset + 8..<offset + 12]) }
            let start = offset + Self.headerBytes
            offset = start + Int(length)
            try body(time, bytes[start..<offset])
        }
    }

    /// The 12 header bytes of a line, handed to `body` without allocating.
    static func header<R>(time: Int64, length: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var words = (time, UInt32(truncatingIfNeeded: length))
        return withUnsafeBytes(of: &words) { raw in
            // (Int64, UInt32) is laid out as the 8 time bytes, then the 4 length bytes.
            body(UnsafeRawBufferPointer(rebasing: raw[0..<headerBytes]))
        }
    }
}
