import CANCapture
import FleetSimulator
import Foundation
import GBT32960
import Testing
@testable import Gateway

/// `uplink.gbt32960.track`: NMEA sentences read with their checksums (`NMEASentence`) and the
/// location body looked up on the capture's clock (`GNSSTrack`) — the 5 s rule, the last valid
/// fix after a gap, 0, 0 before the first fix, bad lines counted and skipped, GGA dated by RMC
/// across midnight, gzip'd tracks, and the errors at start.
@Suite struct NMEATrackPositionTests {
    /// `$BODY*HH` with its checksum (the XOR of the body's bytes), computed here.
    static func sentence(_ body: String) -> String {
        "$" + body + "*" + String(format: "%02X", body.utf8.reduce(UInt8(0), ^))
    }

    /// GGA then RMC at `hhmmss` on `ddmmyy`, at latitude 31° `minutes`' N, longitude 121° 9.678' E.
    static func fix(_ hhmmss: String, _ ddmmyy: String = "010126", minutes: String = "17.028000", valid: Bool = true) -> [String] {
        [sentence("GPGGA,\(hhmmss).00,31\(minutes),N,12109.678000,E,\(valid ? 1 : 0),08,0.9,4.0,M,9.0,M,,"),
         sentence("GPRMC,\(hhmmss).00,\(valid ? "A" : "V"),31\(minutes),N,12109.678000,E,0.00,45.0,\(ddmmyy),,,A")]
    }

    static func track(_ lines: [String], maxAgeMillis: Int64 = 5_000) throws(GNSSTrack.LoadError) -> GNSSTrack {
        try GNSSTrack(bytes: Array((lines.joined(separator: "\r\n") + "\r\n").utf8), path: "t.nmea", maxAgeMillis: maxAgeMillis)
    }

    /// 2026-01-01T00:00:00Z, milliseconds.
    static let midnight: Int64 = 1_767_225_600_000

    @Test func theSimulatorsSentencesParseWithTheirChecksums() throws {
        let text = "$GPGGA,000012.00,3117.028000,N,12109.678000,E,1,08,0.9,4.0,M,9.0,M,,*"
        let body = text.dropFirst().dropLast()
        let line = text + String(format: "%02X", body.utf8.reduce(UInt8(0), ^))
        guard case let .gga(report) = try NMEASentence.parse(Substring(line)) else { Issue.record("not GGA"); return }
        #expect(report.timeOfDayMillis == 12_000)
        #expect(abs(report.fix!.latitude - (31 + 17.028 / 60)) < 1e-12 && abs(report.fix!.longitude - (121 + 9.678 / 60)) < 1e-12)
        guard case let .rmc(rmc, days) = try NMEASentence.parse(Substring(Self.fix("235959", "311299")[1])) else { Issue.record("not RMC"); return }
        #expect(rmc.timeOfDayMillis == 86_399_000 && days == 10_956, "31 Dec 1999 is day 10956")
        #expect(try NMEASentence.parse(Substring(Self.sentence("GPGSV,1,1,00"))) == .other("GSV"))
        #expect(try NMEASentence.parse(Substring(Self.sentence("GPGGA,000012.00,,,,,0,00,,,M,,M,,"))) == .gga(.init(timeOfDayMillis: 12_000, fix: nil)))
    }

    @Test(arguments: [
        ("$GPGGA,000012.00,3117.028000,N,12109.678000,E,1,08,0.9,4.0,M,9.0,M,,*00", "checksum *00"),
        ("$GPGGA,000012.00,3117.028000,N,12109.678000,E,1,08,0.9,4.0,M,9.0,M,,", "no checksum"),
        ("GPGGA,000012.00*12", "does not start with $"),
        ("garbage \u{1} from a serial port", "not printable ASCII"),
        (NMEATrackPositionTests.sentence("GPGGA,250012.00,3117.028000,N,12109.678000,E,1,08,0.9,4.0,M,9.0,M,,"), "time \"250012.00\""),
        (NMEATrackPositionTests.sentence("GPRMC,000012.00,A,3117.028000,N,12109.678000,E,0.00,45.0,320126,,,A"), "date \"320126\""),
        (NMEATrackPositionTests.sentence("GPRMC,000012.00,A,3117.028000,X,12109.678000,E,0.00,45.0,010126,,,A"), "hemispheres"),
        (NMEATrackPositionTests.sentence("GPRMC,000012.00,A,9117.028000,N,12109.678000,E,0.00,45.0,010126,,,A"), "beyond 90°"),
        (NMEATrackPositionTests.sentence("GPRMC,000012.00,A,3117.028000,N"), "RMC with 4 fields"),
        (NMEATrackPositionTests.sentence("GPGGA,000012.00,3117.028000,N,12109.678000,E,x,08"), "fix quality \"x\""),
    ])
    func aMalformedLineSaysWhy(line: String, expected: String) {
        #expect(throws: NMEASentence.Malformed.self) { try NMEASentence.parse(Substring(line)) }
        do { _ = try NMEASentence.parse(Substring(line)) } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test func aReportTakesTheNewestFixAtOrBeforeItsTimeValidForFiveSeconds() throws {
        // Fixes at 00:00:10 and 00:00:11 (latitudes differ), nothing until 00:00:30.
        let track = try Self.track(Self.fix("000010", minutes: "17.000000") + Self.fix("000011", minutes: "18.000000")
                                   + Self.fix("000030", minutes: "19.000000"))
        let at = { (seconds: Double) in track.position(atMillis: Self.midnight + Int64(seconds * 1000)) }
        #expect(at(9.999) == Position(status: 1, longitude: 0, latitude: 0), "before the first fix: invalid, 0, 0")
        let first = Position(latitude: 31 + 17.0 / 60, longitude: 121 + 9.678 / 60, valid: true)
        let second = Position(latitude: 31 + 18.0 / 60, longitude: 121 + 9.678 / 60, valid: true)
        #expect(at(10) == first && at(10.999) == first)
        #expect(at(11) == second && at(16) == second, "at most 5 s old: valid")
        var stale = second
        stale.status |= 1
        #expect(at(16.001) == stale && at(29.999) == stale, "over 5 s: invalid with the last valid fix")
        #expect(at(30).isValid && at(30).latitude == 31_316_667)
        #expect(track.statistics == .init(lines: 6, reports: 6, fixes: 6, skipped: 0, firstSkipped: []))
        #expect(track.span == (Self.midnight + 10_000)...(Self.midnight + 30_000))
    }

    @Test func aReportWithoutAFixMakesTheLocationInvalidWithTheLastFix() throws {
        let track = try Self.track(Self.fix("000010") + Self.fix("000011", minutes: "18.000000", valid: false) + Self.fix("000012", minutes: "19.000000"))
        let at = { (seconds: Int64) in track.position(atMillis: Self.midnight + seconds * 1000) }
        #expect(at(10).isValid)
        #expect(!at(11).isValid && at(11).latitude == Position(latitude: 31 + 17.028 / 60, longitude: 0, valid: false).latitude,
                "GGA quality 0 and RMC V: invalid, the coordinates of the last fix (not the void report's)")
        #expect(at(12).isValid && at(12).latitude == 31_316_667)
        #expect(track.statistics.reports == 6 && track.statistics.fixes == 4)
    }

    @Test func badLinesAreCountedAndSkippedOthersIgnored() throws {
        var lines = Self.fix("000010")
        lines.insert("garbage", at: 1)
        lines.append(Self.sentence("GPGSV,1,1,00"))
        lines.append(String(Self.fix("000011")[0].dropLast(3)))             // no checksum
        var bad = Array(Self.fix("000011")[1].utf8)
        bad[20] = bad[20] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")   // a digit flipped: checksum wrong
        lines.append(String(decoding: bad, as: UTF8.self))
        lines.append("")
        let track = try Self.track(lines)
        #expect(track.statistics.lines == 6 && track.statistics.reports == 2 && track.statistics.skipped == 3)
        #expect(track.statistics.firstSkipped.count == 3 && track.statistics.firstSkipped[0].hasPrefix("line 2: "))
        #expect(track.statistics.firstSkipped[2].hasPrefix("line 6: checksum"), "\(track.statistics.firstSkipped)")
        #expect(track.summary.contains("2 fixes in 2 reports, 3 lines skipped (line 2: "))
        #expect(track.position(atMillis: Self.midnight + 15_000).isValid && !track.position(atMillis: Self.midnight + 15_001).isValid,
                "the skipped sentences at 00:00:11 are no fix")
    }

    @Test func aGGATakesItsDateFromTheNearestRMCAcrossMidnight() throws {
        // A GGA before any RMC, and a GGA just after midnight before its RMC.
        let lines = [Self.fix("235958", "311225")[0]] + Self.fix("235959", "311225") + [Self.fix("000000", "010126")[0]]
            + [Self.fix("000001", "010126")[0]]
        let track = try Self.track(lines)
        #expect(track.span == (Self.midnight - 2_000)...(Self.midnight + 1_000))
        #expect(track.position(atMillis: Self.midnight - 2_000).isValid && !track.position(atMillis: Self.midnight - 2_001).isValid)
        #expect(track.position(atMillis: Self.midnight + 6_000).isValid && !track.position(atMillis: Self.midnight + 6_001).isValid)
    }

    @Test func theSimulatorsTrackIsReadFixForFixAndGzipToo() throws {
        let track = NMEATrack(startEpochSeconds: Self.midnight / 1000, cumulativeKm: [0, 0.01, 0.03, 0.06], seed: 3)
        let plain = try GNSSTrack(bytes: Array(track.text.utf8), path: "track.nmea", maxAgeMillis: 5_000)
        #expect(plain.statistics == .init(lines: 8, reports: 8, fixes: 8, skipped: 0, firstSkipped: []))
        for fix in track.fixes {
            // The sentences round to 1e-6 minute of arc: within a unit of the body's 1e-6°.
            let p = plain.position(atMillis: fix.time * 1000 + 500), exact = Position(latitude: fix.latitude, longitude: fix.longitude, valid: true)
            #expect(p.status == exact.status && abs(Int(p.latitude) - Int(exact.latitude)) <= 1 && abs(Int(p.longitude) - Int(exact.longitude)) <= 1)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("candor-track-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(Deflate.gzip(Array(track.text.utf8), level: 9)).write(to: URL(fileURLWithPath: directory + "/track.nmea.gz"))
        let gzipped = try GNSSTrack.load(path: directory + "/track.nmea.gz", maxAgeMillis: 5_000)
        #expect(gzipped.statistics == plain.statistics && gzipped.span == plain.span)
        #expect(gzipped.position(atMillis: Self.midnight + 2_000) == plain.position(atMillis: Self.midnight + 2_000))
    }

    @Test func anUnreadableOrEmptyTrackIsAnErrorNamingTheFile() throws {
        #expect(throws: GNSSTrack.LoadError.self) { try GNSSTrack.load(path: "/nonexistent/track.nmea", maxAgeMillis: 5_000) }
        do { _ = try GNSSTrack.load(path: "/nonexistent/track.nmea", maxAgeMillis: 5_000) } catch {
            #expect(error.description.hasPrefix("/nonexistent/track.nmea: cannot read the track: "), "\(error)")
        }
        do { _ = try Self.track(["garbage", Self.sentence("GPGSV,1,1,00")]); Issue.record("a track without a report") } catch {
            #expect(error.description == "t.nmea: no GGA or RMC sentence in 2 lines (1 skipped; line 1: does not start with $)")
        }
        do { _ = try Self.track([Self.fix("000010")[0]]); Issue.record("GGA without a date") } catch {
            #expect(error.description == "t.nmea: GGA without any RMC: the date is only in RMC")
        }
        do { _ = try GNSSTrack(bytes: [0x1F, 0x8B, 0, 1, 2], path: "t.nmea.gz", maxAgeMillis: 5_000); Issue.record("bad gzip read") } catch {
            // Not a gzip error: GNSSTrack(bytes:) reads text; load() inflates.
            #expect(error.description.hasPrefix("t.nmea.gz: no GGA or RMC sentence"))
        }
    }
}
