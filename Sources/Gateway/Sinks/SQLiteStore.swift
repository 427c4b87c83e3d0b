import CSQLite
import Telemetry

/// The embedded store (skeleton).
public final class SQLiteStore: MetricSink {
    public let path: String
    public init(path: String) throws(SinkError) {
        self.path = path
    }
    public func write(_ records: [TelemetryRecord]) throws(SinkError) {}
    public func flush() throws(SinkError) {}
    public func close() throws(SinkError) {}
}
