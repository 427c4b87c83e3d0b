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
    let client = try MetricsTestClient(port: port)
    MetricsTestClient.send(request, to: client.fd)
    return client.readAll()
}

/// The endpoint's families as the swift-prometheus registry writes them, read back with
/// `ExpositionText` (the registry's order is its own, so no test depends on it).
@Suite struct PrometheusTests {
    static let families = [
        "candor_frames_total": "counter", "candor_error_frames_total": "counter", "candor_dropped_frames_total": "counter",
        "candor_bus_load_ratio": "gauge", "candor_message_timeouts_total": "counter", "candor_signal": "gauge",
        "candor_can_controller_state": "gauge", "candor_can_error_counter": "gauge", "candor_can_bus_off_total": "counter",
        "candor_can_controller_events_total": "counter",
    ]

    static func fedMetrics() throws -> (metrics: PrometheusMetrics, capture: String, bundle: SimulatedBundle) {
        let bundle = try SimulatedBundle(
            SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 20, seed: 9, faults: []), name: "prometheus")
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        let metrics = PrometheusMetrics(layout: setup.layout)
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [bundle.capture])) { metrics.observe($0.records) }
        return (metrics, bundle.capture, bundle)
    }

    private static func plainSetup() throws -> GatewaySetup {
        try GatewaySetup(dbcPath: ExampleConfigTests.repository + "/Fixtures/dbc/fleet/van.dbc", interfaces: ["can0", "vcan0"], bitrate: 500_000)
    }

    @Test func framesPerBusEqualTheCapturesCounts() throws {
        let (metrics, capture, _) = try Self.fedMetrics()
        var perBus: [String: Int] = [:]
        let reader = try CaptureReader(path: capture)
        while let frame = try reader.next() { perBus[frame.bus, default: 0] += 1 }
        let text = metrics.exposition()
        print(text.split(separator: "\n").prefix(12).joined(separator: "\n"))
        let exposition = ExpositionText(text)
        #expect(exposition.problems == [])
        #expect(exposition.samples(startingWith: "candor_frames_total{") == Dictionary(uniqueKeysWithValues: perBus.map {
            ("candor_frames_total{bus=\"\($0.key)\"}", Double($0.value))
        }))
        #expect(exposition.types == Self.families)
        #expect(exposition.samples["candor_signal{vehicle=\"van01\",role=\"vehicle_speed\"}"] != nil)
        let loads = exposition.samples(startingWith: "candor_bus_load_ratio{")
        #expect(loads.count == perBus.count)
        for (series, value) in loads { #expect(value > 0 && value < 1, "\(series) \(value)") }
        for (series, value) in exposition.samples(startingWith: "candor_message_timeouts_total{") {
            #expect(value >= 0 && value == value.rounded(), "\(series) \(value)")
        }
    }

    @Test func everyFamilyIsAnnouncedBeforeItHasSeries() throws {
        let metrics = PrometheusMetrics(layout: try Self.plainSetup().layout)
        let exposition = ExpositionText(metrics.exposition())
        #expect(exposition.problems == [])
        #expect(exposition.types == Self.families)
        #expect(exposition.helps.count == Self.families.count)
        #expect(exposition.samples == ["candor_frames_total{bus=\"can0\"}": 0, "candor_frames_total{bus=\"vcan0\"}": 0])
    }

    @Test func labelValuesAreEscaped() throws {
        let metrics = PrometheusMetrics(layout: try Self.plainSetup().layout)
        metrics.setController(bus: "a\"b\\c\nd", ControllerFigures(state: nil, transmitErrors: nil, receiveErrors: nil, busOffEpisodes: 4))
        #expect(metrics.exposition().contains("candor_can_bus_off_total{bus=\"a\\\"b\\\\c\\nd\"} 4\n"))
    }

    @Test func droppedTotalsAdvanceByTheDifferenceAndALowerTotalIsAReset() throws {
        let metrics = PrometheusMetrics(layout: try Self.plainSetup().layout)
        func dropped(_ stage: String) -> Double? {
            ExpositionText(metrics.exposition()).samples["candor_dropped_frames_total{stage=\"\(stage)\"}"]
        }
        #expect(dropped("queue") == nil, "no series before the stage reports")
        metrics.setDropped(stage: "queue", total: 0)
        #expect(dropped("queue") == 0)
        metrics.setDropped(stage: "queue", total: 3)
        metrics.setDropped(stage: "queue", total: 3)
        metrics.setDropped(stage: "queue", total: 10)
        metrics.setDropped(stage: "kernel", total: 2)
        #expect(dropped("queue") == 10)
        #expect(dropped("kernel") == 2)
        metrics.setDropped(stage: "queue", total: 4)
        #expect(dropped("queue") == 4, "the source restarted counting: a counter reset to its new total")
        metrics.setDropped(stage: "queue", total: 6)
        #expect(dropped("queue") == 6)
    }

    @Test func aReloadKeepsCountersAndDropsUnmappedRoles() throws {
        let (metrics, _, _) = try Self.fedMetrics()
        let before = ExpositionText(metrics.exposition())
        #expect(before.samples(startingWith: "candor_signal{").count == 10)
        metrics.use(layout: try Self.plainSetup().layout)
        let after = ExpositionText(metrics.exposition())
        #expect(after.problems == [])
        #expect(after.samples(startingWith: "candor_signal{").isEmpty, "no semantic map: every role unregistered")
        #expect(after.types["candor_signal"] == "gauge", "the family is still announced")
        var frames = before.samples(startingWith: "candor_frames_total{")
        frames["candor_frames_total{bus=\"can0\"}"] = frames["candor_frames_total{bus=\"can0\"}"] ?? 0
        frames["candor_frames_total{bus=\"vcan0\"}"] = frames["candor_frames_total{bus=\"vcan0\"}"] ?? 0
        #expect(after.samples(startingWith: "candor_frames_total{") == frames, "old buses keep their totals, new ones start at 0")
        #expect(after.samples(startingWith: "candor_message_timeouts_total{") == before.samples(startingWith: "candor_message_timeouts_total{"))
    }

    @Test func servesMetricsOverLoopback() throws {
        let (metrics, _, _) = try Self.fedMetrics()
        metrics.setDropped(stage: "queue", total: 3)
        let server = try PrometheusServer(listen: "127.0.0.1:0", metrics: metrics, log: GatewayLog(label: "metrics", format: .terminal, output: { _ in }))
        defer { server.close() }
        let ok = try exchange(port: server.port, Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(ok.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(ok.contains("Content-Type: text/plain; version=0.0.4"))
        let body = ExpositionText(String(ok.split(separator: "\r\n\r\n", maxSplits: 1)[1]))
        #expect(body.problems == [])
        #expect(body.samples == ExpositionText(metrics.exposition()).samples)
        #expect(body.samples["candor_dropped_frames_total{stage=\"queue\"}"] == 3)
        #expect(try exchange(port: server.port, Array("GET / HTTP/1.1\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 404"))
        #expect(try exchange(port: server.port, Array("POST /metrics HTTP/1.1\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 405"))
        let huge = Array("GET /metrics HTTP/1.1\r\nX: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 20_000)
        #expect(try exchange(port: server.port, huge).hasPrefix("HTTP/1.1 431"))
    }
}
