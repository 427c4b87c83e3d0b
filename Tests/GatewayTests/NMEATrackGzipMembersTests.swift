import CANCapture
import Foundation
import Testing
import TestSupport
@testable import Gateway

/// `uplink.gbt32960.track` gzip'd in several members — what `cat a.nmea.gz b.nmea.gz` or a
/// logger that appends a member per rotation makes. The oracle is the system `gzip`: it writes
/// the members, and `gzip -dc` says what their content is; the track read from the .gz must be
/// the track read from the plain text. A member cut short, a damaged one, bytes after the last
/// and more than 64 MiB inflated are errors naming the file.
@Suite struct NMEATrackGzipMembersTests {
    typealias T = NMEATrackPositionTests

    /// Fixes at 00:00:00–00:00:04, a gap to 00:00:20, an invalid fix at 00:00:21, fixes again at
    /// 00:00:30–00:00:31; a bad checksum and a GSV among them. CRLF, as receivers write.
    static let lines: [String] = {
        var lines = ["00", "01", "02", "03", "04"].flatMap { T.fix("0000" + $0) }
        lines.append("$GPGGA,000005.00,3117.028000,N,12109.678000,E,1,08,0.9,4.0,M,9.0,M,,*00")
        lines.append(T.sentence("GPGSV,1,1,00"))
        lines += T.fix("000020") + T.fix("000021", valid: false) + T.fix("000030", minutes: "17.030000")
        lines += T.fix("000031", minutes: "17.032000")
        return lines
    }()

    static var text: [UInt8] { Array((lines.joined(separator: "\r\n") + "\r\n").utf8) }

    /// Instants around every report, in the gap and past the end (Unix ms).
    static var instants: [Int64] {
        [-1, 0, 500, 1_000, 4_999, 9_000, 9_001, 20_000, 21_500, 26_000, 30_000, 31_000, 36_000, 36_001]
            .map { T.midnight + $0 }
    }

    /// A scratch directory with `a.nmea` (the text up to the middle of a sentence) and `b.nmea`
    /// (the rest), `both.nmea` (the whole text), and `t.nmea.gz`: `gzip -c a`, `gzip -c` of an
    /// empty file, `gzip -c b`, three members appended by the system `gzip`.
    static func members() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("candor-track-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = Self.text
        let cut = text.count / 2 + 7
        #expect(text[cut - 1] != 0x0A && text[cut] != 0x0A, "the cut falls inside a sentence")
        try Data(text[..<cut]).write(to: URL(fileURLWithPath: directory + "/a.nmea"))
        try Data(text[cut...]).write(to: URL(fileURLWithPath: directory + "/b.nmea"))
        try Data(text).write(to: URL(fileURLWithPath: directory + "/both.nmea"))
        try Data().write(to: URL(fileURLWithPath: directory + "/empty.nmea"))
        try shell("gzip -c a.nmea > t.nmea.gz && gzip -c empty.nmea >> t.nmea.gz && gzip -c b.nmea >> t.nmea.gz", in: directory)
        return directory
    }

    /// Runs `script` with `/bin/sh` in `directory`; its output when it exits 0.
    @discardableResult
    static func shell(_ script: String, in directory: String, expecting status: Int32 = 0) throws -> String {
        let run = try ProcessDeadline.run("/bin/sh", ["-c", "cd '\(directory)' && " + script], seconds: 120)
        #expect(run.status == status, "\(script): \(run.output)")
        return run.output
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test func aTrackInSeveralMembersIsTheTrackOfTheirTextJoined() throws {
        let directory = try Self.members()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The oracle: gzip(1) reads the three members as the whole text.
        #expect(Array(try Self.shell("gzip -dc t.nmea.gz", in: directory).utf8) == Self.text)
        let gz = try Self.bytes(directory + "/t.nmea.gz")
        #expect(try Deflate.gunzip(gz, limit: 1 << 20, name: "t.nmea.gz") == Self.text)

        let plain = try GNSSTrack.load(path: directory + "/both.nmea", maxAgeMillis: 5_000)
        let gzipped = try GNSSTrack.load(path: directory + "/t.nmea.gz", maxAgeMillis: 5_000)
        // The sentence split across the members is read whole: only the bad checksum is skipped.
        #expect(plain.statistics.lines == Self.lines.count && plain.statistics.skipped == 1)
        #expect(plain.statistics.reports == 18 && plain.statistics.fixes == 16)
        #expect(gzipped.statistics == plain.statistics && gzipped.span == plain.span)
        for t in Self.instants {
            #expect(gzipped.position(atMillis: t) == plain.position(atMillis: t), "at \(t - T.midnight) ms")
        }
        #expect(gzipped.position(atMillis: T.midnight + 500).isValid && !gzipped.position(atMillis: T.midnight + 9_001).isValid)
        #expect(gzipped.position(atMillis: T.midnight + 31_000).latitude != gzipped.position(atMillis: T.midnight + 4_000).latitude)

        // Zero bytes after the last member (block padding) are ignored, by gzip(1) too.
        let padded = directory + "/padded.nmea.gz"
        try Data(gz + [UInt8](repeating: 0, count: 512)).write(to: URL(fileURLWithPath: padded))
        #expect(Array(try Self.shell("gzip -dc padded.nmea.gz", in: directory).utf8) == Self.text)
        #expect(try GNSSTrack.load(path: padded, maxAgeMillis: 5_000).statistics == plain.statistics)
    }

    @Test func aCutShortDamagedOrTrailedTrackIsAnErrorNamingTheFileAndTheMember() throws {
        let directory = try Self.members()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let gz = try Self.bytes(directory + "/t.nmea.gz")
        func load(_ name: String, _ bytes: [UInt8]) throws -> String {
            let path = directory + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try GNSSTrack.load(path: path, maxAgeMillis: 5_000)
                Issue.record("\(name) was read")
                return ""
            } catch {
                #expect(error.path == path)
                return error.description
            }
        }
        let path = directory + "/"
        // The third member (b) without its last 12 bytes: gzip(1) finds it cut short too.
        let cut = try load("cut.nmea.gz", Array(gz.dropLast(12)))
        try Self.shell("gzip -t cut.nmea.gz 2>/dev/null", in: directory, expecting: 1)
        #expect(cut == path + "cut.nmea.gz: truncated gzip data: unexpected end of input in gzip member 3", "\(cut)")
        // The third member's CRC-32 (its trailer's first 4 bytes) changed.
        var damaged = gz
        damaged[damaged.count - 8] ^= 0xFF
        let bad = try load("bad.nmea.gz", damaged)
        try Self.shell("gzip -t bad.nmea.gz 2>/dev/null", in: directory, expecting: 1)
        #expect(bad == path + "bad.nmea.gz: corrupt gzip data: incorrect data check in gzip member 3", "\(bad)")
        // Text after the last member: gzip(1) warns and exits 2; candor refuses the track.
        let trailed = try load("trailed.nmea.gz", gz + Array("$GPGGA\r\n".utf8))
        try Self.shell("gzip -t trailed.nmea.gz 2>/dev/null", in: directory, expecting: 2)
        #expect(trailed.hasPrefix(path + "trailed.nmea.gz: data after gzip member 3 is not gzip (byte 0x24)"), "\(trailed)")
    }

    @Test func moreThan64MiBInflatedAcrossMembersIsAnError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("candor-track-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Two members of 32 MiB each are exactly the limit; a third byte's member is over it.
        let text = Self.text
        try Data(text).write(to: URL(fileURLWithPath: directory + "/t.nmea"))
        let half = 32 << 20
        let script = "head -c \(half - text.count) /dev/zero | cat t.nmea - | gzip -c > limit.nmea.gz"
            + " && head -c \(half) /dev/zero | gzip -c >> limit.nmea.gz"
            + " && cp limit.nmea.gz over.nmea.gz && printf x | gzip -c >> over.nmea.gz"
        try Self.shell(script, in: directory)
        #expect(GNSSTrack.maxBytes == 64 << 20)
        // At the limit: the track's text, then zeros (one line of them, skipped).
        let atLimit = try GNSSTrack.load(path: directory + "/limit.nmea.gz", maxAgeMillis: 5_000)
        #expect(atLimit.statistics.reports == 18 && atLimit.statistics.skipped == 2)
        do {
            _ = try GNSSTrack.load(path: directory + "/over.nmea.gz", maxAgeMillis: 5_000)
            Issue.record("over the limit was read")
        } catch {
            #expect(error.description == directory + "/over.nmea.gz: gzip data inflates to more than 64 MiB", "\(error)")
        }
    }
}
