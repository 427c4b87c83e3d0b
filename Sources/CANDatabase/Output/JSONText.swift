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
        buffer.append(UInt8(ascii: "\""))
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
        if plain {
            buffer.append(contentsOf: text.utf8)
            buffer.append(UInt8(ascii: "\""))
            return
        }
        for unit in text.utf16 {
            switch unit {
            case 0x22: buffer.append(contentsOf: [0x5C, 0x22])
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: buffer.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: buffer.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: buffer.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: buffer.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: buffer.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x20..<0x7F: buffer.append(UInt8(unit))
            default:
                buffer.append(contentsOf: [0x5C, UInt8(ascii: "u")])
                for shift in stride(from: 12, through: 0, by: -4) {
                    buffer.append(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
                }
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Python writes `\u00e9`: lower-case hex digits.
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
