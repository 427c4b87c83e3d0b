/// Splits DBC bytes into tokens.
///
/// All DBC syntax is ASCII; only the inside of quoted strings (and stray bytes, which become
/// `.unexpected` tokens) can hold other bytes, and those are decoded with the file's
/// `DBCTextEncoding`. Columns count bytes from 1.
struct Lexer {
    private let bytes: [UInt8]
    private let encoding: DBCTextEncoding
    private let file: String
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var sawTokenOnLine = false
    private(set) var diagnostics: [Diagnostic] = []

    init(bytes: [UInt8], encoding: DBCTextEncoding, file: String) {
        self.bytes = bytes
        self.encoding = encoding
        self.file = file
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            index = 3
            lineStart = 3
        }
    }

    private var column: Int { index - lineStart + 1 }

    private func byte(at i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func newline(at i: Int) {
        line += 1
        lineStart = i + 1
        sawTokenOnLine = false
    }

    private mutating func warn(_ severity: Diagnostic.Severity, line: Int, column: Int, _ message: String) {
        diagnostics.append(Diagnostic(severity, at: SourceLocation(file: file, line: line, column: column), message))
    }

    mutating func next() -> Token {
        skipTrivia()
        let startLine = line
        let startColumn = column
        let startsLine = !sawTokenOnLine
        sawTokenOnLine = true
        func make(_ kind: Token.Kind, _ text: String, _ flags: Token.Flags = []) -> Token {
            Token(kind: kind, text: text, line: startLine, column: startColumn, startsLine: startsLine, flags: flags)
        }
        guard index < bytes.count else { return make(.end, "") }
        let b = bytes[index]
        switch b {
        case UInt8(ascii: "\""):
            return make(.string, lexString(line: startLine, column: startColumn))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return lexNumberOrName(make)
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            if startsNumber(at: index) { return lexNumberOrName(make) }
            index += 1
            switch b {
            case UInt8(ascii: "+"): return make(.plus, "+")
            case UInt8(ascii: "-"): return make(.minus, "-")
            default: return make(.unexpected, ".")
            }
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"):
            let start = index
            while let c = byte(at: index), Self.isNameByte(c) { index += 1 }
            return make(.identifier, ascii(start, index))
        default:
            index += 1
            switch b {
            case UInt8(ascii: ":"): return make(.colon, ":")
            case UInt8(ascii: ";"): return make(.semicolon, ";")
            case UInt8(ascii: ","): return make(.comma, ",")
            case UInt8(ascii: "|"): return make(.pipe, "|")
            case UInt8(ascii: "@"): return make(.at, "@")
            case UInt8(ascii: "("): return make(.openParen, "(")
            case UInt8(ascii: ")"): return make(.closeParen, ")")
            case UInt8(ascii: "["): return make(.openBracket, "[")
            case UInt8(ascii: "]"): return make(.closeBracket, "]")
            default:
                let start = index - 1
                // Keep a whole UTF-8 sequence together so the diagnostic shows a character.
                if b >= 0xC0, encoding == .utf8 {
                    while let c = byte(at: index), c & 0xC0 == 0x80 { index += 1 }
                }
                return make(.unexpected, printable(start, index))
            }
        }
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    private static func isDigit(_ c: UInt8?) -> Bool {
        guard let c else { return false }
        return c >= 0x30 && c <= 0x39
    }

    private func startsNumber(at i: Int) -> Bool {
        let b = bytes[i]
        if b == UInt8(ascii: ".") { return Self.isDigit(byte(at: i + 1)) }
        if Self.isDigit(byte(at: i + 1)) { return true }
        return byte(at: i + 1) == UInt8(ascii: ".") && Self.isDigit(byte(at: i + 2))
    }

    private func ascii(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func printable(_ start: Int, _ end: Int) -> String {
        let b = bytes[start]
        if b < 0x20 || b == 0x7F { return "\\u{\(String(b, radix: 16))}" }
        return encoding.decode(bytes[start..<end])
    }

    /// `[+-]?\d*(\.\d*)?([eE][+-]?\d+)?`; a digit-led run that continues with name bytes is a name.
    private mutating func lexNumberOrName(_ make: (Token.Kind, String, Token.Flags) -> Token) -> Token {
        let start = index
        var signed = false
        if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            index += 1
            signed = true
        }
        var flags: Token.Flags = []
        var sawDigit = false
        while Self.isDigit(byte(at: index)) {
            index += 1
            sawDigit = true
        }
        var plain = true
        if byte(at: index) == UInt8(ascii: ".") {
            if !sawDigit { flags.insert(.leadingDot) }
            index += 1
            plain = false
            while Self.isDigit(byte(at: index)) { index += 1 }
        }
        if let e = byte(at: index), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var j = index + 1
            if let s = byte(at: j), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { j += 1 }
            if Self.isDigit(byte(at: j)) {
                index = j
                while Self.isDigit(byte(at: index)) { index += 1 }
                plain = false
            }
        }
        if plain, !signed, let c = byte(at: index), Self.isNameByte(c) {
            while let c = byte(at: index), Self.isNameByte(c) { index += 1 }
            return make(.identifier, ascii(start, index), .startsWithDigit)
        }
        if plain { flags.insert(.integerLiteral) }
        return make(.number, ascii(start, index), flags)
    }

    /// A quoted string. `\"` is an escaped quote, except that a backslash right before a quote
    /// that is followed by `;` and the end of the line is taken literally (`"C:\dir\";`),
    /// since that is what the writer meant.
    private mutating func lexString(line startLine: Int, column startColumn: Int) -> String {
        index += 1
        // Fast path: no backslash-quote inside, so the value is the bytes as they stand.
        var end = index
        var newlines = 0
        var lastNewline = -1
        while end < bytes.count {
            let c = bytes[end]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\"), end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "\"") { end = -1; break }
            if c == 0x0A {
                newlines += 1
                lastNewline = end
            }
            end += 1
        }
        if end >= 0, end < bytes.count {
            let text = encoding.decode(bytes[index..<end])
            if newlines > 0 {
                line += newlines
                lineStart = lastNewline + 1
            }
            index = end + 1
            return text
        }
        var value: [UInt8] = []
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                index += 1
                return encoding.decode(value[...])
            }
            if c == UInt8(ascii: "\\"), byte(at: index + 1) == UInt8(ascii: "\"") {
                if quoteEndsStatement(at: index + 1) {
                    warn(.warning, line: line, column: column,
                         "backslash before the closing quote taken literally (in DBC text only \\\" is an escape)")
                    value.append(c)
                    index += 2
                    return encoding.decode(value[...])
                }
                value.append(UInt8(ascii: "\""))
                index += 2
                continue
            }
            if c == UInt8(ascii: "\n") {
                // A string that spans lines: count the line, but the next token does not start one.
                line += 1
                lineStart = index + 1
            }
            value.append(c)
            index += 1
        }
        warn(.error, line: startLine, column: startColumn, "expected closing '\"' for this string, found end of file")
        return encoding.decode(value[...])
    }

    /// The quote at `i` is followed by optional blanks, `;`, optional blanks and a line end.
    private func quoteEndsStatement(at i: Int) -> Bool {
        var j = i + 1
        while let c = byte(at: j), c == 0x20 || c == 0x09 { j += 1 }
        guard byte(at: j) == UInt8(ascii: ";") else { return false }
        j += 1
        while let c = byte(at: j), c == 0x20 || c == 0x09 { j += 1 }
        guard let c = byte(at: j) else { return true }
        return c == 0x0A || c == 0x0D
    }

    private mutating func skipTrivia() {
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case 0x0A:
                newline(at: index)
                index += 1
            case 0x20, 0x09, 0x0D, 0x0B, 0x0C:
                index += 1
            case UInt8(ascii: "/") where byte(at: index + 1) == UInt8(ascii: "/"):
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            case UInt8(ascii: "/") where byte(at: index + 1) == UInt8(ascii: "*"):
                let l = line
                let col = column
                index += 2
                var closed = false
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "*"), byte(at: index + 1) == UInt8(ascii: "/") {
                        index += 2
                        closed = true
                        break
                    }
                    if bytes[index] == 0x0A { newline(at: index) }
                    index += 1
                }
                if closed {
                    warn(.warning, line: l, column: col, "'/* */' comment skipped (not DBC syntax; only '//' comments are)")
                } else {
                    warn(.error, line: l, column: col, "expected '*/' to close this comment, found end of file")
                }
            default:
                return
            }
        }
    }
}
