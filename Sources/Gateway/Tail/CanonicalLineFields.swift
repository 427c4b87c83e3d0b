/// Where each field of a canonical decoded-frame line is in the line's bytes, found in one
/// pass without copying anything (`candor tail` shows every line it gets: no `String` or
/// `Array` per line). Strings are kept as their JSON text between the quotes, escapes as
/// written (`JSONStringText` unescapes them when they are shown); numbers, `true`, `false`
/// and `null` as written.
///
///     {"bus":"can0","ext":false,"id":36,"msg":"KINEMATICS","signals":{"ACCEL_X":18.05},"t":1627323339.323041}
///
/// Keys may come in any order; a key the line does not have is an error (nil), like a
/// missing `:` or `,`. Also recognises the hub's `{"missed":N}` notice.
struct CanonicalLineFields {
    var bus: Range<Int> = 0..<0
    var isExtended = false
    var id: UInt32 = 0
    /// nil for an unknown id (`"msg":null`, or any other non-string).
    var message: Range<Int>?
    var error: Range<Int>?
    /// The bytes between `"signals":{` and its `}` (`SignalScanner` walks them).
    var signals: Range<Int> = 0..<0
    var time: Range<Int> = 0..<0

    enum Parsed {
        case frame(CanonicalLineFields)
        case missed(UInt64)
    }

    /// Locates the fields of `bytes` (one line, no line end); nil when it is not a canonical
    /// line or a missed notice.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Parsed? {
        var scanner = JSONScanner(bytes: bytes)
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        var fields = CanonicalLineFields()
        var first = true
        while !scanner.take(UInt8(ascii: "}")) {
            if !first { guard scanner.take(UInt8(ascii: ",")) else { return nil } }
            first = false
            guard let key = scanner.string(), scanner.take(UInt8(ascii: ":")) else { return nil }
            switch Key(bytes[key]) {
            case .missed:
                guard let n = scanner.scalar().flatMap({ JSONScanner.unsigned(bytes[$0], max: UInt64.max) }) else { return nil }
                return .missed(n)
            case .bus:
                guard let v = scanner.string() else { return nil }
                fields.bus = v
            case .ext:
                guard let v = scanner.scalar() else { return nil }
                fields.isExtended = bytes[v].elementsEqual("true".utf8)
            case .id:
                guard let v = scanner.scalar().flatMap({ JSONScanner.unsigned(bytes[$0], max: UInt64(UInt32.max)) }) else { return nil }
                fields.id = UInt32(v)
            case .msg:
                if scanner.peek(UInt8(ascii: "\"")) { fields.message = scanner.string() } else { fields.message = nil; _ = scanner.scalar() }
            case .error:
                fields.error = scanner.string()
            case .t:
                guard let v = scanner.scalar() else { return nil }
                fields.time = v
            case .signals:
                guard scanner.take(UInt8(ascii: "{")) else { return nil }
                let start = scanner.index
                var signals = SignalScanner(bytes: bytes, at: start)
                while signals.next() != nil {}
                guard signals.isComplete else { return nil }
                fields.signals = start..<signals.index
                scanner.index = signals.index + 1
            case nil:
                return nil
            }
        }
        return .frame(fields)
    }

    private enum Key {
        case missed, bus, ext, id, msg, error, t, signals

        init?(_ name: Slice<UnsafeBufferPointer<UInt8>>) {
            switch name.count {
            case 1 where name.elementsEqual("t".utf8): self = .t
            case 2 where name.elementsEqual("id".utf8): self = .id
            case 3 where name.elementsEqual("bus".utf8): self = .bus
            case 3 where name.elementsEqual("ext".utf8): self = .ext
            case 3 where name.elementsEqual("msg".utf8): self = .msg
            case 5 where name.elementsEqual("error".utf8): self = .error
            case 6 where name.elementsEqual("missed".utf8): self = .missed
            case 7 where name.elementsEqual("signals".utf8): self = .signals
            default: return nil
            }
        }
    }
}

/// The signals of a canonical line one by one, from just after `"signals":{`: each name's JSON
/// text, and its value's (a string's text between its quotes, or a number as written).
struct SignalScanner {
    struct Signal {
        var name: Range<Int>
        var value: Range<Int>
        var valueIsString: Bool
    }

    private var scanner: JSONScanner
    private var first = true
    /// Set when the closing `}` was reached (then `index` is at it).
    private(set) var isComplete = false

    init(bytes: UnsafeBufferPointer<UInt8>, at start: Int) {
        scanner = JSONScanner(bytes: bytes, index: start)
    }

    var index: Int { scanner.index }

    /// The next signal; nil at the closing `}` (`isComplete`) or at a malformed one.
    mutating func next() -> Signal? {
        guard !isComplete else { return nil }
        if scanner.peek(UInt8(ascii: "}")) {
            isComplete = true
            return nil
        }
        if !first { guard scanner.take(UInt8(ascii: ",")) else { return nil } }
        first = false
        guard let name = scanner.string(), scanner.take(UInt8(ascii: ":")) else { return nil }
        if scanner.peek(UInt8(ascii: "\"")) {
            guard let value = scanner.string() else { return nil }
            return Signal(name: name, value: value, valueIsString: true)
        }
        guard let value = scanner.scalar() else { return nil }
        return Signal(name: name, value: value, valueIsString: false)
    }
}

/// The little JSON a canonical line holds, read in place: strings (their text between the
/// quotes), scalars up to the next `,` or `}`.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        index += 1
        return true
    }

    /// A JSON string: the range of its text between the quotes (a `\` escapes the next byte).
    mutating func string() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<index - 1
            }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        return nil
    }

    /// A number, true, false or null, as written (up to the next `,` or `}`).
    mutating func scalar() -> Range<Int>? {
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}") { index += 1 }
        return index > start ? start..<index : nil
    }

    /// Decimal digits (nothing else) no larger than `max`.
    static func unsigned(_ digits: Slice<UnsafeBufferPointer<UInt8>>, max: UInt64) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for b in digits {
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
            guard !o1 && !o2 && sum <= max else { return nil }
            value = sum
        }
        return value
    }
}

/// A JSON string's text (between its quotes) turned back into the UTF-8 it stands for:
/// `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t` and `\uXXXX` (surrogate pairs joined; a lone
/// surrogate becomes U+FFFD). Nil for a malformed escape. Never longer than the text.
enum JSONStringText {
    /// Calls `body` with the unescaped bytes: the text itself when it has no escape, else
    /// scratch memory on the stack.
    static func withUnescaped<R>(_ text: Slice<UnsafeBufferPointer<UInt8>>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let raw = UnsafeBufferPointer(rebasing: text)
        guard raw.contains(UInt8(ascii: "\\")) else { return body(raw) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(raw.count, 1)) { scratch -> R? in
            guard let count = unescape(raw, into: scratch) else { return nil }
            return body(UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }

    /// The text as a `String`; nil for a malformed escape.
    static func string(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        withUnescaped(text) { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes the unescaped bytes of `raw` into `out` (at least `raw.count` long); their count.
    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        var i = 0, n = 0
        func put(_ b: UInt8) { out[n] = b; n += 1 }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var v: UInt32 = 0
            for b in raw[at..<at + 4] {
                guard let d = hexValue(b) else { return nil }
                v = v << 4 | d
            }
            return v
        }
        while i < raw.count {
            let b = raw[i]
            i += 1
            guard b == UInt8(ascii: "\\") else { put(b); continue }
            guard i < raw.count else { return nil }
            let escaped = raw[i]
            i += 1
            switch escaped {
            case UInt8(ascii: "n"): put(10)
            case UInt8(ascii: "t"): put(9)
            case UInt8(ascii: "r"): put(13)
            case UInt8(ascii: "b"): put(8)
            case UInt8(ascii: "f"): put(12)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): put(escaped)
            case UInt8(ascii: "u"):
                guard var code = hex4(i) else { return nil }
                i += 4
                if (0xD800..<0xDC00).contains(code), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                   let low = hex4(i + 2), (0xDC00..<0xE000).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                for unit in UTF8.encode(Unicode.Scalar(code) ?? "\u{FFFD}")! { put(unit) }
            default:
                return nil
            }
        }
        return n
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
