import CANCapture
import CANCore
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// `candor run` as a library call: the config read and resolved, the buses opened, the
/// services started in order and stopped in reverse through one list (`ServiceGroup`), the
/// supervisor and the watchdog threads, the frame loop on the calling thread until a stop
/// signal drains it.
///
///     buses (DaemonBuses) → sinks (SinkSet: Prometheus feed, SQLite, JSONL, line protocol,
///     `services`) → recorder → tail socket → metrics endpoint → decoded log
///
/// Everything environmental is injected — the buses, the signals, the clock, the exit — so
/// that tests drive start, start failures, SIGHUP and SIGTERM in-process with frames from memory.
public struct GatewayDaemon {
    public var configFile: String
    public var environment: [String: String]
    public var log: GatewayLog
    public var buses: any DaemonBuses
    public var signals: any DaemonSignals
    /// sd_notify target (nil outside systemd).
    public var notifier: ServiceNotifier?
    /// More record services, behind the configured sinks (an uplink: a `QueuedRecordService`).
    public var services: (GatewaySetup) throws(SinkError) -> [any RecordService] = { _ in [] }
    /// The frames' clock (nanoseconds since the epoch), for closing the windows of quiet buses;
    /// nil: the newest frame's time plus the monotonic time since (`QuietClock`), which a
    /// stepped wall clock does not move (tests inject a fixed clock).
    public var now: (() -> Int64)?
    public var shutdownDeadline: Duration = .seconds(10)
    /// How the process ends when the shutdown deadline passes or a second stop signal comes.
    public var abort: @Sendable (String) -> Never = { _ in _exit(1) }
    /// Sees each service's name as it starts and stops (tests).
    public var journal: (String) -> Void = { _ in }

    public init(configFile: String, environment: [String: String], log: GatewayLog, buses: any DaemonBuses,
                signals: any DaemonSignals, notifier: ServiceNotifier?) {
        self.configFile = configFile
        self.environment = environment
        self.log = log
        self.buses = buses
        self.signals = signals
        self.notifier = notifier
    }

    /// Runs until a stop signal has drained the input (or the input ends); the counts.
    @discardableResult
    public func run() throws(DaemonError) -> LiveGatewayCounts {
        let setup: GatewaySetup
        do { setup = try ConfigReload.load(configFile: configFile, environment: environment) } catch {
            throw DaemonError(.config, error.description)
        }
        for warning in setup.warnings { log.warning(warning) }
        if let track = setup.sinks.gbt32960?.track {
            // A recorded track is looked up on the capture's clock; live, the report's instant
            // is now, and the position must be the receiver's (gpsd:).
            throw DaemonError(.config, track.error("a recorded track is for candor replay; live, the position comes from gpsd (gpsd: HOST:PORT)").description)
        }
        try buses.configureControllers(setup.controllers, log: log)
        let group = ServiceGroup(journal: journal)
        let input = try group.start("buses", { () throws(DaemonError) in try buses.open(setup, log: log) }, stop: { $0.stop(); return nil })
        let metrics = PrometheusMetrics(layout: setup.layout)
        let sinks = try group.start("sinks", { () throws(DaemonError) in
            do {
                // Append: a restarted daemon keeps what it wrote before.
                var settings = setup.sinks
                settings.gbt32960?.liveClock = true  // heartbeats go on while the buses are silent
                return try SinkSet(settings, fileMode: .append, before: [PrometheusRecordFeed(metrics)], after: try services(setup))
            } catch { throw DaemonError(.runtime, "run: \(error)") }
        }, stop: { sinks in Self.failure { () throws(SinkError) in try sinks.close() }.map { "run: \($0)" } })
        let recorder = try group.start("recorder", { () throws(DaemonError) in try Self.recorder(setup.recorder) }, stop: { recorder in
            Self.failure { () throws(CaptureError) in try recorder?.close() }.map { "run: recorder: \($0)" }
        })
        let tail = try group.start("tail", { () throws(DaemonError) in
            do { return try setup.tail.map { options throws(TailError) in try TailHub(options: options, log: log.labelled("tail")) } } catch {
                throw DaemonError(.runtime, "run: tail socket \(error)")
            }
        }, stop: { $0?.close(); return nil })
        let listen = setup.sinks.prometheusListen ?? "127.0.0.1:9464"
        let server = try group.start("metrics", { () throws(DaemonError) in
            do { return try PrometheusServer(listen: listen, metrics: metrics, log: log.labelled("metrics")) } catch { throw DaemonError(.runtime, "run: \(error)") }
        }, stop: { $0.close(); return nil })
        let decodedLog = try group.start("decoded log", { () throws(DaemonError) in
            do { return try setup.decodedLog.map { options throws(SinkError) in try DecodedFrameLog(options: options) } } catch {
                throw DaemonError(.runtime, "run: decoded log \(error)")
            }
        }, stop: { log in Self.failure { () throws(SinkError) in try log?.close() }.map { "run: decoded log: \($0)" } })

        let heartbeat = IngestHeartbeat()
        let drops = DropReporter(log: log.labelled("drops"))
        let reloads = ReloadRequest(swapped: { metrics.use(layout: $0.layout) })
        let uplinkMetrics = UplinkMetrics(metrics, services: sinks.services)
        let gpsdMetrics = GpsdMetrics(metrics, services: sinks.services)
        let terminal = sinks.services.queued(GBT32960Service.self)?.consumer
        let uplink = sinks.services.queued(UplinkService.self)?.consumer
        let reload = ConfigReload(
            configFile: configFile, environment: environment, running: setup.config, request: reloads, notifier: notifier, log: log,
            openBuses: { interfaces in try input.add(interfaces: interfaces) },
            closeBusesOtherThan: { wanted in input.remove(interfaces: input.interfaces.filter { !wanted.contains($0) }) })
        let supervisor = Supervisor(Supervisor.Parts(
            signals: signals, input: input, buses: buses, notifier: notifier, heartbeat: heartbeat, metrics: metrics, log: log,
            reload: reload, shutdownDeadline: shutdownDeadline,
            exportDrops: {
                for line in uplinkMetrics?.update() ?? [] { log.notice(line) }
                for line in gpsdMetrics?.update() ?? [] { log.notice(line) }
                // The terminal's session events (connects, logins, lost links) it kept since the last tick.
                for line in terminal?.takeEvents() ?? [] { log.notice("gbt32960 " + line) }
                var totals = input.drops + [
                    ("recorder", Int(recorder?.statistics.dropped ?? 0)), ("tail", Int(tail?.missedLines ?? 0)),
                    ("decoded_log", Int(decodedLog?.statistics.dropped ?? 0)),
                ]
                for case let queued as QueuedRecordService in sinks.services {
                    totals.append((queued.name, Int(queued.statistics.droppedRecords)))
                }
                let sinkFailures = sinks.failures
                for (name, failed) in sinkFailures { totals.append((name, Int(failed.droppedRecords))) }
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
                for (name, failed) in sinkFailures.sorted(by: { $0.key < $1.key }) {
                    drops.observeWriteFailures(stage: name, total: failed.failures, lastError: failed.lastError?.description)
                }
            },
            uplinkStatus: { uplink?.statusLine },
            abort: { [log, abort] reason in
                log.critical(reason)
                abort(reason)
            }))
        let watchdog = notifier?.watchdogInterval.map { [notifier, log] interval in
            IngestWatchdog(heartbeat: heartbeat, interval: interval,
                           feed: { do { try notifier?.watchdog() } catch { log.warning("sd_notify: \(error)") } },
                           stalled: { $0 ? log.warning("ingest stalled: watchdog not fed") : log.notice("ingest resumed") })
        }
        log.notice("buses open", ["buses": input.interfaces.joined(separator: ","), "metrics": "http://\(listen)/metrics",
                                  "run": sinks.run.description])
        do { try notifier?.ready(status: "reading \(input.interfaces.count) buses") } catch { log.warning("sd_notify: \(error)") }
        supervisor.start()
        watchdog?.start()

        // A sink that fails (disk full, I/O error) is counted and logged; ingest goes on.
        let captures = sinks.captureWatch(setup, wait: false)
        if let plan = captures?.plan {
            log.notice("captures on", ["triggers": String(plan.settings.triggers.count), "ring_frames": String(plan.settings.ringFrames),
                                       "ring_bytes": String(plan.ringBytes)])
        }
        let gateway = LiveGateway(setup: setup, recorder: recorder, tail: tail, decodedLog: decodedLog, reloads: reloads, captures: captures) {
            sinks.writeEach($0)
        }
        var failure: String?
        do {
            // Quiet buses: after 500 ms without a frame, windows ending before then close.
            try gateway.run(ReorderedInput(TimedInput(input), horizon: setup.live.reorderNanoseconds), quietAfter: 500_000_000, now: now) {
                heartbeat.beat(frames: $0.frameCount)
            }
        } catch {
            failure = "run: \(error)"
            input.stop()
        }
        supervisor.finish()
        watchdog?.stop()
        _ = server
        failure = failure ?? group.stopAll()
        input.logTotals(to: log)
        // What the uplinks delivered and what waits in their outboxes for the next start.
        if let (uplink, _) = sinks.services.queued(UplinkService.self) {
            log.notice("uplink stopped", ["report": uplink.report, "cpu": uplink.cpuLine(processNanoseconds: CPUTime.process())])
        }
        if let (terminal, _) = sinks.services.queued(GBT32960Service.self) { log.notice("gbt32960 stopped", ["report": terminal.report]) }
        let counts = gateway.counts
        log.notice("stopped", [
            "frames": String(counts.frames), "records": String(counts.records),
            "recorder_drops": String(recorder?.statistics.dropped ?? 0),
        ])
        if let failure { throw DaemonError(.runtime, failure) }
        return counts
    }

    /// The recorder, its directory made first.
    static func recorder(_ options: RecorderOptions?) throws(DaemonError) -> Recorder? {
        guard let options else { return nil }
        do { try Syscall.makeDirectory(options.rotation.directory, mode: 0o750) } catch {
            throw DaemonError(.runtime, "run: recorder directory \(options.rotation.directory): \(error.reason)")
        }
        return Recorder(output: RotatingCaptureFiles(options: options), capacity: options.queueCapacity)
    }

    /// The error `body` throws, as text.
    static func failure<E: Error>(_ body: () throws(E) -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }

    /// CLOCK_REALTIME in nanoseconds: the clock of SocketCAN's frame timestamps.
    public static func wallClockNanoseconds() -> Int64 {
        var now = timespec()
        precondition(clock_gettime(CLOCK_REALTIME, &now) == 0, "clock_gettime(CLOCK_REALTIME) failed")
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
