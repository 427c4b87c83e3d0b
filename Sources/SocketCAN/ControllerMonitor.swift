/// Polls the CAN controllers behind the daemon's interfaces (state, error counters, the
/// driver's event counters) and turns what changed into `ControllerEvent`s; counts bus-off
/// episodes. One owner (the daemon's supervisor thread) calls `poll` once per tick.
///
/// - An interface whose state cannot be read at the first poll has no controller (vcan);
///   it is reported once and not polled again until it is re-created (a new interface index).
/// - A missing interface is skipped (the frame reader reports it) and polled again when back.
/// - A bus-off episode begins when a poll sees bus-off after another state; it ends when a
///   poll sees another state. Episodes shorter than the poll interval (restart-ms) are
///   counted from the driver's `bus_off` counter.
/// - `restartOnBusOff`: once per episode, `can_do_restart` is requested (works only when the
///   controller's restart-ms is 0; the kernel restarts by itself otherwise).
public struct ControllerMonitor: Sendable {
    /// One interface's latest figures, for the metrics endpoint.
    public struct BusStatus: Sendable, Hashable {
        public var interface: String
        /// False once the interface is known to have no controller.
        public var hasController: Bool
        /// The state of the latest successful poll; nil when the last poll could not read it.
        public var state: CANControllerState?
        public var counters: CANBusErrorCounters?
        public var statistics: CANDeviceStatistics?
        /// Bus-off episodes since the monitor started.
        public var busOffEpisodes: Int
    }

    /// What the monitor should do for one interface.
    public struct Watch: Sendable {
        public var controller: any CANControllerAccess
        public var restartOnBusOff: Bool
        public init(_ controller: any CANControllerAccess, restartOnBusOff: Bool = false) {
            self.controller = controller
            self.restartOnBusOff = restartOnBusOff
        }
    }

    private enum Phase: Hashable {
        case unread
        case noController(index: Int)
        case polling
    }

    private struct Tracked: Sendable {
        let watch: Watch
        var phase = Phase.unread
        var status: BusStatus
        var lastState: CANControllerState?
        var busOffSince: Int64?
        var restartRequested = false
        var unreadableReported = false
        var kernelBusOff: Int?
    }

    private var tracked: [Tracked]

    public init(_ watches: [Watch]) {
        tracked = watches.map {
            Tracked(watch: $0, status: BusStatus(interface: $0.controller.interface, hasController: true, busOffEpisodes: 0))
        }
    }

    /// One interface per configured bus, in order.
    public var buses: [BusStatus] { tracked.map(\.status) }

    /// Reads every controller once. `now`: a monotonic clock in nanoseconds (episode lengths).
    public mutating func poll(now: Int64) -> [ControllerEvent] {
        var events: [ControllerEvent] = []
        for i in tracked.indices { Self.poll(&tracked[i], now: now, into: &events) }
        return events
    }

    private static func poll(_ t: inout Tracked, now: Int64, into events: inout [ControllerEvent]) {
        let controller = t.watch.controller
        let interface = controller.interface
        guard let index = controller.interfaceIndex() else {
            t.status.state = nil
            return
        }
        if case .noController(let known) = t.phase {
            guard known != index else { return }
            t.phase = .unread
            t.status.hasController = true
        }
        let state: CANControllerState
        do { state = try controller.state() } catch {
            t.status.state = nil
            if t.phase == .unread {
                t.phase = .noController(index: index)
                t.status.hasController = false
                t.status.counters = nil
                t.status.statistics = nil
                events.append(ControllerEvent(interface: interface, kind: .noController(reason: error.description), counters: nil))
            } else if !t.unreadableReported {
                t.unreadableReported = true
                events.append(ControllerEvent(interface: interface, kind: .unreadable(reason: error.description), counters: nil))
            }
            return
        }
        t.phase = .polling
        t.unreadableReported = false
        let counters = try? controller.busErrorCounters()
        let statistics = try? controller.deviceStatistics()
        t.status.state = state
        t.status.counters = counters ?? t.status.counters
        t.status.statistics = statistics ?? t.status.statistics
        func event(_ kind: ControllerEvent.Kind) {
            events.append(ControllerEvent(interface: interface, kind: kind, counters: counters))
        }

        var enteredBusOff = false
        if let last = t.lastState, last != state {
            if state == .busOff {
                enteredBusOff = true
            } else if last == .busOff {
                event(.busOffEnded(to: state, nanoseconds: now - (t.busOffSince ?? now)))
                t.busOffSince = nil
                t.restartRequested = false
            } else {
                event(.stateChanged(from: last, to: state))
            }
        } else if t.lastState == nil {
            if state == .busOff { enteredBusOff = true } else { event(.firstReading(state)) }
        }
        t.lastState = state
        // Episodes the driver counted that no poll saw come first: they happened before now.
        if let statistics {
            if let known = t.kernelBusOff, statistics.busOff > known {
                let missed = statistics.busOff - known - (enteredBusOff ? 1 : 0)
                if missed > 0 {
                    t.status.busOffEpisodes += missed
                    event(.busOffBetweenPolls(count: missed))
                }
            }
            t.kernelBusOff = statistics.busOff
        }
        if enteredBusOff {
            t.status.busOffEpisodes += 1
            t.busOffSince = now
            t.restartRequested = false
            event(.busOff(episode: t.status.busOffEpisodes))
        }
        if state == .busOff, t.watch.restartOnBusOff, !t.restartRequested {
            t.restartRequested = true
            do {
                try controller.restart()
                event(.restartRequested)
            } catch {
                event(.restartFailed(reason: error.description))
            }
        }
    }
}
