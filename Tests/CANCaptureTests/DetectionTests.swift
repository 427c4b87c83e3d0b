import Testing
@testable import CANCapture

@Suite("format detection")
struct DetectionTests {
    @Test("from the extension", arguments: [
        ("a.log", CaptureFormat.candumpLog), ("a.LOG.gz", .candumpLog), ("x/y.asc", .asc), ("a.asc.gz", .asc),
        ("a.pcap", .pcap), ("a.pcap.gz", .pcap), ("a.pcapng", .pcapng), ("b.pcapng.gz", .pcapng),
    ])
    func fromExtension(path: String, format: CaptureFormat) {
        #expect(CaptureFormat.fromExtension(of: path) == format)
    }

    @Test("no format from other extensions")
    func unknownExtension() {
        #expect(CaptureFormat.fromExtension(of: "a.csv") == nil)
        #expect(CaptureFormat.fromExtension(of: "screen.txt") == .candumpASCII)
        #expect(CaptureFormat.fromExtension(of: "-") == nil)
        #expect(CaptureFormat.isGzipPath("a.log.gz") && !CaptureFormat.isGzipPath("a.log"))
    }

    static let contents: [([UInt8], CaptureFormat?)] = [
        (Array("(1700000000.000001) can0 123#11\n".utf8), .candumpLog),
        (Array("\n\n(1.000001)  vcan0 123##1\n".utf8), .candumpLog),
        (Array("DROPCOUNT: dropped 1 CAN frame on 'can0' socket (total drops 1)\n".utf8), .candumpLog),
        (Array("  can0  123   [8]  11 22 33 44 55 66 77 88\n".utf8), .candumpASCII),
        (Array(" (1700000000.000001)  can0  123   [2]  11 22\n".utf8), .candumpASCII),
        (Array("  can0  RX - -  123   [2]  11 22\n".utf8), .candumpASCII),
        (Array(" (2023-11-14 22:13:20.000001)  can0  123   [1]  11\n".utf8), .candumpASCII),
        (Array("  can0  123  [03]  11 22 33\n".utf8), .candumpASCII),
        (Array("date Tue Nov 14 22:13:20 2023\nbase hex  timestamps absolute\n".utf8), .asc),
        (Array("base dec  timestamps absolute\n".utf8), .asc),
        (Array("// version 13.0.0\n".utf8), .asc),
        ([0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0], .pcap),
        ([0xA1, 0xB2, 0xC3, 0xD4, 0, 2, 0, 4], .pcap),
        ([0x4D, 0x3C, 0xB2, 0xA1, 2, 0, 4, 0], .pcap),
        ([0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0], .pcapng),
        (Array("hello\n".utf8), nil),
    ]

    @Test("from the content", arguments: contents)
    func fromContent(bytes: [UInt8], format: CaptureFormat?) {
        #expect(bytes.withUnsafeBytes { CaptureFormat.sniff($0) } == format)
    }

    @Test("content wins over the extension, an override wins over both")
    func precedence() throws {
        let ascii = Array("  can0  123   [1]  11\n".utf8)
        let byContent = try CaptureReader(bytes: Array("(1.000000) can0 123#11\n".utf8), name: "x.asc", format: nil, strict: false)
        #expect(byContent.format == .candumpLog)
        let byOverride = try CaptureReader(bytes: ascii, name: "x.log", format: .candumpLog, strict: false)
        #expect(byOverride.format == .candumpLog)
        #expect(try byOverride.next() == nil)
        #expect(byOverride.statistics.malformedLines == 1)
    }
}
