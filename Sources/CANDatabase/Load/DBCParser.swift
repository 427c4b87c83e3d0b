/// What loading a DBC produced: the database and everything worth telling about it.
public struct DBCLoadResult: Sendable {
    public var database: Database
    /// In source order.
    public var diagnostics: [Diagnostic]
    /// Some construct could not be read, so information was lost (`candor dbc check` exits 2).
    public var hasErrors: Bool

    public init(database: Database, diagnostics: [Diagnostic]) {
        self.database = database
        self.diagnostics = diagnostics
        self.hasErrors = diagnostics.contains { $0.severity == .error }
    }
}

/// Reads DBC text into a `Database`, tolerantly.
///
/// The pipeline is bytes → tokens (with line and column) → statements → model, one
/// statement at a time. Any section order is accepted. A construct that cannot be read is reported as an `error` diagnostic
/// and reading resumes at the next line that starts with a DBC keyword; constructs that load
/// but are unusual (or that cantools refuses) are `warning`s; rare sections that are skipped
/// are `note`s.
public enum DBCParser {
    /// Never throws and never traps, whatever the bytes.
    ///
    /// Valid UTF-8 is read as UTF-8; anything else as Windows-1252.
    public static func parse(_ bytes: [UInt8], file: String) -> DBCLoadResult {
        let encoding = DBCTextEncoding.detect(bytes)
        var parser = SyntaxParser(bytes: bytes, encoding: encoding, file: file)
        var builder = DatabaseBuilder(file: file)
        // Each statement goes to the builder as soon as it is read, and a message's model is
        // built from its syntax at once: the syntax of the whole file is never in memory.
        while let statement = parser.nextStatement() { builder.take(statement) }
        let database = builder.finish()
        let found = parser.allDiagnostics + builder.diagnostics
        let ordered = found.enumerated().sorted {
            ($0.element.location.line, $0.element.location.column, $0.offset)
                < ($1.element.location.line, $1.element.location.column, $1.offset)
        }
        return DBCLoadResult(database: database, diagnostics: ordered.map(\.element))
    }

    /// Convenience for text already in memory (tests, generated DBCs).
    public static func parse(_ text: String, file: String) -> DBCLoadResult {
        parse(Array(text.utf8), file: file)
    }
}
