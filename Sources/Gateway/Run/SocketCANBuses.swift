import CANCore
import CANDatabase
import SocketCAN

/// The daemon's buses through SocketCAN: one `LiveFrameSource` over every interface of the
/// config, the controllers through libsocketcan (`SocketCANControllers.swift`).
public final class SocketCANBuses: DaemonBuses {
    private var poller: ControllerPoller?

    public init() {}

    public func configureControllers(_ plans: [BusControllerPlan], log: GatewayLog) throws(DaemonError) {
        try ControllerConfiguration.configure(plans, log: log)
    }

    public func open(_ setup: GatewaySetup, log: GatewayLog) throws(DaemonError) -> any DaemonFrameInput {
        let interfaces = setup.layout.configuration.vehicles.flatMap { $0.buses.map(\.interface) }
        let source: LiveFrameSource
        let filters = LiveFrameSource.kernelFilters(for: setup, log: log)
        do { source = try LiveFrameSource.forDaemon(interfaces: interfaces, live: setup.live, filters: filters) } catch {
            throw DaemonError(.runtime, "run: cannot open \(interfaces.joined(separator: ", ")): \(error.description)")
        }
        source.logReceiveBuffers(asked: setup.live.receiveBufferBytes, to: log)
        poller = ControllerPoller(interfaces: interfaces, plans: setup.controllers, log: log)
        return SocketCANInput(source)
    }

    public func pollControllers(metrics: PrometheusMetrics, log: GatewayLog) {
        poller?.poll(metrics: metrics)
    }
}

/// `LiveFrameSource` as the daemon's input.
final class SocketCANInput: DaemonFrameInput, @unchecked Sendable {
    let source: LiveFrameSource
    init(_ source: LiveFrameSource) { self.source = source }
    func next() -> CANFrame? { source.next() }
    /// A graceful stop: the frames the kernel queued before it are read and processed.
    func stop() { source.stop(draining: true) }
    var interfaces: [String] { source.interfaces }

    func add(interfaces: [String]) throws(DaemonError) {
        do { try source.add(interfaces: interfaces) } catch { throw DaemonError(.runtime, error.description) }
    }

    func remove(interfaces: [String]) { source.remove(interfaces: interfaces) }

    func logEvents(to log: GatewayLog) { source.logEvents(to: log) }

    var drops: [(stage: String, total: Int)] {
        [("queue", source.queueOverflowCount), ("kernel", source.statistics.reduce(0) { $0 + $1.kernelDrops })]
    }

    func logTotals(to log: GatewayLog) {
        source.logEvents(to: log)
        source.logStatistics(to: log)
    }
}

/// What the daemon says about its buses: reader events as they happen (an interface that
/// went down or away, and came back) and each reader's counters at shutdown.
extension LiveFrameSource {
    /// The source for `candor run`: every bus of the config, with the `live:` section's
    /// receive buffer and queue.
    static func forDaemon(interfaces: [String], live: LiveInputOptions, filters: [String: [CANIDFilter]] = [:]) throws(SocketCANError) -> LiveFrameSource {
        var socket = CANSocketOptions()
        socket.receiveBufferBytes = live.receiveBufferBytes
        socket.receiveBatchSize = live.receiveBatch
        var configuration = Configuration(interfaces: interfaces, socket: socket, queueCapacity: live.queueCapacity)
        configuration.filtersByInterface = filters
        return try LiveFrameSource(configuration)
    }

    /// `live.kernel_filter`: per bus the kernel filters of its DBC's messages. A bus that
    /// matches J1939 PGNs (any source address) or whose DBC needs more filters than a socket
    /// takes stays unfiltered, with a warning. Computed from the DBCs read at start.
    static func kernelFilters(for setup: GatewaySetup, log: GatewayLog) -> [String: [CANIDFilter]] {
        guard setup.live.kernelFilter else { return [:] }
        var filters: [String: [CANIDFilter]] = [:]
        for vehicle in setup.layout.configuration.vehicles {
            for bus in vehicle.buses {
                guard let index = setup.layout.busIndex(interface: bus.interface) else { continue }
                switch CANIDFilter.passing(plan: setup.plans[index]) {
                case .success(let own): filters[bus.interface] = own
                case .failure(let refusal):
                    log.warning("live.kernel_filter: \(refusal); bus not filtered", ["bus": bus.interface])
                }
            }
        }
        return filters
    }

    /// Logs the events since the last call: reopens as notices, the rest as warnings.
    func logEvents(to log: GatewayLog) {
        for event in events() {
            switch event.kind {
            case .opened(let attempt) where attempt == 0: continue  // "buses open" says it
            case .opened, .stopped: log.notice(event.description, ["bus": event.interface])
            case .interfaceDown, .interfaceRemoved, .failed: log.warning(event.description, ["bus": event.interface])
            }
        }
    }

    /// Warns for each bus whose socket got less receive buffer than `live.receive_buffer`
    /// asked (without CAP_NET_ADMIN the kernel caps it at net.core.rmem_max).
    func logReceiveBuffers(asked: Int?, to log: GatewayLog) {
        guard let asked else { return }
        for stats in statistics where stats.receiveBufferBytes / 2 < asked {
            log.warning("receive buffer smaller than live.receive_buffer", [
                "bus": stats.interface, "asked": String(asked), "granted": String(stats.receiveBufferBytes / 2),
                "hint": "raise net.core.rmem_max (Systemd/90-candor-rmem.conf) or run with CAP_NET_ADMIN",
            ])
        }
    }

    /// One line per bus with its reader's totals (for the shutdown log).
    func logStatistics(to log: GatewayLog) {
        for stats in statistics {
            log.notice("bus totals", [
                "bus": stats.interface, "frames": String(stats.framesReceived), "error_frames": String(stats.errorFrames),
                "kernel_drops": String(stats.kernelDrops), "queue_drops": String(stats.queueDrops),
                "reopens": String(stats.reopens),
            ])
        }
    }
}

/// Why a DBC's messages cannot become kernel id filters.
public enum KernelFilterRefusal: Error, Sendable, CustomStringConvertible {
    /// J1939 PGN matching takes any source address, which id filters cannot express.
    case matchesJ1939PGNs
    /// More filters than a socket takes.
    case tooManyFilters

    public var description: String {
        switch self {
        case .matchesJ1939PGNs: "J1939 PGN matching cannot be expressed as id filters"
        case .tooManyFilters: "the DBC needs more than \(CANIDFilter.kernelLimit) filters"
        }
    }
}

extension CANIDFilter {
    /// The kernel filters that pass exactly the messages of `plan`'s DBC (`live.kernel_filter`,
    /// `decode --kernel-filter`): derived here once for both.
    public static func passing(plan: DecodePlan) -> Result<[CANIDFilter], KernelFilterRefusal> {
        if plan.options.matchJ1939ByPGN { return .failure(.matchesJ1939PGNs) }
        let messages = plan.database.messages.map { (id: $0.id, isExtended: $0.isExtended) }
        guard let filters = passing(messages: messages) else { return .failure(.tooManyFilters) }
        return .success(filters)
    }
}
