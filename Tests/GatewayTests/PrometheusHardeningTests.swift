import Foundation
@testable import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP client for the metrics endpoint tests; owns its socket.
final class MetricsTestClient: @unchecked Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`; reads give up after `timeout` seconds (a test never hangs).
    init(port: UInt16, timeout: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw TestFailure("setsockopt: errno \(errno)")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect: errno \(errno)") }
    }

    deinit { close(fd) }

    @discardableResult
    func send(_ text: String) -> Bool { Self.send(Array(text.utf8), to: fd) }

    @discardableResult
    static func send(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Everything until the server closes (or the read timeout passes).
    func readAll() -> String { Self.readAll(fd) }

    static func readAll(_ fd: Int32) -> String {
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[..<n]
        }
        return String(decoding: response, as: UTF8.self)
    }

    static func scrape(port: UInt16) throws -> String {
        let client = try MetricsTestClient(port: port)
        client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        return client.readAll()
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Hostile clients against the metrics endpoint (issue 10, item 3).
@Suite struct PrometheusHardeningTests {
    static func metrics() throws -> PrometheusMetrics {
        let setup = try GatewaySetup(dbcPath: ExampleConfigTests.repository + "/Fixtures/dbc/fleet/van.dbc", interfaces: ["can0"], bitrate: 500_000)
        return PrometheusMetrics(layout: setup.layout)
    }

    static func log(_ capture: LogCapture) -> GatewayLog {
        GatewayLog(label: "metrics", format: .terminal, output: capture.append, clock: LoggingTests.fixedClock)
    }

    /// Before: one connection at a time, so a client that sent one byte and nothing more held
    /// the endpoint for its read timeout (2 s, renewed by every byte).
    @Test func aSlowClientDoesNotDelayAScrape() throws {
        let server = try PrometheusServer(listen: "127.0.0.1:0", metrics: try Self.metrics(), log: Self.log(LogCapture()), requestDeadline: .seconds(5))
        defer { server.close() }
        let slow = try MetricsTestClient(port: server.port)
        slow.send("G")
        let others = try (0..<5).map { _ in try MetricsTestClient(port: server.port) }
        let start = monotonicSeconds()
        let reply = try MetricsTestClient.scrape(port: server.port)
        let elapsed = monotonicSeconds() - start
        print("scrape beside 6 stalled clients: \(elapsed) s")
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(elapsed < 1.5)
        _ = others
    }

    /// Before: the timeout applied per read, so a byte every 1.5 s kept a connection for ever.
    @Test func aTricklingClientIsCutOffAtTheRequestDeadline() throws {
        let server = try PrometheusServer(listen: "127.0.0.1:0", metrics: try Self.metrics(), log: Self.log(LogCapture()), requestDeadline: .milliseconds(400))
        defer { server.close() }
        let slow = try MetricsTestClient(port: server.port, timeout: 8)
        let trickling = Thread {
            // One byte of a never-ending header every 100 ms, until the server hangs up.
            for _ in 0..<80 {
                guard slow.send("X") else { return }
                usleep(100_000)
            }
        }
        let start = monotonicSeconds()
        trickling.start()
        let reply = slow.readAll()
        let elapsed = monotonicSeconds() - start
        print("trickling client closed after \(elapsed) s (deadline 0.4 s)")
        #expect(reply.isEmpty)
        #expect(elapsed < 3)
    }

    /// More clients than slots: the extra ones wait in the backlog and are served as slots free.
    @Test func connectionsBeyondTheLimitAreServedWhenSlotsFree() throws {
        let server = try PrometheusServer(
            listen: "127.0.0.1:0", metrics: try Self.metrics(), log: Self.log(LogCapture()), maxConnections: 2, requestDeadline: .milliseconds(300))
        defer { server.close() }
        let idle = try (0..<2).map { _ in try MetricsTestClient(port: server.port) }
        let reply = try MetricsTestClient.scrape(port: server.port)
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
        for client in idle { #expect(client.readAll().isEmpty) }  // cut off at their deadline
    }
}
