import FleetSimulator
import Foundation
@testable import GBT32960
import Testing
import TestSupport
@testable import Gateway

/// The location body from a real gpsd: `candor simulate`'s bundle carries the drive's NMEA track
/// (`track.nmea`); Debian's `gpsfake` replays it into gpsd on a free loopback port (0.1 s between
/// sentences: five fixes a second, the 61-fix track every 12 s, looping — the track begins
/// standing still for 24 s) while the bundle is replayed (6× its speed, 10 s) through the whole pipeline with
/// `uplink.gbt32960.gpsd` pointing at that gpsd, against the asyncio test platform. Every
/// report's location must be valid and one of the track's fixes to 1e-6° (read from the NMEA
/// file by this test, and by gpsd's own NMEA parser on the way); without `gpsd:` every location
/// is invalid. rtm_con (separate process) decodes every frame with the same values. gpsfake or
/// gpsd missing fails the test (Tests/setup.sh installs them).
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["rtm_con"])))
struct GBT32960GpsdTests {
    static let seed: UInt64 = 32_961

    /// The van's 60 s drive, written as `candor simulate` writes its bundle.
    static func bundle(_ name: String) throws -> (directory: String, truth: GroundTruth) {
        print("GBT32960 gpsd \(name): van 60 s, seed \(seed)")
        let simulation = try FleetSimulation(SimulationOptions(vehicle: .van, durationSeconds: 60, seed: seed))
        let directory = try TemporaryDirectory.make("gbt-gpsd-" + name)
        return (directory, try SimulationBundle.write(simulation, to: directory, gzip: false))
    }

    /// The track's fixes as (latitude, longitude) degrees, read from the RMC sentences.
    static func fixes(_ path: String) throws -> [(latitude: Double, longitude: Double)] {
        let text = String(decoding: try TestFile.read(path), as: UTF8.self)
        func degrees(_ field: Substring, _ hemisphere: Substring, _ width: Int) -> Double {
            let d = Double(field.prefix(width))!, m = Double(field.dropFirst(width))!
            return (d + m / 60) * (hemisphere == "S" || hemisphere == "W" ? -1 : 1)
        }
        return text.split(separator: "\r\n").filter { $0.hasPrefix("$GPRMC") }.map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return (degrees(f[3], f[4], 2), degrees(f[5], f[6], 3))
        }
    }

    /// Replays the bundle with `uplink.gbt32960` at a new platform (`gpsd:` when given); before
    /// the replay, waits for the terminal's gpsd client to hold a fix. The accepted frames.
    static func replay(_ directory: String, gpsd: Int?, python: String) throws -> [GBT32960PlatformProcess.Entry] {
        let run = directory + (gpsd == nil ? "/without-gpsd" : "/with-gpsd")
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let platform = try GBT32960PlatformProcess(python: python, directory: run)
        defer { try? platform.stop() }
        let config = directory + (gpsd == nil ? "/gbt-without-gpsd.yaml" : "/gbt-with-gpsd.yaml")
        try TestFile.write(String(decoding: try TestFile.read(directory + "/candor.yaml"), as: UTF8.self)
                           + platform.uplinkSection(state: run + "/gbt-state")
                           + (gpsd.map { "    gpsd: 127.0.0.1:\($0)\n" } ?? ""), to: config)
        let setup = try GatewaySetup.load(configFile: config, environment: [:])
        let sinks = try SinkSet(setup.sinks)
        let (terminal, _) = try #require(sinks.services.queued(GBT32960Service.self))
        let metrics = PrometheusMetrics(layout: setup.layout)
        if let gpsd {
            let client = try #require(terminal.gpsd)
            #expect(client.waitForStatistics(.seconds(60)) { $0.fixes > 0 }, "no fix from gpsd: \(client.statistics)")
            // The daemon's view of the link: its log lines and its series.
            let lines = try #require(GpsdMetrics(metrics, services: sinks.services)).update()
            #expect(lines.first == "gpsd: connected to 127.0.0.1:\(gpsd)", "\(lines)")
            let samples = Dictionary(metrics.exposition().split(separator: "\n").filter { $0.hasPrefix("candor_gpsd_") }
                .map { (String($0.split(separator: " ")[0]), Double($0.split(separator: " ").last!) ?? -1) }) { a, _ in a }
            #expect(samples["candor_gpsd_connected"] == 1 && samples["candor_gpsd_fix_valid"] == 1, "\(samples)")
            #expect((samples["candor_gpsd_fixes_total"] ?? 0) >= 1 && samples["candor_gpsd_malformed_lines_total"] == 0
                    && samples["candor_gpsd_connect_failures_total"] == 0, "\(samples)")
        } else {
            #expect(terminal.gpsd == nil && GpsdMetrics(metrics, services: sinks.services) == nil)
        }
        // Paced 6 times faster than the drive (batches of 500 frames, under a second of the van's),
        // so the reports, 1.7 s of wall time apart, meet several of gpsfake's fixes.
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [directory + "/capture.log"]), realtime: SystemReplayClock(),
                                                 speed: 6, batchFrames: 500) { try sinks.write($0) }
        try sinks.close()
        print("GBT32960 gpsd: \(terminal.report)")
        try platform.stop()
        return try platform.acceptedFrames()
    }

    static func position(_ entry: GBT32960PlatformProcess.Entry) throws -> Position? {
        guard case let .report(report) = try GBT32960ServiceTests.message(entry).payload else { return nil }
        for case let .position(p) in report.items { return p }
        return nil
    }

    @Test func reportsCarryTheTracksFixesThroughGpsdAndInvalidWithoutIt() throws {
        guard let python = PythonOracle.find(importing: ["rtm_con"]) else { return }
        let (directory, truth) = try Self.bundle("track")
        let track = directory + "/track.nmea"
        let fixes = try Self.fixes(track)
        #expect(fixes.count == 61 && truth.distanceKm > 0.1, "\(fixes.count) fixes, \(truth.distanceKm) km")
        let fake = try GpsfakeProcess(log: track, cycleSeconds: 0.1, directory: directory)
        defer { fake.stop() }
        let frames = try Self.replay(directory, gpsd: fake.port, python: python)
        fake.stop()
        let reports = frames.filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(reports.count >= 6)
        var seen = Set<Int>()
        for entry in reports {
            let p = try #require(try Self.position(entry), "no location body")
            #expect(p.isValid, "\(entry.time!): location invalid with gpsd")
            let match = fixes.firstIndex { abs($0.latitude - p.signedLatitude) <= 1e-6 && abs($0.longitude - p.signedLongitude) <= 1e-6 }
            #expect(match != nil, "\(entry.time!): \(p.signedLatitude), \(p.signedLongitude) is no fix of the track")
            if let match { seen.insert(match) }
        }
        print("GBT32960 gpsd: \(reports.count) reports, valid, at \(seen.count) distinct fixes of \(fixes.count)")
        #expect(seen.count >= 3, "the position did not move: fixes \(seen.sorted())")
        try GBT32960ServiceTests().expectRtmConAgrees(frames, python: python)

        let without = try Self.replay(directory, gpsd: nil, python: python).filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(without.count >= 6)
        for entry in without {
            #expect(try Self.position(entry) == Position(status: 1, longitude: 0, latitude: 0), "\(entry.time!): without gpsd")
        }
        try GBT32960ServiceTests().expectRtmConAgrees(without, python: python)
    }
}
