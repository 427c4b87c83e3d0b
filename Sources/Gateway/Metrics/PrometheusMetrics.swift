import CANCore
import Synchronization
import Telemetry

/// The live gateway's figures for Prometheus, fed with the records as they are emitted and
/// read by the HTTP thread. Counters grow by the shortest window's records (each frame is in
/// exactly one of those), so they advance as windows close. Bounded: one series per
/// configured bus, per DBC message with records, per error class and per mapped role.
public final class PrometheusMetrics: Sendable {
    struct Key: Hashable, Comparable {
        var a: String
        var b: String
        static func < (l: Key, r: Key) -> Bool { (l.a, l.b) < (r.a, r.b) }
    }

    struct State {
        var frames: [String: Int] = [:]
        var errorFrames: [Key: Int] = [:]
        var busLoad: [String: Double] = [:]
        var timeouts: [Key: Int] = [:]
        var signals: [Key: Double] = [:]
        var dropped: [String: Int] = [:]
        var controllers: [String: ControllerFigures] = [:]
    }

    /// (vehicle, bus, message, signal) → (role, scale, offset).
    private let roles: [[String]: (role: String, scale: Double, offset: Double)]
    private let shortestWindow: Int64
    let state = Mutex(State())

    /// `layout`: the gateway's; its semantic maps name the roles exported as `candor_signal`.
    public init(layout: TelemetryLayout) {
        shortestWindow = layout.configuration.windowLengths[0]
        roles = Self.roles(of: layout)
        var initial = State()
        for vehicle in layout.configuration.vehicles {
            for bus in vehicle.buses { initial.frames[bus.interface] = 0 }
        }
        state.withLock { $0 = initial }
    }

    /// Takes what the records say (call with every batch the gateway emits).
    public func observe(_ records: [TelemetryRecord]) {
        let (roles, shortestWindow) = reloaded.withLock { $0 } ?? (self.roles, self.shortestWindow)
        state.withLock { s in
            for record in records {
                switch record {
                case .busHealth(let r) where r.windowLength == shortestWindow:
                    s.frames[r.bus, default: 0] += r.frames
                    s.busLoad[r.bus] = r.busLoadPercent / 100
                    for (i, entry) in CANErrorClass.named.enumerated() where i < r.errorFramesByClass.count && r.errorFramesByClass[i] != 0 {
                        s.errorFrames[Key(a: r.bus, b: entry.1), default: 0] += r.errorFramesByClass[i]
                    }
                case .messageHealth(let r) where r.windowLength == shortestWindow:
                    s.timeouts[Key(a: r.bus, b: r.message), default: 0] += r.timeouts
                case .signalWindow(let r) where r.windowLength == shortestWindow && r.count > 0:
                    if let role = roles[[r.vehicle, r.bus, r.message, r.signal]] {
                        s.signals[Key(a: r.vehicle, b: role.role)] = r.last * role.scale + role.offset
                    }
                default:
                    break
                }
            }
        }
    }

    /// Replaces `roles` and `shortestWindow` once a reload swapped another layout in.
    private let reloaded = Mutex<(roles: [[String]: (role: String, scale: Double, offset: Double)], shortestWindow: Int64)?>(nil)

    /// A reload swapped `layout` in (call on the gateway's thread, between the old setup's
    /// last records and the new one's first): its semantic roles and shortest window from now
    /// on. Counters keep counting; new buses start at 0; roles no longer mapped are dropped.
    public func use(layout: TelemetryLayout) {
        let roles = Self.roles(of: layout)
        reloaded.withLock { $0 = (roles, layout.configuration.windowLengths[0]) }
        let mapped = Set(roles.map { [$0.key[0], $0.value.role] })
        state.withLock { s in
            for vehicle in layout.configuration.vehicles {
                for bus in vehicle.buses where s.frames[bus.interface] == nil { s.frames[bus.interface] = 0 }
            }
            s.signals = s.signals.filter { mapped.contains([$0.key.a, $0.key.b]) }
        }
    }

    /// (vehicle, bus, message, signal) → (role, scale, offset) of every vehicle's semantic map.
    private static func roles(of layout: TelemetryLayout) -> [[String]: (role: String, scale: Double, offset: Double)] {
        var roles: [[String]: (role: String, scale: Double, offset: Double)] = [:]
        for vehicle in layout.configuration.vehicles {
            let map = vehicle.signals
            let named: [(String, SignalReference?)] = [
                ("vehicle_speed", map.vehicleSpeed), ("pack_voltage", map.packVoltage), ("pack_current", map.packCurrent),
                ("soc", map.soc), ("min_cell_voltage", map.minCellVoltage), ("max_cell_voltage", map.maxCellVoltage),
                ("max_cell_temperature", map.maxCellTemperature), ("min_cell_temperature", map.minCellTemperature),
                ("brake_pressure", map.brakePressure), ("steering_angle", map.steeringAngle),
            ]
            for case (let role, let reference?) in named {
                roles[[vehicle.name, reference.bus, reference.message, reference.signal]] = (role, reference.scale, reference.offset)
            }
        }
        return roles
    }

    /// Sets the total of frames dropped at `stage` (`queue`, `kernel`, `recorder`, `tail`).
    public func setDropped(stage: String, total: Int) {
        state.withLock { $0.dropped[stage] = total }
    }

    /// The text exposition format (version 0.0.4), series sorted by label values.
    public func exposition() -> String {
        let s = state.withLock { $0 }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("candor_frames_total", "counter", "CAN frames received per bus (data, remote and error), as windows close.")
        for (bus, n) in s.frames.sorted(by: { $0.key < $1.key }) { out += "candor_frames_total{bus=\(Self.quoted(bus))} \(n)\n" }
        family("candor_error_frames_total", "counter", "CAN error frames per bus and error class.")
        for (k, n) in s.errorFrames.sorted(by: { $0.key < $1.key }) {
            out += "candor_error_frames_total{bus=\(Self.quoted(k.a)),class=\(Self.quoted(k.b))} \(n)\n"
        }
        family("candor_dropped_frames_total", "counter", "Frames dropped per pipeline stage.")
        for (stage, n) in s.dropped.sorted(by: { $0.key < $1.key }) { out += "candor_dropped_frames_total{stage=\(Self.quoted(stage))} \(n)\n" }
        family("candor_bus_load_ratio", "gauge", "Bus load of the last closed window, 0 to 1.")
        for (bus, v) in s.busLoad.sorted(by: { $0.key < $1.key }) { out += "candor_bus_load_ratio{bus=\(Self.quoted(bus))} \(Self.number(v))\n" }
        family("candor_message_timeouts_total", "counter", "Cycle-time timeouts per DBC message.")
        for (k, n) in s.timeouts.sorted(by: { $0.key < $1.key }) {
            out += "candor_message_timeouts_total{bus=\(Self.quoted(k.a)),message=\(Self.quoted(k.b))} \(n)\n"
        }
        family("candor_signal", "gauge", "Latest value of each mapped signal role, in the semantic map's units.")
        for (k, v) in s.signals.sorted(by: { $0.key < $1.key }) {
            out += "candor_signal{vehicle=\(Self.quoted(k.a)),role=\(Self.quoted(k.b))} \(Self.number(v))\n"
        }
        out += Self.controllerFamilies(s.controllers)
        return out
    }

    /// A label value in quotes, with `\`, `"` and newline escaped.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return "\(v)"
    }
}
