import CANCore

/// Reads classic pcap files with `LINKTYPE_CAN_SOCKETCAN` (227) in either byte order,
/// with microsecond (magic a1b2c3d4) or nanosecond (a1b23c4d) timestamps. pcap names no
/// interface: every frame gets the reader's bus name.
final class PcapDecoder: FrameDecoder {
    static let linkTypeSocketCAN: UInt32 = 227
    private let input: InputBuffer
    private let name: String
    private let strict: Bool
    private let bus: String
    private let order: ByteOrder
    private let fractionDigits: UInt8
    private(set) var statistics = CaptureStatistics()

    init(input: InputBuffer, name: String, strict: Bool, bus: String) throws(CaptureError) {
        self.input = input
        self.name = name
        self.strict = strict
        self.bus = bus
        guard let header = try input.bytes(count: 24) else {
            throw CaptureError(file: name, message: "truncated pcap file header: expected 24 bytes")
        }
        let magic = UInt32(header[0]) << 24 | UInt32(header[1]) << 16 | UInt32(header[2]) << 8 | UInt32(header[3])
        switch magic {
        case 0xA1B2_C3D4: order = ByteOrder(bigEndian: true); fractionDigits = 6
        case 0xD4C3_B2A1: order = ByteOrder(bigEndian: false); fractionDigits = 6
        case 0xA1B2_3C4D: order = ByteOrder(bigEndian: true); fractionDigits = 9
        case 0x4D3C_B2A1: order = ByteOrder(bigEndian: false); fractionDigits = 9
        default:
            throw CaptureError(file: name, message: "not a pcap file: magic \(String(magic, radix: 16)) is none of a1b2c3d4, a1b23c4d (either byte order)")
        }
        let linkType = order.u32(header, 20) & 0x0FFF_FFFF
        guard linkType == Self.linkTypeSocketCAN else {
            throw CaptureError(file: name, message: "pcap link type \(linkType) is not LINKTYPE_CAN_SOCKETCAN (227)")
        }
    }

    func next() throws(CaptureError) -> CANFrame? {
        while true {
            guard try input.fill(atLeast: 1) else { return nil }
            let record = statistics.records + 1
            guard let header = try input.bytes(count: 16) else {
                try malformed(record, "truncated record header at the end of the file")
                return nil
            }
            statistics.records = record
            let seconds = order.u32(header, 0)
            let fraction = order.u32(header, 4)
            let captured = Int(order.u32(header, 8))
            guard captured <= InputBuffer.maxRecord else {
                try malformed(record, "record of \(captured) bytes is larger than any CAN frame")
                guard try input.skip(count: captured) else { return nil }
                continue
            }
            guard let packet = try input.bytes(count: captured) else {
                try malformed(record, "truncated record: \(captured) bytes announced")
                return nil
            }
            switch SocketCANPacket.parse(packet) {
            case .frame(var frame):
                let limit: UInt32 = fractionDigits == 9 ? 1_000_000_000 : 1_000_000
                guard fraction < limit else {
                    try malformed(record, "timestamp fraction \(fraction) out of range")
                    continue
                }
                frame.timestamp = CANTimestamp(
                    seconds: Int64(seconds), nanoseconds: fractionDigits == 9 ? fraction : fraction * 1000,
                    fractionDigits: fractionDigits)
                frame.bus = bus
                statistics.frames += 1
                if frame.kind == .error { statistics.errorFrames += 1 }
                return frame
            case .canXL:
                statistics.nonFrameLines += 1
            case .malformed(let reason):
                try malformed(record, reason)
            }
        }
    }

    private func malformed(_ record: Int, _ reason: String) throws(CaptureError) {
        if strict {
            throw CaptureError(file: name, line: record, message: "malformed pcap record \(record): \(reason)")
        }
        statistics.malformedLines += 1
        if statistics.firstMalformed == nil { statistics.firstMalformed = (record, reason) }
    }
}

/// Writes pcap with `LINKTYPE_CAN_SOCKETCAN`, little-endian; nanosecond timestamps (magic
/// a1b23c4d) when the first frame has more than 6 fractional digits, else microseconds.
struct PcapEncoder: FrameEncoder {
    private var started = false
    private var nanosecond = false

    mutating func begin(into out: inout [UInt8]) {}

    private mutating func header(nanosecond: Bool, into out: inout [UInt8]) {
        started = true
        self.nanosecond = nanosecond
        ByteOrder.appendLittle32(nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4, to: &out)
        ByteOrder.appendLittle16(2, to: &out)
        ByteOrder.appendLittle16(4, to: &out)
        ByteOrder.appendLittle32(0, to: &out)  // thiszone
        ByteOrder.appendLittle32(0, to: &out)  // sigfigs
        ByteOrder.appendLittle32(UInt32(SocketCANPacket.fdSize), to: &out)  // snaplen
        ByteOrder.appendLittle32(PcapDecoder.linkTypeSocketCAN, to: &out)
    }

    mutating func encode(_ frame: CANFrame, into out: inout [UInt8]) {
        if !started { header(nanosecond: frame.timestamp.fractionDigits > 6, into: &out) }
        let size = UInt32(SocketCANPacket.size(of: frame))
        ByteOrder.appendLittle32(UInt32(truncatingIfNeeded: frame.timestamp.seconds), to: &out)
        ByteOrder.appendLittle32(nanosecond ? frame.timestamp.nanoseconds : frame.timestamp.nanoseconds / 1000, to: &out)
        ByteOrder.appendLittle32(size, to: &out)
        ByteOrder.appendLittle32(size, to: &out)
        SocketCANPacket.append(frame, to: &out)
    }

    mutating func end(into out: inout [UInt8]) {
        if !started { header(nanosecond: false, into: &out) }
    }
}
