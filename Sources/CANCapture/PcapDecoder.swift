import CANCore

/// Reads classic pcap files with `LINKTYPE_CAN_SOCKETCAN` (227) in either byte order,
/// with microsecond (magic a1b2c3d4) or nanosecond (a1b23c4d) timestamps. pcap names no
/// interface: every frame gets the reader's bus name.
final class PcapDecoder: FrameDecoder {
    static let linkTypeSocketCAN: UInt32 = 227
    private let input: InputBuffer
    private let name: String
    private let strict: Bool
    private let rejectNonFrames: Bool
    private let bus: String
    private let order: ByteOrder
    private let fractionDigits: UInt8
    private(set) var statistics = CaptureStatistics()

    init(input: InputBuffer, name: String, strict: Bool, rejectNonFrames: Bool, bus: String) throws(CaptureError) {
        self.input = input
        self.name = name
        self.strict = strict
        self.rejectNonFrames = rejectNonFrames
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
                if frame.kind == .error {
                    if rejectNonFrames { throw rejection(of: frame, name: name, record: record) }
                    statistics.errorFrames += 1
                }
                statistics.frames += 1
                return frame
            case .canXL:
                if rejectNonFrames {
                    throw CaptureError(file: name, line: record, message: "a CAN XL packet, which candor does not read")
                }
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
