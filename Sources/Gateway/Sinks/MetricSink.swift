import Telemetry

/// Where telemetry records go: the SQLite store, a JSON-lines file, an InfluxDB line-protocol
/// file. A sink is a `RecordService` on the ingest thread that ignores the batch's identity
/// (its output is the same bytes for the same frames, whatever the run); the pipeline owns
/// its sinks and calls them from one thread.
///
/// - `write` takes the records the aggregator emitted since the last call (closed windows,
///   ended episodes, trip and day summaries), in emission order. The SQLite store commits
///   each call as one transaction; the file sinks buffer.
/// - `flush` makes everything written so far reach the file (the file sinks write their
///   buffer; the store has nothing pending). Call it at least when a batch of windows closes.
/// - `close` flushes and releases the file; the sink must not be used afterwards.
public protocol MetricSink: RecordService {
    func write(_ records: [TelemetryRecord]) throws(SinkError)
}

extension MetricSink {
    public func write(_ batch: RecordBatch) throws(SinkError) { try write(batch.records) }
}

/// A sink failure: the file, what went wrong, and the underlying message (errno text or
/// SQLite's message).
public struct SinkError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The file cannot be opened, created, written or synced.
        case io
        /// The file exists and is not an SQLite database, or is SQLite but not candor's.
        case notCandorDatabase
        /// The store was written by a newer candor (its schema version is higher than ours).
        case newerSchema
        /// SQLite reported an error while preparing or running a statement.
        case sqlite
        /// The sink was used after `close`.
        case closed
    }

    public var kind: Kind
    public var path: String
    public var message: String

    public init(_ kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
