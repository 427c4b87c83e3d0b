/// A statement could not be read; the diagnostic is already recorded.
struct SyntaxFailure: Error {}

/// Reads tokens into statements, tolerantly: a statement that cannot be read gives a
/// diagnostic, and reading resumes at the next line that starts with a DBC keyword.
struct SyntaxParser {
    let file: String
    /// Tokens are read as the parser goes, with one token of lookahead.
    private var lexer: Lexer
    private(set) var previousToken: Token
    private(set) var token: Token
    private(set) var nextToken: Token
    /// Read but not yet taken by `nextStatement()`.
    var statements: [Statement] = []
    var diagnostics: [Diagnostic] = []

    init(bytes: [UInt8], encoding: DBCTextEncoding, file: String) {
        self.file = file
        lexer = Lexer(bytes: bytes, encoding: encoding, file: file)
        token = lexer.next()
        nextToken = token.kind == .end ? token : lexer.next()
        previousToken = token
    }

    /// The next statement, read as far as needed (statements that cannot be read are
    /// reported and skipped); nil at the end of the file.
    mutating func nextStatement() -> Statement? {
        while statements.isEmpty {
            guard token.kind != .end else { return nil }
            parseNext()
        }
        return statements.removeFirst()
    }

    /// The lexer's diagnostics, then the parser's.
    var allDiagnostics: [Diagnostic] { lexer.diagnostics + diagnostics }

    // MARK: Token access

    mutating func advance() {
        guard token.kind != .end else { return }
        previousToken = token
        token = nextToken
        if nextToken.kind != .end { nextToken = lexer.next() }
    }

    func location(_ t: Token) -> SourceLocation { t.location(in: file) }

    mutating func report(_ severity: Diagnostic.Severity, at t: Token, _ message: String) {
        diagnostics.append(Diagnostic(severity, at: location(t), message))
    }

    /// Records "expected …, found …" at the current token and fails the statement.
    mutating func fail(expected what: String) -> SyntaxFailure {
        report(.error, at: token, "expected \(what), found \(token.quoted)")
        return SyntaxFailure()
    }

    /// A token at the start of a line that begins a new statement: where reading resumes.
    var atStatementBoundary: Bool {
        token.kind == .end || (token.startsLine && Keyword.startsStatement(token))
    }

    /// Skips to the next line that starts with a DBC keyword (always moving at least one token).
    mutating func resynchronize(skippingSignals: Bool = false) {
        advance()
        while token.kind != .end {
            if token.startsLine && Keyword.startsStatement(token) {
                if !(skippingSignals && token.text == "SG_") { return }
            }
            advance()
        }
    }

    // MARK: Expectations

    mutating func expect(_ kind: Token.Kind, _ what: String) throws(SyntaxFailure) {
        guard token.kind == kind else { throw fail(expected: what) }
        advance()
    }

    mutating func accept(_ kind: Token.Kind) -> Bool {
        guard token.kind == kind else { return false }
        advance()
        return true
    }

    mutating func expectKeyword(_ keyword: String) throws(SyntaxFailure) {
        guard token.isKeyword(keyword) else { throw fail(expected: "'\(keyword)'") }
        advance()
    }

    /// An identifier; one that starts with a digit is accepted with a warning.
    mutating func expectName(_ what: String) throws(SyntaxFailure) -> NameSyntax {
        guard token.kind == .identifier else { throw fail(expected: what) }
        if token.flags.contains(.startsWithDigit) {
            report(.warning, at: token, "\(what) '\(token.text)' starts with a digit (not a C identifier; cantools refuses it)")
        }
        let name = NameSyntax(name: token.text, location: location(token))
        advance()
        return name
    }

    mutating func expectString(_ what: String) throws(SyntaxFailure) -> String {
        guard token.kind == .string else { throw fail(expected: what) }
        let text = token.text
        advance()
        return text
    }

    /// A number; `.5` is accepted with a warning.
    mutating func expectNumber(_ what: String) throws(SyntaxFailure) -> NumberSyntax {
        guard token.kind == .number else { throw fail(expected: what) }
        if token.flags.contains(.leadingDot) {
            report(.warning, at: token, "number '\(token.text)' has no digit before the point (cantools refuses it)")
        }
        let n = NumberSyntax(text: token.text, isIntegerLiteral: token.flags.contains(.integerLiteral), location: location(token))
        advance()
        return n
    }

    /// An integer. A real number with an integral value (`8.0`) is accepted with a warning.
    mutating func expectInteger(_ what: String) throws(SyntaxFailure) -> Int64 {
        guard token.kind == .number else { throw fail(expected: what) }
        let t = token
        let n = NumberSyntax(text: t.text, isIntegerLiteral: t.flags.contains(.integerLiteral), location: location(t))
        if let v = n.int64 {
            advance()
            return v
        }
        let d = n.doubleValue
        if !n.isIntegerLiteral, d.rounded() == d, abs(d) < 9.2e18 {
            report(.warning, at: t, "\(what) written as '\(t.text)', read as \(Int64(d))")
            advance()
            return Int64(d)
        }
        throw fail(expected: what)
    }

    /// A message id: an unsigned integer up to 32 bits (bit 31 marks an extended id).
    mutating func expectMessageID() throws(SyntaxFailure) -> UInt64 {
        guard token.kind == .number, token.flags.contains(.integerLiteral),
              let v = UInt64(token.text.first == "+" ? String(token.text.dropFirst()) : token.text),
              v <= 0xFFFF_FFFF
        else { throw fail(expected: "a message id (decimal, up to 32 bits)") }
        advance()
        return v
    }

    /// The `;` that ends a statement. When it is missing but the next line starts a new
    /// statement (or the file ends), it is recovered with a warning.
    mutating func expectSemicolon(after what: String) throws(SyntaxFailure) {
        if accept(.semicolon) { return }
        if atStatementBoundary {
            report(.warning, at: previousToken, "expected ';' to end \(what), found \(token.quoted); recovered")
            return
        }
        throw fail(expected: "';' to end \(what)")
    }

    /// Comma-separated names (a separator may also be plain whitespace).
    mutating func nameList(_ what: String) throws(SyntaxFailure) -> [String] {
        var names: [String] = []
        while token.kind == .identifier, !atStatementBoundary {
            names.append(try expectName(what).name)
            if !accept(.comma) && token.kind != .identifier { break }
        }
        return names
    }

    // MARK: File

    /// Reads one statement, or skips what cannot be read up to where reading resumes.
    mutating func parseNext() {
        let start = token
        guard start.kind == .identifier, Keyword.startsStatement(start) else {
            report(.error, at: start, "expected a DBC keyword (BO_, SG_, CM_, BA_, VAL_, …), found \(start.quoted); skipped to the next statement")
            resynchronize()
            return
        }
        if Keyword.skipped.contains(start.text) {
            skipStatement(start)
            return
        }
        do throws(SyntaxFailure) {
            try parseStatement(start.text)
        } catch {
            resynchronize(skippingSignals: start.text == "BO_")
        }
    }

    /// A rare statement candor does not read: skipped up to its `;` with a note.
    mutating func skipStatement(_ start: Token) {
        report(.note, at: start, "'\(start.text)' statement skipped (not used for decoding)")
        advance()
        while token.kind != .end, !atStatementBoundary {
            if token.kind == .semicolon {
                advance()
                return
            }
            advance()
        }
    }

    mutating func parseStatement(_ keyword: String) throws(SyntaxFailure) {
        switch keyword {
        case "VERSION": try parseVersion()
        case "NS_": try parseNewSymbols()
        case "BS_": try parseBitTiming()
        case "BU_": try parseNodes()
        case "VAL_TABLE_": try parseValueTable()
        case "BO_": try parseMessage()
        case "SG_":
            report(.error, at: token, "expected 'BO_' before this 'SG_' (a signal outside a message); skipped")
            throw SyntaxFailure()
        case "BO_TX_BU_": try parseTransmitters()
        case "EV_": try parseEnvironmentVariable()
        case "ENVVAR_DATA_", "EV_DATA_": try parseEnvironmentVariableData()
        case "CM_": try parseComment()
        case "BA_DEF_", "BA_DEF_REL_": try parseAttributeDefinition()
        case "BA_DEF_DEF_", "BA_DEF_DEF_REL_": try parseAttributeDefault()
        case "BA_": try parseAttributeValue()
        case "BA_REL_": try parseRelationAttributeValue()
        case "VAL_": try parseValueDescriptions()
        case "SIG_VALTYPE_": try parseSignalValueType()
        case "SIG_GROUP_": try parseSignalGroup()
        case "SG_MUL_VAL_": try parseMultiplexValues()
        default: throw fail(expected: "a DBC keyword")
        }
    }
}
