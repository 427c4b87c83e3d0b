/// The TCP payloads of a pcap or pcapng capture, in capture order, one flow per direction.
///
/// Link types read: Ethernet (1, with 802.1Q tags), BSD loopback (0), raw IP (101),
/// Linux cooked SLL (113) and SLL2 (276); IPv4 (unfragmented) and IPv6 (hop-by-hop,
/// routing and destination-option headers skipped). Segments are placed by sequence number:
/// a retransmitted or overlapping part is cut, a gap (bytes the capture missed) is counted.
struct TCPCapture {
    struct Segment {
        /// The 1-based packet number (as Wireshark counts them).
        var packet: Int
        /// `198.51.100.7:40000 -> 198.51.100.1:32960`.
        var flow: String
        var payload: ArraySlice<UInt8>
        /// Bytes missing between the previous segment of this flow and this one.
        var gap: Int
    }

    struct Failure: Error {
        /// The 1-based pcap record or pcapng block.
        var record: Int?
        var message: String
    }

    static func isCapture(_ b: [UInt8]) -> Bool {
        guard b.count >= 4 else { return false }
        let m = (b[0], b[1], b[2], b[3])
        return m == (0x0A, 0x0D, 0x0D, 0x0A) || m == (0xA1, 0xB2, 0xC3, 0xD4) || m == (0xD4, 0xC3, 0xB2, 0xA1)
            || m == (0xA1, 0xB2, 0x3C, 0x4D) || m == (0x4D, 0x3C, 0xB2, 0xA1)
    }

    /// Every TCP segment with payload, reassembled per flow.
    static func segments(_ b: [UInt8]) throws(Failure) -> [Segment] {
        var packets: [(number: Int, link: UInt32, data: ArraySlice<UInt8>)] = []
        if b.starts(with: [0x0A, 0x0D, 0x0D, 0x0A]) {
            try pcapng(b, into: &packets)
        } else {
            try pcap(b, into: &packets)
        }
        var next: [String: UInt32] = [:]
        var out: [Segment] = []
        for p in packets {
            guard let ip = network(link: p.link, p.data), let tcp = transport(ip) else { continue }
            let flow = "\(tcp.source) -> \(tcp.destination)"
            var payload = tcp.payload
            var seq = tcp.syn ? tcp.seq &+ 1 : tcp.seq
            var gap = 0
            if let expected = next[flow] {
                let delta = Int(Int32(bitPattern: seq &- expected))
                if delta < 0 {
                    payload = payload.dropFirst(-delta)
                    seq = expected
                } else {
                    gap = delta
                }
            }
            let end = seq &+ UInt32(payload.count)
            if let expected = next[flow], Int32(bitPattern: end &- expected) < 0 {
                // A retransmission wholly before what was already seen: nothing new.
            } else {
                next[flow] = end
            }
            if !payload.isEmpty { out.append(Segment(packet: p.number, flow: flow, payload: payload, gap: gap)) }
        }
        return out
    }

    private static func u16(_ b: ArraySlice<UInt8>, _ i: Int, little: Bool = false) -> Int {
        let s = b.startIndex + i
        return little ? Int(b[s]) | Int(b[s + 1]) << 8 : Int(b[s]) << 8 | Int(b[s + 1])
    }
    private static func u32(_ b: ArraySlice<UInt8>, _ i: Int, little: Bool) -> UInt32 {
        let s = b.startIndex + i
        let v = UInt32(b[s]) << 24 | UInt32(b[s + 1]) << 16 | UInt32(b[s + 2]) << 8 | UInt32(b[s + 3])
        return little ? v.byteSwapped : v
    }

    private static func pcap(_ b: [UInt8], into packets: inout [(number: Int, link: UInt32, data: ArraySlice<UInt8>)]) throws(Failure) {
        guard b.count >= 24 else { throw Failure(record: nil, message: "truncated pcap file header") }
        let little = b[0] == 0xD4 || b[0] == 0x4D
        let all = b[...]
        let link = u32(all, 20, little: little) & 0x0FFF_FFFF
        var at = 24, record = 0
        while at < b.count {
            record += 1
            guard at + 16 <= b.count else { throw Failure(record: record, message: "truncated pcap record header") }
            let captured = Int(u32(all, at + 8, little: little))
            guard at + 16 + captured <= b.count else { throw Failure(record: record, message: "truncated pcap record: \(captured) bytes announced") }
            packets.append((record, link, all[at + 16..<at + 16 + captured]))
            at += 16 + captured
        }
    }

    private static func pcapng(_ b: [UInt8], into packets: inout [(number: Int, link: UInt32, data: ArraySlice<UInt8>)]) throws(Failure) {
        let all = b[...]
        var little = true, links: [UInt32] = [], at = 0, record = 0
        while at < b.count {
            record += 1
            guard at + 12 <= b.count else { throw Failure(record: record, message: "truncated pcapng block header") }
            if b[at] == 0x0A && b[at + 1] == 0x0D && b[at + 2] == 0x0D && b[at + 3] == 0x0A {
                little = b[at + 8] == 0x4D
                links = []
            }
            let type = u32(all, at, little: little)
            let length = Int(u32(all, at + 4, little: little))
            guard length >= 12, length % 4 == 0, at + length <= b.count else {
                throw Failure(record: record, message: "pcapng block with an invalid length \(length)")
            }
            let block = all[at..<at + length]
            switch type {
            case 1: links.append(UInt32(u16(block, 8, little: little)))
            case 6 where length >= 32:
                let interface = Int(u32(block, 8, little: little)), captured = Int(u32(block, 20, little: little))
                guard interface < links.count, 28 + captured <= length else {
                    throw Failure(record: record, message: "enhanced packet block of an unknown interface or longer than its block")
                }
                packets.append((packets.count + 1, links[interface], block.dropFirst(28).prefix(captured)))
            case 3 where length >= 16 && !links.isEmpty:
                let original = Int(u32(block, 8, little: little))
                packets.append((packets.count + 1, links[0], block.dropFirst(12).prefix(min(original, length - 16))))
            default: break
            }
            at += length
        }
    }

    /// The IP packet inside a link-layer frame.
    private static func network(link: UInt32, _ d: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        switch link {
        case 1:
            var offset = 12
            while d.count >= offset + 2 && (u16(d, offset) == 0x8100 || u16(d, offset) == 0x88A8) { offset += 4 }
            guard d.count > offset + 2 else { return nil }
            let type = u16(d, offset)
            return type == 0x0800 || type == 0x86DD ? d.dropFirst(offset + 2) : nil
        case 0: return d.count > 4 ? d.dropFirst(4) : nil
        case 101, 12, 14: return d
        case 113: return d.count > 16 ? d.dropFirst(16) : nil
        case 276: return d.count > 20 ? d.dropFirst(20) : nil
        default: return nil
        }
    }

    private struct TCP {
        var source: String, destination: String, seq: UInt32, syn: Bool, payload: ArraySlice<UInt8>
    }

    private static func transport(_ ip: ArraySlice<UInt8>) -> TCP? {
        guard let first = ip.first else { return nil }
        var segment: ArraySlice<UInt8>, source: String, destination: String
        if first >> 4 == 4 {
            let header = Int(first & 0x0F) * 4
            guard ip.count >= 20, header >= 20, ip[ip.startIndex + 9] == 6 else { return nil }
            guard u16(ip, 6) & 0x1FFF == 0, u16(ip, 6) & 0x2000 == 0 else { return nil }  // fragments
            let total = min(u16(ip, 2), ip.count)
            guard total >= header else { return nil }
            let s = ip.startIndex
            source = "\(ip[s + 12]).\(ip[s + 13]).\(ip[s + 14]).\(ip[s + 15])"
            destination = "\(ip[s + 16]).\(ip[s + 17]).\(ip[s + 18]).\(ip[s + 19])"
            segment = ip[s + header..<s + total]
        } else if first >> 4 == 6 {
            guard ip.count >= 40 else { return nil }
            var next = ip[ip.startIndex + 6], offset = 40
            while next == 0 || next == 43 || next == 60 {
                guard ip.count >= offset + 8 else { return nil }
                next = ip[ip.startIndex + offset]
                offset += 8 * (Int(ip[ip.startIndex + offset + 1]) + 1)
            }
            let end = min(40 + u16(ip, 4), ip.count)
            guard next == 6, end >= offset else { return nil }
            source = "[" + ipv6(ip.dropFirst(8).prefix(16)) + "]"
            destination = "[" + ipv6(ip.dropFirst(24).prefix(16)) + "]"
            segment = ip[(ip.startIndex + offset)..<(ip.startIndex + end)]
        } else {
            return nil
        }
        guard segment.count >= 20 else { return nil }
        let header = Int(segment[segment.startIndex + 12] >> 4) * 4
        guard header >= 20, segment.count >= header else { return nil }
        return TCP(source: source + ":\(u16(segment, 0))", destination: destination + ":\(u16(segment, 2))",
                   seq: u32(segment, 4, little: false), syn: segment[segment.startIndex + 13] & 0x02 != 0,
                   payload: segment.dropFirst(header))
    }

    private static func ipv6(_ a: ArraySlice<UInt8>) -> String {
        stride(from: 0, to: 16, by: 2).map { String(u16(a, $0), radix: 16) }.joined(separator: ":")
    }
}
