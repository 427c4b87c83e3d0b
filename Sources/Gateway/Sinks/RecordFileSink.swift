import Telemetry

/// How a file sink writes a record: one line of a text format.
public protocol RecordLineFormat {
    /// The sink's name in logs and the `dropped{stage=…}` metric: `jsonl`, `line_protocol`.
    static var sinkName: String { get }
    /// Appends one record as one line (ending in `\n`).
    static func append(_ record: TelemetryRecord, to buffer: inout [UInt8])
}

extension JSONLinesFormat: RecordLineFormat {
    public static var sinkName: String { "jsonl" }
}

extension LineProtocolFormat: RecordLineFormat {
    public static var sinkName: String { "line_protocol" }
}

/// Telemetry records as JSON lines (`JSONLinesFormat`), buffered.
public typealias JSONLinesSink = RecordFileSink<JSONLinesFormat>
/// Telemetry records as InfluxDB line protocol (`LineProtocolFormat`), buffered.
public typealias LineProtocolSink = RecordFileSink<LineProtocolFormat>

/// Telemetry records as lines of `Format` in one file, buffered (`BufferedFile`).
public final class RecordFileSink<Format: RecordLineFormat>: MetricSink {
    private let file: BufferedFile

    public init(path: String, mode: FileSinkMode = .append) throws(SinkError) {
        file = try BufferedFile(path: path, mode: mode)
    }

    public var name: String { Format.sinkName }

    /// A failed write throws after the whole batch was offered: the records after it are
    /// buffered for the next write, those given up are counted (`recordsLost`).
    public func write(_ records: [TelemetryRecord]) throws(SinkError) {
        var failure: SinkError?
        for record in records {
            Format.append(record, to: &file.buffer)
            do { try file.maybeFlush() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// Records given up because a write failed (one line each).
    public var recordsLost: UInt64 { file.linesLost }

    public func flush() throws(SinkError) { try file.flush() }
    public func close() throws(SinkError) { try file.close() }
}
