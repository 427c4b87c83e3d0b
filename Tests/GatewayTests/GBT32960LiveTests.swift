import CANCapture
import CANCore
import FleetSimulator
import Foundation
@testable import GBT32960
@testable import Gateway
import Testing
import TestSupport

/// The terminal under `candor run` (the daemon in-process, frames from memory) when the bus
/// falls silent: the session's clock runs on by monotonic time, so heartbeats keep the session
/// (one connection, one login) and reports go on with the stale values as sentinels; SIGTERM
/// still logs out. Only the platform is a separate process.
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun()))
struct GBT32960LiveTests {
    @Test func aSilentBusKeepsTheSessionWithHeartbeatsAndSentinelReports() throws {
        guard let python = PythonOracle.find() else { return }
        let seed: UInt64 = 32_961
        print("GBT32960LiveTests seed \(seed)")
        let bundle = try SimulatedBundle(SimulationOptions(vehicle: .van, durationSeconds: 20, seed: seed), name: "gbt-live")
        var frames: [CANFrame] = []
        let reader = try CaptureReader(path: bundle.capture)
        while let frame = try reader.next() { frames.append(frame) }
        let platform = try GBT32960PlatformProcess(python: python, directory: bundle.directory, arguments: ["--ack", "time"])
        defer { try? platform.stop() }
        let config = bundle.directory + "/gbt-live.yaml"
        let section = platform.uplinkSection(state: bundle.directory + "/gbt-state", vin: "LTEST000000032961",
                                             iccid: "89860000000000032961", period: "5s", heartbeat: "1s")
        try TestFile.write(String(decoding: try TestFile.read(bundle.config), as: UTF8.self) + section
                           + "sinks:\n  prometheus: { listen: \"127.0.0.1:0\" }\n", to: config)
        let input = DaemonMemoryInput(frames, interfaces: bundle.definition.buses.map(\.interface))
        let signals = DaemonScriptedSignals()
        let lines = DaemonLines()
        // No injected clock: quiet buses on the daemon's own monotonic clock, as in production.
        let daemon = GatewayDaemon(configFile: config, environment: [:], log: GatewayLog(label: "candor", format: .terminal, output: { lines.add($0) }),
                                   buses: InputBuses(input), signals: signals, notifier: nil)
        let outcome = DaemonTests.start(daemon)
        #expect(input.exhausted.wait(timeout: .now() + 120) == .success)
        let lastFrame = frames.last!.timestamp.totalNanoseconds / 1_000_000_000
        // Await three reports of the silence (their times past the last frame by more than the
        // 5 s after which a value is stale) and five heartbeats after the first of them.
        let deadline = ContinuousClock.now + .seconds(180)
        var seen: [GBT32960PlatformProcess.Entry] = []
        func silentReports(_ frames: [GBT32960PlatformProcess.Entry]) -> [Int] {
            frames.indices.filter { frames[$0].command == 0x02 && frames[$0].time! > lastFrame + 6 }
        }
        while ContinuousClock.now < deadline {
            seen = (try? platform.acceptedFrames()) ?? []
            let silent = silentReports(seen)
            if silent.count >= 3, seen[silent[0]...].filter({ $0.command == 0x07 }).count >= 5 { break }
            usleep(100_000)
        }
        try outcome.stop(signals)
        try platform.stop()
        let silent = silentReports(seen)
        print("GBT32960LiveTests: \(silent.count) reports and \(seen.filter { $0.command == 0x07 }.count) heartbeats; silent reports at +\(silent.map { seen[$0].time! - lastFrame }) s after the last frame")
        #expect(silent.count >= 3, "the session's clock stopped with the bus")
        if let first = silent.first {
            #expect(seen[first...].filter { $0.command == 0x07 }.count >= 5, "no heartbeats on the silent bus")
        }
        // Stale values as the tables' invalid sentinels, never the last value seen.
        for index in silent {
            let (frame, _) = try Frame.decode(seen[index].bytes)
            let v = try #require(GBT32960ServiceTests.vehicle(try Message(frame: frame)))
            #expect(v.speed == 0xFFFF && v.voltage == 0xFFFF && v.current == 0xFFFF && v.soc == 0xFF, "\(v)")
        }
        // One session throughout: one connection, one login, and the logout of that login last.
        let entries = try platform.entries()
        let all = entries.filter { $0.event == "frame" && $0.accepted }
        #expect(entries.filter { $0.event == "connect" }.count == 1)
        #expect(all.filter { $0.command == 0x01 }.count == 1 && all.last?.command == 0x04, "\(all.map(\.command))")
        let reports = all.filter { $0.command == 0x02 }.compactMap(\.time)
        #expect(reports == Array(stride(from: reports.first ?? 0, through: reports.last ?? 0, by: 5)), "\(reports.map { $0 - lastFrame })")
    }
}
