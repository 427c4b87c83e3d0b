/// A capture could not be opened, read or written, or (when strict) a line was malformed.
///
/// The description reads `file:line:column: message` (line and column when known). For
/// binary formats the line is the record number (packet or block, counting from 1).
public struct CaptureError: Error, CustomStringConvertible, Sendable {
    /// The path as given (`-` for stdin or stdout, or the name given to a byte reader).
    public var file: String
    /// The 1-based line (text) or record (binary) number, when the error belongs to one.
    public var line: Int?
    /// The 1-based byte column in the line, when known.
    public var column: Int?
    /// What went wrong, saying what was expected and what was found.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text + ": " + message
    }
}
