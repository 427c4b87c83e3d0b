/// One lexical token of DBC text, with where it starts.
struct Token: Sendable {
    enum Kind: UInt8, Sendable {
        /// `[A-Za-z_][A-Za-z0-9_]*`, or a name that starts with a digit (`2017_5`).
        case identifier
        /// `[+-]?digits[.digits][e[+-]digits]`, also `.5`.
        case number
        /// A quoted string; `text` is its value with `\"` unescaped.
        case string
        case colon, semicolon, comma, pipe, at
        case openParen, closeParen, openBracket, closeBracket
        case plus, minus
        /// A character that starts no DBC token.
        case unexpected
        /// End of input; always the last token.
        case end
    }

    /// What is noteworthy about how the token was written.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// A number written without a leading digit (`.5`).
        static let leadingDot = Flags(rawValue: 1)
        /// An identifier that starts with a digit (`2017_5`).
        static let startsWithDigit = Flags(rawValue: 2)
        /// A number that is an integer literal: optional sign and digits only.
        static let integerLiteral = Flags(rawValue: 4)
    }

    var kind: Kind
    /// Identifier or number as written; a string's value; punctuation as written.
    var text: String
    var line: Int
    var column: Int
    /// The first token on its line.
    var startsLine: Bool
    var flags: Flags = []

    func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// How the token reads in a diagnostic: `'BO_'`, `number '12'`, `string "..."`, `end of file`.
    var quoted: String {
        switch kind {
        case .identifier: return "'\(text)'"
        case .number: return "number '\(text)'"
        case .string:
            let short = text.count > 24 ? String(text.prefix(24)) + "…" : text
            return "string \"\(short)\""
        case .end: return "end of file"
        case .unexpected: return "character '\(text)'"
        default: return "'\(text)'"
        }
    }

    func isKeyword(_ keyword: String) -> Bool { kind == .identifier && text == keyword }
}
