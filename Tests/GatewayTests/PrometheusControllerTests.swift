@testable import Gateway
import Testing

/// The controller families of the metrics endpoint: a stateset per bus, both error counters,
/// bus-off episodes and the driver's event counters; nothing for buses never set (vcan).
@Suite struct PrometheusControllerTests {
    @Test func controllerFamiliesExactText() {
        let text = PrometheusMetrics.controllerFamilies([
            "can1": ControllerFigures(state: "bus-off", transmitErrors: 256, receiveErrors: 3, busOffEpisodes: 2,
                                      events: ["bus_off": 2, "restarts": 1]),
            "can0": ControllerFigures(state: "error-active", transmitErrors: 0, receiveErrors: 0, busOffEpisodes: 0,
                                      events: ["bus_error": 7, "error_warning": 0]),
        ])
        #expect(text == """
            # HELP candor_can_controller_state CAN controller state per bus (1 for the current state, else 0), read through libsocketcan.
            # TYPE candor_can_controller_state gauge
            candor_can_controller_state{bus="can0",state="error-active"} 1
            candor_can_controller_state{bus="can0",state="error-warning"} 0
            candor_can_controller_state{bus="can0",state="error-passive"} 0
            candor_can_controller_state{bus="can0",state="bus-off"} 0
            candor_can_controller_state{bus="can0",state="stopped"} 0
            candor_can_controller_state{bus="can0",state="sleeping"} 0
            candor_can_controller_state{bus="can1",state="error-active"} 0
            candor_can_controller_state{bus="can1",state="error-warning"} 0
            candor_can_controller_state{bus="can1",state="error-passive"} 0
            candor_can_controller_state{bus="can1",state="bus-off"} 1
            candor_can_controller_state{bus="can1",state="stopped"} 0
            candor_can_controller_state{bus="can1",state="sleeping"} 0
            # HELP candor_can_error_counter CAN controller transmit and receive error counters (TEC, REC) per bus.
            # TYPE candor_can_error_counter gauge
            candor_can_error_counter{bus="can0",direction="rx"} 0
            candor_can_error_counter{bus="can0",direction="tx"} 0
            candor_can_error_counter{bus="can1",direction="rx"} 3
            candor_can_error_counter{bus="can1",direction="tx"} 256
            # HELP candor_can_bus_off_total Bus-off episodes per bus since the daemon started.
            # TYPE candor_can_bus_off_total counter
            candor_can_bus_off_total{bus="can0"} 0
            candor_can_bus_off_total{bus="can1"} 2
            # HELP candor_can_controller_events_total The CAN driver's event counters per bus (since the interface was created).
            # TYPE candor_can_controller_events_total counter
            candor_can_controller_events_total{bus="can0",event="bus_error"} 7
            candor_can_controller_events_total{bus="can0",event="error_warning"} 0
            candor_can_controller_events_total{bus="can1",event="bus_off"} 2
            candor_can_controller_events_total{bus="can1",event="restarts"} 1

            """)
    }

    @Test func unreadableStateKeepsCountersButNoStateset() {
        let text = PrometheusMetrics.controllerFamilies([
            "can0": ControllerFigures(state: nil, transmitErrors: 5, receiveErrors: nil, busOffEpisodes: 1)
        ])
        #expect(!text.contains("candor_can_controller_state{"))
        #expect(text.contains("candor_can_error_counter{bus=\"can0\",direction=\"tx\"} 5\n"))
        #expect(!text.contains("direction=\"rx\""))
        #expect(text.contains("candor_can_bus_off_total{bus=\"can0\"} 1\n"))
    }

    @Test func anUnknownKernelStateIsOneMoreSeries() {
        let text = PrometheusMetrics.controllerFamilies([
            "can0": ControllerFigures(state: "state-9", transmitErrors: 0, receiveErrors: 0, busOffEpisodes: 0)
        ])
        let states = text.split(separator: "\n").filter { $0.hasPrefix("candor_can_controller_state{") }
        #expect(states.count == 7)
        #expect(states.last == "candor_can_controller_state{bus=\"can0\",state=\"state-9\"} 1")
        #expect(states.filter { $0.hasSuffix(" 1") }.count == 1)
    }

    @Test func exportedThroughTheEndpointTextOnlyForBusesThatWereSet() throws {
        let setup = try GatewaySetup(dbcPath: ExampleConfigTests.repository + "/Fixtures/dbc/fleet/van.dbc", interfaces: ["can0", "vcan0"], bitrate: 500_000)
        let metrics = PrometheusMetrics(layout: setup.layout)
        #expect(metrics.exposition().contains("# TYPE candor_can_controller_state gauge\n"), "families present before any poll")
        metrics.setController(bus: "can0", ControllerFigures(state: "error-passive", transmitErrors: 130, receiveErrors: 0, busOffEpisodes: 0))
        let text = metrics.exposition()
        #expect(text.contains("candor_can_controller_state{bus=\"can0\",state=\"error-passive\"} 1\n"))
        #expect(text.contains("candor_can_error_counter{bus=\"can0\",direction=\"tx\"} 130\n"))
        #expect(!text.contains("bus=\"vcan0\",state="))
    }
}
