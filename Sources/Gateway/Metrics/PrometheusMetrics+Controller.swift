import Prometheus

/// One bus's CAN controller as the daemon last read it (libsocketcan), for Prometheus.
public struct ControllerFigures: Sendable, Hashable {
    /// The state as SocketCAN names it (`error-active`, `error-warning`, `error-passive`,
    /// `bus-off`, `stopped`, `sleeping`); nil when it could not be read at the last poll.
    public var state: String?
    public var transmitErrors: Int?
    public var receiveErrors: Int?
    /// Bus-off episodes since the daemon started.
    public var busOffEpisodes: Int
    /// The driver's event counters by kernel name (`bus_error`, `error_warning`,
    /// `error_passive`, `bus_off`, `arbitration_lost`, `restarts`); empty when unreadable.
    public var events: [String: Int]

    public init(state: String?, transmitErrors: Int?, receiveErrors: Int?, busOffEpisodes: Int, events: [String: Int] = [:]) {
        self.state = state
        self.transmitErrors = transmitErrors
        self.receiveErrors = receiveErrors
        self.busOffEpisodes = busOffEpisodes
        self.events = events
    }
}

/// One bus's controller series in the registry.
struct ControllerSeries {
    /// `candor_can_controller_state` by state name; empty while the state is unreadable.
    var states: [String: Gauge] = [:]
    /// `candor_can_error_counter` by direction (`rx`, `tx`).
    var errorCounters: [String: Gauge] = [:]
    var busOff: MirroredTotal
    /// `candor_can_controller_events_total` by the kernel's event name.
    var events: [String: MirroredTotal] = [:]
}

extension PrometheusMetrics {
    /// The states of `candor_can_controller_state` (a stateset: one series per state, 1 for
    /// the current one), in the kernel's order.
    static let controllerStates = ["error-active", "error-warning", "error-passive", "bus-off", "stopped", "sleeping"]

    /// Sets what the last poll read for `bus`'s controller. Buses without a controller (vcan)
    /// are never set and have no controller series. What the poll could not read (state,
    /// an error counter, the event counters) has no series until it can be read again.
    public func setController(bus: String, _ figures: ControllerFigures) {
        let registry = self.registry
        series.withLock { s in
            var c = s.controllers[bus]
                ?? ControllerSeries(busOff: MirroredTotal(PrometheusFamily.busOff.counter(in: registry, [("bus", bus)]), total: 0))
            Self.update(&c.states, bus: bus, to: figures.state, registry)
            for (direction, value) in [("rx", figures.receiveErrors), ("tx", figures.transmitErrors)] {
                if let value {
                    let gauge = c.errorCounters[direction]
                        ?? PrometheusFamily.errorCounter.gauge(in: registry, [("bus", bus), ("direction", direction)])
                    c.errorCounters[direction] = gauge
                    gauge.set(to: Double(value))
                } else if let gauge = c.errorCounters.removeValue(forKey: direction) {
                    registry.unregisterGauge(gauge)
                }
            }
            c.busOff.advance(to: figures.busOffEpisodes)
            for (event, total) in figures.events {
                if c.events[event] == nil {
                    let counter = PrometheusFamily.controllerEvents.counter(in: registry, [("bus", bus), ("event", event)])
                    c.events[event] = MirroredTotal(counter, total: total)
                } else {
                    c.events[event]!.advance(to: total)
                }
            }
            for (event, total) in c.events where figures.events[event] == nil {
                registry.unregisterCounter(total.counter)
                c.events[event] = nil
            }
            s.controllers[bus] = c
        }
    }

    /// The stateset of one bus: the kernel's six states (plus `current` if it is none of
    /// them), 1 for `current`; no series at all when the state is unreadable.
    private static func update(_ states: inout [String: Gauge], bus: String, to current: String?, _ registry: PrometheusCollectorRegistry) {
        let names = current.map { controllerStates.contains($0) ? controllerStates : controllerStates + [$0] } ?? []
        for (name, gauge) in states where !names.contains(name) {
            registry.unregisterGauge(gauge)
            states[name] = nil
        }
        for name in names {
            let gauge = states[name] ?? PrometheusFamily.controllerState.gauge(in: registry, [("bus", bus), ("state", name)])
            states[name] = gauge
            gauge.set(to: name == current ? 1 : 0)
        }
    }
}
