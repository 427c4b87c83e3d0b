import CANCore
import Prometheus
import Synchronization
import Telemetry

/// The live gateway's figures for Prometheus, kept in a swift-prometheus registry: fed with
/// the records as they are emitted and rendered by the registry for the HTTP thread. Counters
/// grow by the shortest window's records (each frame is in exactly one of those), so they
/// advance as windows close. Bounded: one series per configured bus, per DBC message with
/// records, per error class and per mapped role.
public final class PrometheusMetrics: Sendable {
    struct Key: Hashable {
        var a: String
        var b: String
    }

    /// What a role of a semantic map reads: (vehicle, bus, message, signal) → (role, scale, offset).
    typealias Roles = [SignalKey: (role: String, scale: Double, offset: Double)]

    /// The registry's series, by label values, so a window close looks them up instead of
    /// asking the registry; and what the current layout maps.
    struct Series {
        var roles: Roles
        var shortestWindow: Int64
        var frames: [String: Counter] = [:]
        var errorFrames: [Key: Counter] = [:]
        var busLoad: [String: Gauge] = [:]
        var timeouts: [Key: Counter] = [:]
        var signals: [Key: Gauge] = [:]
        var dropped: [String: MirroredTotal] = [:]
        var controllers: [String: ControllerSeries] = [:]
    }

    let registry = PrometheusCollectorRegistry()
    let series: Mutex<Series>

    /// `layout`: the gateway's; its semantic maps name the roles exported as `candor_signal`.
    public init(layout: TelemetryLayout) {
        var initial = Series(roles: Self.roles(of: layout), shortestWindow: layout.configuration.rules.windowLengths[0])
        for vehicle in layout.configuration.vehicles {
            for bus in vehicle.buses where initial.frames[bus.interface] == nil {
                initial.frames[bus.interface] = PrometheusFamily.frames.counter(in: registry, [("bus", bus.interface)])
            }
        }
        series = Mutex(initial)
    }

    /// Takes what the records say (call with every batch the gateway emits). Touches only the
    /// shortest window's records; a series is made the first time its labels appear.
    public func observe(_ records: [TelemetryRecord]) {
        let registry = self.registry
        series.withLock { s in
            for record in records {
                switch record {
                case .busHealth(let r) where r.windowLength == s.shortestWindow:
                    let frames = s.frames[r.bus] ?? PrometheusFamily.frames.counter(in: registry, [("bus", r.bus)])
                    s.frames[r.bus] = frames
                    frames.increment(by: Int64(r.frames))
                    let load = s.busLoad[r.bus] ?? PrometheusFamily.busLoad.gauge(in: registry, [("bus", r.bus)])
                    s.busLoad[r.bus] = load
                    load.set(to: r.busLoadPercent / 100)
                    for (i, entry) in CANErrorClass.named.enumerated() where i < r.errorFramesByClass.count && r.errorFramesByClass[i] != 0 {
                        let key = Key(a: r.bus, b: entry.1)
                        let counter = s.errorFrames[key]
                            ?? PrometheusFamily.errorFrames.counter(in: registry, [("bus", r.bus), ("class", entry.1)])
                        s.errorFrames[key] = counter
                        counter.increment(by: Int64(r.errorFramesByClass[i]))
                    }
                case .messageHealth(let r) where r.windowLength == s.shortestWindow:
                    let key = Key(a: r.bus, b: r.message)
                    let counter = s.timeouts[key]
                        ?? PrometheusFamily.timeouts.counter(in: registry, [("bus", r.bus), ("message", r.message)])
                    s.timeouts[key] = counter
                    counter.increment(by: Int64(r.timeouts))
                case .signalWindow(let r) where r.windowLength == s.shortestWindow && r.count > 0:
                    guard let role = s.roles[SignalKey(r)] else { break }
                    let key = Key(a: r.vehicle, b: role.role)
                    let gauge = s.signals[key] ?? PrometheusFamily.signal.gauge(in: registry, [("vehicle", r.vehicle), ("role", role.role)])
                    s.signals[key] = gauge
                    gauge.set(to: r.last * role.scale + role.offset)
                default:
                    break
                }
            }
        }
    }

    /// A reload swapped `layout` in (call on the gateway's thread, between the old setup's
    /// last records and the new one's first): its semantic roles and shortest window from now
    /// on. Counters keep counting (also those of buses no longer configured); new buses start
    /// at 0; the `candor_signal` series of roles no longer mapped are unregistered.
    public func use(layout: TelemetryLayout) {
        let roles = Self.roles(of: layout)
        let mapped = Set(roles.map { Key(a: $0.key.vehicle, b: $0.value.role) })
        series.withLock { s in
            s.roles = roles
            s.shortestWindow = layout.configuration.rules.windowLengths[0]
            for vehicle in layout.configuration.vehicles {
                for bus in vehicle.buses where s.frames[bus.interface] == nil {
                    s.frames[bus.interface] = PrometheusFamily.frames.counter(in: registry, [("bus", bus.interface)])
                }
            }
            for (key, gauge) in s.signals where !mapped.contains(key) {
                registry.unregisterGauge(gauge)
                s.signals[key] = nil
            }
        }
    }

    /// The roles exported as `candor_signal`: the quantities the operations figures read, but
    /// not the states (ready, charging, the coded driver-assistance roles) nor the stack current
    /// (read for the hydrogen consumed).
    static let exportedRoles = Set(SemanticMap.operationsKeys).subtracting(
        ["ready", "charging", "fuel_cell_current", "acc_state", "acc_cause", "aeb_state"])

    /// (vehicle, bus, message, signal) → (role, scale, offset) of every vehicle's semantic map.
    private static func roles(of layout: TelemetryLayout) -> Roles {
        var roles: Roles = [:]
        for vehicle in layout.configuration.vehicles {
            for (role, reference) in vehicle.rules.signals.keyedReferences where exportedRoles.contains(role) {
                roles[SignalKey(vehicle: vehicle.name, bus: reference.bus, message: reference.message, signal: reference.signal)] = (role, reference.scale, reference.offset)
            }
        }
        return roles
    }

    /// Takes the total of frames dropped at `stage` (`queue`, `kernel`, `recorder`, `tail`,
    /// `decoded_log`) as its source counts it; the counter grows by the difference (a lower
    /// total is a counter reset, see `MirroredTotal`).
    public func setDropped(stage: String, total: Int) {
        series.withLock { s in
            if s.dropped[stage] == nil {
                s.dropped[stage] = MirroredTotal(PrometheusFamily.dropped.counter(in: registry, [("stage", stage)]), total: total)
            } else {
                s.dropped[stage]!.advance(to: total)
            }
        }
    }

    /// The text exposition format (version 0.0.4) as the registry renders it, in no particular
    /// order, plus the HELP and TYPE lines of the families that have no series yet.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        var text = String(decoding: buffer, as: UTF8.self)
        for family in PrometheusFamily.all where !text.contains("# TYPE \(family.name) ") {
            text += family.header
        }
        return text
    }
}
