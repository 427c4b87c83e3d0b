import CANCapture
import CANCore
import FleetSimulator
@testable import Gateway
import Telemetry
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP exchange over loopback: sends `request`, reads until the server closes.
private func exchange(port: UInt16, _ request: [UInt8]) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw TestFailure("connect: errno \(errno)") }
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        response += chunk[..<n]
    }
    return String(decoding: response, as: UTF8.self)
}

@Suite struct PrometheusTests {
    private static func fedMetrics() throws -> (metrics: PrometheusMetrics, capture: String, bundle: SimulatedBundle) {
        let bundle = try SimulatedBundle(
            SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 20, seed: 9, faults: []), name: "prometheus")
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        let metrics = PrometheusMetrics(layout: setup.layout)
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [bundle.capture])) { metrics.observe($0) }
        return (metrics, bundle.capture, bundle)
    }

    @Test func framesPerBusEqualTheCapturesCounts() throws {
        let (metrics, capture, _) = try Self.fedMetrics()
        var perBus: [String: Int] = [:]
        let reader = try CaptureReader(path: capture)
        while let frame = try reader.next() { perBus[frame.bus, default: 0] += 1 }
        let text = metrics.exposition()
        print(text.split(separator: "\n").prefix(12).joined(separator: "\n"))
        for (bus, count) in perBus {
            #expect(text.contains("candor_frames_total{bus=\"\(bus)\"} \(count)\n"), "bus \(bus): \(count)")
        }
        for family in ["candor_frames_total counter", "candor_error_frames_total counter", "candor_dropped_frames_total counter",
                       "candor_bus_load_ratio gauge", "candor_message_timeouts_total counter", "candor_signal gauge"] {
            #expect(text.contains("# TYPE \(family)\n"))
        }
        #expect(text.contains("candor_signal{vehicle=\"van01\",role=\"vehicle_speed\"} "))
        for line in text.split(separator: "\n") where line.hasPrefix("candor_bus_load_ratio{") {
            let value = Double(line.split(separator: " ").last!)!
            #expect(value > 0 && value < 1, "\(line)")
        }
    }

    @Test func labelValuesAreEscaped() {
        #expect(PrometheusMetrics.quoted("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"")
    }

    @Test func servesMetricsOverLoopback() throws {
        let (metrics, _, _) = try Self.fedMetrics()
        metrics.setDropped(stage: "queue", total: 3)
        let server = try PrometheusServer(listen: "127.0.0.1:0", metrics: metrics)
        defer { server.close() }
        let ok = try exchange(port: server.port, Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(ok.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(ok.contains("Content-Type: text/plain; version=0.0.4"))
        let body = String(ok.split(separator: "\r\n\r\n", maxSplits: 1)[1])
        #expect(body == metrics.exposition())
        #expect(body.contains("candor_dropped_frames_total{stage=\"queue\"} 3\n"))
        #expect(try exchange(port: server.port, Array("GET / HTTP/1.1\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 404"))
        #expect(try exchange(port: server.port, Array("POST /metrics HTTP/1.1\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 405"))
        let huge = Array("GET /metrics HTTP/1.1\r\nX: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 20_000)
        #expect(try exchange(port: server.port, huge).hasPrefix("HTTP/1.1 431"))
    }
}
