import CANCore

/// Where the daemon's frames come from and what it can ask the CAN controllers: SocketCAN in
/// `candor run` (`SocketCANBuses`), frames from memory in the daemon's tests.
public protocol DaemonBuses: AnyObject {
    /// Before any bus opens: sets the bitrate (and restart-ms) of every bus whose
    /// `controller:` asks for it.
    func configureControllers(_ plans: [BusControllerPlan], log: GatewayLog) throws(DaemonError)
    /// Opens every interface of `setup` (with the kernel filters `live.kernel_filter` asks for).
    func open(_ setup: GatewaySetup, log: GatewayLog) throws(DaemonError) -> any DaemonFrameInput
    /// Every supervisor tick: reads the controllers, logs what changed, exports the figures.
    func pollControllers(metrics: PrometheusMetrics, log: GatewayLog)
}

/// The daemon's input: every open bus, merged, stoppable from another thread.
public protocol DaemonFrameInput: LiveFrameInput, Sendable {
    var interfaces: [String] { get }
    /// A reload's new buses (all or nothing).
    func add(interfaces: [String]) throws(DaemonError)
    func remove(interfaces: [String])
    /// Every supervisor tick: logs the readers' events (an interface down, reopened).
    func logEvents(to log: GatewayLog)
    /// Frames lost before the gateway saw them, per stage (`queue`, `kernel`), totals so far.
    var drops: [(stage: String, total: Int)] { get }
    /// At shutdown: one line per bus with its totals.
    func logTotals(to log: GatewayLog)
}

/// Why the daemon did not start or did not stop cleanly.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The config or a DBC it names is bad (exit 2).
        case config
        /// A bus, a controller, a service or a sink failed (exit 1).
        case runtime
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
