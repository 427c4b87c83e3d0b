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

/// What a reader has seen so far. Tolerant readers count what they skip here.
public struct CaptureStatistics: Sendable {
    /// Lines (text formats) or records (packets, blocks) read so far.
    public var records: Int = 0
    /// Frames returned by `next()`: data, remote and error frames.
    public var frames: Int = 0
    /// Of `frames`, how many were error frames.
    public var errorFrames: Int = 0
    /// Lines or records that were malformed and skipped (tolerant mode).
    public var malformedLines: Int = 0
    /// The sum of the counts of candump `DROPCOUNT:` lines: frames the kernel dropped
    /// before candump could read them.
    public var droppedByKernel: UInt64 = 0
    /// Lines or records that hold no frame and are no error: blank lines, headers,
    /// comments, `DROPCOUNT:` lines, error-frame detail lines, pcapng blocks other than packets.
    public var nonFrameLines: Int = 0
    /// The first malformed line or record and why it was rejected.
    public var firstMalformed: (line: Int, reason: String)? = nil

    public init() {}
}
