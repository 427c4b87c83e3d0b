/// JSON strings as Python's `json.dumps` writes them by default (`ensure_ascii=True`):
/// `"` and `\` escaped, `\n \r \t \b \f` by name, other control characters and every
/// non-ASCII character as `\uXXXX` (UTF-16 code units, so surrogate pairs above U+FFFF).
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

    /// The most bytes `text` can take quoted: 6 per UTF-8 byte (`\uXXXX`; a 4-byte
    /// character becomes two of them, 12 bytes) and the quotes.
    @usableFromInline
    static func maxQuotedLength(_ text: String) -> Int { text.utf8.count &* 6 &+ 2 }

    /// Writes `text` quoted; plain printable ASCII (the usual bus or name) in one copy.
    @usableFromInline
    static func write(_ text: String, to w: inout ByteWriter) {
        w.byte(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { bytes in
            for b in bytes where b < 0x20 || b >= 0x7F || b == 0x22 || b == 0x5C { return false }
            guard let start = bytes.baseAddress else { return true }
            w.bytes(start, count: bytes.count)
            return true
        }
        if !plain {
            for unit in text.utf16 { writeEscaped(unit, to: &w) }
        }
        w.byte(UInt8(ascii: "\""))
    }

    static func writeEscaped(_ unit: UInt16, to w: inout ByteWriter) {
        switch unit {
        case 0x22: w.bytes(0x5C, 0x22)
        case 0x5C: w.bytes(0x5C, 0x5C)
        case 0x0A: w.bytes(0x5C, UInt8(ascii: "n"))
        case 0x0D: w.bytes(0x5C, UInt8(ascii: "r"))
        case 0x09: w.bytes(0x5C, UInt8(ascii: "t"))
        case 0x08: w.bytes(0x5C, UInt8(ascii: "b"))
        case 0x0C: w.bytes(0x5C, UInt8(ascii: "f"))
        case 0x20..<0x7F: w.byte(UInt8(unit))
        default:
            w.bytes(0x5C, UInt8(ascii: "u"))
            for shift in stride(from: 12, through: 0, by: -4) {
                w.byte(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
            }
        }
    }

    /// Python writes `\u00e9`: lower-case hex digits.
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
