import CANCore

/// JSON strings as Python's `json.dumps` writes them by default (`ensure_ascii=True`),
/// written into line scratch (`ByteWriter`); the escaping itself is CANCore's `JSONString`.
public enum JSONText {
    /// `text` as a quoted JSON string, as bytes.
    public static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return out
    }

    /// Appends `text` as a quoted JSON string.
    public static func appendQuoted(_ text: String, to buffer: inout [UInt8]) {
        ByteWriter.append(to: &buffer, capacity: maxQuotedLength(text)) { write(text, to: &$0) }
    }

    /// The most bytes `text` can take quoted (`JSONString.maxQuotedLength`).
    @usableFromInline
    static func maxQuotedLength(_ text: String) -> Int { JSONString.maxQuotedLength(text) }

    /// Writes `text` quoted; plain printable ASCII (the usual bus or name) in one copy.
    @usableFromInline
    static func write(_ text: String, to w: inout ByteWriter) {
        w.byte(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { bytes in
            for b in bytes where !JSONString.isPlainASCII(b) { return false }
            guard let start = bytes.baseAddress else { return true }
            w.bytes(start, count: bytes.count)
            return true
        }
        if !plain {
            for unit in text.utf16 { JSONString.escape(unit) { w.byte($0) } }
        }
        w.byte(UInt8(ascii: "\""))
    }

    /// Python writes `\u00e9`: lower-case hex digits.
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
