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

extension PrometheusMetrics {
    /// The states of `candor_can_controller_state` (a stateset: one series per state, 1 for
    /// the current one), in the kernel's order.
    static let controllerStates = ["error-active", "error-warning", "error-passive", "bus-off", "stopped", "sleeping"]

    /// Sets what the last poll read for `bus`'s controller. Buses without a controller (vcan)
    /// are never set and have no controller series.
    public func setController(bus: String, _ figures: ControllerFigures) {
        state.withLock { $0.controllers[bus] = figures }
    }

    /// The controller families, appended to the exposition.
    static func controllerFamilies(_ controllers: [String: ControllerFigures]) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        let buses = controllers.sorted { $0.key < $1.key }
        family("candor_can_controller_state", "gauge", "CAN controller state per bus (1 for the current state, else 0), read through libsocketcan.")
        for (bus, f) in buses {
            guard let current = f.state else { continue }
            let states = controllerStates.contains(current) ? controllerStates : controllerStates + [current]
            for name in states {
                out += "candor_can_controller_state{bus=\(quoted(bus)),state=\(quoted(name))} \(name == current ? 1 : 0)\n"
            }
        }
        family("candor_can_error_counter", "gauge", "CAN controller transmit and receive error counters (TEC, REC) per bus.")
        for (bus, f) in buses {
            if let rx = f.receiveErrors { out += "candor_can_error_counter{bus=\(quoted(bus)),direction=\"rx\"} \(rx)\n" }
            if let tx = f.transmitErrors { out += "candor_can_error_counter{bus=\(quoted(bus)),direction=\"tx\"} \(tx)\n" }
        }
        family("candor_can_bus_off_total", "counter", "Bus-off episodes per bus since the daemon started.")
        for (bus, f) in buses { out += "candor_can_bus_off_total{bus=\(quoted(bus))} \(f.busOffEpisodes)\n" }
        family("candor_can_controller_events_total", "counter", "The CAN driver's event counters per bus (since the interface was created).")
        for (bus, f) in buses {
            for (event, count) in f.events.sorted(by: { $0.key < $1.key }) {
                out += "candor_can_controller_events_total{bus=\(quoted(bus)),event=\(quoted(event))} \(count)\n"
            }
        }
        return out
    }
}
