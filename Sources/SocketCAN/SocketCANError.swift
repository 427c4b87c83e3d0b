/// A failed SocketCAN or libsocketcan operation: what was attempted, on which interface,
/// and why. Equality compares the code only.
///
/// Environment failures (an interface that is down or gone, a kernel without CAN, a full
/// queue) are thrown as this error; misuse of our own descriptors traps instead.
public struct SocketCANError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: Hashable, Sendable {
            case canUnsupported, interfaceNotFound, interfaceDown, interfaceRemoved, noBufferSpace
            case timedOut, permissionDenied, notSupported, frameTooLong, unexpectedFrameSize
            case controllerRequestFailed, system
        }
        fileprivate var value: Value

        /// The kernel has no AF_CAN / CAN_RAW (`EAFNOSUPPORT`, `EPROTONOSUPPORT`).
        public static let canUnsupported = Code(value: .canUnsupported)
        /// No interface has this name (`if_nametoindex` failed, or `ENODEV` at bind).
        public static let interfaceNotFound = Code(value: .interfaceNotFound)
        /// The interface went down (`ENETDOWN`); it may come back.
        public static let interfaceDown = Code(value: .interfaceDown)
        /// The interface was removed while bound (`ENODEV`, `ENXIO`); reopen when it returns.
        public static let interfaceRemoved = Code(value: .interfaceRemoved)
        /// The transmit queue is full (`ENOBUFS`); back off and retry.
        public static let noBufferSpace = Code(value: .noBufferSpace)
        /// A receive timeout passed (`EAGAIN` with `SO_RCVTIMEO`).
        public static let timedOut = Code(value: .timedOut)
        /// Needs a capability we don't have (`EPERM`, `EACCES`).
        public static let permissionDenied = Code(value: .permissionDenied)
        /// The interface or kernel doesn't support the request (`EOPNOTSUPP`, `ENOPROTOOPT`).
        public static let notSupported = Code(value: .notSupported)
        /// A frame longer than the interface's MTU, e.g. CAN FD on a classic-only interface (`EMSGSIZE`).
        public static let frameTooLong = Code(value: .frameTooLong)
        /// `recvmsg` returned a byte count that is neither 16 (`CAN_MTU`) nor 72 (`CANFD_MTU`).
        public static let unexpectedFrameSize = Code(value: .unexpectedFrameSize)
        /// A libsocketcan call returned failure (its errno is often meaningless).
        public static let controllerRequestFailed = Code(value: .controllerRequestFailed)
        /// Any other errno.
        public static let system = Code(value: .system)

        public var description: String {
            switch value {
            case .canUnsupported: "CAN not supported by this kernel"
            case .interfaceNotFound: "no such interface"
            case .interfaceDown: "interface is down"
            case .interfaceRemoved: "interface was removed"
            case .noBufferSpace: "transmit queue full"
            case .timedOut: "timed out"
            case .permissionDenied: "permission denied"
            case .notSupported: "not supported"
            case .frameTooLong: "frame longer than the interface MTU"
            case .unexpectedFrameSize: "unexpected frame size"
            case .controllerRequestFailed: "controller request failed"
            case .system: "system error"
            }
        }

        /// The code for an errno from a socket operation.
        public init(_ errno: Errno) {
            switch errno {
            case .addressFamilyNotSupported, .protocolNotSupported: self = .canUnsupported
            case .networkDown: self = .interfaceDown
            case .noSuchDevice, .noSuchDeviceOrAddress: self = .interfaceRemoved
            case .noBufferSpace: self = .noBufferSpace
            case .wouldBlock: self = .timedOut
            case .notPermitted, .permissionDenied: self = .permissionDenied
            case .notSupported, .protocolOptionNotAvailable: self = .notSupported
            case .messageTooLong: self = .frameTooLong
            default: self = .system
            }
        }

        private init(value: Value) { self.value = value }
    }

    public var code: Code
    /// The operation, e.g. `socket`, `bind`, `setsockopt(CAN_RAW_FD_FRAMES)`, `recvmsg`, `can_set_bitrate`.
    public var operation: String
    /// The interface name (empty when the operation had none, e.g. `socket`).
    public var interface: String
    /// The errno, when the failure came with one.
    public var errno: Errno?
    /// Extra context, e.g. the byte count that was unexpected.
    public var detail: String?

    public init(_ code: Code, operation: String, interface: String, errno: Errno? = nil, detail: String? = nil) {
        self.code = code
        self.operation = operation
        self.interface = interface
        self.errno = errno
        self.detail = detail
    }

    /// The error for `errno` from `operation` on `interface`.
    public init(operation: String, interface: String, errno: Errno) {
        self.init(Code(errno), operation: operation, interface: interface, errno: errno)
    }

    /// `recvmsg on vcan0: interface is down (ENETDOWN, errno 100)`.
    public var description: String {
        var text = operation
        if !interface.isEmpty { text += " on \(interface)" }
        text += ": \(code)"
        var inner: [String] = []
        if let errno { inner.append("\(errno.name), errno \(errno.rawValue)") }
        if let detail { inner.append(detail) }
        if !inner.isEmpty { text += " (\(inner.joined(separator: "; ")))" }
        return text
    }

    public static func == (lhs: SocketCANError, rhs: SocketCANError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
