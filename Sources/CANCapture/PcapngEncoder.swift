import CANCore

/// Writes pcapng, little-endian: one section, one interface description block per bus
/// (in order of first appearance, `if_name` = the bus, `if_tsresol` 6 or 9 after the
/// first frame's digits) and an enhanced packet block per frame.
struct PcapngEncoder: FrameEncoder {
    private var interfaces: [String: (index: UInt32, digits: UInt8)] = [:]
    private var lastBus = ""
    private var last: (index: UInt32, digits: UInt8) = (0, 6)

    mutating func begin(into out: inout [UInt8]) {
        ByteOrder.appendLittle32(PcapngDecoder.sectionHeader, to: &out)
        ByteOrder.appendLittle32(28, to: &out)
        ByteOrder.appendLittle32(0x1A2B_3C4D, to: &out)
        ByteOrder.appendLittle16(1, to: &out)
        ByteOrder.appendLittle16(0, to: &out)
        ByteOrder.appendLittle32(0xFFFF_FFFF, to: &out)  // section length: unknown (-1)
        ByteOrder.appendLittle32(0xFFFF_FFFF, to: &out)
        ByteOrder.appendLittle32(28, to: &out)
    }

    mutating func end(into out: inout [UInt8]) {}

    private mutating func interface(for frame: CANFrame, into out: inout [UInt8]) -> (index: UInt32, digits: UInt8) {
        if frame.bus == lastBus && !interfaces.isEmpty { return last }
        if let known = interfaces[frame.bus] {
            lastBus = frame.bus
            last = known
            return known
        }
        let digits: UInt8 = frame.timestamp.fractionDigits > 6 ? 9 : 6
        let entry = (UInt32(interfaces.count), digits)
        interfaces[frame.bus] = entry
        let name = Array((frame.bus.isEmpty ? "can0" : frame.bus).utf8)
        let namePadded = (name.count + 3) / 4 * 4
        let length = 16 + 4 + namePadded + 8 + 4 + 4
        ByteOrder.appendLittle32(PcapngDecoder.interfaceDescription, to: &out)
        ByteOrder.appendLittle32(UInt32(length), to: &out)
        ByteOrder.appendLittle16(UInt16(PcapDecoder.linkTypeSocketCAN), to: &out)
        ByteOrder.appendLittle16(0, to: &out)
        ByteOrder.appendLittle32(UInt32(SocketCANPacket.fdSize), to: &out)  // snaplen
        ByteOrder.appendLittle16(2, to: &out)  // if_name
        ByteOrder.appendLittle16(UInt16(name.count), to: &out)
        out.append(contentsOf: name)
        for _ in name.count..<namePadded { out.append(0) }
        ByteOrder.appendLittle16(9, to: &out)  // if_tsresol
        ByteOrder.appendLittle16(1, to: &out)
        out.append(contentsOf: [digits, 0, 0, 0])
        ByteOrder.appendLittle32(0, to: &out)  // opt_endofopt
        ByteOrder.appendLittle32(UInt32(length), to: &out)
        lastBus = frame.bus
        last = entry
        return entry
    }

    mutating func encode(_ frame: CANFrame, into out: inout [UInt8]) {
        let (index, digits) = interface(for: frame, into: &out)
        let size = SocketCANPacket.size(of: frame)
        let length = 28 + size + 4
        let perSecond: Int64 = digits == 9 ? 1_000_000_000 : 1_000_000
        let fraction = Int64(frame.timestamp.nanoseconds) / (digits == 9 ? 1 : 1000)
        let units = UInt64(bitPattern: frame.timestamp.seconds &* perSecond &+ fraction)
        ByteOrder.appendLittle32(PcapngDecoder.enhancedPacket, to: &out)
        ByteOrder.appendLittle32(UInt32(length), to: &out)
        ByteOrder.appendLittle32(index, to: &out)
        ByteOrder.appendLittle32(UInt32(truncatingIfNeeded: units >> 32), to: &out)
        ByteOrder.appendLittle32(UInt32(truncatingIfNeeded: units), to: &out)
        ByteOrder.appendLittle32(UInt32(size), to: &out)
        ByteOrder.appendLittle32(UInt32(size), to: &out)
        SocketCANPacket.append(frame, to: &out)
        ByteOrder.appendLittle32(UInt32(length), to: &out)
    }
}
