import CANCore
import Foundation
import Testing
@testable import CANCapture

@Suite("candump log grammar")
struct CandumpLogGrammarTests {
    @Test("classic frame, 3-digit id is standard")
    func classic() throws {
        let (frames, stats) = try readAll("(1700000000.000001) can0 123#1122334455667788\n")
        #expect(frames.count == 1)
        let f = try #require(frames.first)
        #expect(f.id == 0x123 && !f.isExtended && f.kind == .classic)
        #expect(f.bytes == [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
        #expect(f.timestamp == timestamp(1_700_000_000, 1000))
        #expect(f.timestamp.fractionDigits == 6)
        #expect(f.bus == "can0")
        #expect(f.direction == nil)
        #expect(stats.frames == 1 && stats.malformedLines == 0)
    }

    @Test("8-digit id is extended even below 0x800")
    func extendedShort() throws {
        let f = try #require(try readAll("(1.000000) can0 0000007B#11\n").frames.first)
        #expect(f.id == 0x7B && f.isExtended)
        #expect(f.bytes == [0x11])
    }

    @Test("empty data, lower-case hex and dot separators")
    func lowerCaseAndDots() throws {
        let frames = try readAll("""
            (1.000000) can0 1ab#
            (1.000001) can0 1abcdef0#de.ad.be.ef
            """).frames
        #expect(frames.count == 2)
        #expect(frames[0].id == 0x1AB && frames[0].length == 0)
        #expect(frames[1].id == 0x1ABCDEF0 && frames[1].isExtended && frames[1].bytes == [0xDE, 0xAD, 0xBE, 0xEF])
    }

    @Test("raw DLC after 8 bytes")
    func rawDLC() throws {
        let f = try #require(try readAll("(1.000000) can0 123#1122334455667788_C\n").frames.first)
        #expect(f.length == 8 && f.len8DLC == 12 && f.dlc == 12)
    }

    @Test("remote frames: bare, with length, with raw DLC, extended")
    func remote() throws {
        let frames = try readAll("""
            (1.000000) can0 123#R
            (1.000001) can0 123#R5
            (1.000002) can0 123#R8_9
            (1.000003) can0 12345678#r
            """).frames
        #expect(frames.map(\.kind) == [.remote, .remote, .remote, .remote])
        #expect(frames.map(\.length) == [0, 5, 8, 0])
        #expect(frames[2].len8DLC == 9)
        #expect(frames[3].isExtended && frames[3].id == 0x12345678)
        #expect(frames.allSatisfy { $0.bytes.isEmpty })
    }

    @Test("CAN FD with each flags nibble")
    func fd() throws {
        for nibble in 0...15 {
            let hex = String(nibble, radix: 16, uppercase: nibble % 2 == 0)
            let f = try #require(try readAll("(1.000000) can0 123##\(hex)112233\n").frames.first)
            #expect(f.kind == .fd)
            #expect(f.fdFlags.rawValue == UInt8(nibble))
            #expect(f.bytes == [0x11, 0x22, 0x33])
        }
        let long = String(repeating: "AB", count: 64)
        let f = try #require(try readAll("(1.000000) can0 1FFFFFFF##5\(long)\n").frames.first)
        #expect(f.length == 64 && f.isExtended && f.id == 0x1FFF_FFFF)
        #expect(f.fdFlags == [.bitRateSwitch, .fdFormat])
    }

    @Test("error frame: class bits in the id")
    func errorFrame() throws {
        let (frames, stats) = try readAll("(1.000000) can0 20000004#0004000000000000\n")
        let f = try #require(frames.first)
        #expect(f.kind == .error && f.id == 0x4 && !f.isExtended)
        #expect(CANErrorReport(frame: f).classes == .controller)
        #expect(stats.errorFrames == 1 && stats.frames == 1)
    }

    @Test("direction, right-aligned names, 9 digits")
    func directionAndNames() throws {
        let frames = try readAll("""
            (1700000000.000000006)  vcan10 123#11 R
            (1700000000.000000007) can1 123#11 T
            (0000000001.500000)   can0 7FF#
            """).frames
        #expect(frames.count == 3)
        #expect(frames[0].bus == "vcan10" && frames[0].direction == .receive)
        #expect(frames[0].timestamp.fractionDigits == 9 && frames[0].timestamp.nanoseconds == 6)
        #expect(frames[1].direction == .transmit && frames[1].bus == "can1")
        #expect(frames[2].timestamp == timestamp(1, 500_000_000) && frames[2].bus == "can0")
    }

    @Test("DROPCOUNT lines are summed, not frames")
    func dropCount() throws {
        let (frames, stats) = try readAll("""
            (1.000000) can0 123#11
            DROPCOUNT: dropped 3 CAN frames on 'can0' socket (total drops 3)
            (1.000001) can0 123#22
            DROPCOUNT: dropped 1 CAN frame on 'can0' socket (total drops 4)
            """)
        #expect(frames.count == 2)
        #expect(stats.droppedByKernel == 4)
        #expect(stats.nonFrameLines == 2)
        #expect(stats.malformedLines == 0)
    }

    @Test("CAN XL lines are skipped as non-frame lines, not malformed")
    func canXL() throws {
        let (frames, stats) = try readAll("""
            (1.000000) can0 123#11
            (1.000001) can0 00242#81:00:00000000#11223344
            """)
        #expect(frames.count == 1 && stats.malformedLines == 0 && stats.nonFrameLines == 1)
        #expect(throws: CaptureError.self) {
            let reader = try CaptureReader(
                bytes: Array("(1.000001) can0 00242#81:00:00000000#11\n".utf8), name: "xl.log", format: nil,
                strict: false, rejectNonFrames: true)
            _ = try reader.next()
        }
    }

    @Test("CRLF line endings and blank lines")
    func crlf() throws {
        let (frames, stats) = try readAll("(1.000000) can0 123#11\r\n\r\n(1.000001) can0 123#22\r\n")
        #expect(frames.count == 2)
        #expect(stats.nonFrameLines == 1)
    }

    static let malformedLines: [(String, String)] = [
        ("(1.000000) can0 1234#11", "3 (standard) or 8"),
        ("(1.000000) can0 800#11", "up to 7FF"),
        ("(1.000000) can0 123#112", "second hex digit"),
        ("(1.000000) can0 123##1112233445566778899", "a CAN FD length"),
        ("(1.000000) can0 123#" + String(repeating: "00", count: 65), "at most 64 data bytes"),
        ("DROPCOUNT: dropped 12345678901234567890 CAN frames on 'can0' socket (total drops 1)", "at most 18 digits"),
        ("(1.000000) can0 123#11_9", "raw DLC"),
        ("(1.000000) can0 123#1122334455667788_3", "raw DLC"),
        ("(1.000000) can0 123#R9", "remote length"),
        ("(1.000000) can0 123##G11", "flags"),
        ("(1.000000) can0 123##1" + String(repeating: "00", count: 65), "at most 64"),
        ("(1.000000) can0 20000004#R", "never remote"),
        ("(1.0000000000) can0 123#11", "at most 9 fractional"),
        ("(1.000000)can0 123#11", "a space"),
        ("(1.000000) can0", "a space before the frame"),
        ("(1.000000) can0 123#11 X", "'R', 'T'"),
        ("(1.000000) can0 123#11 R extra", "end of the line"),
        ("1.000000 can0 123#11", "'('"),
        ("(abc) can0 123#11", "timestamp"),
        ("(1.000000) can0 123:11", "'#'"),
    ]

    @Test("malformed lines are counted in tolerant mode", arguments: malformedLines)
    func malformedTolerant(line: String, expected: String) throws {
        let (frames, stats) = try readAll("(1.000000) can0 001#01\n\(line)\n(1.000000) can0 002#02\n")
        #expect(frames.map(\.id) == [1, 2])
        #expect(stats.malformedLines == 1)
        let first = try #require(stats.firstMalformed)
        #expect(first.line == 2)
        #expect(first.reason.contains(expected), "\(first.reason)")
    }

    @Test("malformed lines throw file:line:column in strict mode", arguments: malformedLines)
    func malformedStrict(line: String, expected: String) throws {
        let reader = try CaptureReader(
            bytes: Array("(1.000000) can0 001#01\n\(line)\n".utf8), name: "bad.log", format: nil, strict: true)
        #expect(try reader.next()?.id == 1)
        do {
            _ = try reader.next()
            Issue.record("expected an error for \(line)")
        } catch {
            #expect(error.file == "bad.log" && error.line == 2)
            #expect(error.column != nil)
            #expect(error.description.hasPrefix("bad.log:2:"))
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }
}

@Suite("candump log writer")
struct CandumpLogWriterTests {
    static let canonical = """
        (1700000000.000001) can0 123#1122334455667788
        (1700000000.000002) can0 12345678#R
        (1700000000.000003) can0 123#R5
        (1700000000.000004) can0 123#R8_9
        (1700000000.000005) can0 123##5112233
        (1700000000.000006) can0 123##0
        (1700000000.000007) can0 20000004#0004000000000000
        (1700000000.000008) vcan10 123#11 R
        (1700000000.000009) can1 0000007B#11 T
        (1700000000.000000010) can0 123#1122334455667788_C
        (0000000001.000000) can0 7FF#
        (1700000000.000011) can0 1FFFFFFF##F\(String(repeating: "A5", count: 64))

        """

    @Test("canonical input is written back byte for byte")
    func byteIdentical() throws {
        let dir = try makeScratchDirectory("log")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = try readAll(Self.canonical).frames
        #expect(frames.count == 12)
        let path = dir.appendingPathComponent("out.log").path
        try writeAll(frames, to: path)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == Self.canonical)
    }

    @Test("non-canonical input is normalized")
    func normalizes() throws {
        let dir = try makeScratchDirectory("norm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = try readAll("""
            (1.5) can0 1ab#de.ad
            (1700000000.000001)   vcan0 1abcdef0#r
            """).frames
        let path = dir.appendingPathComponent("out.log").path
        try writeAll(frames, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == """
            (0000000001.5) can0 1AB#DEAD
            (1700000000.000001) vcan0 1ABCDEF0#R

            """)
    }

    @Test("gzip round trip")
    func gzipRoundTrip() throws {
        let dir = try makeScratchDirectory("gz")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = try readAll(Self.canonical).frames
        let path = dir.appendingPathComponent("out.log.gz").path
        try writeAll(frames, to: path)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(raw.prefix(2) == Data([0x1F, 0x8B]))
        #expect(try readAll(path: path) == frames)
        // The same bytes read from memory are inflated too.
        #expect(try readAll(bytes: Array(raw), name: "x.log.gz").frames == frames)
    }
}

@Suite("hex digits")
struct HexDigitTests {
    @Test("the branch-free hex value agrees with a plain one for all 256 bytes")
    func allBytes() {
        for byte in 0...255 {
            let b = UInt8(byte)
            let expected: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): expected = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): expected = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): expected = b - UInt8(ascii: "A") + 10
            default: expected = 0xFF
            }
            #expect(hexValue(b) == expected, "byte \(byte)")
        }
    }
}
