import FleetSimulator
import Foundation
import Testing
import TestSupport
@testable import GBT32960
@testable import Gateway
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of the terminal during an outage: this test binary runs itself as the gateway
/// (`gbt32960KillChildGateway`, active only with `CANDOR_GBT_KILL_CHILD` set), replays the
/// first drive while the platform goes down on the vehicle's clock, logs "stored N" once its
/// queue is drained, and waits to be killed with SIGKILL — no logout, no close. A second drive
/// (the same vehicle, the next two minutes) then runs in this process on the same state
/// directory: every report of the first drive arrives once, those of the outage as reissue.
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["cantools", "rtm_con"])))
struct GBT32960KillTests {
    @Test func gbt32960KillChildGateway() throws {
        guard let config = ProcessInfo.processInfo.environment["CANDOR_GBT_KILL_CHILD"] else { return }
        let setup = try GatewaySetup.load(configFile: config, environment: [:])
        let sinks = try SinkSet(setup.sinks)
        let capture = URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent("capture.log").path
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [capture])) { try sinks.write($0) }
        let (terminal, queue) = try #require(sinks.services.queued(GBT32960Service.self))
        _ = queue.waitUntilIdle(timeout: .seconds(60))
        let line = Array("stored \(terminal.outbox.currentStatistics.messages)\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
        // Wait for SIGKILL (stdin stays open until then).
        _ = FileHandle.standardInput.readDataToEndOfFile()
    }

    @Test func aKilledTerminalReissuesTheOutageAfterRestart() throws {
        guard ProcessInfo.processInfo.environment["CANDOR_GBT_KILL_CHILD"] == nil else { return }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0])
        guard binary.lastPathComponent.hasSuffix(".xctest") || binary.lastPathComponent.contains("PackageTests") else { return }
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let seed: UInt64 = 329_609
        print("GBT32960KillTests seed \(seed)")
        let first = SimulationOptions(vehicle: .van, durationSeconds: 120, seed: seed)
        let start = first.startEpochSeconds
        let drive1 = try SimulatedBundle(first, name: "gbt-kill1")
        let drive2 = try SimulatedBundle(SimulationOptions(vehicle: .van, durationSeconds: 60, seed: seed + 1, startEpochSeconds: start + 120), name: "gbt-kill2")
        // Down from 40 s into the first drive until the second begins.
        let platform = try GBT32960PlatformProcess(python: python, directory: drive1.directory,
                                                   arguments: ["--ack-reports", "--down", String(start + 40), String(start + 120)])
        defer { try? platform.stop() }
        let state = drive1.directory + "/gbt-state"
        for bundle in [drive1, drive2] {
            try TestFile.write(String(decoding: try TestFile.read(bundle.config), as: UTF8.self) + platform.uplinkSection(state: state),
                               to: bundle.directory + "/gbt.yaml")
        }
        let child = Process()
        child.executableURL = binary
        child.arguments = ["--testing-library", "swift-testing", "--filter", "gbt32960KillChildGateway"]
        child.environment = ProcessInfo.processInfo.environment.merging(["CANDOR_GBT_KILL_CHILD": drive1.directory + "/gbt.yaml"]) { $1 }
        let output = Pipe(), input = Pipe()
        child.standardOutput = output
        child.standardInput = input
        child.standardError = FileHandle.nullDevice
        try child.run()
        let deadline = ProcessDeadline(child, seconds: 300)
        var text = ""
        while !text.contains("stored ") || !text.hasSuffix("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let stored = text.split(separator: "\n").first { $0.hasPrefix("stored ") }.flatMap { Int($0.dropFirst(7)) } ?? 0
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        try deadline.check()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(stored >= 8, "the killed terminal had \(stored) reports stored")
        // The restart: the second drive, in this process, on the same state directory.
        let setup = try GatewaySetup.load(configFile: drive2.directory + "/gbt.yaml", environment: [:])
        let sinks = try SinkSet(setup.sinks)
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [drive2.capture])) { try sinks.write($0) }
        try sinks.close()
        let (terminal, _) = try #require(sinks.services.queued(GBT32960Service.self))
        print("GBT32960KillTests: killed with \(stored) stored; after restart \(terminal.report)")
        try platform.stop()
        let frames = try platform.acceptedFrames()
        let reports = frames.filter { $0.command == 0x02 || $0.command == 0x03 }
        let times = reports.compactMap(\.time)
        #expect(Set(times).count == times.count, "a report arrived twice")
        let t0 = try #require(times.min())
        #expect(times.sorted() == Array(stride(from: t0, through: times.max()!, by: 10)), "a report is missing: \(times.sorted().map { $0 - start })")
        #expect(times.max()! >= start + 170)
        let outage = reports.filter { $0.time! >= start + 40 && $0.time! < start + 120 }
        #expect(outage.count == 8 && outage.allSatisfy { $0.command == 0x03 })
        #expect(terminal.outbox.currentStatistics.messages == 0)
        // The login serial continued across the kill (logins dropped by the outage used some).
        let serials = try frames.filter { $0.command == 0x01 }.map { entry -> UInt16 in
            let (frame, _) = try Frame.decode(entry.bytes)
            guard case let .login(login) = try Message(frame: frame).payload else { throw TestFailure("not a login") }
            return login.serial
        }
        #expect(serials.count >= 2 && serials == serials.sorted() && Set(serials).count == serials.count, "\(serials)")
    }
}
