/// Text from captures and DBC files made safe to print for people.
///
/// A bus name, a message or signal name, a unit or a `VAL_` label is whatever the file said:
/// it may hold ESC (and so CSI/OSC sequences that move the cursor, retitle the window or
/// write to the clipboard), a newline that forges the next output line, or a C1 control
/// (U+0080–U+009F; U+009B is CSI by itself). The human formats (`decode --format text`,
/// `dbc show`, `tail`) write every such character escaped, terminal or not:
/// - C0 controls and DEL as `\xHH` (`\x1b`, `\x0a`, `\x7f`);
/// - C1 controls as `\u00HH` (`\u009b`).
/// Everything else, including a backslash and any other Unicode, is written as is.
public enum TerminalText {
    /// `text` with its control characters escaped.
    public static func escaped(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var out: [UInt8] = []
        ByteWriter.append(to: &out, capacity: maxLength(text)) { write(text, to: &$0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The escaped form, as bytes.
    public static func escapedBytes(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        ByteWriter.append(to: &out, capacity: maxLength(text)) { write(text, to: &$0) }
        return out
    }

    /// Appends UTF-8 `bytes` with their control characters escaped; in one copy when there
    /// is none (the usual name or value).
    public static func append(escaping bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        for b in bytes where b < 0x20 || b == 0x7F || b == 0xC2 {
            ByteWriter.append(to: &buffer, capacity: bytes.count &* 4) { writeEscaped(bytes, to: &$0) }
            return
        }
        buffer.append(contentsOf: bytes)
    }

    /// Whether `text` holds a character that `escaped` changes.
    public static func needsEscaping(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for b in text.utf8 {
            if b < 0x20 || b == 0x7F || (previous == 0xC2 && b >= 0x80 && b <= 0x9F) { return true }
            previous = b
        }
        return false
    }

    /// The most bytes `text` can take escaped (4 per byte: `\xHH`; a C1 control is 2 bytes
    /// written as 6).
    static func maxLength(_ text: String) -> Int { text.utf8.count &* 4 }

    static func write(_ text: String, to w: inout ByteWriter) {
        var text = text
        let plain = text.withUTF8 { bytes in
            for b in bytes where b < 0x20 || b == 0x7F || b == 0xC2 { return false }
            guard let start = bytes.baseAddress else { return true }
            w.bytes(start, count: bytes.count)
            return true
        }
        if !plain { writeEscaped(text.utf8, to: &w) }
    }

    static func writeEscaped(_ utf8: some Sequence<UInt8>, to w: inout ByteWriter) {
        let hex = JSONText.hexDigits
        var pendingC2 = false
        for b in utf8 {
            if pendingC2 {
                pendingC2 = false
                if b >= 0x80 && b <= 0x9F {
                    w.bytes(UInt8(ascii: "\\"), UInt8(ascii: "u"))
                    w.bytes(UInt8(ascii: "0"), UInt8(ascii: "0"))
                    w.bytes(hex[Int(b >> 4)], hex[Int(b & 0xF)])
                    continue
                }
                w.byte(0xC2)
            }
            if b == 0xC2 {
                pendingC2 = true
            } else if b < 0x20 || b == 0x7F {
                w.bytes(UInt8(ascii: "\\"), UInt8(ascii: "x"))
                w.bytes(hex[Int(b >> 4)], hex[Int(b & 0xF)])
            } else {
                w.byte(b)
            }
        }
        if pendingC2 { w.byte(0xC2) }
    }
}
