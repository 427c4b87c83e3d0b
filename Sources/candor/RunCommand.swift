import ArgumentParser
import CANCore
import Gateway
import SocketCAN
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `candor run`: the live daemon. Every configured bus through `LiveFrameSource` into
/// `Gateway.LiveGateway`; systemd readiness, status and watchdog; SIGTERM/SIGINT drain and flush.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the live gateway: read every configured CAN bus, decode, aggregate, store.",
        discussion: """
            Opens every bus of candor.yaml with SocketCAN, then decodes, aggregates and writes \
            the records to the configured sinks as `candor replay` does for captures (the same \
            records for the same frames). Under systemd (Type=notify) it sends READY=1 once every \
            bus is open, STATUS= with the frame rate, WATCHDOG=1 at half of WatchdogSec and \
            STOPPING=1 on shutdown. SIGTERM or SIGINT stops the readers, drains the queued frames, \
            closes every open window and flushes and closes the sinks. SIGHUP (systemctl reload) \
            reads candor.yaml and its DBCs again and swaps them in at the next window boundary \
            (RELOADING=1, then READY=1); a bad file is rejected with its error and the running \
            setup is kept. Logs go to standard error (journal format when started by systemd).

            Every second the CAN controllers' state and error counters are read (libsocketcan), \
            changes and bus-off episodes logged and exported. A bus with `controller: { \
            configure: true }` gets its bitrate (and restart_ms) set before it is opened; that \
            needs CAP_NET_ADMIN.

            Exit status: 0 after a clean shutdown, 1 when a bus cannot be opened (no AF_CAN in \
            the kernel, missing interface, no permission), a controller cannot be configured or \
            a sink fails, 2 for a bad config.

            Examples:
              candor run --config /etc/candor/candor.yaml
              CANDOR_STATE_DIR=/tmp/candor candor run --config Systemd/candor.example.yaml
              systemctl start candor      # Systemd/candor.service runs `candor run --config …`
              systemctl reload candor     # SIGHUP: re-read candor.yaml and the DBCs
              candor tail --message 'BMS_*'   # watch decoded frames (needs `tail:` in the config)
            """
    )

    @Option(help: "candor.yaml: vehicles, buses, semantic map, rules, sinks.")
    var config: String

    func run() throws {
        let environment = Environment.current()
        // A duplicate of stderr: libsocketcan calls briefly point fd 2 itself at a pipe.
        let logDescriptor = fcntl(2, F_DUPFD_CLOEXEC, 3)
        let log = GatewayLog(label: "candor", format: .detect(environment: environment),
                             output: logDescriptor >= 0 ? GatewayLog.output(descriptor: logDescriptor) : nil)
        let (runningConfig, setup): (GatewayConfig, GatewaySetup)
        do { (runningConfig, setup) = try ConfigReload.load(configFile: config, environment: environment) } catch {
            throw CommandFailure.input(error.description)
        }
        for warning in setup.warnings { log.warning(warning) }
        let interfaces = setup.layout.configuration.vehicles.flatMap { $0.buses.map(\.interface) }

        // Block the stop and reload signals before any thread starts, so that every thread
        // inherits the mask and only the signal thread (sigwait) ever sees them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

        try RunControllers.configure(setup.controllers, log: log)
        let source: LiveFrameSource
        let filters = LiveFrameSource.kernelFilters(for: setup, log: log)
        do { source = try LiveFrameSource.forDaemon(interfaces: interfaces, live: setup.live, filters: filters) } catch {
            throw CommandFailure.runtime("run: cannot open \(interfaces.joined(separator: ", ")): \(error.description)")
        }
        source.logReceiveBuffers(asked: setup.live.receiveBufferBytes, to: log)
        // What is open so far, closed in reverse order when a later service cannot start.
        var opened: [() -> Void] = [{ source.stop() }]
        func failing(_ message: String) -> CommandFailure {
            for close in opened.reversed() { close() }
            return .runtime(message)
        }
        let metrics = PrometheusMetrics(layout: setup.layout)
        let sinks: SinkSet
        // Append: a restarted daemon keeps what it wrote before.
        do { sinks = try SinkSet(setup.sinks, fileMode: .append, before: [PrometheusRecordFeed(metrics)]) } catch { throw failing("run: \(error)") }
        opened.append { try? sinks.close() }
        if let directory = setup.recorder?.directory, mkdir(directory, 0o750) != 0, errno != EEXIST {
            throw failing("run: recorder directory \(directory): \(String(cString: strerror(errno)))")
        }
        let recorder = setup.recorder.map { Recorder(output: RotatingCaptureFiles(options: $0), capacity: $0.queueCapacity) }
        opened.append { try? recorder?.close() }
        let tail: TailHub?
        do { tail = try setup.tail.map { options throws(TailError) in try TailHub(options: options, log: log.labelled("tail")) } } catch {
            throw failing("run: tail socket \(error)")
        }
        opened.append { tail?.close() }
        let listen = setup.sinks.prometheusListen ?? "127.0.0.1:9464"
        let server: PrometheusServer
        do { server = try PrometheusServer(listen: listen, metrics: metrics, log: log.labelled("metrics")) } catch { throw failing("run: \(error)") }
        opened.append { server.close() }
        let decodedLog: DecodedFrameLog?
        do { decodedLog = try setup.decodedLog.map { options throws(SinkError) in try DecodedFrameLog(options: options) } } catch {
            throw failing("run: decoded log \(error)")
        }
        let notifier = ServiceNotifier(environment: environment)
        let frames = FrameCounter()
        let controllers = ControllerPoller(interfaces: interfaces, plans: setup.controllers, metrics: metrics, log: log)
        let reloads = ReloadRequest(swapped: { metrics.use(layout: $0.layout) })
        let reload = ConfigReload(
            configFile: config, environment: environment, running: runningConfig, request: reloads, notifier: notifier, log: log,
            openBuses: { interfaces in try source.add(interfaces: interfaces) },
            closeBusesOtherThan: { wanted in source.remove(interfaces: source.interfaces.filter { !wanted.contains($0) }) })
        let drops = DropReporter(log: log.labelled("drops"))
        let supervisor = Supervisor(
            source: source, notifier: notifier, frames: frames, metrics: metrics, log: log, signals: stopSignals, controllers: controllers,
            reload: reload,
            drops: {
                let totals = [
                    ("queue", source.queueOverflowCount), ("kernel", source.statistics.reduce(0) { $0 + $1.kernelDrops }),
                    ("recorder", Int(recorder?.statistics.dropped ?? 0)), ("tail", Int(tail?.missedLines ?? 0)),
                    ("decoded_log", Int(decodedLog?.statistics.dropped ?? 0)),
                ]
                for (stage, total) in totals {
                    metrics.setDropped(stage: stage, total: total)
                    drops.observe(stage: stage, total: total)
                }
                if let recorder {
                    drops.observeWriteFailures(stage: "recorder", total: recorder.statistics.writeFailures, lastError: recorder.lastError?.description)
                }
                if let decodedLog {
                    drops.observeWriteFailures(stage: "decoded_log", total: decodedLog.statistics.writeFailures, lastError: decodedLog.lastError?.description)
                }
            })
        log.notice("buses open", ["buses": interfaces.joined(separator: ","), "metrics": "http://\(listen)/metrics", "run": sinks.run.description])
        do { try notifier?.ready(status: "reading \(interfaces.count) buses") } catch { log.warning("sd_notify: \(error)") }
        supervisor.start()

        let gateway = LiveGateway(setup: setup, recorder: recorder, tail: tail, decodedLog: decodedLog, reloads: reloads) {
            try sinks.write($0)
        }
        var failure: String?
        do {
            // Quiet buses: after 500 ms without a frame, windows ending before then close.
            try gateway.run(ReorderedInput(TimedInput(LiveInput(source)), horizon: setup.live.reorderNanoseconds), quietAfter: 500_000_000, now: Self.wallClockNanoseconds) { _ in frames.add() }
        } catch {
            failure = "run: \(error)"
            source.stop()
        }
        supervisor.finish()
        server.close()
        do { try sinks.close() } catch { failure = failure ?? "run: \(error)" }
        do { try recorder?.close() } catch { failure = failure ?? "run: recorder: \(error)" }
        do { try decodedLog?.close() } catch { failure = failure ?? "run: decoded log: \(error)" }
        tail?.close()
        source.logEvents(to: log)
        source.logStatistics(to: log)
        log.notice("stopped", ["frames": String(gateway.counts.frames), "records": String(gateway.counts.records)])
        if let failure { throw CommandFailure.runtime(failure) }
    }
}

extension RunCommand {
    /// CLOCK_REALTIME in nanoseconds: the clock of SocketCAN's frame timestamps.
    static func wallClockNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

/// `LiveFrameSource` as the gateway's input.
private final class LiveInput: LiveFrameInput {
    let source: LiveFrameSource
    init(_ source: LiveFrameSource) { self.source = source }
    func next() -> CANFrame? { source.next() }
    func stop() { source.stop() }
}

/// Frames ingested, shared with the supervisor thread for STATUS=.
private final class FrameCounter: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// The daemon's second thread: waits for SIGTERM/SIGINT/SIGHUP (sigtimedwait, so no work ever
/// runs in a signal handler) and in between, every tick, updates the drop counters for
/// Prometheus (and logs drops as they start), reports finished reloads and sends WATCHDOG=1 and STATUS=.
/// A stop signal stops the source; the reading thread then drains and finishes. SIGHUP
/// checks the config again here (`ConfigReload`), off the reading thread.
private final class Supervisor: @unchecked Sendable {
    let source: LiveFrameSource
    let notifier: ServiceNotifier?
    let frames: FrameCounter
    let metrics: PrometheusMetrics
    let log: GatewayLog
    let controllers: ControllerPoller
    /// Exports every stage's drop total and logs drops as they start (`DropReporter`).
    let drops: @Sendable () -> Void
    let reload: ConfigReload
    var signals: sigset_t
    private let quit = Atomic<Bool>(false)
    private let stoppingSent = Atomic<Bool>(false)
    /// After a stop signal, draining and flushing must end within this; else exit 1.
    static let shutdownDeadline: Duration = .seconds(10)
    private var thread = pthread_t()

    init(
        source: LiveFrameSource, notifier: ServiceNotifier?, frames: FrameCounter, metrics: PrometheusMetrics, log: GatewayLog,
        signals: sigset_t, controllers: ControllerPoller, reload: ConfigReload, drops: @escaping @Sendable () -> Void
    ) {
        self.controllers = controllers
        self.reload = reload
        self.drops = drops
        self.source = source
        self.notifier = notifier
        self.frames = frames
        self.metrics = metrics
        self.log = log
        self.signals = signals
    }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let supervisor = Unmanaged<Supervisor>.fromOpaque(raw!).takeRetainedValue()
            supervisor.main()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    /// Called by the reading thread once the gateway has finished: ends the thread.
    func finish() {
        quit.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
        if !stoppingSent.exchange(true, ordering: .relaxed) {
            do { try notifier?.stopping() } catch { log.warning("sd_notify: \(error)") }
        }
    }

    private func main() {
        let tick = notifier?.watchdogInterval ?? .seconds(1)
        let (seconds, attoseconds) = min(tick, .seconds(1)).components
        var timeout = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var lastFrames = 0
        var stopping: ContinuousClock.Instant?
        while !quit.load(ordering: .relaxed) {
            let signal = sigtimedwait(&signals, nil, &timeout)
            if signal == SIGTERM || signal == SIGINT {
                if stopping != nil {
                    log.critical("second stop signal: exiting without flushing")
                    _exit(1)
                }
                stopping = .now
                log.notice("stopping", ["signal": signal == SIGTERM ? "SIGTERM" : "SIGINT"])
                if !stoppingSent.exchange(true, ordering: .relaxed) {
                    do { try notifier?.stopping() } catch { log.warning("sd_notify: \(error)") }
                }
                source.stop()
                continue
            }
            if signal == SIGHUP {
                if stopping == nil { reload.begin() } else { log.notice("reload ignored: stopping") }
            }
            reload.poll()
            if let stopping, ContinuousClock.now - stopping > Self.shutdownDeadline {
                log.critical("shutdown took longer than \(Self.shutdownDeadline): exiting without flushing")
                _exit(1)
            }
            source.logEvents(to: log)
            drops()
            controllers.poll()
            guard let notifier else { continue }
            let now = frames.value
            let rate = Double(now - lastFrames) / (Double(timeout.tv_sec) + Double(timeout.tv_nsec) / 1e9)
            lastFrames = now
            do {
                try notifier.watchdog()
                try notifier.status("\(Int(rate.rounded())) frames/s, \(now) frames")
            } catch { log.warning("sd_notify: \(error)") }
        }
    }
}
