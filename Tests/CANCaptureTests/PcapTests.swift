import CANCore
import Foundation
import Testing
@testable import CANCapture

/// What pcap keeps of a frame: FD frames gain FDF; no direction.
func pcapView(_ frame: CANFrame, bus: String? = nil) -> CANFrame {
    var f = normalized(frame, keepDirection: false)
    if f.kind == .fd { f.fdFlags.insert(.fdFormat) }
    if let bus { f.bus = bus }
    return f
}

@Suite("pcap and pcapng")
struct PcapTests {
    @Test("pcap round trip, microseconds; every frame on the reader's bus")
    func pcapRoundTrip() throws {
        let dir = try makeScratchDirectory("pcap")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = SampleFrames.all()
        let path = dir.appendingPathComponent("out.pcap").path
        try writeAll(frames, to: path)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.prefix(4) == [0xD4, 0xC3, 0xB2, 0xA1])
        #expect(try readAll(path: path) == frames.map { pcapView($0, bus: "can0") })
        let named = try CaptureReader(path: path, bus: "vcan3")
        #expect(try named.next()?.bus == "vcan3")
        // gzip too
        let gz = dir.appendingPathComponent("out.pcap.gz").path
        try writeAll(frames, to: gz)
        #expect(try readAll(path: gz) == frames.map { pcapView($0, bus: "can0") })
    }

    @Test("pcap with nanosecond timestamps")
    func pcapNanoseconds() throws {
        let dir = try makeScratchDirectory("pcapns")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = SampleFrames.all().enumerated().map { i, frame -> CANFrame in
            var f = frame
            f.timestamp = CANTimestamp(seconds: 1_700_000_000, nanoseconds: UInt32(i * 1_000_001 + 7), fractionDigits: 9)
            return f
        }
        let path = dir.appendingPathComponent("ns.pcap").path
        try writeAll(frames, to: path)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.prefix(4) == [0x4D, 0x3C, 0xB2, 0xA1])
        let back = try readAll(path: path)
        #expect(back == frames.map { pcapView($0, bus: "can0") })
        #expect(back.allSatisfy { $0.timestamp.fractionDigits == 9 })
    }

    @Test("big-endian pcap written by hand")
    func bigEndianPcap() throws {
        var bytes: [UInt8] = [0xA1, 0xB2, 0xC3, 0xD4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 72, 0, 0, 0, 227]
        bytes += [0x65, 0x53, 0xF1, 0x00, 0, 0, 0, 42, 0, 0, 0, 16, 0, 0, 0, 16]  // 1700000000 s, 42 µs
        bytes += [0x80, 0x00, 0x01, 0x23, 2, 0, 0, 0, 0xAB, 0xCD, 0, 0, 0, 0, 0, 0]
        let (frames, _) = try readAll(bytes: bytes, name: "be.pcap")
        #expect(frames == [CANFrame(
            timestamp: timestamp(1_700_000_000, 42_000), bus: "can0", id: 0x123, isExtended: true, bytes: [0xAB, 0xCD])])
    }

    @Test("pcap of another link type is refused")
    func wrongLinkType() {
        let bytes: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0]
        #expect {
            _ = try CaptureReader(bytes: bytes, name: "eth.pcap", format: nil, strict: false)
        } throws: { error in
            (error as! CaptureError).message.contains("link type 1")
        }
    }

    @Test("truncated pcap record: counted, or thrown when strict")
    func truncatedRecord() throws {
        let dir = try makeScratchDirectory("pcaptrunc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.pcap").path
        try writeAll(Array(SampleFrames.all().prefix(3)), to: path)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let cut = Array(bytes.dropLast(5))
        let (frames, stats) = try readAll(bytes: cut, name: "t.pcap")
        #expect(frames.count == 2)
        #expect(stats.malformedLines == 1 && stats.firstMalformed?.line == 3)
        #expect(throws: CaptureError.self) { _ = try readAll(bytes: cut, name: "t.pcap", strict: true) }
    }

    @Test("pcapng round trip: interfaces named after buses, µs and ns resolution")
    func pcapngRoundTrip() throws {
        let dir = try makeScratchDirectory("pcapng")
        defer { try? FileManager.default.removeItem(at: dir) }
        var frames = SampleFrames.all(bus: "can0", otherBus: "vcan1")
        var nano = CANFrame(bus: "can9", id: 0x42, bytes: [1])
        nano.timestamp = CANTimestamp(seconds: 1_700_000_001, nanoseconds: 123_456_789, fractionDigits: 9)
        frames.append(nano)
        let path = dir.appendingPathComponent("out.pcapng").path
        try writeAll(frames, to: path)
        let back = try readAll(path: path)
        #expect(back == frames.map { pcapView($0) })
        #expect(back.last?.timestamp.fractionDigits == 9)
        #expect(back.first?.timestamp.fractionDigits == 6)
        let reader = try CaptureReader(path: path)
        #expect(reader.format == .pcapng)
    }

    /// A big-endian pcapng section with a binary timestamp resolution (2^-20 s), an offset,
    /// an unknown block, an Ethernet interface and a simple packet block.
    @Test("big-endian pcapng with if_tsresol 2^-20, if_tsoffset, other blocks")
    func bigEndianPcapng() throws {
        var out: [UInt8] = []
        func u16(_ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: UInt32) { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        // SHB
        u32(0x0A0D_0D0A); u32(28); u32(0x1A2B_3C4D); u16(1); u16(0); u32(0xFFFF_FFFF); u32(0xFFFF_FFFF); u32(28)
        // IDB 0: CAN, name "hs", tsresol 0x94 (2^-20), tsoffset 1_000_000_000 s
        u32(1); u32(52); u16(227); u16(0); u32(72)
        u16(2); u16(2); out += [UInt8(ascii: "h"), UInt8(ascii: "s"), 0, 0]
        u16(9); u16(1); out += [0x94, 0, 0, 0]
        u16(14); u16(8); u32(0); u32(1_000_000_000)
        u16(0); u16(0); u32(52)
        // IDB 1: Ethernet
        u32(1); u32(20); u16(1); u16(0); u32(0); u32(20)
        // an unknown block type
        u32(0x0BAD); u32(16); u32(0xDEAD_BEEF); u32(16)
        // EPB on interface 0: 3.5 s in 2^-20 units
        let units: UInt64 = 3 << 20 | 1 << 19
        u32(6); u32(48); u32(0); u32(UInt32(units >> 32)); u32(UInt32(units & 0xFFFF_FFFF)); u32(16); u32(16)
        out += [0x00, 0x00, 0x07, 0xFF, 1, 0, 0, 0, 0x5A, 0, 0, 0, 0, 0, 0, 0]
        u32(48)
        // EPB on interface 1 (Ethernet): skipped as a non-frame record
        u32(6); u32(36); u32(1); u32(0); u32(0); u32(4); u32(4); out += [1, 2, 3, 4]; u32(36)
        // SPB: interface 0, no timestamp
        u32(3); u32(32); u32(16); out += [0x20, 0, 0, 0x40, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; u32(32)
        let (frames, stats) = try readAll(bytes: out, name: "be.pcapng")
        #expect(frames.count == 2)
        #expect(frames[0] == CANFrame(
            timestamp: CANTimestamp(seconds: 1_000_000_003, nanoseconds: 500_000_000, fractionDigits: 9),
            bus: "hs", id: 0x7FF, bytes: [0x5A]))
        #expect(frames[1].kind == .error && frames[1].id == 0x40 && frames[1].bus == "hs")
        #expect(stats.nonFrameLines == 5)  // SHB, 2 IDBs, unknown block, Ethernet packet
        #expect(stats.malformedLines == 0)
    }

    @Test("pcapng packet for an undefined interface is malformed")
    func undefinedInterface() throws {
        var out: [UInt8] = []
        func u32(_ v: UInt32) { ByteOrder.appendLittle32(v, to: &out) }
        u32(0x0A0D_0D0A); u32(28); u32(0x1A2B_3C4D); out += [1, 0, 0, 0]; u32(0xFFFF_FFFF); u32(0xFFFF_FFFF); u32(28)
        u32(6); u32(48); u32(0); u32(0); u32(0); u32(16); u32(16); out += [UInt8](repeating: 0, count: 16); u32(48)
        let (frames, stats) = try readAll(bytes: out, name: "x.pcapng")
        #expect(frames.isEmpty && stats.malformedLines == 1)
        #expect(stats.firstMalformed?.reason.contains("interface 0") == true)
    }
}
