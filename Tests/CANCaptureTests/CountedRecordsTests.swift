import CANCore
import Foundation
import Testing
@testable import CANCapture

/// Every record a reader skips or bends is counted and told the same way (issue 10, item 11;
/// issue 11, item 1): nothing a capture holds disappears without a number.
@Suite("skipped and bent records are counted")
struct CountedRecordsTests {
    static let ascHeader = """
        date Sam Sep 30 15:06:13.191 2017
        base hex  timestamps absolute
        internal events logged
        // version 9.0.0
        //0.000000 previous log file: logfile_errorframes.asc
        Begin Triggerblock Sam Sep 30 15:06:13.191 2017
           0.000000 Start of measurement

        """

    @Test("ASC: headers are not faults; ids past 29 bits, non-numeric times and a missing End TriggerBlock are")
    func ascFaults() throws {
        let clean = Self.ascHeader + "   0.010000 1  123             Rx   d 1 11\nEnd TriggerBlock\n"
        let (frames, statistics) = try readAll(clean, name: "clean.asc")
        #expect(frames.count == 1 && statistics.malformedLines == 0 && statistics.bentRecords == 0)
        let text = Self.ascHeader + """
               0.010000 1  123             Rx   d 1 11
               0.020000 1  3FFFFFFFx       Rx   d 1 22
               0.021000 1  123456789       Rx   d 1 22
               abc 1  123             Rx   d 1 33
               0.030000 1  124             Rx   d 1 44

            """
        let (read, counted) = try readAll(text, name: "cut.asc")
        #expect(read.map(\.id) == [0x123, 0x124])
        #expect(counted.malformedLines == 4, "two ids, one time, the open Triggerblock")
        #expect(counted.firstMalformed?.line == 9)
        #expect(counted.firstMalformed?.reason.contains("identifier up to") == true)
        #expect(counted.notes(for: "cut.asc").first?.hasPrefix("cut.asc: skipped 4 malformed line(s); first at line 9") == true)
        #expect(throws: CaptureError.self) { _ = try readAll(text, name: "cut.asc", strict: true) }
    }

    @Test("ASC CANFD: a length no DLC gives is malformed; more than 8 bytes without EDL is read as CAN FD and bent")
    func ascFDLengths() throws {
        let text = Self.ascHeader + """
              30.005021 CANFD   1 Rx        300                                   1 0 9  9 11 c2 03 04 05 06 07 08 09   102203  133   303000 e0006659 46500250 4b140250 20011736 2001040d
              30.005031 CANFD   1 Rx        301                                   1 0 9 12 11 c2 03 04 05 06 07 08 09 0a 0b 0c   102203  133   302000 00000000 46500250 4b140250 20011736 2001040d
            End TriggerBlock

            """
        let (frames, statistics) = try readAll(text, name: "fd.asc")
        #expect(frames.map(\.id) == [0x301])
        #expect(frames.first?.kind == .fd && frames.first?.length == 12)
        #expect(statistics.malformedLines == 1 && statistics.bentRecords == 1)
        #expect(statistics.firstBent?.reason.contains("without the EDL flag") == true)
        #expect(throws: CaptureError.self) { _ = try readAll(text, name: "fd.asc", strict: true) }
    }

    @Test("candump log: an oversize classic payload keeps 8 bytes and is bent; FD lengths 9, 11, 33 are malformed")
    func candumpLengths() throws {
        let text = """
            (1594172462.126542) vcan0 064#F001FFFFFFFFFFFFFFFF
            (1.000000) can0 123##1112233445566778899
            (1.000000) can0 123##1\(String(repeating: "AB", count: 11))
            (1.000000) can0 123##1\(String(repeating: "AB", count: 33))
            (1.000000) can0 123##1\(String(repeating: "AB", count: 12))
            DROPCOUNT: dropped 123456789012345678 CAN frames on 'can0' socket (total drops 1)

            """
        let (frames, statistics) = try readAll(text)
        #expect(frames.count == 2)
        #expect(frames.first?.kind == .classic && frames.first?.length == 8)
        #expect(frames.first?.data.bytes(count: 8) == [0xF0, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(frames.first?.data == CANPayload([0xF0, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(frames.last?.length == 12)
        #expect(statistics.malformedLines == 3 && statistics.bentRecords == 1)
        #expect(statistics.droppedByKernel == 123_456_789_012_345_678)
        let notes = statistics.notes(for: "t.log")
        #expect(notes.count == 3, "\(notes)")
        #expect(notes.contains { $0.contains("read 1 frame(s) from line(s) that bend the format; first at line 1") })
        #expect(throws: CaptureError.self) { _ = try readAll(text, strict: true) }
    }

    @Test("what python-can and cantools test data hold: ASC `d 40`, a candump line with fewer bytes than [8]")
    func bentLikeTheOracles() throws {
        let asc = Self.ascHeader + " 0.000000 1  123x            Rx   d 40 00 01 02 03 04 05 06 07 08 09 0A\nEnd TriggerBlock\n"
        let (frames, statistics) = try readAll(asc, name: "single_frame.asc")
        #expect(frames.first?.length == 8 && frames.first?.data.bytes(count: 8) == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(statistics.bentRecords == 1 && statistics.firstBent?.reason.contains("DLC above F") == true)
        let screen = "(2020-12-29 11:33:26.291364)  vcan0  0000024A   [8]  32 05 47 05 55 05 40\n"
        let (cut, counted) = try readAll(screen, name: "plot.txt", format: .candumpASCII)
        #expect(cut.first?.length == 7 && counted.bentRecords == 1)
        #expect(throws: CaptureError.self) { _ = try readAll(screen, name: "plot.txt", format: .candumpASCII, strict: true) }
    }

    @Test("candump ASCII: an FD length no DLC gives is malformed")
    func candumpASCIILengths() throws {
        let (frames, statistics) = try readAll(
            "  can0  123  [09]  11 22 33 44 55 66 77 88 99\n  can0  123  [12]  11 22 33 44 55 66 77 88 99 AA BB CC\n",
            name: "t.txt", format: .candumpASCII)
        #expect(frames.count == 1 && statistics.malformedLines == 1)
    }

    @Test("gzip: junk between members is an error after the frames before it; zero padding is not")
    func gzipJunk() throws {
        let dir = try makeScratchDirectory("gzip-junk")
        defer { try? FileManager.default.removeItem(at: dir) }
        func member(_ text: String) throws -> [UInt8] {
            let path = dir.appendingPathComponent("m.log.gz").path
            try writeAll(try readAll(text).frames, to: path, gzip: true)
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        let a = try member("(1.000000) can0 123#11\n")
        let b = try member("(2.000000) can0 123#22\n")
        let reader = try CaptureReader(bytes: a + Array("JUNK".utf8) + b, name: "junk.log.gz", format: nil, strict: false)
        #expect(try reader.next()?.timestamp.seconds == 1)
        #expect {
            _ = try reader.next()
        } throws: { error in
            (error as! CaptureError).message.contains("data after gzip member 1 is not gzip")
        }
        let padded = try readAll(bytes: a + b + [UInt8](repeating: 0, count: 512), name: "padded.log.gz")
        #expect(padded.frames.count == 2)
    }
}
