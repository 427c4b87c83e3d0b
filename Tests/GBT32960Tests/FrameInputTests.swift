import CANCore
import Testing
@testable import GBT32960

@Suite struct FrameInputTests {
    let heartbeat = Frame(edition: .v2016, command: .heartbeat, vin: "LFWADRJF011002346", data: []).bytes
    let logout = Frame(edition: .v2025, command: .logout, vin: "LFWADRJF011002346", data: [26, 1, 2, 3, 4, 5, 0, 9]).bytes

    /// A little-endian microsecond pcap of Ethernet/IPv4/TCP packets, one per payload, with
    /// consecutive sequence numbers (the first packet a retransmission when `repeatFirst`).
    func pcap(_ payloads: [[UInt8]], repeatFirst: Bool = false) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        var out: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + le32(0) + le32(0) + le32(65_535) + le32(1)
        var seq: UInt32 = 1000
        let packets = repeatFirst ? [payloads[0]] + payloads : payloads
        for (i, payload) in packets.enumerated() {
            if repeatFirst && i == 1 { seq = 1000 }
            let tcp: [UInt8] = [0x9C, 0x40, 0x80, 0x60] + [UInt8(seq >> 24), UInt8(seq >> 16 & 0xFF), UInt8(seq >> 8 & 0xFF), UInt8(seq & 0xFF)]
                + [0, 0, 0, 0, 0x50, 0x18, 0x20, 0x00, 0, 0, 0, 0] + payload
            let total = 20 + tcp.count
            let ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 2] + tcp
            let frame: [UInt8] = Array(repeating: 0, count: 12) + [0x08, 0x00] + ip
            out += le32(UInt32(i)) + le32(0) + le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
            seq &+= UInt32(payload.count)
        }
        return out
    }

    @Test func tcpPayloadsReassembleAcrossPacketsAndRetransmissions() throws {
        let stream = heartbeat + logout + heartbeat
        let parts = [Array(stream[0..<10]), Array(stream[10..<40]), Array(stream[40...])]
        var skipped = 0
        let frames = try FrameInput.frames(pcap(parts, repeatFirst: true), file: "t.pcap", skipped: &skipped)
        #expect(frames.map(\.bytes) == [heartbeat, logout, heartbeat])
        #expect(skipped == 0)
        #expect(FrameInput.describe(frames[0])["flow"] == .string("127.0.0.1:40000 -> 127.0.0.2:32864"))
    }

    /// Truncated and bit-flipped captures: an error or fewer frames, never a crash.
    @Test func mangledCapturesNeverCrash() {
        let seed: UInt64 = 0x9C40_0001
        print("GBT32960 capture mangling seed: 0x\(String(seed, radix: 16))")
        var rng = SplitMix64(seed: seed)
        let good = pcap([heartbeat + logout, heartbeat])
        for _ in 0..<2000 {
            var bytes = Array(good.prefix(Int.random(in: 0...good.count, using: &rng)))
            for _ in 0..<Int.random(in: 0...4, using: &rng) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            var skipped = 0
            _ = try? FrameInput.frames(bytes, file: "m.pcap", skipped: &skipped)
        }
    }

    @Test func kindIsDetectedFromContent() {
        #expect(FrameInput.kind(of: Array("# c\n2323 07fe\n".utf8)) == .hex)
        #expect(FrameInput.kind(of: heartbeat) == .raw)
        #expect(FrameInput.kind(of: pcap([heartbeat])) == .capture)
    }
}
