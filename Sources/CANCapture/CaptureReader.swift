#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CANCore

/// Reads frames from a capture file, standard input or bytes, in file order, in constant
/// memory whatever the size; `.gz` input is inflated on the fly.
///
/// Tolerant by default: a malformed line is counted in `statistics` and skipped. With
/// `strict: true` the first malformed line throws a `CaptureError` with its line and column.
/// Input that cannot be a capture at all (missing, empty, binary data in a text format,
/// truncated gzip) always throws.
///
///     let reader = try CaptureReader(path: "drive.log.gz")
///     while let frame = try reader.next() { ... }
public final class CaptureReader {
    /// The format being read (given, or detected from content or extension).
    public let format: CaptureFormat
    /// The path or name given, as used in errors.
    public let name: String
    private let decoder: any FrameDecoder
    /// `decoder` again when it reads a candump log (nearly every capture), concretely typed so
    /// that `next()` calls its specialized code directly: through the existential, the
    /// generic decoder's unspecialized `next()` ran and reached the grammar and the frame's
    /// copies through witness tables (some 5 % of `decode --format jsonl`'s CPU).
    private let candumpLog: TextFrameDecoder<CandumpLogGrammar>?

    /// Opens `path` (`-` for standard input). The format is `format` when given, else the
    /// one the content shows, else the one the extension names.
    ///
    /// - `strict`: the first malformed line or record throws instead of being counted.
    /// - `rejectNonFrames`: an error frame, or a line that records something other than a
    ///   CAN frame (`DROPCOUNT:`, an ASC statistics event, a CAN XL or non-CAN packet),
    ///   throws a `CaptureError` at its line instead of being returned or counted, as
    ///   `candor decode --strict` wants. Blank lines and format headers are still accepted.
    /// - `bus`: the interface name for formats that carry none (pcap; default `can0`).
    public convenience init(
        path: String, format: CaptureFormat? = nil, strict: Bool = false, rejectNonFrames: Bool = false,
        bus: String? = nil
    ) throws(CaptureError) {
        let source = try makeByteSource(raw: DescriptorInput(path: path), name: path)
        try self.init(
            source: source, name: path, format: format,
            extensionHint: path == "-" ? nil : CaptureFormat.fromExtension(of: path),
            strict: strict, rejectNonFrames: rejectNonFrames, bus: bus)
    }

    /// Reads captured bytes held in memory (gzip data is inflated). `name` is used in errors
    /// and its extension as a format hint.
    public convenience init(
        bytes: [UInt8], name: String, format: CaptureFormat?, strict: Bool, rejectNonFrames: Bool = false,
        bus: String? = nil
    ) throws(CaptureError) {
        let source = try makeByteSource(raw: MemoryInput(bytes: bytes), name: name)
        try self.init(
            source: source, name: name, format: format,
            extensionHint: CaptureFormat.fromExtension(of: name), strict: strict,
            rejectNonFrames: rejectNonFrames, bus: bus,
            inputSize: source is PassThroughSource ? bytes.count : nil)
    }

    private init(
        source: ByteSource, name: String, format: CaptureFormat?, extensionHint: CaptureFormat?,
        strict: Bool, rejectNonFrames: Bool, bus: String?, inputSize: Int? = nil
    ) throws(CaptureError) {
        self.name = name
        let input = InputBuffer(source: source, inputSize: inputSize)
        guard try input.fill(atLeast: 1) else {
            throw CaptureError(file: name, message: "empty capture: the input holds no bytes")
        }
        // Enough to tell the format, without waiting on a pipe for more than that.
        while !input.atEndOfInput && input.available.count < 4096 && !Self.showsFormat(input.available) {
            try input.fill(atLeast: input.available.count + 1)
        }
        let head = UnsafeRawBufferPointer(rebasing: input.available.prefix(64 * 1024))
        let sniffed = CaptureFormat.sniff(head)
        guard let chosen = format ?? sniffed ?? extensionHint else {
            throw CaptureError(
                file: name,
                message: "cannot tell the capture format from the extension or the first line; give one of "
                    + CaptureFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if chosen.isText {
            let probe = UnsafeRawBufferPointer(rebasing: head.prefix(4096))
            if let base = probe.baseAddress, memchr(base, 0, probe.count) != nil {
                let hint = sniffed.map { " (it looks like \($0.rawValue))" } ?? ""
                throw CaptureError(
                    file: name,
                    message: "binary data where a \(chosen.rawValue) text capture was expected\(hint)")
            }
        }
        self.format = chosen
        var log: TextFrameDecoder<CandumpLogGrammar>? = nil
        switch chosen {
        case .candumpLog:
            log = TextFrameDecoder(
                input: input, grammar: CandumpLogGrammar(), name: name, strict: strict, rejectNonFrames: rejectNonFrames)
            decoder = log!
        case .candumpASCII:
            decoder = TextFrameDecoder(
                input: input, grammar: CandumpASCIIGrammar(), name: name, strict: strict, rejectNonFrames: rejectNonFrames)
        case .asc:
            decoder = TextFrameDecoder(
                input: input, grammar: ASCGrammar(), name: name, strict: strict, rejectNonFrames: rejectNonFrames)
        case .pcap:
            decoder = try PcapDecoder(
                input: input, name: name, strict: strict, rejectNonFrames: rejectNonFrames, bus: bus ?? "can0")
        case .pcapng:
            decoder = try PcapngDecoder(
                input: input, name: name, strict: strict, rejectNonFrames: rejectNonFrames, bus: bus ?? "can0")
        }
        candumpLog = log
    }

    /// Whether `head` holds a binary magic number or a complete first non-blank line.
    private static func showsFormat(_ head: UnsafeRawBufferPointer) -> Bool {
        if head.count >= 4 && (head[0] == 0x0A || head[0] == 0xA1 || head[0] == 0xD4 || head[0] == 0x4D) {
            return true
        }
        var sawText = false
        for byte in head {
            switch byte {
            case 0x0A: if sawText { return true }
            case 0x20, 0x09, 0x0D: break
            default: sawText = true
            }
        }
        return false
    }

    /// The next frame (data, remote or error) in file order, or nil at the end.
    public func next() throws(CaptureError) -> CANFrame? {
        if let candumpLog { return try candumpLog.next() }
        return try decoder.next()
    }

    /// What has been read and skipped so far. Right after `next()` returns a frame,
    /// `statistics.records` is that frame's line (or record) number.
    public var statistics: CaptureStatistics { decoder.statistics }
}
