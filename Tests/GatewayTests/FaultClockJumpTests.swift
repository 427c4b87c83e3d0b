import CANCapture
import CANCore
import FleetSimulator
import Foundation
@testable import Gateway
import Synchronization
import TestSupport
import Telemetry
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Fault injection (issue 11, item 7): the wall clock stepped forward and back under the
/// running daemon, with libfaketime (Debian `libfaketime`, `LD_PRELOAD`). This test binary runs
/// itself as the child (`clockJumpChild`, active only with `CANDOR_FAULT_CLOCK_CHILD` set)
/// under libfaketime with `FAKETIME_DONT_FAKE_MONOTONIC=1` — the wall clock jumps, the
/// monotonic clock does not, as with an NTP or operator step. The child runs the daemon
/// in-process (the machine has no CAN) on frames from memory, re-timed to end at the real
/// time: 60 s of frames, a quiet bus while the clock jumps 1 h forward, 60 s more, a quiet bus
/// while it jumps 2 h back, 60 s more. The windows must stay on the frames' time: no late
/// frame, no window after the last frame, no record twice, and the signal windows those of a
/// replay of the same frames.
///
/// About 8 s of CPU and 10 s of wall time (two quiet spells of 2.5 s each).
@Suite(.serialized) struct FaultClockJumpTests {
    static let library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
    static let second: Int64 = 1_000_000_000

    final class Collector: RecordService, @unchecked Sendable {
        let name = "collector"
        private let all = Mutex<[TelemetryRecord]>([])
        func write(_ batch: RecordBatch) { all.withLock { $0 += batch.records } }
        func flush() {}
        func close() {}
        var records: [TelemetryRecord] { all.withLock { $0 } }
    }

    /// The key a record is stored under (the store's primary keys): a record written twice
    /// has a key seen before.
    static func key(_ record: TelemetryRecord) -> String {
        switch record {
        case .signalWindow(let r): "signal \(r.vehicle) \(r.bus) \(r.message) \(r.signal) \(r.windowLength) \(r.windowStart)"
        case .messageHealth(let r): "message \(r.vehicle) \(r.bus) \(r.message) \(r.windowLength) \(r.windowStart)"
        case .busHealth(let r): "bus \(r.vehicle) \(r.bus) \(r.windowLength) \(r.windowStart)"
        case .silentEpisode(let r): "silent \(r.vehicle) \(r.bus) \(r.message) \(r.start)"
        case .faultEpisode(let r): "fault \(r.vehicle) \(r.kind) \(r.target ?? "") \(r.start)"
        case .operations(let r): "operations \(r.vehicle) \(r.scope) \(r.start)"
        }
    }

    @Test func clockJumpChild() throws {
        guard let directory = ProcessInfo.processInfo.environment["CANDOR_FAULT_CLOCK_CHILD"],
              let stepFile = ProcessInfo.processInfo.environment["FAKETIME_TIMESTAMP_FILE"] else { return }
        let bundle = try SimulatedBundle(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 180, seed: 44), name: "fault-clock-bundle")
        let reader = try CaptureReader(path: bundle.capture)
        var original: [CANFrame] = []
        while let frame = try reader.next() { original.append(frame) }
        // Re-timed so that the first phase ends at the real time now (the frames come at once).
        let t0 = original[0].timestamp.totalNanoseconds
        let shift = (GatewayDaemon.wallClockNanoseconds() - (t0 + 60 * Self.second)) / Self.second * Self.second
        let retimed = original.map { frame in
            var f = frame
            f.timestamp = CANTimestamp(totalNanoseconds: frame.timestamp.totalNanoseconds + shift, fractionDigits: 6)
            return f
        }
        // Three phases of frames, 10 s of event time between them (the quiet spells last 2.5 s).
        let start = retimed[0].timestamp.totalNanoseconds
        let phases = [(0, 60), (70, 120), (130, 180)].map { (from, to) in
            retimed.filter { (start + Int64(from) * Self.second..<start + Int64(to) * Self.second).contains($0.timestamp.totalNanoseconds) }
        }
        let frames = phases.flatMap { $0 }

        let collector = Collector()
        let input = PhasedInput(phases, interfaces: bundle.definition.buses.map(\.interface))
        let lines = DaemonLines()
        let signals = DaemonScriptedSignals()
        try TestFile.write(String(decoding: try TestFile.read(bundle.config), as: UTF8.self) + """

            sinks:
              sqlite: { path: \(directory)/store.db }
              prometheus: { listen: "127.0.0.1:0" }
            """, to: bundle.directory + "/clock.yaml")
        var daemon = GatewayDaemon(configFile: bundle.directory + "/clock.yaml", environment: [:],
                                   log: GatewayLog(label: "candor", format: .terminal, output: { lines.add($0) }),
                                   buses: InputBuses(input), signals: signals, notifier: nil)
        daemon.services = { _ in [collector] }  // the daemon's own clock: no `now` injected
        let outcome = DaemonTests.start(daemon)

        /// Steps the wall clock to `offset` seconds from the real time and checks that it moved.
        func step(_ offset: Int, after phase: Int) throws {
            #expect(input.waitRead(phase: phase, seconds: 120))
            let before = (wall: GatewayDaemon.wallClockNanoseconds(), monotonic: LogThrottle.monotonicNow())
            try TestFile.write(String(format: "%+d", offset), to: stepFile)
            let after = (wall: GatewayDaemon.wallClockNanoseconds(), monotonic: LogThrottle.monotonicNow())
            let jumped = (after.wall - before.wall) - (after.monotonic - before.monotonic)
            print("FaultClockJumpTests child: wall clock stepped \(Double(jumped) / 1e9) s after phase \(phase + 1)")
            #expect(abs(jumped) > 3000 * Self.second, "libfaketime stepped the wall clock")
            // The bus stays quiet while the clock is off: five of the daemon's 500 ms idle ticks.
            usleep(2_500_000)
            input.release(after: phase)
        }
        try step(3600, after: 0)
        try step(-3600, after: 1)
        #expect(input.waitRead(phase: 2, seconds: 120))
        try TestFile.write("+0", to: stepFile)
        signals.send(.stop("SIGTERM"))
        #expect(outcome.done.wait(timeout: .now() + 120) == .success)
        let counts = try outcome.get()
        #expect(counts.frames == frames.count)

        let records = collector.records
        let last = frames.last!.timestamp.totalNanoseconds
        let late = records.reduce(0) { if case .busHealth(let r) = $1 { $0 + r.lateFrames } else { $0 } }
        #expect(late == 0, "frames counted late: the windows moved with the wall clock")
        let ahead = records.compactMap(FaultDiskFullTests.windowStart).filter { $0 > last }
        #expect(ahead.isEmpty, "\(ahead.count) windows start after the last frame (\(ahead.max().map { Double($0 - last) / 1e9 } ?? 0) s)")
        var seen = Set<String>()
        let twice = records.map(Self.key).filter { !seen.insert($0).inserted }
        #expect(twice.isEmpty, "\(twice.count) records written twice, e.g. \(twice.first ?? "")")

        // The signal windows are those of a replay of the same frames.
        let capture = bundle.directory + "/retimed.log"
        let writer = try CaptureWriter(path: capture, format: .candumpLog, gzip: false)
        for frame in frames { try writer.write(frame) }
        try writer.close()
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        var replayed: [TelemetryRecord] = []
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [capture])) { replayed += $0 }
        func signalWindows(_ all: [TelemetryRecord]) -> [SignalWindowRecord] {
            all.compactMap { if case .signalWindow(let r) = $0, r.count > 0 { r } else { nil } }
                .sorted { ($0.windowLength, $0.windowStart, $0.bus, $0.message, $0.signal) < ($1.windowLength, $1.windowStart, $1.bus, $1.message, $1.signal) }
        }
        let live = signalWindows(records), offline = signalWindows(replayed)
        #expect(live.count == offline.count && live == offline, "signal windows: \(live.count) live, \(offline.count) replayed")
        let stored = try FaultDiskFullTests.sqlite(directory + "/store.db", "SELECT count(*) FROM signal_window")
        #expect(Int(stored) == records.filter { if case .signalWindow = $0 { true } else { false } }.count, "the store holds each window once")
        print("FaultClockJumpTests child: checked \(frames.count) frames, \(records.count) records, \(live.count) signal windows, late \(late)")
    }

    @Test(.enabled(if: OracleTool.isRequired || FileManager.default.fileExists(atPath: library), "libfaketime is not installed"))
    func wallClockStepsLeaveTheWindowsOnEventTime() throws {
        guard ProcessInfo.processInfo.environment["CANDOR_FAULT_CLOCK_CHILD"] == nil else { return }
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        guard FileManager.default.fileExists(atPath: Self.library) else {
            throw TestFailure("\(Self.library) is missing (Debian libfaketime; Tests/setup.sh installs it)")
        }
        let directory = try TemporaryDirectory.make("fault-clock")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestFile.write("+0", to: directory + "/faketime")
        // Through sh's exec: spawned directly with libfaketime preloaded, the test binary starts
        // XCTest instead of swift-testing (seen with Foundation's Process and Python's subprocess).
        let (status, output) = try ProcessDeadline.run(
            "/bin/sh", ["-c", "exec \"$0\" --testing-library swift-testing --filter clockJumpChild", binary],
            environment: ProcessInfo.processInfo.environment.merging([
                "CANDOR_FAULT_CLOCK_CHILD": directory, "LD_PRELOAD": Self.library,
                "FAKETIME_TIMESTAMP_FILE": directory + "/faketime", "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            ]) { $1 },
            seconds: 600)
        let relevant = output.split(separator: "\n").filter { $0.contains("FaultClockJumpTests") || $0.contains("Expectation failed") || $0.contains("✘") }
        for line in relevant { print("  child: \(line)") }
        #expect(status == 0, "the child under libfaketime failed")
        #expect(output.contains("FaultClockJumpTests child: checked"), "the child ran its checks")
    }
}
