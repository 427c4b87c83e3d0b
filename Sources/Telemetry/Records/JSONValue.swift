/// A parsed JSON value, for reading records back from the JSON their formats write
/// (`OperationsSummaryJSON`, the JSON-lines sink's records): numbers kept as their text (a time
/// or a double is converted exactly by its reader, never through a lossy step) and object
/// members in their order (an operations summary lists its buses in config order).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)), (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.elementsEqual(y) { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The member `name` of an object (the first, when repeated).
    public subscript(name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }
}

/// Why bytes are not JSON: the byte offset and what was expected there.
public struct JSONSyntaxError: Error, Sendable {
    public var offset: Int
    public var expected: String
}

/// A strict RFC 8259 parser over UTF-8 bytes, nesting at most `maxDepth` deep.
public struct JSONParser {
    private let bytes: [UInt8]
    private var at = 0
    private var depth = 0
    public static let maxDepth = 32

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value()
        parser.skipSpace()
        guard parser.at == bytes.count else { throw JSONSyntaxError(offset: parser.at, expected: "end of input") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipSpace() {
        while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
    }

    private func fail(_ expected: String) -> JSONSyntaxError { JSONSyntaxError(offset: at, expected: expected) }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        skipSpace()
        guard at < bytes.count else { throw fail("a value") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        for byte in word.utf8 {
            guard at < bytes.count, bytes[at] == byte else { throw fail(word) }
            at += 1
        }
    }

    private mutating func nest() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("at most \(Self.maxDepth) levels of nesting") }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try nest()
        at += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
            at += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("a member name") }
            let name = try string()
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw fail(":") }
            at += 1
            members.append((name, try value()))
            skipSpace()
            guard at < bytes.count else { throw fail(", or }") }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            guard bytes[at] == UInt8(ascii: "}") else { throw fail(", or }") }
            at += 1
            depth -= 1
            return .object(members)
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try nest()
        at += 1
        var items: [JSONValue] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
            at += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipSpace()
            guard at < bytes.count else { throw fail(", or ]") }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            guard bytes[at] == UInt8(ascii: "]") else { throw fail(", or ]") }
            at += 1
            depth -= 1
            return .array(items)
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = at
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        let digitsStart = at
        while at < bytes.count, isDigit(bytes[at]) { at += 1 }
        guard at > digitsStart else { throw fail("a value") }
        guard at - digitsStart == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { throw fail("no leading zero") }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            let fraction = at
            while at < bytes.count, isDigit(bytes[at]) { at += 1 }
            guard at > fraction else { throw fail("a fraction digit") }
        }
        if at < bytes.count, bytes[at] | 0x20 == UInt8(ascii: "e") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            let exponent = at
            while at < bytes.count, isDigit(bytes[at]) { at += 1 }
            guard at > exponent else { throw fail("an exponent digit") }
        }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func string() throws(JSONSyntaxError) -> String {
        at += 1
        var out: [UInt8] = []
        while at < bytes.count {
            let b = bytes[at]
            at += 1
            switch b {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw fail("UTF-8 text") }
                return text
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { throw fail("an escape") }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                            throw fail("a low surrogate")
                        }
                        at += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("a Unicode scalar") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("an escape")
                }
            case 0..<0x20: throw fail("no control character in a string")
            default: out.append(b)
            }
        }
        throw fail("\"")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw fail("4 hex digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[at] | 0x20
            let d: UInt8
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { d = b - UInt8(ascii: "0") }
            else if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f") { d = b - UInt8(ascii: "a") + 10 }
            else { throw fail("4 hex digits") }
            v = v << 4 | UInt32(d)
            at += 1
        }
        return v
    }
}
