import CANCore
import Foundation
import Testing
@testable import CANCapture

@Suite("Vector ASC")
struct ASCTests {
    /// As can-utils log2asc (2020.11) writes it, plus python-can and Vector variants.
    static let sample = """
        date Tue Nov 14 22:13:20 2023
        base hex  timestamps absolute
        no internal events logged
        // version 9.0.0
        Begin Triggerblock Tue Nov 14 22:13:20.000 2023
           0.000000 Start of measurement
           0.000000 1  123             Rx   d 8 11 22 33 44 55 66 77 88
           0.000001 1  12345678x       Rx   r 0
           0.000002 1  123             Rx   r 5
           0.100003 CANFD   2 Rx        123                                   1 0 3  3 11 22 33   130000  130     3000 0 0 0 0 0
           0.000004 1  ErrorFrame
           0.000005 1  7Bx             Tx   d 1 11
           0.000006 CANFD   1 Rx        123                                   1 0 9 12 11 22 33 44 55 66 77 88 99 AA BB CC   130000  130     3000 0 0 0 0 0
           0.000007 CANFD   1 Rx   12345678x                                  0 0 0  0   130000  130       10 0 0 0 0 0
           0.000008 CANFD   1 Rx        123                                   0 0 8  8 11 22 33 44 55 66 77 88   130000  130        0 0 0 0 0 0
           0.000009 CANFD   1 Tx      1A2x  SomeMessage 0 1 2  2 AB CD        0    0     5000        0        0        0        0        0
           0.000010 1  100             Rx   d 2 01 02  Length = 228000 BitCount = 59 ID = 256
           0.000011 1  Statistic: D 0 R 0 XD 0 XR 0 E 0 O 0 B 0.00%
           0.000012 1  1FF             Rx   r
        End TriggerBlock
        """

    @Test("header, classic, remote, extended, CAN FD, error and other lines")
    func grammar() throws {
        let (frames, stats) = try readAll(Self.sample, name: "x.asc")
        #expect(stats.malformedLines == 0, "\(String(describing: stats.firstMalformed))")
        #expect(frames.count == 12)
        let f = frames
        #expect(f[0].id == 0x123 && f[0].kind == .classic && f[0].bytes == [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
        #expect(f[0].bus == "1" && f[0].direction == .receive && f[0].timestamp == .zero && f[0].timestamp.fractionDigits == 6)
        #expect(f[1].kind == .remote && f[1].isExtended && f[1].id == 0x1234_5678 && f[1].length == 0)
        #expect(f[2].kind == .remote && f[2].length == 5)
        #expect(f[3].kind == .fd && f[3].bus == "2" && f[3].fdFlags == [.bitRateSwitch] && f[3].bytes == [0x11, 0x22, 0x33])
        #expect(f[3].timestamp == timestamp(0, 100_003_000))
        #expect(f[4].kind == .error && f[4].bus == "1")
        #expect(f[5].isExtended && f[5].id == 0x7B && f[5].direction == .transmit)
        #expect(f[6].kind == .fd && f[6].length == 12)
        #expect(f[7].kind == .remote && f[7].isExtended)  // flags 0x10 without EDL
        #expect(f[8].kind == .classic && f[8].length == 8)  // log2asc -f: classic frame on a CANFD line
        #expect(f[9].kind == .fd && f[9].fdFlags == [.errorStateIndicator] && f[9].id == 0x1A2 && f[9].isExtended)
        #expect(f[10].id == 0x100 && f[10].bytes == [1, 2])
        #expect(f[11].kind == .remote && f[11].id == 0x1FF && f[11].length == 0)
    }

    @Test("base dec: decimal ids and data")
    func decimalBase() throws {
        let frames = try readAll("""
            date Tue Nov 14 22:13:20 2023
            base dec  timestamps absolute
               1.500000 1  291             Rx   d 3 1 2 255
               1.500001 2  305419896x      Tx   d 1 16
            """, name: "d.asc").frames
        #expect(frames.count == 2)
        #expect(frames[0].id == 291 && frames[0].bytes == [1, 2, 255] && frames[0].timestamp == timestamp(1, 500_000_000))
        #expect(frames[1].id == 0x1234_5678 && frames[1].isExtended && frames[1].bytes == [16] && frames[1].bus == "2")
    }

    @Test("malformed frame lines", arguments: [
        "   0.000000 1  123             Rx   d 8 11 22",
        "   0.000000 1  123             Rx   q 8",
        "   0.000000 1  123             Up   d 1 11",
        "   0.000000 CANFD   1 Rx        123   1 0 3  3 11 22",
        "   0.000000 CANFD   1 Rx        123   7 0 3  3 11 22 33",
    ])
    func malformed(line: String) throws {
        let (frames, stats) = try readAll("base hex  timestamps absolute\n\(line)\n", name: "m.asc")
        #expect(frames.isEmpty)
        #expect(stats.malformedLines == 1)
        #expect(throws: CaptureError.self) {
            _ = try readAll("base hex  timestamps absolute\n\(line)\n", name: "m.asc", strict: true)
        }
    }

    /// What ASC keeps of a frame: channel numbers for buses, Rx by default, no FDF bit, no
    /// error-frame details, times relative to the first frame's whole second.
    static func ascView(_ frame: CANFrame, channel: [String: String], start: Int64) -> CANFrame {
        var f = normalized(frame, keepFDF: false, keepRawDLC: false)
        f.bus = channel[frame.bus] ?? frame.bus
        if f.direction == nil { f.direction = .receive }
        f.timestamp = CANTimestamp(totalNanoseconds: frame.timestamp.totalNanoseconds - start * 1_000_000_000, fractionDigits: 6)
        if f.kind == .error { f = CANFrame(timestamp: f.timestamp, bus: f.bus, id: 0, kind: .error, length: 0) }
        if f.kind == .remote { f.direction = f.direction ?? .receive }
        return f
    }

    @Test("round trip: frames -> ASC -> frames, and ASC -> ASC unchanged")
    func roundTrip() throws {
        let dir = try makeScratchDirectory("asc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = SampleFrames.all()
        let path = dir.appendingPathComponent("out.asc").path
        try writeAll(frames, to: path)
        let back = try readAll(path: path)
        let expected = frames.map { Self.ascView($0, channel: ["can0": "1", "can1": "2"], start: 1_700_000_000) }
        #expect(back == expected)
        // ASC written from ASC keeps channels and times exactly.
        let second = dir.appendingPathComponent("again.asc.gz").path
        try writeAll(back, to: second)
        #expect(try readAll(path: second) == back)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("date Tue Nov 14 22:13:20.000 2023\nbase hex  timestamps absolute\n"))
        #expect(text.hasSuffix("End TriggerBlock\n"))
    }

    @Test("the date header is UTC civil time")
    func dates() {
        #expect(ASCEncoder.dateText(0) == "Thu Jan 01 00:00:00.000 1970")
        #expect(ASCEncoder.dateText(1_700_000_000) == "Tue Nov 14 22:13:20.000 2023")
        #expect(ASCEncoder.dateText(951_782_400) == "Tue Feb 29 00:00:00.000 2000")
        #expect(ASCEncoder.dateText(4_107_542_399) == "Sun Feb 28 23:59:59.000 2100")
    }
}
