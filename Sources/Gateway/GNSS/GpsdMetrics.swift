import Prometheus
import Synchronization

extension PrometheusFamily {
    static let gpsdConnected = PrometheusFamily(name: "candor_gpsd_connected", kind: .gauge,
        help: "1 while the GB/T 32960 terminal is connected to gpsd (uplink.gbt32960.gpsd), else 0.")
    static let gpsdFixValid = PrometheusFamily(name: "candor_gpsd_fix_valid", kind: .gauge,
        help: "1 while gpsd's newest report is a 2D/3D fix at most 5 s old (the location is sent valid), else 0.")
    static let gpsdFixes = PrometheusFamily(name: "candor_gpsd_fixes_total", kind: .counter,
        help: "TPV reports from gpsd with a 2D or 3D fix.")
    static let gpsdMalformed = PrometheusFamily(name: "candor_gpsd_malformed_lines_total", kind: .counter,
        help: "Lines from gpsd skipped: not a report candor can read, or over 16 KiB.")
    static let gpsdConnectFailures = PrometheusFamily(name: "candor_gpsd_connect_failures_total", kind: .counter,
        help: "Connections to gpsd that failed (retried after 1 s, doubling up to 30 s).")
}

/// gpsd's series on the daemon's metrics endpoint, refreshed by `update` with the daemon's
/// other periodic figures; `update` also returns the link's log lines since the last call.
final class GpsdMetrics: @unchecked Sendable {
    private struct Series {
        var connected: Gauge
        var valid: Gauge
        var fixes: MirroredTotal
        var malformed: MirroredTotal
        var connectFailures: MirroredTotal
    }

    private let client: GpsdClient
    private let series: Mutex<Series>

    /// Nil when `services` has no GB/T 32960 terminal with `gpsd:`.
    init?(_ metrics: PrometheusMetrics, services: [any RecordService]) {
        guard let client = services.queued(GBT32960Service.self)?.consumer.gpsd else { return nil }
        self.client = client
        let r = metrics.registry
        series = Mutex(Series(
            connected: PrometheusFamily.gpsdConnected.gauge(in: r, []), valid: PrometheusFamily.gpsdFixValid.gauge(in: r, []),
            fixes: MirroredTotal(PrometheusFamily.gpsdFixes.counter(in: r, []), total: 0),
            malformed: MirroredTotal(PrometheusFamily.gpsdMalformed.counter(in: r, []), total: 0),
            connectFailures: MirroredTotal(PrometheusFamily.gpsdConnectFailures.counter(in: r, []), total: 0)))
    }

    @discardableResult
    func update() -> [String] {
        let s = client.statistics, valid = client.hasValidFix
        series.withLock { m in
            m.connected.set(to: s.connected ? 1 : 0)
            m.valid.set(to: valid ? 1 : 0)
            m.fixes.advance(to: s.fixes)
            m.malformed.advance(to: s.malformed)
            m.connectFailures.advance(to: s.failedConnects)
        }
        return client.takeEvents()
    }
}
