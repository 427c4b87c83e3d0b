import SocketCAN
#if canImport(Glibc)
import Glibc
#endif

/// `candor run` and the CAN controllers: the opt-in startup configuration
/// (`controller: { configure: true }`) and the supervisor's per-tick poll.
enum ControllerConfiguration {
    /// Sets bitrate and restart-ms on every bus that asks for it, before the sockets open.
    static func configure(_ plans: [BusControllerPlan], log: GatewayLog) throws(DaemonError) {
        for plan in plans where plan.settings.configure {
            if plan.rules.dataBitrate != nil {
                log.warning("data_bitrate is not applied: libsocketcan cannot set the CAN FD data phase; set it with systemd-networkd (DataBitRate=)",
                            ["bus": plan.interface])
            }
            let setup = ControllerSetup(interface: plan.interface, bitrate: plan.rules.bitrate, restartMilliseconds: plan.settings.restartMilliseconds)
            let timing: CANBitTiming?
            do { timing = try setup.apply(to: CANController(interface: plan.interface)) } catch {
                throw DaemonError(.runtime, "run: \(error)")
            }
            log.notice("controller configured", [
                "bus": plan.interface, "bitrate": timing.map { String($0.bitrate) } ?? "?",
                "sample_point": timing.map { String($0.samplePointPerMille) } ?? "?",
                "restart_ms": plan.settings.restartMilliseconds.map(String.init) ?? "unchanged",
            ])
        }
    }
}

/// The controller monitor, owned by the supervisor thread: each `poll()` reads every bus's
/// controller, logs what changed and hands the figures to the metrics endpoint.
final class ControllerPoller: @unchecked Sendable {
    private var monitor: ControllerMonitor
    private let log: GatewayLog

    init(interfaces: [String], plans: [BusControllerPlan], log: GatewayLog) {
        let restarting = Set(plans.filter(\.settings.restartOnBusOff).map(\.interface))
        monitor = ControllerMonitor(interfaces.map {
            ControllerMonitor.Watch(CANController(interface: $0), restartOnBusOff: restarting.contains($0))
        })
        self.log = log
    }

    func poll(metrics: PrometheusMetrics) {
        var now = timespec()
        precondition(clock_gettime(CLOCK_MONOTONIC, &now) == 0, "clock_gettime(CLOCK_MONOTONIC) failed")
        for event in monitor.poll(now: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)) {
            let bus: KeyValuePairs<String, String> = ["bus": event.interface]
            switch event.severity {
            case .info: log.info(event.description, bus)
            case .notice: log.notice(event.description, bus)
            case .warning: log.warning(event.description, bus)
            case .error: log.error(event.description, bus)
            }
        }
        for bus in monitor.buses where bus.hasController {
            metrics.setController(bus: bus.interface, ControllerFigures(
                state: bus.state?.description, transmitErrors: bus.counters?.transmit, receiveErrors: bus.counters?.receive,
                busOffEpisodes: bus.busOffEpisodes,
                events: Dictionary(uniqueKeysWithValues: (bus.statistics?.named ?? []).map { ($0.name, $0.count) })))
        }
    }
}
