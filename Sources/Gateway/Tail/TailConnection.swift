import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `candor tail` client's connection to the daemon's tail socket: reads lines, blocking.
/// Owns the socket.
public final class TailConnection {
    public let path: String
    private let descriptor: FileDescriptor
    private var pending: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private let readTimeout: Duration?

    /// `readTimeout`: `nextLine()` throws when no line came within it (tests); nil waits forever.
    public init(path: String, readTimeout: Duration? = nil) throws(TailError) {
        self.path = path
        let socket = FileDescriptor(owning: try UnixSocket.connect(to: path))
        if let readTimeout {
            let (seconds, attoseconds) = readTimeout.components
            var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
            guard setsockopt(socket.rawValue, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
                throw UnixSocket.failure(path, "setsockopt SO_RCVTIMEO")  // the socket closes as it goes
            }
        }
        descriptor = socket
        self.readTimeout = readTimeout
    }

    /// The next line without its newline; nil when the daemon closed the connection. Throws
    /// when the daemon refused this client (`{"refused":"…"}`: too many clients).
    public func nextLine() throws(TailError) -> Substring? {
        while true {
            if let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[start..<newline], as: UTF8.self)
                start = newline + 1
                if let reason = TailLine.refusal(line[...]) {
                    throw TailError(path: path, message: "the daemon refused this client: \(reason)")
                }
                return line[...]
            }
            pending.removeSubrange(..<start)
            start = 0
            let n: Int
            do {
                n = try descriptor.read(into: &chunk)
            } catch {
                if let readTimeout, error.code == EAGAIN || error.code == EWOULDBLOCK {
                    throw TailError(path: path, message: "no line within \(readTimeout)")
                }
                throw TailError(path: path, message: "\(error.call) failed: \(error.reason)")
            }
            if n == 0 { return nil }
            pending.append(contentsOf: chunk[0..<n])
        }
    }
}
