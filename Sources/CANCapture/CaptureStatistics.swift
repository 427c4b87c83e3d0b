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
