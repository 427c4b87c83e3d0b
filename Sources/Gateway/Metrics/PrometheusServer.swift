import Synchronization
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// Why the metrics endpoint could not start.
public struct MetricsServerError: Error, CustomStringConvertible {
    public let listen: String
    public let operation: String
    public let code: Int32
    public var description: String {
        "metrics endpoint \(listen): \(operation): \(SystemError.text(code)) (errno \(code))"
    }
}

/// A tiny HTTP/1.1 server for `GET /metrics`: one listening TCP socket (IPv4) and one thread
/// that polls it and every open connection (non-blocking). One request per connection,
/// requests larger than 8 KiB refused; anything but `GET /metrics` gets 404 (or 405).
///
/// A client cannot take it down: each connection has one deadline for its whole request and
/// response (`requestDeadline`, not per read, so a byte every second does not keep it open),
/// at most `maxConnections` are open at once (more wait in the kernel's backlog), and a
/// failing `accept` (`EMFILE`, `ENFILE`, `ENOBUFS`…) is logged (throttled), backed off from
/// (50 ms doubling to 1 s) and retried, so the endpoint answers again once descriptors free up.
public final class PrometheusServer: @unchecked Sendable {
    public let listen: String
    /// The bound port (useful with port 0).
    public let port: UInt16
    /// Connections served at once.
    public let maxConnections: Int
    /// Time from accept to the last byte of the response; a connection past it is closed.
    public let requestDeadline: Duration
    static let maxRequestBytes = 8192
    private let render: @Sendable () -> String
    private let log: GatewayLog
    /// The listening socket and the pipe `close()` signals to end the thread's poll; both
    /// closed by `close()` once the thread has ended.
    private var listener: FileDescriptor?
    private var wake: WakePipe?
    private let stopped = Atomic<Bool>(false)
    private var thread: SystemThread?
    // Owned by the server thread.
    private var connections: [PrometheusConnection] = []
    private var acceptFailures = LogThrottle(interval: .seconds(10))
    private var backoffNanoseconds: Int64 = 0
    private var acceptAgainAt: Int64 = 0

    /// `listen`: `host:port` with a dotted IPv4 host (`127.0.0.1:9464`).
    public convenience init(
        listen: String, metrics: PrometheusMetrics, log: GatewayLog,
        maxConnections: Int = 16, requestDeadline: Duration = .seconds(3)
    ) throws(MetricsServerError) {
        try self.init(listen: listen, render: { metrics.exposition() }, log: log,
                      maxConnections: maxConnections, requestDeadline: requestDeadline)
    }

    /// Serves what `render` returns (another process's registry: `candor collect`'s).
    public init(
        listen: String, render: @escaping @Sendable () -> String, log: GatewayLog,
        maxConnections: Int = 16, requestDeadline: Duration = .seconds(3)
    ) throws(MetricsServerError) {
        precondition(maxConnections > 0, "the metrics endpoint needs at least one connection")
        self.listen = listen
        self.render = render
        self.log = log
        self.maxConnections = maxConnections
        self.requestDeadline = requestDeadline
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw MetricsServerError(listen: listen, operation: "parse host:port", code: EINVAL)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, String(listen[..<colon]), &address.sin_addr) == 1 else {
            throw MetricsServerError(listen: listen, operation: "parse IPv4 host", code: EINVAL)
        }
        // A throw below drops `listener`, which closes it.
        let listener: FileDescriptor
        do {
            listener = FileDescriptor(owning: try Syscall.retrying("socket") {
                socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            })
        } catch { throw MetricsServerError(listen: listen, operation: error.call, code: error.code) }
        do {
            try Syscall.setOption(listener.rawValue, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, call: "setsockopt(SO_REUSEADDR)")
        } catch { throw MetricsServerError(listen: listen, operation: error.call, code: error.code) }
        let fd = listener.rawValue
        func failed(_ operation: String) -> MetricsServerError { MetricsServerError(listen: listen, operation: operation, code: errno) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw failed("bind") }
        guard Glibc.listen(fd, 64) == 0 else { throw failed("listen") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw failed("getsockname") }
        do { wake = try WakePipe() } catch { throw MetricsServerError(listen: listen, operation: error.call, code: error.code) }
        self.listener = consume listener
        self.port = UInt16(bigEndian: actual.sin_port)
        let wakeReader = wake?.reader.rawValue ?? -1
        thread = SystemThread(name: "candor-metrics") { self.serve(listener: fd, wake: wakeReader) }
    }

    /// Stops serving, closes every connection and joins the thread; idempotent.
    public func close() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        wake?.signal()
        thread?.join()
        for connection in connections { drop(connection) }
        connections.removeAll()
        var failures = wake.take()?.close() ?? []
        do { try listener.take()?.close() } catch { failures.append(error) }
        for failure in failures { log.error("metrics endpoint: a close failed", ["listen": listen, "error": failure.description]) }
    }

    /// Closes a connection; a failed close is logged.
    private func drop(_ connection: PrometheusConnection) {
        do { try connection.close() } catch {
            log.error("metrics endpoint: closing a connection failed", ["listen": listen, "error": error.description])
        }
    }

    /// The server thread: poll the wake eventfd, the listener (when a connection slot is free
    /// and no back-off is running) and every connection, until `close()`.
    private func serve(listener: Int32, wake: Int32) {
        var pollSet: [pollfd] = []
        let deadline = Self.nanoseconds(requestDeadline)
        while !stopped.load(ordering: .relaxed) {
            let now = LogThrottle.monotonicNow()
            connections.removeAll { connection in
                guard connection.isDone || now >= connection.deadline else { return false }
                drop(connection)
                return true
            }
            let accepting = connections.count < maxConnections && now >= acceptAgainAt
            pollSet.removeAll(keepingCapacity: true)
            pollSet.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0))
            pollSet.append(pollfd(fd: accepting ? listener : -1, events: Int16(POLLIN), revents: 0))
            for connection in connections {
                pollSet.append(pollfd(fd: connection.fd, events: connection.wantsOutput ? Int16(POLLOUT) : Int16(POLLIN), revents: 0))
            }
            var wakeAt = connections.map(\.deadline).min() ?? Int64.max
            if !accepting && connections.count < maxConnections { wakeAt = min(wakeAt, acceptAgainAt) }
            let timeout = wakeAt == Int64.max ? -1 : Int32(clamping: max(0, (wakeAt - now + 999_999) / 1_000_000))
            do { _ = try Syscall.retrying("poll") { poll(&pollSet, nfds_t(pollSet.count), timeout) } } catch {
                preconditionFailure("poll on owned descriptors failed: \(error)")
            }
            if pollSet[0].revents != 0 { break }
            for (index, connection) in connections.enumerated() where pollSet[index + 2].revents != 0 {
                connection.advance { self.answer(to: $0) }
            }
            if pollSet[1].revents != 0 { acceptConnections(listener, deadline: deadline) }
        }
    }

    /// Accepts until the backlog is empty or the slots are full. A failure other than a
    /// client giving up is logged (throttled) and starts or lengthens the back-off.
    private func acceptConnections(_ listener: Int32, deadline: Int64) {
        while connections.count < maxConnections {
            let client: Int32
            do { client = try Syscall.retrying("accept") { accept(listener, nil, nil) } } catch {
                switch error.code {
                case EAGAIN, EWOULDBLOCK: return
                case ECONNABORTED, EPROTO, EPERM: continue
                default: backOff(after: error); return
                }
            }
            let socket = FileDescriptor(owning: client)
            precondition(fcntl(client, F_SETFD, FD_CLOEXEC) == 0, "fcntl on an accepted socket failed: errno \(errno)")
            backoffNanoseconds = 0
            connections.append(PrometheusConnection(socket, deadline: LogThrottle.monotonicNow() + deadline))
        }
    }

    /// Logs (throttled) an accept that failed and starts or lengthens the back-off.
    private func backOff(after error: SystemError) {
        backoffNanoseconds = min(max(backoffNanoseconds * 2, 50_000_000), 1_000_000_000)
        let now = LogThrottle.monotonicNow()
        acceptAgainAt = now + backoffNanoseconds
        if let held = acceptFailures.admit(now: now) {
            log.error("metrics endpoint cannot accept connections; retrying", [
                "listen": listen, "error": error.reason, "errno": String(error.code),
                "retry_ms": String(backoffNanoseconds / 1_000_000), "failures_not_logged": String(held),
            ])
        }
    }

    /// The response to a complete request head (or to one that grew past the limit).
    private func answer(to request: [UInt8]) -> [UInt8] {
        guard Self.hasHeaderEnd(request) else {
            return Self.response(status: "431 Request Header Fields Too Large", body: "request too large\n")
        }
        let requestLine = request.prefix { $0 != UInt8(ascii: "\r") }.split(separator: UInt8(ascii: " "))
        guard requestLine.count == 3 else { return Self.response(status: "400 Bad Request", body: "bad request\n") }
        guard Array(requestLine[0]) == Array("GET".utf8) else {
            return Self.response(status: "405 Method Not Allowed", body: "only GET\n", extra: "Allow: GET\r\n")
        }
        let target = Array(requestLine[1])
        guard target == Array("/metrics".utf8) || target.starts(with: Array("/metrics?".utf8)) else {
            return Self.response(status: "404 Not Found", body: "not found: try /metrics\n")
        }
        return Self.response(status: "200 OK", body: render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    static func hasHeaderEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return true
        }
        return false
    }

    static func response(status: String, body: String, contentType: String = "text/plain; charset=utf-8", extra: String = "") -> [UInt8] {
        let bodyBytes = Array(body.utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(bodyBytes.count)\r\n\(extra)Connection: close\r\n\r\n"
        return Array(head.utf8) + bodyBytes
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// One accepted metrics connection (every call MSG_DONTWAIT): reads the request head, then writes the
/// response, then is done. Owns its socket; used only by the server thread.
final class PrometheusConnection {
    private var socket: FileDescriptor?
    /// The socket's number (-1 once closed: `poll` skips it).
    var fd: Int32 { socket?.rawValue ?? -1 }
    /// Monotonic nanoseconds after which the connection is closed, whatever its state.
    let deadline: Int64
    private var request: [UInt8] = []
    private var response: [UInt8]?
    private var sent = 0
    private(set) var isDone = false

    init(_ socket: consuming FileDescriptor, deadline: Int64) {
        self.socket = consume socket
        self.deadline = deadline
    }

    var wantsOutput: Bool { response != nil }

    /// Reads or writes what the socket allows now; `answer` builds the response once the head
    /// is complete or over the size limit.
    func advance(answer: ([UInt8]) -> [UInt8]) {
        if response == nil {
            var chunk = [UInt8](repeating: 0, count: 1024)
            while response == nil {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return }
                guard n > 0 else { isDone = true; return }
                request += chunk[..<n]
                if PrometheusServer.hasHeaderEnd(request) || request.count >= PrometheusServer.maxRequestBytes {
                    response = answer(request)
                }
            }
        }
        guard let response else { return }
        while sent < response.count {
            let n = response.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return }
            guard n > 0 else { isDone = true; return }
            sent += n
        }
        isDone = true
    }

    /// Closes the socket (once).
    func close() throws(SystemError) { try socket.take()?.close() }
}
