import Prometheus

/// One metric family of the endpoint: its name, Prometheus type and help text. Every series
/// is made through these, so a family's help text is the same for all its label sets.
struct PrometheusFamily: Sendable {
    enum Kind: String, Sendable { case counter, gauge }

    let name: String
    let kind: Kind
    let help: String

    static let frames = PrometheusFamily(name: "candor_frames_total", kind: .counter,
        help: "CAN frames received per bus (data, remote and error), as windows close.")
    static let errorFrames = PrometheusFamily(name: "candor_error_frames_total", kind: .counter,
        help: "CAN error frames per bus and error class.")
    static let dropped = PrometheusFamily(name: "candor_dropped_frames_total", kind: .counter,
        help: "Frames dropped per pipeline stage.")
    static let busLoad = PrometheusFamily(name: "candor_bus_load_ratio", kind: .gauge,
        help: "Bus load of the last closed window, 0 to 1.")
    static let timeouts = PrometheusFamily(name: "candor_message_timeouts_total", kind: .counter,
        help: "Cycle-time timeouts per DBC message.")
    static let signal = PrometheusFamily(name: "candor_signal", kind: .gauge,
        help: "Latest value of each mapped signal role, in the semantic map's units.")
    static let controllerState = PrometheusFamily(name: "candor_can_controller_state", kind: .gauge,
        help: "CAN controller state per bus (1 for the current state, else 0), read through libsocketcan.")
    static let errorCounter = PrometheusFamily(name: "candor_can_error_counter", kind: .gauge,
        help: "CAN controller transmit and receive error counters (TEC, REC) per bus.")
    static let busOff = PrometheusFamily(name: "candor_can_bus_off_total", kind: .counter,
        help: "Bus-off episodes per bus since the daemon started.")
    static let controllerEvents = PrometheusFamily(name: "candor_can_controller_events_total", kind: .counter,
        help: "The CAN driver's event counters per bus (since the interface was created).")

    /// Every family, in the order their headers are appended when they have no series yet.
    static let all: [PrometheusFamily] = [
        frames, errorFrames, dropped, busLoad, timeouts, signal, controllerState, errorCounter, busOff, controllerEvents,
    ]

    private var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    func counter(in registry: PrometheusCollectorRegistry, _ labels: [(String, String)]) -> Counter {
        precondition(kind == .counter, "\(name) is a \(kind)")
        return registry.makeCounter(descriptor: descriptor, labels: labels)
    }

    func gauge(in registry: PrometheusCollectorRegistry, _ labels: [(String, String)]) -> Gauge {
        precondition(kind == .gauge, "\(name) is a \(kind)")
        return registry.makeGauge(descriptor: descriptor, labels: labels)
    }

    /// The `# HELP` and `# TYPE` lines, for a family the registry has no series of (the
    /// registry only emits families with at least one series; scrapers and our checks expect
    /// every family's TYPE line from the start).
    var header: String { "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n" }
}

/// A counter that mirrors a total kept elsewhere (drops, the driver's event counters): it
/// grows by the difference since the last total. A total lower than the last one (the
/// source restarted counting, e.g. an interface was recreated) is a counter reset: the
/// series restarts from 0 and takes the new total, which `rate()` and `increase()` read as a
/// reset.
struct MirroredTotal {
    let counter: Counter
    private(set) var last: Int

    init(_ counter: Counter, total: Int) {
        self.counter = counter
        self.last = 0
        advance(to: total)
    }

    mutating func advance(to total: Int) {
        let total = max(total, 0)
        if total >= last {
            if total > last { counter.increment(by: Int64(total - last)) }
        } else {
            counter.reset()
            if total > 0 { counter.increment(by: Int64(total)) }
        }
        last = total
    }
}
