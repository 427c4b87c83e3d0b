import Prometheus
import Synchronization

/// `candor collect`'s own series (its `--metrics` endpoint), in a registry of its own.
public final class CollectorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let connected: Gauge
    private let messages: Counter
    private let records: Counter
    private let duplicates: Counter
    private let reconnects: Counter
    private let lag: Gauge
    private let captures: Counter
    private let confirmations: Counter
    private let malformed: [MalformedKind: Counter]
    private let vehicles = Mutex<[String: (lastSeen: Gauge, online: Gauge)]>([:])

    public init() {
        func d(_ name: String, _ help: String) -> MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }
        connected = registry.makeGauge(descriptor: d("candor_collect_connected", "1 while the collector is connected to its MQTT broker, else 0."))
        messages = registry.makeCounter(descriptor: d("candor_collect_messages_total", "Uplink messages received (duplicates and malformed ones included)."))
        records = registry.makeCounter(descriptor: d("candor_collect_records_total", "Records written to the fleet store (each identity once)."))
        duplicates = registry.makeCounter(descriptor: d("candor_collect_duplicates_total", "Records received again (same vehicle, run, sequence) and not stored again."))
        reconnects = registry.makeCounter(descriptor: d("candor_collect_reconnects_total", "Connections to the broker after the first one."))
        lag = registry.makeGauge(descriptor: d("candor_collect_ingest_lag_seconds",
            "From the gateway storing the last message (its window close) to the collector committing it, seconds."))
        captures = registry.makeCounter(descriptor: d("candor_collect_captures_total",
            "Captures (uplink.captures) written whole under --captures: index and every chunk, CRC-32 checked."))
        confirmations = registry.makeCounter(descriptor: d("candor_collect_confirmed_total",
            "Messages confirmed to their gateways after their records were committed (duplicates included; uplink.outbox.confirm: collector)."))
        var byKind: [MalformedKind: Counter] = [:]
        let malformedName = d("candor_collect_malformed_total", "Messages skipped as malformed, by kind (topic, json, version, kind, envelope, record).")
        for kind in MalformedKind.allCases { byKind[kind] = registry.makeCounter(descriptor: malformedName, labels: [("kind", kind.rawValue)]) }
        malformed = byKind
    }

    func setConnected(_ up: Bool) { connected.set(to: up ? 1.0 : 0.0) }
    func received() { messages.increment() }
    func stored(records n: Int, duplicates d: Int) {
        records.increment(by: Int64(n))
        duplicates.increment(by: Int64(d))
    }
    func reconnected() { reconnects.increment() }
    func captured() { captures.increment() }
    func confirmed(_ n: Int) { confirmations.increment(by: Int64(n)) }
    func skipped(_ kind: MalformedKind) { malformed[kind]!.increment() }
    func lag(seconds: Double) { lag.set(to: seconds) }

    /// `last_seen` (Unix seconds) of the vehicle's last message; `online` from its retained status.
    func seen(vehicle: String, at seconds: Double, online: Bool? = nil) {
        vehicles.withLock { v in
            if v[vehicle] == nil {
                v[vehicle] = (
                    registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "candor_collect_last_seen_seconds", unitName: "",
                        helpText: "Unix time of the last message from each vehicle."), labels: [("vehicle", vehicle)]),
                    registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "candor_collect_vehicle_online", unitName: "",
                        helpText: "1 when the vehicle's retained status says online, 0 for offline (its will)."), labels: [("vehicle", vehicle)]))
            }
            v[vehicle]!.lastSeen.set(to: seconds)
            if let online { v[vehicle]!.online.set(to: online ? 1.0 : 0.0) }
        }
    }

    /// The text exposition format.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
