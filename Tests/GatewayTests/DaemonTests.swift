import CANCapture
import CANCore
import FleetSimulator
import Foundation
import Gateway
import Synchronization
import Telemetry
import Testing

/// The daemon in-process: frames from memory, scripted signals, no CAN socket, no subprocess.
@Suite(.serialized) struct DaemonTests {
    struct Fixture {
        let bundle: SimulatedBundle
        let frames: [CANFrame]
        let config: String
        let input: DaemonMemoryInput
        let signals = DaemonScriptedSignals()
        let log = DaemonLines()
        let journal = DaemonLines()
        var interfaces: [String] { bundle.definition.buses.map(\.interface) }

        init(_ name: String, extra: String) throws {
            bundle = try SimulatedBundle(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 20, seed: 21), name: name)
            let reader = try CaptureReader(path: bundle.capture)
            var frames: [CANFrame] = []
            while let frame = try reader.next() { frames.append(frame) }
            self.frames = frames
            config = bundle.directory + "/daemon.yaml"
            let text = String(decoding: try TestFile.read(bundle.config), as: UTF8.self)
            try TestFile.write(text + extra, to: config)
            input = DaemonMemoryInput(frames, interfaces: bundle.definition.buses.map(\.interface))
        }

        /// `clockOffset`: how far after the last frame the daemon's wall clock stands.
        func daemon(clockOffset: Int64 = 0) -> GatewayDaemon {
            let lines = log
            let gatewayLog = GatewayLog(label: "candor", format: .terminal, output: { lines.add($0) })
            var daemon = GatewayDaemon(configFile: config, environment: [:], log: gatewayLog, buses: InputBuses(input),
                                       signals: signals, notifier: nil)
            let now = frames.last!.timestamp.totalNanoseconds + clockOffset
            daemon.now = { now }
            let journal = self.journal
            daemon.journal = { journal.add($0) }
            return daemon
        }
    }

    /// What a daemon run on another thread returned.
    final class Outcome: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var value: Result<LiveGatewayCounts, DaemonError>?
        func set(_ result: Result<LiveGatewayCounts, DaemonError>) { lock.lock(); value = result; lock.unlock(); done.signal() }
        func get() throws -> LiveGatewayCounts {
            lock.lock(); defer { lock.unlock() }
            guard let value else { throw TestFailure("the daemon has not returned") }
            return try value.get()
        }

        /// Sends SIGTERM and waits (at most `seconds`) for the daemon to return; what it returned.
        @discardableResult
        func stop(_ signals: DaemonScriptedSignals, within seconds: Int = 120) throws -> LiveGatewayCounts {
            signals.send(.stop("SIGTERM"))
            guard done.wait(timeout: .now() + .seconds(seconds)) == .success else {
                throw TestFailure("the daemon did not stop within \(seconds) s of SIGTERM")
            }
            return try get()
        }
    }

    /// Runs `daemon` on its own thread.
    static func start(_ daemon: GatewayDaemon) -> Outcome {
        let outcome = Outcome()
        nonisolated(unsafe) let daemon = daemon
        Thread {
            do throws(DaemonError) { outcome.set(.success(try daemon.run())) } catch { outcome.set(.failure(error)) }
        }.start()
        return outcome
    }

    static let order = ["buses", "sinks", "recorder", "tail", "metrics", "decoded log"]

    @Test func sigtermDrainsEveryFrameIntoTheSinksAndStopsTheServicesInReverse() throws {
        let directory = try TemporaryDirectory.make("daemon-drain")
        let fixture = try Fixture("daemon-drain", extra: """

            sinks:
              jsonl: { path: \(directory)/live.jsonl }
              prometheus: { listen: "127.0.0.1:0" }
            """)
        let outcome = Self.start(fixture.daemon())
        #expect(fixture.input.exhausted.wait(timeout: .now() + 120) == .success)
        let counts = try outcome.stop(fixture.signals)
        #expect(counts.frames == fixture.frames.count)

        let setup = try GatewaySetup.load(configFile: fixture.config, environment: [:])
        let sinks = try SinkSet(SinkSettings(jsonlPath: directory + "/replay.jsonl"))
        let replayed = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [fixture.bundle.capture])) { try sinks.write($0) }
        try sinks.close()
        #expect(counts.records == replayed.records)
        #expect(try TestFile.read(directory + "/live.jsonl") == TestFile.read(directory + "/replay.jsonl"))
        #expect(fixture.journal.lines == Self.order.map { "started \($0)" } + Self.order.reversed().map { "stopped \($0)" })
        #expect(fixture.log.contains("stopping") && fixture.log.contains("stopped"))
        #expect(fixture.log.lines.contains { $0.contains("buses open") && $0.contains("run=") })
        print("daemon: \(counts.frames) frames, \(counts.records) records, the JSONL equal to the replay's")
    }

    @Test func aServiceThatCannotStartStopsThoseStartedBeforeItInReverse() throws {
        let directory = try TemporaryDirectory.make("daemon-startfail")
        let fixture = try Fixture("daemon-startfail", extra: """

            sinks:
              jsonl: { path: \(directory)/live.jsonl }
              prometheus: { listen: "127.0.0.1:0" }
            recorder: { directory: \(directory)/recordings }
            tail: { socket: \(directory)/no-such-directory/tail.sock }
            """)
        var daemon = fixture.daemon()
        let journal = fixture.journal
        daemon.services = { _ in [JournalService("uplink", journal)] }
        #expect(throws: DaemonError.self) { try daemon.run() }
        #expect(fixture.journal.lines == [
            "started buses", "start uplink", "started sinks", "started recorder", "failed tail",
            "stopped recorder", "close uplink", "stopped sinks", "stopped buses",
        ])
        #expect(fixture.input.stopCalls.load(ordering: .relaxed) == 1)
        do { try daemon.run() } catch { #expect(error.kind == .runtime && error.message.hasPrefix("run: tail socket")) }
    }

    @Test func sighupReloadsAndTheDaemonKeepsRunning() throws {
        let directory = try TemporaryDirectory.make("daemon-reload")
        let fixture = try Fixture("daemon-reload", extra: """

            sinks:
              prometheus: { listen: "127.0.0.1:0" }
            """)
        // The wall clock two minutes after the last frame: the quiet buses reach the next window boundary.
        let outcome = Self.start(fixture.daemon(clockOffset: 120_000_000_000))
        #expect(fixture.input.exhausted.wait(timeout: .now() + 120) == .success)
        fixture.signals.send(.reload)
        let deadline = ContinuousClock.now + .seconds(120)
        while !fixture.log.contains("reloaded") && ContinuousClock.now < deadline { usleep(20_000) }
        try outcome.stop(fixture.signals)
        #expect(fixture.log.contains("reloading"))
        #expect(fixture.log.contains("reloaded"))
        _ = directory
    }

    @Test func aBadConfigIsAConfigError() throws {
        let fixture = try Fixture("daemon-badconfig", extra: "\nwindows: [nonsense]\n")
        do {
            try fixture.daemon().run()
            Issue.record("a bad config started")
        } catch { #expect(error.kind == .config) }
        #expect(fixture.journal.lines.isEmpty)
    }

    /// `uplink.gbt32960.track` is looked up on the capture's clock: live it is refused at its
    /// position, before any bus is opened.
    @Test func aRecordedGBT32960TrackIsRefusedLive() throws {
        let fixture = try Fixture("daemon-track", extra: """

            uplink:
              gbt32960:
                server: 127.0.0.1:32960
                edition: 2016
                vin: LTEST000000032960
                iccid: "89860000000000032960"
                state_directory: gbt-state
                track: track.nmea

            """)
        do {
            try fixture.daemon().run()
            Issue.record("a live daemon started with track:")
        } catch {
            #expect(error.kind == .config)
            #expect(error.message.hasPrefix(fixture.config + ":") && error.message.contains(
                "uplink.gbt32960.track: a recorded track is for candor replay; live, the position comes from gpsd (gpsd: HOST:PORT)"),
                "\(error.message)")
        }
        #expect(fixture.journal.lines.isEmpty)
    }

    @Test func theWatchdogIsFedOnlyWhileIngestMoves() throws {
        let heartbeat = IngestHeartbeat()
        let feeds = Atomic<Int>(0)
        let stalls = DaemonLines()
        let watchdog = IngestWatchdog(heartbeat: heartbeat, interval: .milliseconds(80),
                                      feed: { feeds.add(1, ordering: .relaxed) }, stalled: { stalls.add($0 ? "stalled" : "resumed") })
        watchdog.start()
        for _ in 0..<20 {
            heartbeat.beat(frames: 1)
            usleep(10_000)
        }
        let whileAlive = feeds.load(ordering: .relaxed)
        usleep(300_000)  // ingest stalls (a reload, a blocked sink): no feed
        let afterStall = feeds.load(ordering: .relaxed)
        usleep(200_000)
        #expect(feeds.load(ordering: .relaxed) == afterStall)
        heartbeat.beat(frames: 2)
        usleep(100_000)
        watchdog.stop()
        #expect(whileAlive >= 2)
        #expect(feeds.load(ordering: .relaxed) > afterStall)
        #expect(stalls.lines.first == "stalled" && stalls.lines.contains("resumed"))
    }
}

/// A record service that notes its start and close in the daemon's journal.
private final class JournalService: RecordService {
    let name: String
    let journal: DaemonLines
    init(_ name: String, _ journal: DaemonLines) { self.name = name; self.journal = journal }
    func start() { journal.add("start \(name)") }
    func write(_ batch: RecordBatch) {}
    func flush() {}
    func close() { journal.add("close \(name)") }
}
