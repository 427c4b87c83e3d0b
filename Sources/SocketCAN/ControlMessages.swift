#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxCAN

/// What the kernel attached to one received frame as control messages.
public struct ReceivedAncillaryData: Sendable, Hashable {
    /// Software receive time (`SCM_TIMESTAMPNS`, or the first stamp of `SCM_TIMESTAMPING`),
    /// nanoseconds since the epoch.
    public var softwareTimestamp: Int64?
    /// Raw hardware receive time (third stamp of `SCM_TIMESTAMPING`), when the driver set it.
    public var hardwareTimestamp: Int64?
    /// The socket's cumulative drop counter (`SO_RXQ_OVFL`; a wrapping `UInt32`).
    public var dropCount: UInt32?

    public init(softwareTimestamp: Int64? = nil, hardwareTimestamp: Int64? = nil, dropCount: UInt32? = nil) {
        self.softwareTimestamp = softwareTimestamp
        self.hardwareTimestamp = hardwareTimestamp
        self.dropCount = dropCount
    }

    /// The preferred timestamp: hardware when present and `preferHardware`, else software.
    public func timestamp(preferHardware: Bool) -> Int64? {
        if preferHardware, let hardwareTimestamp { return hardwareTimestamp }
        return softwareTimestamp
    }
}

/// Parses the control messages of a `recvmsg` result. Unknown messages are skipped; a
/// truncated one (shorter than its payload) is ignored.
enum ControlMessages {
    static func parse(_ message: UnsafePointer<msghdr>) -> ReceivedAncillaryData {
        var result = ReceivedAncillaryData()
        var header = clcan_cmsg_firsthdr(message)
        while let current = header {
            let level = current.pointee.cmsg_level
            let type = current.pointee.cmsg_type
            let payloadLength = Int(current.pointee.cmsg_len) - Int(clcan_cmsg_len(0))
            if level == SOL_SOCKET, let data = clcan_cmsg_data(current) {
                let raw = UnsafeRawPointer(data)
                if type == CLCAN_SCM_TIMESTAMPNS && payloadLength >= MemoryLayout<timespec>.size {
                    result.softwareTimestamp = nanoseconds(raw.loadUnaligned(as: timespec.self))
                } else if type == CLCAN_SCM_TIMESTAMPING && payloadLength >= 3 * MemoryLayout<timespec>.size {
                    let software = nanoseconds(raw.loadUnaligned(as: timespec.self))
                    let hardware = nanoseconds(raw.loadUnaligned(fromByteOffset: 2 * MemoryLayout<timespec>.size, as: timespec.self))
                    if software != 0 && result.softwareTimestamp == nil { result.softwareTimestamp = software }
                    if hardware != 0 { result.hardwareTimestamp = hardware }
                } else if type == CLCAN_SO_RXQ_OVFL && payloadLength >= MemoryLayout<UInt32>.size {
                    result.dropCount = raw.loadUnaligned(as: UInt32.self)
                }
            }
            header = clcan_cmsg_nxthdr(message, current)
        }
        return result
    }

    static func nanoseconds(_ time: timespec) -> Int64 {
        Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Control buffer size for one timestamp, one `SCM_TIMESTAMPING` triple and the drop counter.
    static var bufferSize: Int {
        clcan_cmsg_space(MemoryLayout<timespec>.size) + clcan_cmsg_space(3 * MemoryLayout<timespec>.size)
            + clcan_cmsg_space(MemoryLayout<UInt32>.size) + 64
    }
}
