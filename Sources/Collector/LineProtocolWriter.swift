import Gateway
import SystemIO
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// Writes InfluxDB line protocol to `<url>/write` (VictoriaMetrics, InfluxDB 1.x) over plain
/// HTTP/1.1: one POST per batch, `Connection: close`, 10 s send and receive timeouts, any 2xx
/// status a success. The lines are the gateway's own line-protocol sink's
/// (`LineProtocolFormat`), so a fleet's series have the names one gateway's file has.
/// `http://` only (put a local TLS proxy in front of a remote database).
public final class LineProtocolWriter {
    public let url: String
    private let host: String
    private let port: String
    private let path: String

    public init(url: String) throws(CollectorError) {
        self.url = url
        guard url.hasPrefix("http://") else { throw CollectorError(kind: .usage, message: "\(url): expected http://HOST:PORT") }
        var rest = url.dropFirst(7)
        var base = ""
        if let slash = rest.firstIndex(of: "/") {
            base = String(rest[slash...])
            rest = rest[..<slash]
        }
        while base.hasSuffix("/") { base.removeLast() }
        guard let colon = rest.lastIndex(of: ":"), let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p), colon > rest.startIndex else {
            throw CollectorError(kind: .usage, message: "\(url): expected http://HOST:PORT")
        }
        host = String(rest[..<colon])
        port = String(p)
        path = base + "/write"
    }

    /// The lines of `records`.
    public static func lines(_ records: [TelemetryRecord], into buffer: inout [UInt8]) {
        for r in records { LineProtocolFormat.append(r, to: &buffer) }
    }

    /// POSTs `body`; throws with the status line or the socket error.
    public func post(_ body: [UInt8]) throws(CollectorError) {
        // Closed as it goes: the response was read (or the error is thrown), nothing is left to lose.
        let socket = try connect()
        let head = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try send(socket.rawValue, Array(head.utf8))
        try send(socket.rawValue, body)
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !response.contains(UInt8(ascii: "\n")) && response.count < 65_536 {
            let n: Int
            do { n = try socket.read(into: &chunk) } catch { throw failure(error.reason) }
            guard n > 0 else { throw failure("connection closed before the status line") }
            response += chunk[0..<n]
        }
        let status = String(decoding: response.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = status.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (200..<300).contains(code) else {
            throw failure("answered \(status)")
        }
    }

    private func failure(_ message: String) -> CollectorError {
        CollectorError(kind: .runtime, message: "\(url)\(path): \(message)")
    }

    private func connect() throws(CollectorError) -> FileDescriptor {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, port, &hints, &list)
        guard rc == 0, let first = list else { throw failure("cannot resolve \(host): \(SystemError.resolverText(rc))") }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let a = entry {
            entry = a.pointee.ai_next
            let socket: FileDescriptor
            do {
                socket = FileDescriptor(owning: try Syscall.retrying("socket") {
                    Glibc.socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
                })
            } catch { lastError = error.reason; continue }
            let fd = socket.rawValue  // `socket` lives on: it is returned or closed below
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            let size = socklen_t(MemoryLayout<timeval>.size)
            do throws(SystemError) {
                _ = try Syscall.retrying("setsockopt(SO_SNDTIMEO)") { setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, size) }
                _ = try Syscall.retrying("setsockopt(SO_RCVTIMEO)") { setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, size) }
                // Not retried on EINTR: the connection goes on in the background, and a second
                // connect would fail with EALREADY.
                guard Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 else { throw SystemError.last("connect") }
            } catch {
                lastError = error.reason
                do { try socket.close() } catch { lastError += " (and close failed)" }
                continue
            }
            return socket
        }
        throw failure("cannot connect: \(lastError)")
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) throws(CollectorError) {
        var sent = 0
        while sent < bytes.count {
            let n: Int
            do {
                n = try Syscall.retrying("send") { bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) } }
            } catch { throw failure("send: \(error.reason)") }
            guard n > 0 else { throw failure("send: nothing sent") }
            sent += n
        }
    }
}
