import Foundation
@testable import GBT32960
import Testing
import TestSupport
@testable import Gateway

/// The location body on the capture's clock (`uplink.gbt32960.track`), end to end through the
/// executable: `candor simulate` writes a 120 s van drive with its `track.nmea`, `candor replay`
/// replays it with `track:` against the asyncio test platform, and every report's location is
/// checked against the track as this test reads it — its own NMEA parsing (checksums, fields,
/// dates through Foundation's calendar), not candor's — validity bit included. A second replay
/// takes an edited track: no fix before the first report (invalid, 0, 0), a gap ending exactly
/// 5 s before a report (valid, the older fix), a gap of 7 s (invalid, the last fix's
/// coordinates), an RMC with status V (invalid), and five bad lines (garbage, a sentence
/// without its checksum, three with a digit changed) that candor counts and skips. rtm_con
/// (separate process) decodes every frame. Both keys, or a missing file, stop the replay with
/// the config's position or the file's name.
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["rtm_con"])))
struct GBT32960TrackTests {
    static let seed: UInt64 = 32_963

    /// One GGA or RMC as the oracle reads it.
    struct Report {
        var time: Int64
        var latitude: Double?
        var longitude: Double?
        var fix: Bool
    }

    /// The track's GGA and RMC with a good checksum, in file order, and the number of lines that
    /// are not such a sentence (bad or missing checksum, not `$…`), other sentences not counted.
    static func oracle(_ text: String) -> (reports: [Report], bad: Int) {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var bad = 0
        var sentences: [[String]] = []
        for line in text.components(separatedBy: "\r\n") where !line.isEmpty {
            guard line.hasPrefix("$"), let star = line.lastIndex(of: "*") else { bad += 1; continue }
            let body = line[line.index(after: line.startIndex)..<star]
            let sum = line[line.index(after: star)...]
            guard sum.count == 2, UInt8(sum, radix: 16) == body.utf8.reduce(0, ^) else { bad += 1; continue }
            sentences.append(body.components(separatedBy: ","))
        }
        // A GGA's date: the RMC's of the same second (the simulator writes GGA then RMC for
        // each), else the RMC's before it (this test's drives do not cross midnight).
        var dates: [String: String] = [:]
        for f in sentences where f[0].hasSuffix("RMC") { dates[f[1]] = f[9] }
        var lastDate = sentences.first { $0[0].hasSuffix("RMC") }?[9]
        func degrees(_ value: String, _ hemisphere: String, _ width: Int) -> Double? {
            guard let d = Double(value.prefix(width)), let m = Double(value.dropFirst(width)) else { return nil }
            return (d + m / 60) * (hemisphere == "S" || hemisphere == "W" ? -1 : 1)
        }
        var reports: [Report] = []
        for f in sentences {
            let rmc = f[0].hasSuffix("RMC")
            if rmc { lastDate = f[9] }
            guard rmc || f[0].hasSuffix("GGA"), let date = rmc ? f[9] : dates[f[1]] ?? lastDate else { continue }
            let t = f[1], c = rmc ? 3 : 2
            let components = DateComponents(year: 2000 + Int(date.suffix(2))!, month: Int(date.dropFirst(2).prefix(2))!,
                                            day: Int(date.prefix(2))!, hour: Int(t.prefix(2))!, minute: Int(t.dropFirst(2).prefix(2))!,
                                            second: Int(t.dropFirst(4).prefix(2))!)
            let time = Int64(utc.date(from: components)!.timeIntervalSince1970)
            let fix = rmc ? f[2] == "A" : f[6] != "0"
            reports.append(Report(time: time, latitude: degrees(f[c], f[c + 1], 2), longitude: degrees(f[c + 2], f[c + 3], 3), fix: fix))
        }
        return (reports, bad)
    }

    /// What the location body must be for a report at `time` (Unix seconds): the newest report
    /// at or before it valid when a fix at most 5 s old; else invalid with the newest fix's
    /// coordinates, or 0, 0.
    static func expected(_ reports: [Report], at time: Int64) -> (status: UInt8, latitude: UInt32, longitude: UInt32) {
        let before = reports.enumerated().filter { $0.element.time <= time }
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        guard let newest = before.last else { return (1, 0, 0) }
        let valid = newest.fix && time - newest.time <= 5
        guard let fix = before.last(where: \.fix), let lat = fix.latitude, let lon = fix.longitude else { return (1, 0, 0) }
        return ((valid ? 0 : 1) | (lat < 0 ? 2 : 0) | (lon < 0 ? 4 : 0), UInt32((abs(lat) * 1e6).rounded()), UInt32((abs(lon) * 1e6).rounded()))
    }

    static func sentence(_ body: String) -> String {
        "$" + body + "*" + String(format: "%02X", body.utf8.reduce(UInt8(0), ^))
    }

    /// `line` with its first nonzero digit after the address changed, its checksum left as it was.
    static func corrupted(_ line: String) -> String {
        var bytes = Array(line.utf8)
        let comma = bytes.firstIndex(of: UInt8(ascii: ","))!
        let i = bytes[(comma + 1)...].firstIndex { $0 != UInt8(ascii: "0") && (48...57).contains($0) }!
        bytes[i] = bytes[i] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        return String(decoding: bytes, as: UTF8.self)
    }

    static func candor(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try ProcessDeadline.run(CandorBinary.path, arguments, seconds: 300)
    }

    /// `candor replay` of the bundle with `track:` (`nil`: none) against a new platform; the
    /// accepted frames and candor's output.
    static func replay(_ directory: String, name: String, track: String?, python: String) throws
        -> (frames: [GBT32960PlatformProcess.Entry], output: String) {
        let run = directory + "/" + name
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let platform = try GBT32960PlatformProcess(python: python, directory: run)
        defer { try? platform.stop() }
        let config = directory + "/gbt-\(name).yaml"
        try TestFile.write(String(decoding: try TestFile.read(directory + "/candor.yaml"), as: UTF8.self)
                           + platform.uplinkSection(state: run + "/gbt-state") + (track.map { "    track: \($0)\n" } ?? ""), to: config)
        let (status, output) = try candor(["replay", "--config", config, directory + "/capture.log"])
        #expect(status == 0, "\(output)")
        try platform.stop()
        return (try platform.acceptedFrames(), output)
    }

    static func reports(_ frames: [GBT32960PlatformProcess.Entry]) throws -> [(time: Int64, position: Position)] {
        try frames.filter { $0.command == 0x02 || $0.command == 0x03 }.map { entry in
            guard case let .report(report) = try GBT32960ServiceTests.message(entry).payload,
                  let time = entry.time else { throw TestFailure("not a report") }
            for case let .position(p) in report.items { return (time, p) }
            throw TestFailure("\(time): no location body")
        }
    }

    /// Every report against the oracle; the largest coordinate difference in units of 1e-6°.
    static func expectLocations(_ reports: [(time: Int64, position: Position)], track: [Report]) -> Int {
        var largest = 0
        for (time, p) in reports {
            let e = expected(track, at: time)
            #expect(p.status == e.status, "\(time): status \(p.status), the track gives \(e.status)")
            let d = max(abs(Int(p.latitude) - Int(e.latitude)), abs(Int(p.longitude) - Int(e.longitude)))
            largest = max(largest, d)
            #expect(d <= 1, "\(time): \(p.latitude), \(p.longitude); the track gives \(e.latitude), \(e.longitude)")
        }
        return largest
    }

    @Test func everyReportCarriesTheTracksFixAtItsTimeOnTheCapturesClock() throws {
        guard let python = PythonOracle.find(importing: ["rtm_con"]) else { return }
        let directory = try TemporaryDirectory.make("gbt-track")
        print("GBT32960 track: candor simulate --vehicle van --duration 120s --seed \(Self.seed) --output \(directory)")
        let simulated = try Self.candor(["simulate", "--vehicle", "van", "--duration", "120s", "--seed", String(Self.seed), "--output", directory])
        try #require(simulated.status == 0, "\(simulated.output)")
        let text = String(decoding: try TestFile.read(directory + "/track.nmea"), as: UTF8.self)
        let original = Self.oracle(text)
        #expect(original.reports.count == 2 * 121 && original.bad == 0)

        // 1. The simulator's track as it is: every report valid, at the fix of its second.
        let (frames, output) = try Self.replay(directory, name: "track", track: "track.nmea", python: python)
        #expect(output.contains("; track \(directory)/track.nmea: 242 fixes in 242 reports, 0 lines skipped"), "\(output)")
        let reports = try Self.reports(frames)
        #expect(reports.count >= 12)
        #expect(reports.allSatisfy { $0.position.isValid }, "a report invalid with the whole track")
        var largest = Self.expectLocations(reports, track: original.reports)
        #expect(Set(reports.map(\.position.latitude)).count >= 5, "the van did not move")
        try GBT32960ServiceTests().expectRtmConAgrees(frames, python: python)

        // 2. An edited track, the changes placed around the reports' own times.
        let times = reports.map(\.time).sorted()
        let t0 = try #require(times.first), start = try #require(original.reports.first?.time)
        var lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        func second(_ i: Int) -> Int64 { original.reports[i].time }
        var edited: [String] = []
        for (i, line) in lines.enumerated() {
            let t = second(i), rmc = i % 2 == 1
            if t <= t0 { continue }                                          // no fix before the first report
            if (t0 + 36...t0 + 39).contains(t) { continue }                  // the report at +40: its fix 5 s old, valid
            if (t0 + 64...t0 + 70).contains(t) { continue }                  // the report at +70: 7 s old, invalid
            var out = line
            if t == t0 + 20 || (t == t0 + 30 && rmc) { out = Self.corrupted(line) }   // checksum wrong: skipped
            if t == t0 + 50 && rmc { out = Self.sentence(String(line.dropFirst().prefix { $0 != "*" }).replacingOccurrences(of: ",A,", with: ",V,")) }
            edited.append(out)
            if t == t0 + 10 && rmc { edited.append("garbage from a serial port") }
            if t == t0 + 15 && rmc { edited.append(String(line.prefix { $0 != "*" })) }   // no checksum
            if t == t0 + 25 && rmc { edited.append(Self.sentence("GPGSV,1,1,00")) }       // another sentence: ignored
        }
        lines = edited
        try TestFile.write(lines.joined(separator: "\r\n") + "\r\n", to: directory + "/edited.nmea")
        let changed = Self.oracle(lines.joined(separator: "\r\n"))
        #expect(changed.bad == 5)
        let (editedFrames, editedOutput) = try Self.replay(directory, name: "edited", track: "edited.nmea", python: python)
        #expect(editedOutput.contains("; track \(directory)/edited.nmea: \(changed.reports.filter(\.fix).count) fixes in \(changed.reports.count) reports, 5 lines skipped (line "),
                "\(editedOutput)")
        let editedReports = try Self.reports(editedFrames)
        #expect(editedReports.map(\.time) == reports.map(\.time))
        largest = max(largest, Self.expectLocations(editedReports, track: changed.reports))
        let at = Dictionary(editedReports.map { ($0.time, $0.position) }) { a, _ in a }
        #expect(at[t0] == Position(status: 1, longitude: 0, latitude: 0), "before the first fix")
        #expect(at[t0 + 40]?.isValid == true && at[t0 + 70]?.isValid == false && at[t0 + 50]?.isValid == false)
        #expect(at[t0 + 20]?.isValid == true && at[t0 + 30]?.isValid == true && at[t0 + 60]?.isValid == true)
        print("GBT32960 track: seed \(Self.seed), capture start \(start), first report \(t0), \(reports.count) reports; "
              + "largest difference from the oracle \(largest) × 1e-6°")
        try GBT32960ServiceTests().expectRtmConAgrees(editedFrames, python: python)
    }

    @Test func bothPositionSourcesOrAMissingTrackStopTheReplay() throws {
        let directory = try TemporaryDirectory.make("gbt-track-errors")
        let simulated = try Self.candor(["simulate", "--vehicle", "van", "--duration", "5s", "--seed", String(Self.seed), "--output", directory])
        try #require(simulated.status == 0, "\(simulated.output)")
        let section = """

            uplink:
              gbt32960:
                server: 127.0.0.1:9
                edition: 2016
                vin: LTEST000000032960
                iccid: "89860000000000032960"
                state_directory: \(directory)/gbt-state

            """
        let base = String(decoding: try TestFile.read(directory + "/candor.yaml"), as: UTF8.self) + section
        try TestFile.write(base + "    gpsd: 127.0.0.1:2947\n    track: track.nmea\n", to: directory + "/both.yaml")
        let line = base.split(separator: "\n", omittingEmptySubsequences: false).count + 1
        let both = try Self.candor(["replay", "--config", directory + "/both.yaml", directory + "/capture.log"])
        #expect(both.status == 2 && both.output.contains(
            "\(directory)/both.yaml:\(line):"), "\(both.output)")
        #expect(both.output.contains("uplink.gbt32960.track: a position from gpsd (gpsd:) or from a recorded track (track:), not both"))
        try TestFile.write(base + "    track: missing.nmea\n", to: directory + "/missing.yaml")
        let missing = try Self.candor(["replay", "--config", directory + "/missing.yaml", directory + "/capture.log"])
        #expect(missing.status != 0 && missing.output.contains("\(directory)/missing.nmea: uplink.gbt32960.track: cannot read the track: "),
                "\(missing.output)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/gbt-state"), "stopped before the state directory was made")
    }
}
