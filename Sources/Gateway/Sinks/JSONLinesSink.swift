import Telemetry

/// Telemetry records as JSON lines (`JSONLinesFormat`), buffered.
public final class JSONLinesSink: MetricSink {
    private let file: BufferedFile

    public init(path: String, mode: FileSinkMode = .append) throws(SinkError) {
        file = try BufferedFile(path: path, mode: mode)
    }

    public func write(_ records: [TelemetryRecord]) throws(SinkError) {
        for record in records {
            JSONLinesFormat.append(record, to: &file.buffer)
            try file.maybeFlush()
        }
    }

    public func flush() throws(SinkError) { try file.flush() }
    public func close() throws(SinkError) { try file.close() }
}
