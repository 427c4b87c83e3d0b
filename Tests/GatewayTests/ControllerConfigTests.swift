import Gateway
import Telemetry
import Testing

/// `buses.<interface>.controller`: off by default, the three keys, and every bad value named
/// with its file:line:column and key path.
@Suite struct ControllerConfigTests {
    static func yaml(_ controller: String?) -> String {
        """
        version: 1
        vehicles:
          van01:
            buses:
              can0:
                dbc: van.dbc
                bitrate: 250000
        \(controller.map { "        controller: \($0)\n" } ?? "")      vcan0: { dbc: van.dbc, bitrate: 500000 }
        """
    }

    func decode(_ controller: String?) throws(ConfigError) -> GatewayConfig {
        try GatewayConfig.decode(yaml: Self.yaml(controller), file: "candor.yaml", environment: [:])
    }

    func failure(_ controller: String) -> ConfigError? {
        do {
            _ = try decode(controller)
            return nil
        } catch {
            return error
        }
    }

    @Test func offByDefault() throws {
        let buses = try decode(nil).vehicles[0].buses
        #expect(buses.map(\.controller) == [ControllerSettings(), ControllerSettings()])
        #expect(!buses[0].controller.actsOnController)
    }

    @Test func configureWithRestartMilliseconds() throws {
        let bus = try decode("{ configure: true, restart_ms: 100 }").vehicles[0].buses[0]
        #expect(bus.controller == ControllerSettings(configure: true, restartMilliseconds: 100, restartOnBusOff: false))
        #expect(bus.controller.actsOnController)
    }

    @Test func restartOnBusOffAloneOrWithRestartZero() throws {
        let alone = try decode("{ restart_on_bus_off: true }").vehicles[0].buses[0].controller
        #expect(alone == ControllerSettings(configure: false, restartMilliseconds: nil, restartOnBusOff: true))
        #expect(alone.actsOnController)
        let zero = try decode("{ configure: yes, restart_ms: 0, restart_on_bus_off: true }").vehicles[0].buses[0].controller
        #expect(zero == ControllerSettings(configure: true, restartMilliseconds: 0, restartOnBusOff: true))
    }

    @Test(arguments: [
        ("{ configure: maybe }", 8, 34, "vehicles.van01.buses.can0.controller.configure", "expected true or false, found \"maybe\""),
        ("{ configure: true, restart_ms: -5 }", 8, 52, "vehicles.van01.buses.can0.controller.restart_ms", "expected 0 to 3600000 ms, found -5"),
        ("{ configure: true, restart_ms: 1s }", 8, 52, "vehicles.van01.buses.can0.controller.restart_ms", "expected milliseconds, found \"1s\""),
        ("{ restart_ms: 100 }", 8, 35, "vehicles.van01.buses.can0.controller.restart_ms",
         "restart_ms is applied only with `configure: true`"),
        ("{ configure: true, restart_ms: 100, restart_on_bus_off: true }", 8, 52, "vehicles.van01.buses.can0.controller.restart_ms",
         "restart_on_bus_off needs restart_ms 0 (with 100 the kernel restarts the controller by itself)"),
        ("{ configure: true, bitrate: 500000 }", 8, 49, "vehicles.van01.buses.can0.controller.bitrate",
         "unknown key; expected one of configure, restart_ms, restart_on_bus_off"),
        ("true", 8, 21, "vehicles.van01.buses.can0.controller", "expected a map, found \"true\""),
    ])
    func badValuesNameTheirPlace(controller: String, line: Int, column: Int, keyPath: String, message: String) {
        let error = failure(controller)
        #expect(error == ConfigError(file: "candor.yaml", line: line, column: column, keyPath: keyPath, message: message),
                "\(error.map(String.init(describing:)) ?? "no error")")
    }

    @Test func setupListsOnlyTheBusesThatAct() throws {
        // Relative DBC paths resolve against the config file's directory: the fleet fixtures.
        let file = ExampleConfigTests.repository + "/Fixtures/dbc/fleet/candor.yaml"
        let config = try GatewayConfig.decode(
            yaml: Self.yaml("{ configure: true, restart_ms: 100 }"), file: file, environment: [:])
        let setup = try GatewaySetup(config)
        #expect(setup.controllers == [BusControllerPlan(
            interface: "can0", rules: BusRules(bitrate: 250_000),
            settings: ControllerSettings(configure: true, restartMilliseconds: 100))])
    }
}
