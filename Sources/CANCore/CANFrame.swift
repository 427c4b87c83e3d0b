/// One CAN frame as captured: classic, CAN FD, remote or error, with its time and bus.
///
/// The identifier is stored without flag bits; the frame kind and `isExtended` carry what
/// the kernel packs into the top bits of `can_id`:
///
///     bit 31  CAN_EFF_FLAG  29-bit (extended) identifier      -> isExtended
///     bit 30  CAN_RTR_FLAG  remote transmission request        -> kind == .remote
///     bit 29  CAN_ERR_FLAG  error frame; id holds class bits   -> kind == .error
///     bits 0-28             the identifier (11 bits when standard)
///
/// The kernel decides the kind of a received frame by the byte count `read` returns
/// (16 = classic `struct can_frame`, 72 = `struct canfd_frame`); captures decide it by their
/// syntax (`#` vs `##` in candump logs).
public struct CANFrame: Sendable, Hashable {
    /// What kind of frame this is.
    public enum Kind: UInt8, Sendable, Hashable {
        /// Classic CAN data frame, 0...8 bytes.
        case classic
        /// CAN FD data frame, 0...64 bytes (one of the 16 FD lengths).
        case fd
        /// Classic remote frame (RTR): a length, no data. CAN FD has no remote frames.
        case remote
        /// Error frame: `id` holds the `CAN_ERR_*` class bits, `data` the 8 detail bytes.
        case error
    }

    /// Direction, when the capture says (candump `-x` writes ` R` or ` T`).
    public enum Direction: UInt8, Sendable, Hashable {
        case receive
        case transmit
    }

    /// The CAN FD flags (`struct canfd_frame.flags`).
    public struct FDFlags: OptionSet, Sendable, Hashable {
        public var rawValue: UInt8
        @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Bit-rate switch. The corresponding C constant is `CANFD_BRS`.
        public static let bitRateSwitch = FDFlags(rawValue: 0x01)
        /// Error-state indicator. The corresponding C constant is `CANFD_ESI`.
        public static let errorStateIndicator = FDFlags(rawValue: 0x02)
        /// FD frame marker, set by newer kernels and candump. The corresponding C constant is `CANFD_FDF`.
        public static let fdFormat = FDFlags(rawValue: 0x04)
    }

    public var timestamp: CANTimestamp
    /// The interface or channel as the capture names it (`can0`, or `"1"` for Vector ASC).
    /// Names up to 15 UTF-8 bytes are stored inline by `String`, with no allocation.
    public var bus: String
    /// The identifier without flag bits (11 or 29 bits); for error frames, the class bits.
    public var id: UInt32
    /// 29-bit identifier.
    public var isExtended: Bool
    public var kind: Kind
    /// CAN FD flags; empty for other kinds. Readers keep what the capture wrote, FDF included.
    public var fdFlags: FDFlags
    /// Payload length in bytes (for remote frames, the requested length).
    public var length: UInt8
    /// Classic CAN raw DLC 9...15 when the capture gave one with an 8-byte length; else 0.
    /// The corresponding C field is `can_frame.len8_dlc`.
    public var len8DLC: UInt8
    public var direction: Direction?
    /// The payload; bytes past `length` are zero.
    public var data: CANPayload

    @inlinable
    public init(
        timestamp: CANTimestamp = .zero,
        bus: String = "",
        id: UInt32,
        isExtended: Bool = false,
        kind: Kind = .classic,
        fdFlags: FDFlags = [],
        length: Int,
        len8DLC: UInt8 = 0,
        direction: Direction? = nil,
        data: CANPayload = CANPayload()
    ) {
        precondition(length >= 0 && length <= 64, "CAN frame length out of range")
        self.timestamp = timestamp
        self.bus = bus
        self.id = id
        self.isExtended = isExtended
        self.kind = kind
        self.fdFlags = fdFlags
        self.length = UInt8(length)
        self.len8DLC = len8DLC
        self.direction = direction
        self.data = data
        self.data.clear(from: kind == .remote ? 0 : length)
    }

    /// A data frame from a byte array: classic when `bytes.count <= 8` and `fd` is false.
    public init(
        timestamp: CANTimestamp = .zero,
        bus: String = "",
        id: UInt32,
        isExtended: Bool = false,
        bytes: [UInt8],
        fd: Bool = false,
        fdFlags: FDFlags = []
    ) {
        let isFD = fd || bytes.count > 8
        self.init(
            timestamp: timestamp, bus: bus, id: id, isExtended: isExtended,
            kind: isFD ? .fd : .classic, fdFlags: isFD ? fdFlags : [],
            length: bytes.count, data: CANPayload(bytes))
    }

    /// The payload bytes as an array (allocates; for tests and tools).
    public var bytes: [UInt8] { kind == .remote ? [] : data.bytes(count: Int(length)) }

    /// The DLC on the wire: the raw DLC when one was captured, else the table's code.
    public var dlc: UInt8 {
        switch kind {
        case .fd: return CANDLC.dlc(forFDLength: Int(length))
        default: return len8DLC != 0 ? len8DLC : length
        }
    }

    /// Largest identifier for each format.
    public static let maxStandardID: UInt32 = 0x7FF
    public static let maxExtendedID: UInt32 = 0x1FFF_FFFF
}

/// The kernel's `can_id` word: identifier plus the EFF/RTR/ERR flag bits.
public struct SocketCANID: Sendable, Hashable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The corresponding C constant is `CAN_EFF_FLAG`.
    public static let extendedFlag: UInt32 = 0x8000_0000
    /// The corresponding C constant is `CAN_RTR_FLAG`.
    public static let remoteFlag: UInt32 = 0x4000_0000
    /// The corresponding C constant is `CAN_ERR_FLAG`.
    public static let errorFlag: UInt32 = 0x2000_0000
    /// The corresponding C constant is `CAN_EFF_MASK`.
    public static let extendedMask: UInt32 = 0x1FFF_FFFF
    /// The corresponding C constant is `CAN_SFF_MASK`.
    public static let standardMask: UInt32 = 0x7FF
    /// The corresponding C constant is `CAN_ERR_MASK`.
    public static let errorMask: UInt32 = 0x1FFF_FFFF

    /// The word for a frame's identifier, format and kind.
    @inlinable
    public init(frame: CANFrame) {
        var word = frame.id & (frame.isExtended || frame.kind == .error ? Self.extendedMask : Self.standardMask)
        if frame.isExtended { word |= Self.extendedFlag }
        if frame.kind == .remote { word |= Self.remoteFlag }
        if frame.kind == .error { word |= Self.errorFlag }
        self.rawValue = word
    }

    public var isExtended: Bool { rawValue & Self.extendedFlag != 0 }
    public var isRemote: Bool { rawValue & Self.remoteFlag != 0 }
    public var isError: Bool { rawValue & Self.errorFlag != 0 }
    /// The identifier (or error class bits) without flags.
    public var identifier: UInt32 {
        isExtended || isError ? rawValue & Self.extendedMask : rawValue & Self.standardMask
    }
}
