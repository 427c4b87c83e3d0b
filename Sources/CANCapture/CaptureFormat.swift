/// The capture file formats candor reads and writes.
///
/// The raw values are what `--format` accepts on the command line.
public enum CaptureFormat: String, CaseIterable, Sendable {
    /// `candump -l` / `candump -L`: `(1700000000.000001) can0 123#1122334455667788`.
    case candumpLog = "log"
    /// What `candump can0` prints for people: `  can0  123   [8]  11 22 33 44 55 66 77 88`.
    case candumpASCII = "candump"
    /// Vector ASC, as Vector tools, python-can and can-utils `log2asc` write it.
    case asc
    /// Classic pcap with `LINKTYPE_CAN_SOCKETCAN` (227).
    case pcap
    /// pcapng with `LINKTYPE_CAN_SOCKETCAN` (227) interfaces.
    case pcapng

    /// Whether the format is line-oriented text.
    public var isText: Bool {
        switch self {
        case .candumpLog, .candumpASCII, .asc: return true
        case .pcap, .pcapng: return false
        }
    }

    /// The usual file extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .candumpLog: return "log"
        case .candumpASCII: return "txt"
        case .asc: return "asc"
        case .pcap: return "pcap"
        case .pcapng: return "pcapng"
        }
    }
}

extension CaptureFormat {
    /// The whole seconds of the times a format can write and candor read back: pcap's
    /// 32-bit unsigned seconds, pcapng's unsigned 64-bit units and candump's unsigned
    /// `(seconds.fraction)` start at 1970; every format ends where a nanosecond count
    /// leaves 64 bits (about 2255), ASC and candump ASCII allow negative times.
    public var writableSeconds: ClosedRange<Int64> {
        let most = Int64(ByteCursor.maxSeconds)
        switch self {
        case .pcap: return 0...Int64(UInt32.max)
        case .pcapng, .candumpLog: return 0...most
        case .asc, .candumpASCII: return -most...most
        }
    }

    /// Whether a path names a gzip file (`.gz`).
    public static func isGzipPath(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".gz")
    }

    /// The format a path's extension names (`.log`, `.txt` for candump screen output, `.asc`,
    /// `.pcap`, `.pcapng`, each possibly followed by `.gz`), or nil when it says nothing.
    public static func fromExtension(of path: String) -> CaptureFormat? {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".log") { return .candumpLog }
        if name.hasSuffix(".txt") { return .candumpASCII }
        if name.hasSuffix(".asc") { return .asc }
        if name.hasSuffix(".pcapng") { return .pcapng }
        if name.hasSuffix(".pcap") { return .pcap }
        return nil
    }

    /// The format the first bytes of a (decompressed) capture show, or nil when they are
    /// not conclusive.
    ///
    /// Binary formats are told by their magic numbers; text formats by their first line
    /// that is not blank: `(` digits and a `#` frame for candump logs, an interface, an id
    /// and `[len]` for candump ASCII output (with or without a leading `(time)`), and
    /// `date`, `base`, `Begin Triggerblock` or a `//` comment for Vector ASC.
    public static func sniff(_ head: UnsafeRawBufferPointer) -> CaptureFormat? {
        if head.count >= 4 {
            let b0 = head[0], b1 = head[1], b2 = head[2], b3 = head[3]
            let word = UInt32(b0) << 24 | UInt32(b1) << 16 | UInt32(b2) << 8 | UInt32(b3)
            switch word {
            case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1: return .pcap
            case 0x0A0D_0D0A: return .pcapng
            default: break
            }
        }
        let bytes = head.bindMemory(to: UInt8.self)
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            if let format = sniffLine(line) { return format }
            if !isBlank(line) { return nil }
            lineStart = lineEnd + 1
        }
        return nil
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }

    private static func sniffLine(_ line: UnsafeBufferPointer<UInt8>) -> CaptureFormat? {
        let text = String(decoding: line, as: UTF8.self)
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("date ") || lower.hasPrefix("base ") || lower.hasPrefix("begin triggerblock")
            || lower.hasPrefix("//") || lower.hasPrefix("no internal events") || lower.hasPrefix("internal events")
        {
            return .asc
        }
        if trimmed.hasPrefix("DROPCOUNT:") { return .candumpLog }
        var rest = Substring(trimmed)
        if rest.hasPrefix("(") {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            let inside = rest[rest.index(after: rest.startIndex)..<close]
            // `(1700000000.000001)`, or `(2023-11-14 22:13:20.000001)` from candump -tA.
            guard !inside.isEmpty, inside.allSatisfy({ $0.isNumber || ".-: ".contains($0) }) else { return nil }
            rest = rest[rest.index(after: close)...]
        }
        let fields = rest.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard fields.count >= 2 else { return nil }
        if trimmed.hasPrefix("("), fields[1].contains("#") { return .candumpLog }
        // candump ASCII: ifname, id, then `[len]` (perhaps after `RX B -` columns with -x).
        if let bracket = fields.indices.dropFirst(2).prefix(5).first(where: { fields[$0].hasPrefix("[") && fields[$0].hasSuffix("]") }),
            fields[bracket - 1].allSatisfy(\.isHexDigit)
        {
            return .candumpASCII
        }
        return nil
    }
}
