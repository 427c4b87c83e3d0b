import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Why the metrics endpoint could not start.
public struct MetricsServerError: Error, CustomStringConvertible {
    public let listen: String
    public let operation: String
    public let code: Int32
    public var description: String {
        "metrics endpoint \(listen): \(operation): \(String(cString: strerror(code))) (errno \(code))"
    }
}

/// A tiny HTTP/1.1 server for `GET /metrics`: one listening TCP socket (IPv4), a blocking
/// accept on its own thread, one request per connection, requests larger than 8 KiB refused.
/// Anything but `GET /metrics` gets 404 (or 405 for another method).
public final class PrometheusServer: @unchecked Sendable {
    public let listen: String
    /// The bound port (useful with port 0).
    public let port: UInt16
    private let metrics: PrometheusMetrics
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)
    private var thread = pthread_t()
    static let maxRequestBytes = 8192

    /// `listen`: `host:port` with a dotted IPv4 host (`127.0.0.1:9464`).
    public init(listen: String, metrics: PrometheusMetrics) throws(MetricsServerError) {
        self.listen = listen
        self.metrics = metrics
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw MetricsServerError(listen: listen, operation: "parse host:port", code: EINVAL)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, String(listen[..<colon]), &address.sin_addr) == 1 else {
            throw MetricsServerError(listen: listen, operation: "parse IPv4 host", code: EINVAL)
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw MetricsServerError(listen: listen, operation: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw MetricsServerError(listen: listen, operation: "bind/listen", code: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = UInt16(bigEndian: actual.sin_port)
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let server = Unmanaged<PrometheusServer>.fromOpaque(raw!).takeRetainedValue()
            server.acceptLoop()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    /// Stops accepting and joins the thread; idempotent.
    public func close() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        pthread_join(thread, nil)
        Glibc.close(fd)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            respond(client)
            Glibc.close(client)
        }
    }

    private func respond(_ client: Int32) {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while !Self.hasHeaderEnd(request) {
            guard request.count < Self.maxRequestBytes else {
                return send(client, Self.response(status: "431 Request Header Fields Too Large", body: "request too large\n"))
            }
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            request += chunk[..<n]
        }
        let requestLine = request.prefix { $0 != UInt8(ascii: "\r") }.split(separator: UInt8(ascii: " "))
        guard requestLine.count == 3 else { return send(client, Self.response(status: "400 Bad Request", body: "bad request\n")) }
        guard Array(requestLine[0]) == Array("GET".utf8) else {
            return send(client, Self.response(status: "405 Method Not Allowed", body: "only GET\n", extra: "Allow: GET\r\n"))
        }
        let target = Array(requestLine[1])
        guard target == Array("/metrics".utf8) || target.starts(with: Array("/metrics?".utf8)) else {
            return send(client, Self.response(status: "404 Not Found", body: "not found: try /metrics\n"))
        }
        send(client, Self.response(status: "200 OK", body: metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8"))
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

    private func send(_ client: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }
}
