import Telemetry

/// Telemetry records as JSON lines (`JSONLinesFormat`), buffered.
public final class JSONLinesSink: MetricSink {
    private let file: BufferedFile

    public init(path: String, mode: FileSinkMode = .append) throws(SinkError) {
        file = try BufferedFile(path: path, mode: mode)
    }

    /// A failed write throws after the whole batch was offered: the records after it are
    /// buffered for the next write, those given up are counted (`recordsLost`).
    public func write(_ records: [TelemetryRecord]) throws(SinkError) {
        var failure: SinkError?
        for record in records {
            JSONLinesFormat.append(record, to: &file.buffer)
            do { try file.maybeFlush() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// Records given up because a write failed (one line each).
    public var recordsLost: UInt64 { file.linesLost }

    public func flush() throws(SinkError) { try file.flush() }
    public func close() throws(SinkError) { try file.close() }
}
