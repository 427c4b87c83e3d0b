import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Stream-socket calls on a filesystem path, for the tail hub and its clients.
enum UnixSocket {
    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) throws(TailError) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw TailError(path: path, message: "socket path too long (at most 107 bytes)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count + 1)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    static func streamSocket(_ path: String) throws(TailError) -> Int32 {
        do { return try Syscall.retrying("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) } } catch {
            throw failure(path, error)
        }
    }

    /// Connects to a tail hub; the caller owns the returned descriptor.
    static func connect(to path: String) throws(TailError) -> Int32 {
        let fd = try streamSocket(path)
        let status = try withAddress(path) { Glibc.connect(fd, $0, $1) }
        guard status == 0 else {
            let error = failure(path, "connect")
            Syscall.closeAbandoned(fd)
            throw error
        }
        return fd
    }

    /// The failure of `call` that just happened (reads `errno`).
    static func failure(_ path: String, _ call: String) -> TailError { failure(path, .last(call)) }

    static func failure(_ path: String, _ error: SystemError) -> TailError {
        TailError(path: path, message: "\(error.call) failed: \(error.reason)")
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        precondition(flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0, "fcntl on an owned descriptor failed")
    }

    /// Non-blocking and close-on-exec: the hub's own descriptors (accept4 and pipe2 are not
    /// in Swift's Glibc module).
    static func setNonBlockingCloseOnExec(_ fd: Int32) {
        setNonBlocking(fd)
        precondition(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0, "fcntl on an owned descriptor failed")
    }
}
