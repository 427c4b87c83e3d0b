import CANCore

/// A kernel receive filter: a frame passes when `received_can_id & mask == id & mask`
/// (`struct can_filter`; the corresponding C option is `CAN_RAW_FILTER`).
public struct CANIDFilter: Sendable, Hashable {
    /// The `can_id` word to compare, flags included.
    public var id: UInt32
    public var mask: UInt32

    public init(id: UInt32, mask: UInt32) {
        self.id = id
        self.mask = mask
    }

    /// Data (and remote) frames with exactly this identifier and format.
    public static func exactly(id: UInt32, isExtended: Bool) -> CANIDFilter {
        isExtended
            ? CANIDFilter(id: (id & SocketCANID.extendedMask) | SocketCANID.extendedFlag,
                          mask: SocketCANID.extendedMask | SocketCANID.extendedFlag)
            : CANIDFilter(id: id & SocketCANID.standardMask,
                          mask: SocketCANID.standardMask | SocketCANID.extendedFlag)
    }
}

/// How a raw CAN socket is set up. Every option is applied explicitly and a failure throws.
public struct CANSocketOptions: Sendable, Hashable {
    /// Receive and send CAN FD frames. The corresponding C option is `CAN_RAW_FD_FRAMES`.
    public var fdFrames: Bool = true
    /// Error classes delivered as error frames; empty for none.
    /// The corresponding C option is `CAN_RAW_ERR_FILTER`.
    public var errorClasses: CANErrorClass = CANErrorClass(rawValue: SocketCANID.errorMask)
    /// Kernel filters; nil receives every identifier.
    public var filters: [CANIDFilter]? = nil
    /// Also ask for hardware receive stamps (`SO_TIMESTAMPING`, as `candump -H`) and prefer
    /// them when the driver provides them. Software stamps (`SO_TIMESTAMPNS`) are always on.
    public var hardwareTimestamps: Bool = false
    /// Receive buffer in bytes (`SO_RCVBUF`, then `SO_RCVBUFFORCE` when root); nil keeps the default.
    public var receiveBufferBytes: Int? = nil
    /// Receive the frames this socket sent. The corresponding C option is `CAN_RAW_RECV_OWN_MSGS`.
    public var receiveOwnMessages: Bool = false
    /// How long one receive call waits before reporting `.timedOut` (`SO_RCVTIMEO`); 0 waits forever.
    public var receiveTimeoutMilliseconds: Int = 0
    /// Most frames one `receiveBatch` takes in one system call (`recvmmsg`).
    public var receiveBatchSize: Int = 32
    /// Fraction digits of produced timestamps: 6 (microseconds, as candump) or 9.
    public var fractionDigits: UInt8 = 6

    public init() {}
}
