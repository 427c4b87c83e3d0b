import Telemetry

/// The metrics endpoint's view of the records, as a service on the ingest thread: each batch
/// updates the signal, message and bus gauges (`PrometheusMetrics.observe`). Closing it does
/// not stop the HTTP server, which the daemon owns separately.
public final class PrometheusRecordFeed: RecordService {
    public let name = "prometheus"
    public let metrics: PrometheusMetrics

    public init(_ metrics: PrometheusMetrics) {
        self.metrics = metrics
    }

    public func write(_ batch: RecordBatch) { metrics.observe(batch.records) }
    public func flush() {}
    public func close() {}
}
