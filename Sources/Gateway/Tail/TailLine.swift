/// A canonical decoded-frame line taken apart for filtering and text display, keeping every
/// value's text exactly as the line wrote it. Also recognises the hub's `{"missed":N}` notice.
public struct TailLine: Equatable, Sendable {
    public var bus = ""
    public var isExtended = false
    public var id: UInt32 = 0
    /// nil for an unknown id (`"msg":null`).
    public var message: String?
    /// Signal name and value text, in the line's (name) order.
    public var signals: [(name: String, value: String)] = []
    public var error: String?
    public var time = ""

    public static func == (lhs: TailLine, rhs: TailLine) -> Bool {
        lhs.bus == rhs.bus && lhs.isExtended == rhs.isExtended && lhs.id == rhs.id && lhs.message == rhs.message
            && lhs.signals.map(\.name) == rhs.signals.map(\.name) && lhs.signals.map(\.value) == rhs.signals.map(\.value)
            && lhs.error == rhs.error && lhs.time == rhs.time
    }

    public enum Parsed: Equatable, Sendable {
        case frame(TailLine)
        case missed(UInt64)
    }

    /// The reason in the hub's `{"refused":"…"}` notice (sent instead of any line to a client
    /// beyond `tail.max_clients`); nil for any other line.
    public static func refusal(_ text: Substring) -> String? {
        var scanner = Scanner(bytes: Array(text.utf8))
        guard scanner.take("{"), scanner.string() == "refused", scanner.take(":"), let reason = scanner.string(), scanner.take("}") else { return nil }
        return reason
    }

    /// Parses one line; nil when it is not a canonical line or a missed notice.
    public static func parse(_ text: Substring) -> Parsed? {
        var scanner = Scanner(bytes: Array(text.utf8))
        guard scanner.take("{") else { return nil }
        var line = TailLine()
        var first = true
        while !scanner.take("}") {
            if !first { guard scanner.take(",") else { return nil } }
            first = false
            guard let key = scanner.string() else { return nil }
            guard scanner.take(":") else { return nil }
            switch key {
            case "missed":
                guard let n = scanner.scalar().flatMap({ UInt64($0) }) else { return nil }
                return .missed(n)
            case "bus": guard let v = scanner.string() else { return nil }; line.bus = v
            case "ext": guard let v = scanner.scalar() else { return nil }; line.isExtended = v == "true"
            case "id": guard let v = scanner.scalar().flatMap({ UInt32($0) }) else { return nil }; line.id = v
            case "msg":
                if scanner.peek(UInt8(ascii: "\"")) { line.message = scanner.string() } else { _ = scanner.scalar() }
            case "error": line.error = scanner.string()
            case "t": guard let v = scanner.scalar() else { return nil }; line.time = v
            case "signals":
                guard scanner.take("{") else { return nil }
                var firstSignal = true
                while !scanner.take("}") {
                    if !firstSignal { guard scanner.take(",") else { return nil } }
                    firstSignal = false
                    guard let name = scanner.string(), scanner.take(":") else { return nil }
                    let value: String?
                    if scanner.peek(UInt8(ascii: "\"")) { value = scanner.string() } else { value = scanner.scalar() }
                    guard let value else { return nil }
                    line.signals.append((name, value))
                }
            default:
                return nil
            }
        }
        return .frame(line)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

        mutating func take(_ literal: Unicode.Scalar) -> Bool {
            guard peek(UInt8(literal.value)) else { return false }
            index += 1
            return true
        }

        /// A JSON string (escapes \" \\ \/ \uXXXX for ASCII, as the canonical line writes).
        mutating func string() -> String? {
            guard take("\"") else { return nil }
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if byte != UInt8(ascii: "\\") { out.append(byte); continue }
                guard index < bytes.count else { return nil }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                          let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { return nil }
                    index += 4
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default: out.append(escaped)
                }
            }
            return nil
        }

        /// A number, true, false or null, as written.
        mutating func scalar() -> String? {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}") { index += 1 }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }
    }
}
