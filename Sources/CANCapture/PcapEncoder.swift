import CANCore

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
