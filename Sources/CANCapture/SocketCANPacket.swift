import CANCore

/// The packet layout of `LINKTYPE_CAN_SOCKETCAN` (227), used by pcap and pcapng:
///
///     offset 0  CAN ID and flags, 4 bytes, network byte order (EFF 0x80000000,
///               RTR 0x40000000, ERR 0x20000000; the id or error classes in bits 0-28)
///     offset 4  payload length (0...8 classic, 0...64 CAN FD)
///     offset 5  FD flags: BRS 0x01, ESI 0x02, FDF 0x04
///
/// CAN XL packets set 0x80 in the fifth octet (their own header); readers skip them.
///     offset 6  reserved
///     offset 7  reserved; classic frames: len8_dlc (raw DLC 9...15)
///     offset 8  payload, then padding to the kernel's frame size (16 or 72 bytes)
///
/// A frame is CAN FD when FDF is set or, for older writers that never set FDF, when the
/// packet is 72 bytes long (the size of `struct canfd_frame`).
enum SocketCANPacket {
    static let headerSize = 8
    static let classicSize = 16
    static let fdSize = 72

    enum Parsed {
        case frame(CANFrame)
        /// A CAN XL frame, which `CANFrame` cannot hold.
        case canXL
        case malformed(String)
    }

    static func parse(_ packet: UnsafeRawBufferPointer) -> Parsed {
        guard packet.count >= headerSize else {
            return .malformed("packet of \(packet.count) bytes is shorter than the 8-byte SocketCAN header")
        }
        let word = UInt32(packet[0]) << 24 | UInt32(packet[1]) << 16 | UInt32(packet[2]) << 8 | UInt32(packet[3])
        let flags = packet[5]
        if packet[4] & 0x80 != 0 { return .canXL }  // CANXL_XLF in the fifth octet
        let length = Int(packet[4])
        let canID = SocketCANID(rawValue: word)
        let isFD = flags & CANFrame.FDFlags.fdFormat.rawValue != 0 || packet.count == fdSize
        guard length <= (isFD ? CANDLC.maxFDLength : CANDLC.maxClassicLength) else {
            return .malformed("payload length \(length) is too long for a \(isFD ? "CAN FD" : "classic CAN") frame")
        }
        let remote = canID.isRemote && !canID.isError
        guard remote || length <= packet.count - headerSize else {
            return .malformed("payload length \(length) exceeds the \(packet.count - headerSize) bytes captured")
        }
        let payload = CANPayload(remote ? UnsafeRawBufferPointer(start: nil, count: 0)
            : UnsafeRawBufferPointer(rebasing: packet[headerSize..<(headerSize + length)]))
        let frame: CANFrame
        if canID.isError {
            frame = CANFrame(id: word & SocketCANID.errorMask, kind: .error, length: length, data: payload)
        } else if isFD {
            guard !canID.isRemote else { return .malformed("a CAN FD frame cannot be a remote frame") }
            frame = CANFrame(
                id: canID.identifier, isExtended: canID.isExtended, kind: .fd,
                fdFlags: CANFrame.FDFlags(rawValue: flags & 0x0F), length: length, data: payload)
        } else {
            let rawDLC = packet[7]
            let len8DLC: UInt8 = length == 8 && rawDLC > 8 && rawDLC <= 15 ? rawDLC : 0
            frame = CANFrame(
                id: canID.identifier, isExtended: canID.isExtended, kind: remote ? .remote : .classic,
                length: length, len8DLC: len8DLC, data: payload)
        }
        return .frame(frame)
    }

    /// Appends the packet for `frame`: 16 bytes for classic, remote and error frames, 72 for
    /// CAN FD, as the kernel hands them to a packet socket. CAN FD frames always get FDF
    /// (besides the BRS/ESI bits stored): Wireshark 4.0 dissects a 72-byte packet without
    /// FDF as classic CAN, so a frame read as `##1` is read back from pcap as `##5`.
    static func append(_ frame: CANFrame, to out: inout [UInt8]) {
        let word = SocketCANID(frame: frame).rawValue
        out.append(UInt8(truncatingIfNeeded: word >> 24))
        out.append(UInt8(truncatingIfNeeded: word >> 16))
        out.append(UInt8(truncatingIfNeeded: word >> 8))
        out.append(UInt8(truncatingIfNeeded: word))
        out.append(frame.length)
        let isFD = frame.kind == .fd
        out.append(isFD ? (frame.fdFlags.rawValue | CANFrame.FDFlags.fdFormat.rawValue) & 0x0F : 0)
        out.append(0)
        out.append(frame.kind == .classic || frame.kind == .remote ? frame.len8DLC : 0)
        let size = isFD ? 64 : 8
        let count = frame.kind == .remote ? 0 : Int(frame.length)
        frame.data.withUnsafeBytes { raw in
            for i in 0..<size { out.append(i < count ? raw[i] : 0) }
        }
    }

    /// The packet size `append` writes for `frame`.
    static func size(of frame: CANFrame) -> Int { frame.kind == .fd ? fdSize : classicSize }
}

/// Little-endian and big-endian integer reads and writes for the binary formats.
struct ByteOrder {
    var bigEndian: Bool

    @inline(__always) func u16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    @inline(__always) func u32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        let a = UInt32(bytes[offset]), b = UInt32(bytes[offset + 1])
        let c = UInt32(bytes[offset + 2]), d = UInt32(bytes[offset + 3])
        return bigEndian ? a << 24 | b << 16 | c << 8 | d : d << 24 | c << 16 | b << 8 | a
    }

    static func appendLittle16(_ value: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    static func appendLittle32(_ value: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
