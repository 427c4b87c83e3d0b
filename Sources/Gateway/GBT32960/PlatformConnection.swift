#if canImport(Glibc)
import Glibc
#endif

/// One plain TCP connection to the monitoring platform (no TLS: see README). Blocking calls
/// with wall-clock bounds, made only by the terminal service's thread; `interrupt` (another
/// thread) shuts the socket down so a blocked call returns.
final class PlatformConnection: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var descriptor: Int32 = -1

    var isOpen: Bool { descriptor >= 0 }

    /// Resolves `host` (numeric or a name) and connects within `timeoutMillis`.
    func open(host: String, port: Int, timeoutMillis: Int32) throws(Failure) {
        close()
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(description: "\(host):\(port): cannot resolve: \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { reason = Self.errorText(); continue }
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                if let problem = Self.finishConnect(fd, timeoutMillis: timeoutMillis) {
                    reason = problem
                } else {
                    descriptor = fd
                    return
                }
            } else {
                reason = Self.errorText()
            }
            if Glibc.close(fd) != 0 { reason += " (close: \(Self.errorText()))" }
        }
        throw Failure(description: "\(host):\(port): \(reason)")
    }

    /// nil when the non-blocking connect completed, else why not.
    private static func finishConnect(_ fd: Int32, timeoutMillis: Int32) -> String? {
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&p, 1, timeoutMillis)
        guard ready > 0 else { return ready == 0 ? "connect timed out" : errorText() }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errorText() }
        return error == 0 ? nil : String(cString: strerror(error))
    }

    /// Writes every byte (waiting for room at most `timeoutMillis` each time).
    func send(_ bytes: [UInt8], timeoutMillis: Int32) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { written += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                guard try wait(for: Int16(POLLOUT), timeoutMillis: timeoutMillis) else { throw Failure(description: "send timed out") }
                continue
            }
            throw Failure(description: "send: \(Self.errorText())")
        }
    }

    /// What arrives within `timeoutMillis` (0: only what is there now); empty when nothing did.
    /// Throws when the platform closed the connection or it broke.
    func receive(timeoutMillis: Int32) throws(Failure) -> [UInt8] {
        guard try wait(for: Int16(POLLIN), timeoutMillis: timeoutMillis) else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n > 0 { return Array(buffer[..<n]) }
            if n == 0 { throw Failure(description: "closed by the platform") }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return [] }
            throw Failure(description: "receive: \(Self.errorText())")
        }
    }

    private func wait(for events: Int16, timeoutMillis: Int32) throws(Failure) -> Bool {
        var p = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let ready = poll(&p, 1, timeoutMillis)
            if ready < 0 && errno == EINTR { continue }
            guard ready >= 0 else { throw Failure(description: "poll: \(Self.errorText())") }
            return ready > 0
        }
    }

    /// Closes the socket; a close error is returned (the connection is gone either way).
    @discardableResult
    func close() -> String? {
        guard descriptor >= 0 else { return nil }
        let fd = descriptor
        descriptor = -1
        return Glibc.close(fd) == 0 ? nil : Self.errorText()
    }

    /// From another thread: make a blocked poll return.
    func interrupt() {
        let fd = descriptor
        if fd >= 0 && shutdown(fd, Int32(SHUT_RDWR)) != 0 { /* already disconnected: nothing to wake */ }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
