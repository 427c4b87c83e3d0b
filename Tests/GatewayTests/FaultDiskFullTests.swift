import CANCapture
import CANCore
import FleetSimulator
import Foundation
@testable import Gateway
import TestSupport
import Telemetry
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Fault injection (issue 11, item 7): a full disk under every output of the daemon — the
/// SQLite store, the JSON lines and line protocol sinks, the recorder and the decoded-frame
/// log, all on one small tmpfs of the test's own. The daemon runs in-process with frames from
/// memory in three phases: written normally; the disk filled to the last byte; space given
/// back. Each output must log a clear error naming the cause, count what it lost, ingest must
/// go on to the last frame, the store must pass `PRAGMA integrity_check` (sqlite3, a separate
/// program) with no window row pointing at a missing signal, every line of the line files must
/// still be whole, and the records of the third phase must all be written.
///
/// Three faults: a full disk, I/O errors, I/O errors on and off. About 15 s of CPU each (a
/// 240 s van simulation, its replay as the reference, the daemon).
@Suite(.serialized) struct FaultDiskFullTests {
    static let simulation = SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 240, seed: 33)

    /// The window start of a record that has one (signal windows, message and bus health).
    static func windowStart(_ record: TelemetryRecord) -> Int64? {
        switch record {
        case .signalWindow(let r): r.windowStart
        case .messageHealth(let r): r.windowStart
        case .busHealth(let r): r.windowStart
        default: nil
        }
    }

    static func sqlite(_ database: String, _ sql: String) throws -> String {
        let (status, output) = try runTool(try OracleTool.require("sqlite3"), ["-batch", database, sql], timeout: 120)
        guard status == 0 else { throw TestFailure("sqlite3 \(sql): exit \(status)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every line of `path` (and the files rotated beside it) parses as JSON: no line was cut
    /// or glued to the next by a failed write.
    static func lines(_ path: String) throws -> [String] {
        String(decoding: try TestFile.read(path), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    @Test(.enabled(if: ScratchTmpfs.mayMount, "mounting a tmpfs needs root"))
    func aFullDiskIsLoggedCountedAndWritingResumesWhenSpaceReturns() throws {
        let disk = try ScratchTmpfs("fault-full", size: "48m")
        defer { try? disk.unmount() }
        var filler: DiskFiller?
        try Self.threePhases(in: disk.path, causes: ["No space left on device", "disk is full"], seed: 33, breakDisk: {
            filler = try DiskFiller(disk.path + "/filler")
            print("FaultDiskFullTests: disk filled (\(filler!.bytes) bytes of filler)")
        }, repairDisk: { try filler?.release() })
    }

    @Test(.enabled(if: ScratchTmpfs.mayMount, "mounting a FUSE filesystem needs root"))
    func ioErrorsAreLoggedCountedAndWritingResumesWhenTheyStop() throws {
        let disk = try FailingFilesystem("fault-eio")
        defer { try? disk.unmount() }
        try Self.threePhases(in: disk.path, causes: ["Input/output error", "disk I/O error"], seed: 34, breakDisk: {
            try disk.fail(true)
        }, repairDisk: { try disk.fail(false) })
    }

    /// A disk failing on and off: writes fail at random, one in two (seeded), and every
    /// truncation, fsync, creation and rename, so multi-page writes stop partway and the
    /// truncation of the line they cut fails while the next write works.
    @Test(.enabled(if: ScratchTmpfs.mayMount, "mounting a FUSE filesystem needs root"))
    func intermittentIOErrorsLeaveEveryLineWhole() throws {
        let disk = try FailingFilesystem("fault-eio-intermittent")
        defer { try? disk.unmount() }
        try Self.threePhases(in: disk.path, causes: ["Input/output error", "disk I/O error"], seed: 35, breakDisk: {
            try disk.fail(true, intermittentSeed: 35)
        }, repairDisk: { try disk.fail(false) })
    }

    /// The scenario the faults share: the daemon writes every output into `directory`, the
    /// disk is broken (`breakDisk`) after the first third of the frames and repaired
    /// (`repairDisk`) after the second; each output's error must name one of `causes`.
    static func threePhases(in d: String, causes: [String], seed: UInt64, breakDisk: () throws -> Void,
                            repairDisk: () throws -> Void) throws {
        var options = simulation
        options.seed = seed
        let bundle = try SimulatedBundle(options, name: "fault-bundle")
        let reader = try CaptureReader(path: bundle.capture)
        var frames: [CANFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        let t0 = frames[0].timestamp.totalNanoseconds
        let cut1 = t0 + 80_000_000_000, cut2 = t0 + 160_000_000_000
        let phases = [frames.filter { $0.timestamp.totalNanoseconds < cut1 },
                      frames.filter { (cut1..<cut2).contains($0.timestamp.totalNanoseconds) },
                      frames.filter { $0.timestamp.totalNanoseconds >= cut2 }]
        print("FaultDiskFullTests: \(frames.count) frames in phases of \(phases.map(\.count)) (written, disk full, space back)")

        let config = bundle.directory + "/full.yaml"
        try TestFile.write(String(decoding: try TestFile.read(bundle.config), as: UTF8.self) + """

            sinks:
              sqlite: { path: \(d)/store.db }
              jsonl: { path: \(d)/records.jsonl }
              line_protocol: { path: \(d)/records.lp }
              prometheus: { listen: "127.0.0.1:0" }
            recorder: { directory: \(d)/recordings }
            decoded_log: { directory: \(d)/decoded }
            """, to: config)

        let input = PhasedInput(phases, interfaces: bundle.definition.buses.map(\.interface))
        let log = DaemonLines()
        let signals = DaemonScriptedSignals()
        var daemon = GatewayDaemon(configFile: config, environment: [:], log: GatewayLog(label: "candor", format: .terminal, output: { log.add($0) }),
                                   buses: InputBuses(input), signals: signals, notifier: nil)
        daemon.now = { 0 }  // windows close on the frames' time only
        let outcome = DaemonTests.start(daemon)

        #expect(input.waitRead(phase: 0, seconds: 120), "phase 1 read")
        try breakDisk()
        input.release(after: 0)
        #expect(input.waitRead(phase: 1, seconds: 120), "phase 2 read")
        let stages = ["sqlite", "jsonl", "line_protocol", "recorder", "decoded_log"]
        let failing = waitUntil(seconds: 60) { stages.allSatisfy { stage in log.contains("\(stage): writes failing") } }
        #expect(failing, "every output logged its failing writes: \(log.lines.filter { $0.contains("writes failing") })")
        try repairDisk()
        input.release(after: 1)
        #expect(input.waitRead(phase: 2, seconds: 120), "phase 3 read")
        signals.send(.stop("SIGTERM"))
        #expect(outcome.done.wait(timeout: .now() + 120) == .success, "the daemon stopped")

        // Ingest went on, and the daemon ended cleanly.
        let counts = try outcome.get()
        #expect(counts.frames == frames.count)
        for line in log.lines where line.contains("writes failing") || line.contains("started dropping") { print("  log: \(line)") }
        for stage in stages {
            let line = log.lines.first { $0.contains("\(stage): writes failing") }
            #expect(causes.contains { line?.contains($0) == true }, "\(stage): a clear error: \(line ?? "none")")
            #expect(log.contains("stage \(stage) started dropping"), "\(stage): its losses counted")
        }

        // The store is whole, every window row has its signal, and phase 3 is all in it.
        #expect(try Self.sqlite(d + "/store.db", "PRAGMA integrity_check") == "ok")
        #expect(try Self.sqlite(d + "/store.db", "SELECT count(*) FROM signal_window WHERE signal_id NOT IN (SELECT signal_id FROM signal)") == "0",
                "window rows of signals whose row was rolled back")
        let everyRecord = try bundle.replay().records
        let reference = everyRecord.filter { (Self.windowStart($0) ?? 0) >= cut2 }
        let storedWindows = Int(try Self.sqlite(d + "/store.db", "SELECT count(*) FROM signal_window WHERE window_start >= \(cut2)"))
        let expectedWindows = reference.filter { if case .signalWindow = $0 { true } else { false } }.count
        #expect(storedWindows == expectedWindows, "phase 3 signal windows in the store")
        let storedBus = Int(try Self.sqlite(d + "/store.db", "SELECT count(*) FROM bus_health WHERE window_start >= \(cut2)"))
        #expect(storedBus == reference.filter { if case .busHealth = $0 { true } else { false } }.count, "phase 3 bus health in the store")

        // The line files: every line whole, every record of phase 3 there.
        let jsonl = Set(try Self.lines(d + "/records.jsonl"))
        let lp = Set(try Self.lines(d + "/records.lp"))
        func line(_ text: String) -> String { text.hasSuffix("\n") ? String(text.dropLast()) : text }
        // Every line in the files is a whole line of the replay's records: none cut short,
        // none glued to the next.
        let replayed = (jsonl: Set(everyRecord.map { line(JSONLinesFormat.line($0)) }), lp: Set(everyRecord.map { line(LineProtocolFormat.line($0)) }))
        for line in jsonl.subtracting(replayed.jsonl) { Issue.record("records.jsonl: a line the replay does not have: \(line)") }
        for line in lp.subtracting(replayed.lp) { Issue.record("records.lp: a line the replay does not have: \(line)") }
        let missing = (jsonl: reference.filter { !jsonl.contains(line(JSONLinesFormat.line($0))) },
                       lp: reference.filter { !lp.contains(line(LineProtocolFormat.line($0))) })
        #expect(missing.jsonl.isEmpty, "\(missing.jsonl.count) of \(reference.count) phase 3 records missing in records.jsonl")
        #expect(missing.lp.isEmpty, "\(missing.lp.count) of \(reference.count) phase 3 records missing in records.lp")

        // The recording ends with every frame of phase 3, in order.
        let recordings = try FileManager.default.contentsOfDirectory(atPath: d + "/recordings").sorted()
        var recorded: [CANFrame] = []
        for name in recordings {
            let file = try CaptureReader(path: d + "/recordings/" + name)
            while let frame = try file.next() { recorded.append(frame) }
        }
        #expect(Array(recorded.suffix(phases[2].count)) == phases[2], "phase 3 in the recording (\(recordings))")

        // The decoded log: whole lines, and lines of phase 3.
        let decoded = try Self.lines(d + "/decoded/decoded.jsonl")
        for (index, line) in decoded.enumerated() where (try? JSONSerialization.jsonObject(with: Data(line.utf8))) == nil {
            Issue.record("decoded.jsonl: broken line \(index + 1) of \(decoded.count) (\(line.utf8.count) bytes): \(line)")
        }
        let lastTime = decoded.last.flatMap { DecodedLineTime.of(line: Array($0.utf8)[...]) } ?? 0
        #expect(lastTime >= cut2, "the decoded log has lines of phase 3")
        print("FaultDiskFullTests: store \(storedWindows ?? -1) phase-3 windows, \(jsonl.count) JSON lines, "
              + "\(recorded.count) recorded frames, \(decoded.count) decoded lines")
    }
}
