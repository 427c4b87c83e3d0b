import Synchronization
import SystemIO
import TLS
#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to the monitoring platform, TLS on it when the service has a TLS context
/// (`uplink.gbt32960.tls`; then never plain), or to gpsd (`GpsdClient`, plain). Blocking calls
/// with wall-clock bounds, made only by the owner's thread; `interrupt` (another thread) shuts
/// the socket down so a blocked call returns — a TLS handshake, read or write too (`TLSStream`
/// waits on the socket).
final class PlatformConnection: @unchecked Sendable {
    /// Who is at the other end, for the errors ("closed by the platform").
    let peer: String

    /// `tls`: TLS settings; nil, plain TCP.
    init(peer: String = "the platform", tls: TLSClientContext? = nil) {
        self.peer = peer
        self.tls = tls
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The socket, -1 when closed. Only the owner thread opens and closes it; the lock is
    /// for `interrupt`, which shuts it down from another thread while holding it, and `close`
    /// takes the number out under it: `interrupt` never shuts down a number the kernel has
    /// since handed to another file.
    private let current = Mutex<Int32>(-1)

    /// The socket (the owner thread's calls), -1 when closed.
    private var descriptor: Int32 { current.withLock { $0 } }

    /// TLS settings; nil: plain TCP.
    private let tls: TLSClientContext?
    /// The TLS session on the socket (owner thread only); nil when plain or closed.
    private var stream: TLSStream?

    var isOpen: Bool { descriptor >= 0 }

    deinit {
        let fd = descriptor
        if fd >= 0 { Syscall.closeAbandoned(fd) }
    }

    /// Resolves `host` (numeric or a name) and connects within `timeoutMillis`; with TLS, the
    /// handshake follows within `timeoutMillis` more, verifying the platform as `host`.
    func open(host: String, port: Int, timeoutMillis: Int32) throws(Failure) {
        close()
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(description: "\(host):\(port): cannot resolve: \(SystemError.resolverText(status))")
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd: Int32
            do {
                fd = try Syscall.retrying("socket") {
                    socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), info.pointee.ai_protocol)
                }
            } catch { reason = error.reason; continue }
            // Not retried on EINTR: the connect goes on in the background, and the poll below waits for it.
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 || errno == EINPROGRESS || errno == EINTR {
                if let problem = Self.finishConnect(fd, timeoutMillis: timeoutMillis) {
                    reason = problem
                } else {
                    // Held before the handshake, so that `interrupt` ends a wait in it too.
                    current.withLock { $0 = fd }
                    guard let tls else { return }
                    do {
                        stream = try TLSStream(fd: fd, serverName: host, context: tls, timeoutMillis: timeoutMillis)
                        return
                    } catch {
                        // Refused or stalled: the next address would meet the same platform.
                        throw Failure(description: "\(host):\(port): \(error)" + (close().map { " (close: \($0))" } ?? ""))
                    }
                }
            } else {
                reason = SystemError.last("connect").reason
            }
            do { try Syscall.close(fd) } catch { reason += " (close: \(error.reason))" }
        }
        throw Failure(description: "\(host):\(port): \(reason)")
    }

    /// nil when the non-blocking connect completed, else why not.
    private static func finishConnect(_ fd: Int32, timeoutMillis: Int32) -> String? {
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        do throws(SystemError) {
            guard try Syscall.retrying("poll", { poll(&p, 1, timeoutMillis) }) > 0 else { return "connect timed out" }
            _ = try Syscall.retrying("getsockopt(SO_ERROR)") { getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) }
        } catch { return error.reason }
        return code == 0 ? nil : SystemError.text(code)
    }

    /// Writes every byte (waiting for room at most `timeoutMillis` each time).
    func send(_ bytes: [UInt8], timeoutMillis: Int32) throws(Failure) {
        if let stream {
            do { try stream.write(bytes, timeoutMillis: timeoutMillis) } catch { throw Failure(description: error.description) }
            return
        }
        var written = 0
        while written < bytes.count {
            let start = written
            do throws(SystemError) {
                let n = try Syscall.retrying("send") {
                    bytes[start...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                written += n
            } catch where error.code == EAGAIN || error.code == EWOULDBLOCK {
                guard try wait(for: Int16(POLLOUT), timeoutMillis: timeoutMillis) else { throw Failure(description: "send timed out") }
            } catch {
                throw Failure(description: "send: \(error.reason)")
            }
        }
    }

    /// What arrives within `timeoutMillis` (0: only what is there now); empty when nothing did.
    /// Throws when the platform closed the connection or it broke.
    func receive(timeoutMillis: Int32) throws(Failure) -> [UInt8] {
        if let stream {
            do { return try stream.read(timeoutMillis: timeoutMillis) } catch { throw Failure(description: error.description) }
        }
        guard try wait(for: Int16(POLLIN), timeoutMillis: timeoutMillis) else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n: Int
        do throws(SystemError) {
            n = try Syscall.retrying("recv") { buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) } }
        } catch where error.code == EAGAIN || error.code == EWOULDBLOCK {
            return []
        } catch {
            throw Failure(description: "receive: \(error.reason)")
        }
        if n == 0 { throw Failure(description: "closed by \(peer)") }
        return Array(buffer[..<n])
    }

    private func wait(for events: Int16, timeoutMillis: Int32) throws(Failure) -> Bool {
        var p = pollfd(fd: descriptor, events: events, revents: 0)
        do { return try Syscall.retrying("poll") { poll(&p, 1, timeoutMillis) } > 0 } catch {
            throw Failure(description: "poll: \(error.reason)")
        }
    }

    /// Closes the socket; a close error is returned (the connection is gone either way).
    @discardableResult
    func close() -> String? {
        stream?.close()
        stream = nil
        let fd = current.withLock { held in
            defer { held = -1 }
            return held
        }
        guard fd >= 0 else { return nil }
        do { try Syscall.close(fd) } catch { return error.reason }
        return nil
    }

    /// From another thread: make a blocked poll return. A failure is returned; `ENOTCONN`
    /// is none (the platform already disconnected: no call is blocked on the socket).
    func interrupt() -> String? {
        current.withLock { fd in
            guard fd >= 0, shutdown(fd, Int32(SHUT_RDWR)) != 0, errno != ENOTCONN else { return nil }
            return SystemError.last("shutdown").description
        }
    }
}
