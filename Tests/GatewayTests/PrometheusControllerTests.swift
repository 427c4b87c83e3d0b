@testable import Gateway
import Testing

/// The controller families of the metrics endpoint: a stateset per bus, both error counters,
/// bus-off episodes and the driver's event counters; nothing for buses never set (vcan).
@Suite struct PrometheusControllerTests {
    private static func metrics() throws -> PrometheusMetrics {
        let setup = try GatewaySetup(dbcPath: ExampleConfigTests.repository + "/Fixtures/dbc/fleet/van.dbc", interfaces: ["can0", "vcan0"], bitrate: 500_000)
        return PrometheusMetrics(layout: setup.layout)
    }

    private static func controllerSamples(_ metrics: PrometheusMetrics) -> [String: Double] {
        let exposition = ExpositionText(metrics.exposition())
        #expect(exposition.problems == [])
        return exposition.samples(startingWith: "candor_can_")
    }

    @Test func controllerFamiliesExactSeries() throws {
        let metrics = try Self.metrics()
        metrics.setController(bus: "can1", ControllerFigures(state: "bus-off", transmitErrors: 256, receiveErrors: 3, busOffEpisodes: 2,
                                                             events: ["bus_off": 2, "restarts": 1]))
        metrics.setController(bus: "can0", ControllerFigures(state: "error-active", transmitErrors: 0, receiveErrors: 0, busOffEpisodes: 0,
                                                             events: ["bus_error": 7, "error_warning": 0]))
        #expect(Self.controllerSamples(metrics) == [
            "candor_can_controller_state{bus=\"can0\",state=\"error-active\"}": 1,
            "candor_can_controller_state{bus=\"can0\",state=\"error-warning\"}": 0,
            "candor_can_controller_state{bus=\"can0\",state=\"error-passive\"}": 0,
            "candor_can_controller_state{bus=\"can0\",state=\"bus-off\"}": 0,
            "candor_can_controller_state{bus=\"can0\",state=\"stopped\"}": 0,
            "candor_can_controller_state{bus=\"can0\",state=\"sleeping\"}": 0,
            "candor_can_controller_state{bus=\"can1\",state=\"error-active\"}": 0,
            "candor_can_controller_state{bus=\"can1\",state=\"error-warning\"}": 0,
            "candor_can_controller_state{bus=\"can1\",state=\"error-passive\"}": 0,
            "candor_can_controller_state{bus=\"can1\",state=\"bus-off\"}": 1,
            "candor_can_controller_state{bus=\"can1\",state=\"stopped\"}": 0,
            "candor_can_controller_state{bus=\"can1\",state=\"sleeping\"}": 0,
            "candor_can_error_counter{bus=\"can0\",direction=\"rx\"}": 0,
            "candor_can_error_counter{bus=\"can0\",direction=\"tx\"}": 0,
            "candor_can_error_counter{bus=\"can1\",direction=\"rx\"}": 3,
            "candor_can_error_counter{bus=\"can1\",direction=\"tx\"}": 256,
            "candor_can_bus_off_total{bus=\"can0\"}": 0,
            "candor_can_bus_off_total{bus=\"can1\"}": 2,
            "candor_can_controller_events_total{bus=\"can0\",event=\"bus_error\"}": 7,
            "candor_can_controller_events_total{bus=\"can0\",event=\"error_warning\"}": 0,
            "candor_can_controller_events_total{bus=\"can1\",event=\"bus_off\"}": 2,
            "candor_can_controller_events_total{bus=\"can1\",event=\"restarts\"}": 1,
        ])
        let text = metrics.exposition()
        #expect(text.contains("# HELP candor_can_controller_state CAN controller state per bus (1 for the current state, else 0), read through libsocketcan.\n"))
        #expect(text.contains("# TYPE candor_can_bus_off_total counter\n"))
        #expect(text.contains("candor_can_controller_events_total{bus=\"can0\",event=\"bus_error\"} 7\n"), "counters print integers")
    }

    @Test func unreadableStateKeepsCountersButNoStateset() throws {
        let metrics = try Self.metrics()
        metrics.setController(bus: "can0", ControllerFigures(state: nil, transmitErrors: 5, receiveErrors: nil, busOffEpisodes: 1))
        let samples = Self.controllerSamples(metrics)
        #expect(!samples.keys.contains { $0.hasPrefix("candor_can_controller_state{") })
        #expect(samples["candor_can_error_counter{bus=\"can0\",direction=\"tx\"}"] == 5)
        #expect(!samples.keys.contains { $0.contains("direction=\"rx\"") })
        #expect(samples["candor_can_bus_off_total{bus=\"can0\"}"] == 1)
    }

    @Test func whatBecomesUnreadableLosesItsSeries() throws {
        let metrics = try Self.metrics()
        metrics.setController(bus: "can0", ControllerFigures(state: "error-warning", transmitErrors: 97, receiveErrors: 1, busOffEpisodes: 0,
                                                             events: ["bus_error": 12]))
        #expect(Self.controllerSamples(metrics).count == 6 + 2 + 1 + 1)
        metrics.setController(bus: "can0", ControllerFigures(state: nil, transmitErrors: nil, receiveErrors: 1, busOffEpisodes: 0))
        #expect(Self.controllerSamples(metrics) == [
            "candor_can_error_counter{bus=\"can0\",direction=\"rx\"}": 1,
            "candor_can_bus_off_total{bus=\"can0\"}": 0,
        ])
        let text = metrics.exposition()
        #expect(text.contains("# TYPE candor_can_controller_state gauge\n"), "the family stays announced without series")
        #expect(text.contains("# TYPE candor_can_controller_events_total counter\n"))
        metrics.setController(bus: "can0", ControllerFigures(state: "error-active", transmitErrors: 0, receiveErrors: 0, busOffEpisodes: 0,
                                                             events: ["bus_error": 15]))
        let back = Self.controllerSamples(metrics)
        #expect(back["candor_can_controller_state{bus=\"can0\",state=\"error-active\"}"] == 1)
        #expect(back["candor_can_controller_events_total{bus=\"can0\",event=\"bus_error\"}"] == 15, "the driver's total again")
    }

    @Test func eventTotalsAdvanceByTheDifferenceAndALowerTotalIsAReset() throws {
        let metrics = try Self.metrics()
        func figures(_ busOff: Int, _ errors: Int) -> ControllerFigures {
            ControllerFigures(state: "error-active", transmitErrors: 0, receiveErrors: 0, busOffEpisodes: busOff, events: ["bus_error": errors])
        }
        let errors = "candor_can_controller_events_total{bus=\"can0\",event=\"bus_error\"}"
        let busOff = "candor_can_bus_off_total{bus=\"can0\"}"
        metrics.setController(bus: "can0", figures(0, 7))
        metrics.setController(bus: "can0", figures(1, 9))
        metrics.setController(bus: "can0", figures(3, 9))
        #expect(Self.controllerSamples(metrics)[errors] == 9)
        #expect(Self.controllerSamples(metrics)[busOff] == 3)
        metrics.setController(bus: "can0", figures(3, 4))
        #expect(Self.controllerSamples(metrics)[errors] == 4, "the interface was recreated: a counter reset")
        metrics.setController(bus: "can0", figures(3, 5))
        #expect(Self.controllerSamples(metrics)[errors] == 5)
    }

    @Test func anUnknownKernelStateIsOneMoreSeries() throws {
        let metrics = try Self.metrics()
        metrics.setController(bus: "can0", ControllerFigures(state: "state-9", transmitErrors: 0, receiveErrors: 0, busOffEpisodes: 0))
        let states = Self.controllerSamples(metrics).filter { $0.key.hasPrefix("candor_can_controller_state{") }
        #expect(states.count == 7)
        #expect(states["candor_can_controller_state{bus=\"can0\",state=\"state-9\"}"] == 1)
        #expect(states.values.filter { $0 == 1 }.count == 1)
        metrics.setController(bus: "can0", ControllerFigures(state: "stopped", transmitErrors: 0, receiveErrors: 0, busOffEpisodes: 0))
        let known = Self.controllerSamples(metrics).filter { $0.key.hasPrefix("candor_can_controller_state{") }
        #expect(known.count == 6, "the unknown state's series is gone")
        #expect(known["candor_can_controller_state{bus=\"can0\",state=\"stopped\"}"] == 1)
    }

    @Test func exportedThroughTheEndpointTextOnlyForBusesThatWereSet() throws {
        let metrics = try Self.metrics()
        #expect(metrics.exposition().contains("# TYPE candor_can_controller_state gauge\n"), "families present before any poll")
        metrics.setController(bus: "can0", ControllerFigures(state: "error-passive", transmitErrors: 130, receiveErrors: 0, busOffEpisodes: 0))
        let samples = Self.controllerSamples(metrics)
        #expect(samples["candor_can_controller_state{bus=\"can0\",state=\"error-passive\"}"] == 1)
        #expect(samples["candor_can_error_counter{bus=\"can0\",direction=\"tx\"}"] == 130)
        #expect(!samples.keys.contains { $0.contains("bus=\"vcan0\"") })
    }
}
