/// Something the controller monitor noticed on one interface, for the daemon's log.
public struct ControllerEvent: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The interface has no CAN controller (vcan): not polled again until it is re-created.
        case noController(reason: String)
        /// The first reading of a controller.
        case firstReading(CANControllerState)
        /// A change between states other than bus-off (error-warning, error-passive, back to
        /// error-active, stopped when the interface went down).
        case stateChanged(from: CANControllerState, to: CANControllerState)
        /// A bus-off episode began; `episode` counts them since the daemon started.
        case busOff(episode: Int)
        /// The controller left bus-off after this long (measured between polls).
        case busOffEnded(to: CANControllerState, nanoseconds: Int64)
        /// Bus-off episodes that began and ended between two polls (restart-ms shorter than
        /// the poll), known from the driver's `bus_off` counter.
        case busOffBetweenPolls(count: Int)
        /// `restart_on_bus_off`: `can_do_restart` was requested.
        case restartRequested
        case restartFailed(reason: String)
        /// A controller read before could not be read now (reported once until it reads again).
        case unreadable(reason: String)
    }

    /// How much an operator should care; the daemon maps it onto its log levels.
    public enum Severity: Int, Sendable, Hashable, Comparable {
        case info, notice, warning, error
        public static func < (l: Severity, r: Severity) -> Bool { l.rawValue < r.rawValue }
    }

    public var interface: String
    public var kind: Kind
    /// The counters read in the same poll, when they could be read.
    public var counters: CANBusErrorCounters?

    public init(interface: String, kind: Kind, counters: CANBusErrorCounters?) {
        self.interface = interface
        self.kind = kind
        self.counters = counters
    }

    public var severity: Severity {
        switch kind {
        case .noController, .firstReading: .info
        case .stateChanged(_, let to) where to == .errorWarning || to == .errorPassive: .warning
        case .stateChanged, .busOffEnded, .restartRequested: .notice
        case .unreadable: .warning
        case .busOff, .busOffBetweenPolls, .restartFailed: .error
        }
    }

    public var description: String {
        let both = counters.map { " (tx errors \($0.transmit), rx errors \($0.receive))" } ?? ""
        switch kind {
        case .noController(let reason):
            return "\(interface) has no CAN controller (a virtual interface?): state and error counters not polled (\(reason))"
        case .firstReading(let state):
            return "\(interface) controller \(state)\(both)"
        case .stateChanged(let from, let to):
            return "\(interface) controller \(to), was \(from)\(both)"
        case .busOff(let episode):
            let tx = counters.map { " (tx errors \($0.transmit))" } ?? ""
            return "bus-off on \(interface)\(tx), episode \(episode) since start"
        case .busOffEnded(let to, let nanoseconds):
            return "\(interface) back to \(to) after bus-off of \(Self.seconds(nanoseconds))"
        case .busOffBetweenPolls(let count):
            return "\(count) bus-off episode\(count == 1 ? "" : "s") on \(interface) began and ended between two polls (driver's bus_off counter)"
        case .restartRequested:
            return "\(interface) restart requested after bus-off (restart_on_bus_off)"
        case .restartFailed(let reason):
            return "\(interface) restart after bus-off failed: \(reason)"
        case .unreadable(let reason):
            return "\(interface) controller state unreadable: \(reason)"
        }
    }

    /// `1.2 s`: tenths, rounded.
    static func seconds(_ nanoseconds: Int64) -> String {
        let tenths = (max(0, nanoseconds) + 50_000_000) / 100_000_000
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
