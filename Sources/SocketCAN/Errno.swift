#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An `errno` value, kept as the number the kernel gave so that values this table doesn't
/// name still round-trip.
public struct Errno: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    @inlinable public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The corresponding C constant is `EINTR`.
    public static let interrupted = Errno(rawValue: EINTR)
    /// The corresponding C constant is `EAGAIN` (also `EWOULDBLOCK`; a receive timeout).
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    /// The corresponding C constant is `ENETDOWN`.
    public static let networkDown = Errno(rawValue: ENETDOWN)
    /// The corresponding C constant is `ENODEV`.
    public static let noSuchDevice = Errno(rawValue: ENODEV)
    /// The corresponding C constant is `ENXIO`.
    public static let noSuchDeviceOrAddress = Errno(rawValue: ENXIO)
    /// The corresponding C constant is `ENOBUFS`.
    public static let noBufferSpace = Errno(rawValue: ENOBUFS)
    /// The corresponding C constant is `EAFNOSUPPORT` (97: the kernel has no AF_CAN).
    public static let addressFamilyNotSupported = Errno(rawValue: EAFNOSUPPORT)
    /// The corresponding C constant is `EPROTONOSUPPORT` (no `can-raw` module).
    public static let protocolNotSupported = Errno(rawValue: EPROTONOSUPPORT)
    /// The corresponding C constant is `ENOPROTOOPT` (an option the kernel doesn't know).
    public static let protocolOptionNotAvailable = Errno(rawValue: ENOPROTOOPT)
    /// The corresponding C constant is `EPERM`.
    public static let notPermitted = Errno(rawValue: EPERM)
    /// The corresponding C constant is `EACCES`.
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// The corresponding C constant is `EOPNOTSUPP`.
    public static let notSupported = Errno(rawValue: EOPNOTSUPP)
    /// The corresponding C constant is `EINVAL`.
    public static let invalidArgument = Errno(rawValue: EINVAL)
    /// The corresponding C constant is `EBADF`.
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    /// The corresponding C constant is `EFAULT`.
    public static let badAddress = Errno(rawValue: EFAULT)
    /// The corresponding C constant is `ENOTSOCK`.
    public static let notASocket = Errno(rawValue: ENOTSOCK)
    /// The corresponding C constant is `EMSGSIZE` (a frame longer than the interface's MTU).
    public static let messageTooLong = Errno(rawValue: EMSGSIZE)

    private static let names: [Int32: String] = [
        EINTR: "EINTR", EAGAIN: "EAGAIN", ENETDOWN: "ENETDOWN", ENODEV: "ENODEV", ENXIO: "ENXIO",
        ENOBUFS: "ENOBUFS", EAFNOSUPPORT: "EAFNOSUPPORT", EPROTONOSUPPORT: "EPROTONOSUPPORT",
        ENOPROTOOPT: "ENOPROTOOPT", EPERM: "EPERM", EACCES: "EACCES", EOPNOTSUPP: "EOPNOTSUPP",
        EINVAL: "EINVAL", EBADF: "EBADF", EFAULT: "EFAULT", ENOTSOCK: "ENOTSOCK", EMSGSIZE: "EMSGSIZE",
        ENOENT: "ENOENT", EBUSY: "EBUSY",
    ]

    /// The C name when known (`ENETDOWN`), else `errno <n>`.
    public var name: String { Self.names[rawValue] ?? "errno \(rawValue)" }

    /// `ENETDOWN (errno 100)`.
    public var description: String { "\(name) (errno \(rawValue))" }

    /// Errnos that mean our own code misused a descriptor or pointer: a bug, never the world.
    var isProgrammerError: Bool {
        self == .badFileDescriptor || self == .badAddress || self == .notASocket
    }
}
