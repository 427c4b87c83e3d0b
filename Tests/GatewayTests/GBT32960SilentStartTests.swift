import CANCapture
import CANCore
import FleetSimulator
import Foundation
@testable import GBT32960
@testable import Gateway
import Testing
import TestSupport

/// The terminal under `candor run` (the daemon in-process) when the bus is silent from the
/// start — the vehicle parked: it logs in on the wall clock, heartbeats and reports (every value
/// invalid), and logs out on SIGTERM. Frames that come later move the clock only forward: the
/// times on the wire never decrease. The platform and rtm_con are separate processes.
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["cantools", "rtm_con"])))
struct GBT32960SilentStartTests {
    static let period: Int64 = 2

    @Test func aBusSilentFromTheStartLogsInHeartbeatsReportsInvalidValuesAndLogsOut() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let run = try Run(python: python, seed: 32_962, name: "gbt-parked")
        defer { run.cleanUp() }
        let startedAt = Int64(Date().timeIntervalSince1970)
        let outcome = DaemonTests.start(run.daemon)
        // Login, then three reports and five heartbeats after it.
        let seen = run.await { frames in
            guard let login = frames.firstIndex(where: { $0.command == 0x01 }) else { return false }
            return frames[login...].filter { $0.command == 0x02 }.count >= 3 && frames[login...].filter { $0.command == 0x07 }.count >= 5
        }
        let observedAt = Int64(Date().timeIntervalSince1970)
        let all = try run.stop(outcome)
        print("GBT32960SilentStartTests parked: \(all.map(\.command!)) times \(all.compactMap(\.time).map { $0 - startedAt }) s after the start")
        let login = try #require(seen.first { $0.command == 0x01 }, "no login on a bus silent from the start")
        // The wall clock's time (the only time there is), not some made-up epoch.
        #expect(login.time! >= startedAt && login.time! <= observedAt + 1, "login at \(login.time!), started \(startedAt)")
        try Self.expectOneSessionOnARisingClock(all, run.platform)
        let reports = all.filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(reports.count >= 3 && all.filter { $0.command == 0x07 }.count >= 5)
        let times: [Int64] = reports.compactMap(\.time).sorted()
        let expected: [Int64] = Array(stride(from: times.first ?? 0, through: times.last ?? 0, by: Int(Self.period)))
        #expect(times == expected, "every period, none missing")
        for report in reports {
            let v = try #require(GBT32960ServiceTests.vehicle(try Message(frame: try Frame.decode(report.bytes).0)))
            #expect(v.speed == 0xFFFF && v.voltage == 0xFFFF && v.current == 0xFFFF && v.soc == 0xFF, "\(v)")
        }
        try GBT32960ServiceTests().expectRtmConAgrees(all, python: python)
    }

    /// Logged in on the wall clock, then frames stamped two minutes behind it (the clock stays,
    /// the values are too old: invalid), then frames from its time on (the clock jumps forward to
    /// them, real values), then silence again (the clock runs on from there).
    @Test func framesAfterASilentStartMoveTheClockOnlyForward() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let run = try Run(python: python, seed: 32_963, name: "gbt-wakes")
        defer { run.cleanUp() }
        let outcome = DaemonTests.start(run.daemon)
        func reportsAfter(_ time: Int64) -> ([GBT32960PlatformProcess.Entry]) -> Bool {
            { frames in frames.filter { $0.command == 0x02 && $0.time! > time }.count >= 2 }
        }
        var seen = run.await { frames in frames.contains { $0.command == 0x02 } }
        let behind = Int64(Date().timeIntervalSince1970) - 120
        run.input.release(run.frames, startingAt: behind)
        seen = run.await(reportsAfter(seen.last { $0.command == 0x02 }?.time ?? 0))
        let current = Int64(Date().timeIntervalSince1970)
        run.input.release(run.frames, startingAt: current)
        let lastFrame = current + run.durationSeconds
        seen = run.await(reportsAfter(lastFrame + 6))
        let all = try run.stop(outcome)
        print("GBT32960SilentStartTests wakes: report times \(all.filter { $0.command == 0x02 }.map { $0.time! - current }) s after the current frames' start")
        try Self.expectOneSessionOnARisingClock(all, run.platform)
        var valid = 0
        for report in all where report.command == 0x02 || report.command == 0x03 {
            let v = try #require(GBT32960ServiceTests.vehicle(try Message(frame: try Frame.decode(report.bytes).0)))
            let t = report.time!
            print("GBT32960SilentStartTests wakes: report at \(t - current) s: speed \(v.speed) soc \(v.soc) voltage \(v.voltage)")
            if t < current || t > lastFrame + 6 {
                #expect(v.speed == 0xFFFF && v.soc == 0xFF, "at \(t - current) s: \(v)")
            } else if v.speed != 0xFFFF && v.soc != 0xFF {
                valid += 1
            }
        }
        // The session began on the wall clock's whole second, on the windows' grid: the
        // reports while the frames came carry their values.
        #expect(valid >= Int(run.durationSeconds / Self.period) - 2, "\(valid) reports with values while the frames came")
        #expect(all.contains { $0.command == 0x02 && $0.time! > lastFrame + 6 }, "the clock stopped after the frames")
        try GBT32960ServiceTests().expectRtmConAgrees(all, python: python)
    }

    /// One connection, one login, the logout last; the times of the frames that carry one never
    /// decrease, except a reissue's (its original collection time); real-time and reissued
    /// reports together: every report time once, rising.
    static func expectOneSessionOnARisingClock(_ all: [GBT32960PlatformProcess.Entry], _ platform: GBT32960PlatformProcess) throws {
        #expect(try platform.entries().filter { $0.event == "connect" }.count == 1)
        #expect(all.filter { $0.command == 0x01 }.count == 1 && all.first?.command == 0x01 && all.last?.command == 0x04, "\(all.map(\.command))")
        let times = all.filter { $0.command != 0x03 }.compactMap(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "times went back: \(times)")
        let realtime = all.filter { $0.command == 0x02 }.map(\.time!)
        #expect(zip(realtime, realtime.dropFirst()).allSatisfy { $0 < $1 }, "report times: \(realtime)")
        let reissued = all.filter { $0.command == 0x03 }.map(\.time!)
        let reports = (realtime + reissued).sorted()
        #expect(Set(reports).count == reports.count, "a report twice: \(realtime) \(reissued)")
        #expect(reissued.allSatisfy { $0 >= all[0].time! }, "reissued before the login: \(reissued)")
    }

    /// A daemon on a simulated van's config whose bus sends only what the test releases.
    final class Run {
        let platform: GBT32960PlatformProcess
        let input: GatedInput
        let daemon: GatewayDaemon
        let frames: [CANFrame]
        let durationSeconds: Int64 = 20
        private let signals = DaemonScriptedSignals()

        init(python: String, seed: UInt64, name: String) throws {
            print("GBT32960SilentStartTests seed \(seed)")
            let bundle = try SimulatedBundle(SimulationOptions(vehicle: .van, durationSeconds: Int(durationSeconds), seed: seed), name: name)
            var frames: [CANFrame] = []
            let reader = try CaptureReader(path: bundle.capture)
            while let frame = try reader.next() { frames.append(frame) }
            self.frames = frames
            platform = try GBT32960PlatformProcess(python: python, directory: bundle.directory, arguments: ["--ack", "time"])
            let config = bundle.directory + "/\(name).yaml"
            let section = platform.uplinkSection(state: bundle.directory + "/gbt-state", vin: "LTEST0000000\(seed)",
                                                 iccid: "898600000000000\(seed)", period: "\(GBT32960SilentStartTests.period)s", heartbeat: "1s")
            try TestFile.write(String(decoding: try TestFile.read(bundle.config), as: UTF8.self) + section
                               + "sinks:\n  prometheus: { listen: \"127.0.0.1:0\" }\n", to: config)
            input = GatedInput(interfaces: bundle.definition.buses.map(\.interface))
            daemon = GatewayDaemon(configFile: config, environment: [:], log: GatewayLog(label: "candor", format: .terminal, output: { _ in }),
                                   buses: InputBuses(input), signals: signals, notifier: nil)
        }

        /// What the platform accepted once `done` holds of it (or after a generous bound against hangs).
        func await(_ done: ([GBT32960PlatformProcess.Entry]) -> Bool) -> [GBT32960PlatformProcess.Entry] {
            let deadline = ContinuousClock.now + .seconds(180)
            var seen: [GBT32960PlatformProcess.Entry] = []
            while ContinuousClock.now < deadline {
                seen = (try? platform.acceptedFrames()) ?? []
                if done(seen) { break }
                usleep(100_000)
            }
            return seen
        }

        /// SIGTERM; what the platform accepted in the end.
        func stop(_ outcome: DaemonTests.Outcome) throws -> [GBT32960PlatformProcess.Entry] {
            try outcome.stop(signals)
            try platform.stop()
            return try platform.acceptedFrames()
        }

        func cleanUp() { try? platform.stop() }
    }
}
