/// JSON string literals, escaped as Python's `json.dumps` escapes them: the one escaper of
/// the project (CANDatabase's `JSONText` writes it into line scratch, the GB/T 32960 JSON,
/// the gateway's records and the simulator's ground truth quote through it).
///
/// `"` and `\` escaped, `\n \r \t \b \f` by name, other C0 controls as `\u00XX` (lower-case
/// hex). Two forms, as Python's `ensure_ascii`:
/// - `.ascii` (the default, `ensure_ascii=True`): DEL and every non-ASCII character as
///   `\uXXXX` UTF-16 code units (a surrogate pair above U+FFFF), so the output is ASCII;
/// - `.utf8` (`ensure_ascii=False`): DEL and non-ASCII characters written as UTF-8.
public enum JSONString {
    /// Which characters besides the C0 controls, `"` and `\` are written escaped.
    public enum Form: Sendable {
        /// Everything outside printable ASCII (`ensure_ascii=True`).
        case ascii
        /// Nothing else: the text stays UTF-8 (`ensure_ascii=False`).
        case utf8
    }

    /// Whether the UTF-8 byte `b` is written as is in the `.ascii` form (printable ASCII but
    /// `"` and `\`): a text of such bytes only is copied in one piece.
    @inlinable @inline(__always)
    public static func isPlainASCII(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C
    }

    /// The most bytes `text` can take quoted: 6 per UTF-8 byte (`\uXXXX`; a 4-byte character
    /// becomes two of them, 12 bytes) and the quotes.
    @inlinable
    public static func maxQuotedLength(_ text: String) -> Int { text.utf8.count &* 6 &+ 2 }

    /// Calls `emit` with the bytes `unit` (one UTF-16 code unit) is written as in the
    /// `.ascii` form.
    @inlinable
    public static func escape(_ unit: UInt16, _ emit: (UInt8) -> Void) {
        switch unit {
        case 0x22: emit(0x5C); emit(0x22)
        case 0x5C: emit(0x5C); emit(0x5C)
        case 0x0A: emit(0x5C); emit(UInt8(ascii: "n"))
        case 0x0D: emit(0x5C); emit(UInt8(ascii: "r"))
        case 0x09: emit(0x5C); emit(UInt8(ascii: "t"))
        case 0x08: emit(0x5C); emit(UInt8(ascii: "b"))
        case 0x0C: emit(0x5C); emit(UInt8(ascii: "f"))
        case 0x20..<0x7F: emit(UInt8(unit))
        default:
            emit(0x5C)
            emit(UInt8(ascii: "u"))
            for shift in stride(from: 12, through: 0, by: -4) {
                emit(hexDigit(Int((unit >> UInt16(shift)) & 0xF)))
            }
        }
    }

    /// Appends `text` as a quoted JSON string.
    public static func appendQuoted(_ text: String, form: Form = .ascii, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + text.utf8.count + 2)
        out.append(0x22)
        switch form {
        case .ascii:
            if text.utf8.allSatisfy(isPlainASCII) {
                out.append(contentsOf: text.utf8)
            } else {
                for unit in text.utf16 { escape(unit) { out.append($0) } }
            }
        case .utf8:
            for b in text.utf8 {
                // Every byte of a multi-byte character is >= 0x80: copied as is.
                if b >= 0x80 || b == 0x7F { out.append(b) } else { escape(UInt16(b)) { out.append($0) } }
            }
        }
        out.append(0x22)
    }

    /// `text` as a quoted JSON string.
    public static func quoted(_ text: String, form: Form = .ascii) -> String {
        var out: [UInt8] = []
        appendQuoted(text, form: form, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `0x0...0xF` as Python writes it in `\u00e9`: lower-case.
    @inlinable @inline(__always)
    public static func hexDigit(_ nibble: Int) -> UInt8 {
        nibble < 10 ? UInt8(truncatingIfNeeded: 0x30 &+ nibble) : UInt8(truncatingIfNeeded: 0x57 &+ nibble)
    }
}
