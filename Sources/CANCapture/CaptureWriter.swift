import CANCore

/// Writes frames to a capture file or standard output, buffered, gzip-compressed when
/// asked (or when the path ends in `.gz`).
///
///     let writer = try CaptureWriter(path: "out.asc")
///     try writer.write(frame)
///     try writer.close()
///
/// `close()` writes the format's trailer and flushes; a writer dropped without `close()`
/// flushes what it can but cannot report errors.
public final class CaptureWriter {
    public let format: CaptureFormat
    /// The path as given, for errors.
    public let name: String
    private let sink: GzipFileSink
    private var encoder: any FrameEncoder
    private var buffer: [UInt8] = []
    private var closed = false
    private var written = 0
    private static let flushThreshold = 128 * 1024

    /// Creates `path` (`-` for standard output). The format and compression come from the
    /// extension when not given (`.log`, `.txt`, `.asc`, `.pcap`, `.pcapng`, then `.gz`); a
    /// path with no known extension is written as a candump log.
    public init(path: String, format: CaptureFormat? = nil, gzip: Bool? = nil) throws(CaptureError) {
        let chosen = format ?? CaptureFormat.fromExtension(of: path) ?? .candumpLog
        self.format = chosen
        name = path
        encoder = Self.makeEncoder(for: chosen)
        sink = try GzipFileSink(path: path, gzip: gzip ?? CaptureFormat.isGzipPath(path))
        buffer.reserveCapacity(Self.flushThreshold + 4096)
        encoder.begin(into: &buffer)
    }

    static func makeEncoder(for format: CaptureFormat) -> any FrameEncoder {
        switch format {
        case .candumpLog: return CandumpLogEncoder()
        case .candumpASCII: return CandumpASCIIEncoder()
        case .asc: return ASCEncoder()
        case .pcap: return PcapEncoder()
        case .pcapng: return PcapngEncoder()
        }
    }

    /// Appends one frame. A time the format cannot hold (before 1970 in pcap, pcapng and
    /// candump logs, after 2106 in pcap) throws instead of being written wrapped.
    public func write(_ frame: CANFrame) throws(CaptureError) {
        precondition(!closed, "CaptureWriter used after close()")
        written += 1
        guard format.writableSeconds.contains(frame.timestamp.seconds) else {
            var text: [UInt8] = []
            frame.timestamp.write(to: &text)
            let range = format.writableSeconds
            throw CaptureError(
                file: name, line: written,
                message: "frame \(written) is at \(String(decoding: text, as: UTF8.self)) s; a \(format.rawValue) capture "
                    + "holds times from \(range.lowerBound) to \(range.upperBound) s only")
        }
        encoder.encode(frame, into: &buffer)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Hands buffered bytes to the file (and zlib).
    public func flush() throws(CaptureError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try sink.write(buffer)
    }

    /// Writes the trailer, flushes and closes the file. Calling it again does nothing.
    public func close() throws(CaptureError) {
        guard !closed else { return }
        closed = true
        encoder.end(into: &buffer)
        try flush()
        try sink.close()
    }

    deinit {
        if !closed { try? close() }
    }
}
