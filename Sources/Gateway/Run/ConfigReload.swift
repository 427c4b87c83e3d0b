/// What SIGHUP does in `candor run`, on the daemon's supervisor thread (never on the ingest
/// thread: reading and checking DBCs takes time, ingest must not stall).
///
/// `begin()` sends `RELOADING=1` (with `MONOTONIC_USEC`), reads and checks the config and
/// every DBC it names, and opens the buses it adds. When any of that fails, the reload is
/// rejected as a whole: the error is logged as `reload rejected: <file:line:column: key
/// path: message>`, `STATUS=` says so, `READY=1` ends the reloading state, and the gateway
/// keeps running the previous setup untouched. Otherwise the new setup is submitted to the
/// gateway (`ReloadRequest`), which swaps it in at the next window boundary; `poll()`, called
/// every supervisor tick, then logs `reloaded` with what changed, closes the buses the new
/// config no longer has and sends `READY=1`.
///
/// Sinks, recorder, tail socket, decoded-frame log and metrics endpoint keep running as they
/// were: a change to `sinks:`, `recorder:`, `tail:` or `decoded_log:` is logged as a warning
/// and takes effect after a restart.
public final class ConfigReload {
    public let configFile: String
    private let environment: [String: String]
    private let request: ReloadRequest
    private let notifier: ServiceNotifier?
    private let log: GatewayLog
    private let openBuses: ([String]) throws -> Void
    private let closeBusesOtherThan: ([String]) -> Void
    /// The config the gateway runs.
    private var running: GatewayConfig
    /// The config most recently checked (equal to `running` when none waits).
    private var latest: GatewayConfig
    /// Configs handed to the gateway and not reported swapped in yet, oldest first.
    private var submitted: [(generation: Int, config: GatewayConfig)] = []

    /// `running`: the config the gateway was started with. `openBuses` gets every interface
    /// of a new config and opens those not open yet (all or nothing; throwing rejects the
    /// reload); `closeBusesOtherThan` gets, after a swap, the interfaces still wanted (those
    /// of the config swapped in and of any config still waiting).
    public init(
        configFile: String, environment: [String: String], running: GatewayConfig, request: ReloadRequest,
        notifier: ServiceNotifier?, log: GatewayLog,
        openBuses: @escaping ([String]) throws -> Void, closeBusesOtherThan: @escaping ([String]) -> Void
    ) {
        self.configFile = configFile
        self.environment = environment
        self.running = running
        self.latest = running
        self.request = request
        self.notifier = notifier
        self.log = log
        self.openBuses = openBuses
        self.closeBusesOtherThan = closeBusesOtherThan
    }

    /// Whether a checked setup waits for the gateway's swap.
    public var isWaiting: Bool { !submitted.isEmpty }

    /// The config file read, decoded and resolved against its DBCs, its outputs checked
    /// against its inputs (`checkRunOutputs`): what the daemon starts with.
    public static func load(configFile path: String, environment: [String: String]) throws(ConfigError) -> GatewaySetup {
        let setup = try GatewaySetup.load(configFile: path, environment: environment)
        // No output over the config, a DBC, or a file retention would take for a recording.
        try setup.config.checkRunOutputs(inputs: [path] + setup.dbcPaths)
        return setup
    }

    /// SIGHUP: checks the config file again and hands a good one to the gateway.
    public func begin() {
        notify { try $0.reloading() }
        log.notice("reloading", ["config": configFile])
        let setup: GatewaySetup
        do { setup = try Self.load(configFile: configFile, environment: environment) } catch {
            reject(error.description)
            return
        }
        let config = setup.config
        let interfaces = config.interfaces
        do { try openBuses(interfaces) } catch {
            reject("cannot open \(interfaces.joined(separator: ", ")): \(error)")
            return
        }
        for warning in setup.warnings { log.warning(warning) }
        for service in ConfigChanges(from: latest, to: config).restartOnly {
            log.warning("\(service): change takes effect after a restart")
        }
        latest = config
        submitted.append((request.submit(setup), config))
        notify { try $0.status("reload checked: takes effect at the next window boundary") }
    }

    /// Every supervisor tick: reports the swaps the gateway made.
    public func poll() {
        for swap in request.takeApplied() {
            guard let config = submitted.first(where: { $0.generation == swap.generation })?.config else {
                preconditionFailure("the gateway swapped in setup \(swap.generation), which was never submitted")
            }
            // Earlier submissions were replaced by this one before their swap.
            submitted.removeAll { $0.generation <= swap.generation }
            let changes = ConfigChanges(from: running, to: config)
            running = config
            // The buses of a config still waiting stay open: they were opened when it was checked.
            closeBusesOtherThan(config.interfaces + submitted.flatMap(\.config.interfaces))
            let from = swap.effectiveFrom.map { String($0 / 1_000_000_000) } ?? "the first frame"
            log.notice("reloaded", ["changes": changes.description, "from": from])
            if submitted.isEmpty {
                notify { try $0.ready(status: "reloaded \(configFile): \(changes)") }
            }
        }
    }

    private func reject(_ reason: String) {
        log.error("reload rejected: \(reason)")
        notify { try $0.status("reload rejected, running the previous config: \(reason)") }
        // An earlier good reload may still wait for its swap: READY=1 comes with it.
        if submitted.isEmpty { notify { try $0.ready() } }
    }

    private func notify(_ body: (ServiceNotifier) throws -> Void) {
        guard let notifier else { return }
        do { try body(notifier) } catch { log.warning("sd_notify: \(error)") }
    }
}

extension GatewayConfig {
    /// Every bus interface, in config order.
    var interfaces: [String] { vehicles.flatMap { $0.buses.map(\.interface) } }
}
