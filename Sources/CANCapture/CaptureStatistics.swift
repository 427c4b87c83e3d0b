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
    /// Frames read from lines that bend their format (tolerant mode; counted in `frames`):
    /// what python-can and cantools accept although the format does not allow it.
    public var bentRecords: Int = 0
    /// The first bent line and how it was read.
    public var firstBent: (line: Int, reason: String)? = nil

    public init() {}
}

extension CaptureStatistics {
    /// What every command tells about one capture it read, one line per kind (none when the
    /// capture was clean): skipped malformed lines, frames read from bent lines, frames the
    /// kernel dropped before candump saw them. `name` is the capture as given.
    public func notes(for name: String) -> [String] {
        var notes: [String] = []
        if malformedLines > 0 {
            var note = "\(name): skipped \(malformedLines) malformed line(s)"
            if let first = firstMalformed { note += "; first at line \(first.line): \(first.reason)" }
            notes.append(note + " (use --strict to stop at the first)")
        }
        if bentRecords > 0 {
            var note = "\(name): read \(bentRecords) frame(s) from line(s) that bend the format"
            if let first = firstBent { note += "; first at line \(first.line): \(first.reason)" }
            notes.append(note + " (--strict refuses them)")
        }
        if droppedByKernel > 0 {
            notes.append("\(name): DROPCOUNT lines: the kernel dropped \(droppedByKernel) frame(s) before candump read them")
        }
        return notes
    }
}
