import Synchronization
import SystemIO

/// The daemon's second thread: waits for signals (`DaemonSignals`), and in between, every
/// second, reports finished reloads, exports the drop counters, polls the controllers and
/// sends `STATUS=` (the frame rate, then the uplink's link and backlog when there is one). A stop signal stops the input; the ingest thread then drains it and
/// finishes. SIGHUP checks the config here (`ConfigReload`), off the ingest thread. The
/// watchdog is fed elsewhere (`IngestWatchdog`), so a long reload cannot starve it.
///
/// After a stop signal, draining and flushing must end within `shutdownDeadline`, and a
/// second stop signal ends the process at once: both call `abort` (the daemon's `_exit(1)`).
final class Supervisor: @unchecked Sendable {
    struct Parts {
        let signals: any DaemonSignals
        let input: any DaemonFrameInput
        let buses: any DaemonBuses
        let notifier: ServiceNotifier?
        let heartbeat: IngestHeartbeat
        let metrics: PrometheusMetrics
        let log: GatewayLog
        let reload: ConfigReload
        let shutdownDeadline: Duration
        /// Exports every stage's drop total and logs drops as they start (`DropReporter`).
        let exportDrops: () -> Void
        /// The uplink's part of `STATUS=` (`UplinkService.statusLine`); nil without an uplink.
        let uplinkStatus: () -> String?
        let abort: @Sendable (String) -> Never
    }

    private let parts: Parts
    private let quit = Atomic<Bool>(false)
    private let stoppingSent = Atomic<Bool>(false)
    private let done = ConditionLock()
    private var finished = false

    init(_ parts: Parts) {
        self.parts = parts
    }

    func start() {
        _ = SystemThread(name: "candor-supervisor") { self.main() }
    }

    /// Called by the ingest thread once the gateway has finished: ends the thread.
    func finish() {
        quit.store(true, ordering: .relaxed)
        done.lock()
        while !finished { done.wait() }
        done.unlock()
        sendStopping()
    }

    private func sendStopping() {
        guard !stoppingSent.exchange(true, ordering: .relaxed) else { return }
        do { try parts.notifier?.stopping() } catch { parts.log.warning("sd_notify: \(error)") }
    }

    private func main() {
        let p = parts
        let tick = Duration.seconds(1)
        var lastFrames = 0
        var lastTick = ContinuousClock.now
        var stopping: ContinuousClock.Instant?
        while !quit.load(ordering: .relaxed) {
            switch p.signals.wait(timeout: tick) {
            case .stop(let name)?:
                if stopping != nil { p.abort("second stop signal: exiting without flushing") }
                stopping = .now
                p.log.notice("stopping", ["signal": name])
                sendStopping()
                p.input.stop()
                continue
            case .reload?:
                if stopping == nil { p.reload.begin() } else { p.log.notice("reload ignored: stopping") }
            case nil:
                break
            }
            p.reload.poll()
            if let stopping, ContinuousClock.now - stopping > p.shutdownDeadline {
                p.abort("shutdown took longer than \(p.shutdownDeadline): exiting without flushing")
            }
            p.input.logEvents(to: p.log)
            p.exportDrops()
            p.buses.pollControllers(metrics: p.metrics, log: p.log)
            guard let notifier = p.notifier else { continue }
            let now = p.heartbeat.frames
            let elapsed = ContinuousClock.now - lastTick
            lastTick = .now
            let (seconds, attoseconds) = elapsed.components
            let rate = Double(now - lastFrames) / max(1e-3, Double(seconds) + Double(attoseconds) / 1e18)
            lastFrames = now
            let status = "\(Int(rate.rounded())) frames/s, \(now) frames" + (p.uplinkStatus().map { "; " + $0 } ?? "")
            do { try notifier.status(status) } catch { p.log.warning("sd_notify: \(error)") }
        }
        done.lock()
        finished = true
        done.broadcast()
        done.unlock()
    }
}
