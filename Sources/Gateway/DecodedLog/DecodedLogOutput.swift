/// Where the decoded log's writer thread puts lines: `RotatingLineFiles`, or a fake in tests.
public protocol DecodedLogOutput: AnyObject {
    /// Writes every line of `batch` (each followed by a newline). Returns how many lines
    /// reached the file and the failure, if any (a line that did not is lost and counted).
    func write(_ batch: DecodedLogBatch) -> DecodedLogWriteResult
    /// Writes what is pending and closes the file.
    func close() throws(SinkError)
}

/// What one `DecodedLogOutput.write` achieved.
public struct DecodedLogWriteResult: Sendable {
    /// Lines of the batch that are in a file now.
    public var written: Int
    /// Why the rest were lost, or why housekeeping (gzip, retention) failed; nil when all went well.
    public var failure: SinkError?

    public init(written: Int, failure: SinkError? = nil) {
        self.written = written
        self.failure = failure
    }
}
