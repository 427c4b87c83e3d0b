import CANCore

/// Conversion between `CANFrame` and the kernel's frame structs, by byte offset.
///
/// The byte count `read`/`recvmsg` returns decides the layout (`linux/can.h`):
///
///     16 bytes  struct can_frame    can_id u32 | len u8 | pad | res0 | len8_dlc u8 | data[8]
///     72 bytes  struct canfd_frame  can_id u32 | len u8 | flags u8 | res0 | res1 | data[64]
///
/// `can_id` is host-endian with the EFF/RTR/ERR flags in its top bits (see `SocketCANID`).
/// The offsets are pinned by `_Static_assert`s in the CLinuxCAN shim.
public enum KernelFrameCodec {
    /// `CAN_MTU`: the size of `struct can_frame`.
    public static let classicSize = 16
    /// `CANFD_MTU`: the size of `struct canfd_frame`.
    public static let fdSize = 72
    /// FD flag bits a sender may set (`CANFD_BRS | CANFD_ESI | CANFD_FDF`).
    public static let sendableFDFlags: UInt8 = 0x07

    /// The frame in the first `byteCount` bytes of `raw`, or nil when `byteCount` is neither
    /// 16 nor 72. Allocates nothing (`bus` is shared, not copied).
    @inlinable
    public static func decode(_ raw: UnsafeRawBufferPointer, byteCount: Int, bus: String, timestamp: CANTimestamp) -> CANFrame? {
        guard byteCount == classicSize || byteCount == fdSize, raw.count >= byteCount else { return nil }
        let word = SocketCANID(rawValue: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let declaredLength = Int(raw[4])
        var frame = CANFrame(timestamp: timestamp, bus: bus, id: word.identifier, isExtended: word.isExtended, length: 0)
        let copied: Int
        if byteCount == fdSize {
            frame.kind = .fd
            frame.fdFlags = CANFrame.FDFlags(rawValue: raw[5])
            frame.length = UInt8(min(declaredLength, 64))
            copied = Int(frame.length)
        } else {
            frame.kind = word.isError ? .error : (word.isRemote ? .remote : .classic)
            frame.isExtended = word.isExtended && !word.isError
            frame.length = UInt8(min(declaredLength, 8))
            let rawDLC = raw[7]
            if frame.length == 8 && rawDLC > 8 && rawDLC <= 15 { frame.len8DLC = rawDLC }
            copied = frame.kind == .remote ? 0 : Int(frame.length)
        }
        if copied > 0 {
            frame.data.withUnsafeMutableBytes { payload in
                for i in 0..<copied { payload[i] = raw[8 + i] }
            }
        }
        return frame
    }

    /// Writes `frame` as the kernel struct its kind needs into `raw` (at least 72 bytes,
    /// which are zeroed first) and returns the byte count to send: 72 for `.fd`, else 16.
    @inlinable
    public static func encode(_ frame: CANFrame, into raw: UnsafeMutableRawBufferPointer) -> Int {
        precondition(raw.count >= fdSize, "frame buffer smaller than CANFD_MTU")
        for i in 0..<fdSize { raw[i] = 0 }
        raw.storeBytes(of: SocketCANID(frame: frame).rawValue, toByteOffset: 0, as: UInt32.self)
        raw[4] = frame.length
        let size: Int
        let copied: Int
        if frame.kind == .fd {
            raw[5] = frame.fdFlags.rawValue & sendableFDFlags
            size = fdSize
            copied = Int(frame.length)
        } else {
            precondition(frame.length <= 8, "classic CAN frame longer than 8 bytes")
            if frame.length == 8 && frame.len8DLC > 8 { raw[7] = frame.len8DLC }
            size = classicSize
            copied = frame.kind == .remote ? 0 : Int(frame.length)
        }
        if copied > 0 {
            frame.data.withUnsafeBytes { payload in
                for i in 0..<copied { raw[8 + i] = payload[i] }
            }
        }
        return size
    }
}
