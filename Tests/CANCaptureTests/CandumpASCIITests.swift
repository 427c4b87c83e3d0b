import CANCore
import Foundation
import Testing
@testable import CANCapture

@Suite("candump ASCII output")
struct CandumpASCIITests {
    @Test("the lines candump prints")
    func grammar() throws {
        let text = """
              can0  123   [8]  11 22 33 44 55 66 77 88
              can0  12345678   [2]  DE AD
              can0       7FF   [0] 
              can0  123  [03]  11 22 33
              can0  123  [12]  00 11 22 33 44 55 66 77 88 99 AA BB
              can0  123   {B}  11 22 33 44 55 66 77 88
              can0  123   [5]  remote request
              can0  20000004   [8]  00 04 00 00 00 00 60 00   ERRORFRAME
            \tcontroller-problem{rx-error-warning}
            \terror-counter-tx-rx{{96}{0}}
             (1700000000.000001)  can1  321   [1]  42
             (1700000000.000000002)  vcan10  RX B E  321  [02]  42 43
              can0  TX - -  321   [2]  41 42                     'AB'

            """
        let (frames, stats) = try readAll(text, name: "-", format: nil)
        #expect(stats.malformedLines == 0, "\(String(describing: stats.firstMalformed))")
        #expect(stats.nonFrameLines == 2)  // the two detail lines of the error frame
        #expect(frames.count == 11)
        #expect(frames[0].id == 0x123 && frames[0].kind == .classic && frames[0].bytes == [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
        #expect(frames[0].timestamp == .zero && frames[0].timestamp.fractionDigits == 6)
        #expect(frames[1].isExtended && frames[1].id == 0x1234_5678 && frames[1].bytes == [0xDE, 0xAD])
        #expect(frames[2].id == 0x7FF && frames[2].length == 0)
        #expect(frames[3].kind == .fd && frames[3].length == 3)
        #expect(frames[4].kind == .fd && frames[4].length == 12)
        #expect(frames[5].len8DLC == 0xB && frames[5].length == 8)
        #expect(frames[6].kind == .remote && frames[6].length == 5)
        #expect(frames[7].kind == .error && frames[7].id == 0x4 && frames[7].bytes[6] == 0x60)
        #expect(frames[8].timestamp == timestamp(1_700_000_000, 1000) && frames[8].bus == "can1")
        #expect(frames[9].bus == "vcan10" && frames[9].direction == .receive)
        #expect(frames[9].fdFlags == [.bitRateSwitch, .errorStateIndicator] && frames[9].timestamp.fractionDigits == 9)
        #expect(frames[10].direction == .transmit && frames[10].bytes == [0x41, 0x42])
    }

    @Test("candump -tA date-time stamps, read as UTC")
    func dateTimeStamps() throws {
        let (frames, stats) = try readAll("""
             (2023-11-14 22:13:20.000001)  can0  123   [1]  11
             (2000-02-29 00:00:00.5)  can0  123   [0] 
             (2023-13-14 22:13:20.000001)  can0  123   [1]  11

            """, name: "-")
        #expect(frames.count == 2 && stats.malformedLines == 1)
        #expect(frames[0].timestamp == timestamp(1_700_000_000, 1000))
        #expect(frames[1].timestamp == timestamp(951_782_400, 500_000_000) && frames[1].timestamp.fractionDigits == 1)
    }

    @Test("written exactly as candump prints")
    func writer() throws {
        let dir = try makeScratchDirectory("ascii")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.txt").path
        var remote = CANFrame(bus: "can0", id: 0x123, kind: .remote, length: 5)
        remote.direction = nil
        try writeAll([
            CANFrame(bus: "can0", id: 0x123, bytes: [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]),
            CANFrame(bus: "can0", id: 0x123, kind: .fd, length: 3, data: CANPayload([0x11, 0x22, 0x33])),
            remote,
            CANFrame(bus: "can0", id: 0x4, kind: .error, length: 8, data: CANPayload([0, 4, 0, 0, 0, 0, 0, 0])),
            CANFrame(bus: "can0", id: 0x1234_5678, isExtended: true, bytes: [0xDE, 0xAD]),
            CANFrame(bus: "can0", id: 0x7FF, bytes: [0x01]),
        ], to: path, format: .candumpASCII)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == """
              can0  123   [8]  11 22 33 44 55 66 77 88
              can0  123  [03]  11 22 33
              can0  123   [5]  remote request
              can0  20000004   [8]  00 04 00 00 00 00 00 00   ERRORFRAME
              can0  12345678   [2]  DE AD
              can0       7FF   [1]  01

            """)
    }

    @Test("round trip through candump ASCII")
    func roundTrip() throws {
        let dir = try makeScratchDirectory("ascii-rt")
        defer { try? FileManager.default.removeItem(at: dir) }
        // ASCII output carries BRS/ESI only in -x columns (written when a direction is set)
        // and never FDF.
        let frames = SampleFrames.all().map { frame -> CANFrame in
            var f = normalized(frame, keepFDF: false)
            if f.kind == .fd { f.direction = .receive }
            return f
        }
        let path = dir.appendingPathComponent("out.txt").path
        try writeAll(frames, to: path, format: .candumpASCII)
        #expect(try readAll(path: path) == frames)
        #expect(try CaptureReader(path: path).format == .candumpASCII)
    }
}
