/// A canonical decoded-frame line taken apart into strings, keeping every value's text
/// exactly as the line wrote it (for tests and tools; `TailPrinter` filters and shows lines
/// from their bytes, `CanonicalLineFields`, without building one). Also recognises the hub's
/// `{"missed":N}` notice.
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
        guard text.utf8.starts(with: #"{"refused":""#.utf8) else { return nil }
        var text = text
        return text.withUTF8 { bytes in
            var scanner = JSONScanner(bytes: bytes)
            guard scanner.take(UInt8(ascii: "{")), let key = scanner.string(), bytes[key].elementsEqual("refused".utf8),
                  scanner.take(UInt8(ascii: ":")), let reason = scanner.string(), scanner.take(UInt8(ascii: "}")) else { return nil }
            return JSONStringText.string(bytes[reason])
        }
    }

    /// Parses one line; nil when it is not a canonical line or a missed notice.
    public static func parse(_ text: Substring) -> Parsed? {
        var text = text
        return text.withUTF8 { bytes -> Parsed? in
            switch CanonicalLineFields.parse(bytes) {
            case .missed(let n)?:
                return .missed(n)
            case .frame(let fields)?:
                let string = { (range: Range<Int>) in JSONStringText.string(bytes[range]) }
                var line = TailLine()
                guard let bus = string(fields.bus) else { return nil }
                line.bus = bus
                line.isExtended = fields.isExtended
                line.id = fields.id
                line.message = fields.message.flatMap(string)
                line.error = fields.error.flatMap(string)
                line.time = String(decoding: bytes[fields.time], as: UTF8.self)
                var signals = SignalScanner(bytes: bytes, at: fields.signals.lowerBound)
                while let signal = signals.next() {
                    guard let name = string(signal.name) else { return nil }
                    let value = signal.valueIsString ? string(signal.value) : String(decoding: bytes[signal.value], as: UTF8.self)
                    guard let value else { return nil }
                    line.signals.append((name, value))
                }
                return .frame(line)
            case nil:
                return nil
            }
        }
    }
}
