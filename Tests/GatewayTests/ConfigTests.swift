import Gateway
import Telemetry
import Testing

/// candor.yaml → typed values: defaults, every error with its key path and position,
/// environment substitution, paths relative to the file.
@Suite struct ConfigTests {
    static let minimal = """
        version: 1
        vehicles:
          van01:
            buses:
              can0: { dbc: van.dbc, bitrate: 500000 }
        """

    func decode(_ yaml: String, environment: [String: String] = [:]) throws(ConfigError) -> GatewayConfig {
        try GatewayConfig.decode(yaml: yaml, file: "/etc/candor/candor.yaml", environment: environment)
    }

    func failure(_ yaml: String, environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try decode(yaml, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func minimalConfigTakesTheSchemaDefaults() throws {
        let config = try decode(Self.minimal)
        #expect(config.vehicles.count == 1)
        let bus = config.vehicles[0].buses[0]
        #expect(bus.interface == "can0" && bus.rules.bitrate == 500_000 && bus.rules.dataBitrate == nil && !bus.j1939)
        #expect(bus.dbcPath == "/etc/candor/van.dbc", "relative to the config file's directory")
        #expect(config.rules.windowLengths == [1_000_000_000, 60_000_000_000])
        #expect(config.rules.health == HealthRules())
        #expect(config.rules.dayUTCOffsetSeconds == 0)
        #expect(config.sinks == SinkSettings())
        #expect(config.vehicles[0].rules.trips == TripRule() && config.vehicles[0].rules.brake == BrakeRule())
    }

    @Test func fullExampleDecodes() throws {
        let yaml = """
            version: 1
            vehicles:
              van01:
                description: "demo van"
                buses:
                  can0:
                    dbc: /opt/dbc/van.dbc
                    bitrate: 500000
                    data_bitrate: 2000000
                    j1939: true
                    messages:
                      EHB_Status:
                        cycle: 20ms
                        counter: { signal: EHB_RollingCounter, modulus: 15 }
                        checksum: { signal: EHB_Checksum, algorithm: crc8_sae_j1850 }
                signals:
                  vehicle_speed: { bus: can0, message: VCU, signal: Speed }
                  pack_current: { bus: can0, message: BMS, signal: Current, positive: charge, scale: 0.1, offset: -5 }
                  ready: { bus: can0, message: VCU, signal: Ready, on_values: [1, 3] }
                temperatures:
                  motor: { bus: can0, message: MCU, signal: MotorTemp }
                faults:
                  insulation: { bus: can0, message: BMS, signal: Iso, level: 2 }
                  over_temperature: { bus: can0, message: BMS, signal: OverTemp, level: value }
                trips: { rule: speed, moving_speed: 2.5, idle_end: 5m, min_distance: 0.1 }
                brake: { on_above: 8, off_below: 3.5 }
            windows: [500ms, 10s, 1h]
            health: { timeout_factor: 3, silent_after: 6, learn_frames: 10 }
            day: { utc_offset: "+08:00" }
            sinks:
              sqlite: { path: metrics.db }
              jsonl: { path: /var/log/candor.jsonl }
              line_protocol: { path: out/metrics.lp }
              prometheus: { listen: "127.0.0.1:9464" }
            """
        let config = try decode(yaml)
        let v = config.vehicles[0]
        #expect(v.description == "demo van")
        let bus = v.buses[0]
        #expect(bus.dbcPath == "/opt/dbc/van.dbc" && bus.rules.dataBitrate == 2_000_000 && bus.j1939)
        #expect(bus.rules.messageRules["EHB_Status"] == MessageRules(
            cycle: 20_000_000, counter: CounterRule(signal: "EHB_RollingCounter", modulus: 15),
            checksum: ChecksumRule(signal: "EHB_Checksum", algorithm: .crc8SAEJ1850)))
        #expect(v.rules.signals.vehicleSpeed == SignalReference(bus: "can0", message: "VCU", signal: "Speed"))
        #expect(v.rules.signals.packCurrent == SignalReference(bus: "can0", message: "BMS", signal: "Current", scale: 0.1, offset: -5))
        #expect(v.rules.signals.packCurrentPositive == .charge)
        #expect(v.rules.signals.ready?.onValues == [1, 3])
        #expect(v.rules.temperatures.map(\.name) == ["motor"])
        #expect(v.rules.faults.map(\.kind) == ["insulation", "over_temperature"])
        #expect(v.rules.faults[0].flag.level == .fixed(2) && v.rules.faults[1].flag.level == .fromValue)
        #expect(v.rules.trips == TripRule(kind: .speed, movingSpeed: 2.5, idleEnd: 300_000_000_000, minimumDistance: 0.1))
        #expect(v.rules.brake == BrakeRule(onAbove: 8, offBelow: 3.5))
        #expect(config.rules.windowLengths == [500_000_000, 10_000_000_000, 3_600_000_000_000])
        #expect(config.rules.health == HealthRules(timeoutFactor: 3, silentAfter: 6, learnFrames: 10))
        #expect(config.rules.dayUTCOffsetSeconds == 8 * 3600)
        #expect(config.sinks == SinkSettings(
            sqlitePath: "/etc/candor/metrics.db", jsonlPath: "/var/log/candor.jsonl",
            lineProtocolPath: "/etc/candor/out/metrics.lp", prometheusListen: "127.0.0.1:9464"))
    }

    @Test(arguments: [
        ("version: 2\nvehicles: {}", "version: expected 1"),
        ("vehicles: {}", "missing required key `version`"),
        ("version: 1\nvehicles: {}", "vehicles: expected at least one vehicle"),
        ("version: 1\nvehicle: {}", "vehicle: unknown key"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: fast }",
         "vehicles.van01.buses.can0.bitrate: expected a bit rate in bit/s, found \"fast\""),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc }",
         "vehicles.van01.buses.can0: missing required key `bitrate`"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000, bitrat: 1 }",
         "vehicles.van01.buses.can0.bitrat: unknown key"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000, messages: { M: { cycle: 20 } } }",
         "vehicles.van01.buses.can0.messages.M.cycle: expected a duration with a unit"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000, messages: { M: { checksum: { signal: C, algorithm: crc16 } } } }",
         "vehicles.van01.buses.can0.messages.M.checksum.algorithm: expected one of crc8_sae_j1850"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000 }\n    signals:\n      speed: { bus: can0, message: M, signal: S }",
         "vehicles.van01.signals.speed: unknown role"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000 }\n    signals:\n      pack_current: { bus: can0, message: M, signal: S }",
         "vehicles.van01.signals.pack_current: missing required key `positive`"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000 }\n    signals:\n      soc: { bus: can0, message: M }",
         "vehicles.van01.signals.soc: missing required key `signal`"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000 }\n    signals:\n      fuel_cell_current: { bus: can0, message: M, signal: S, cells: 0 }",
         "vehicles.van01.signals.fuel_cell_current.cells: expected a cell count"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000 }\n    faults:\n      smoke: { bus: can0, message: M, signal: S }",
         "vehicles.van01.faults.smoke: unknown fault kind"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000 }\n    faults:\n      insulation: { bus: can0, message: M, signal: S, level: 4 }",
         "vehicles.van01.faults.insulation.level: expected `value` or a level 1, 2 or 3"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: 500000 }\n    brake: { on_above: 2, off_below: 5 }",
         "vehicles.van01.brake.off_below: expected off_below ≤ on_above"),
        ("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: a.dbc, bitrate: 500000 }\n  bus01:\n    buses:\n      can0: { dbc: b.dbc, bitrate: 500000 }",
         "vehicles.bus01.buses.can0: interface can0 is already a bus of vehicle van01"),
        (minimal + "\nwindows: [1s, 0s]", "windows.1: expected a duration"),
        (minimal + "\nday: { utc_offset: \"8\" }", "day.utc_offset: expected ±HH:MM"),
        (minimal + "\nhealth: { timeout_factor: 1 }", "health.timeout_factor: expected a factor > 1"),
        (minimal + "\nsinks: { sqlite: {} }", "sinks.sqlite: missing required key `path`"),
        ("version: 1\nvehicles: [a, b]", "vehicles: expected a map, found a list"),
        ("version: 1\nvehicles:\n  van01:\n    buses: { can0: { dbc: x, bitrate: 500000 } }\n  van01:\n    buses: {}", "vehicles.van01: duplicate key"),
        ("version: [1", "not valid YAML"),
        ("", "empty configuration"),
    ])
    func errorsNameTheKeyPath(yaml: String, expected: String) {
        let error = failure(yaml)
        #expect(error != nil, "\(yaml) should not decode")
        if let error {
            #expect(error.description.contains(expected), "\(error.description) should contain \(expected)")
            #expect(error.description.hasPrefix("/etc/candor/candor.yaml"))
        }
    }

    @Test func sqliteSynchronousModes() throws {
        let base = Self.minimal + "\nsinks:\n  sqlite: { path: m.db"
        #expect(try decode(base + " }").sinks.sqliteDurability == .normal)
        #expect(try decode(base + ", synchronous: normal }").sinks.sqliteDurability == .normal)
        #expect(try decode(base + ", synchronous: full }").sinks.sqliteDurability == .full)
        let error = failure(base + ", synchronous: always }")
        #expect(error?.description == "/etc/candor/candor.yaml:7:38: sinks.sqlite.synchronous: expected one of normal, full, found \"always\"")
    }

    @Test func errorsPointAtLineAndColumn() {
        let error = failure("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, bitrate: fast }")
        #expect(error?.line == 5)
        #expect(error?.column == 38)
        #expect(error?.description == "/etc/candor/candor.yaml:5:38: vehicles.van01.buses.can0.bitrate: expected a bit rate in bit/s, found \"fast\"")
    }

    @Test func environmentSubstitutionAndDefaults() throws {
        let yaml = """
            version: 1
            vehicles:
              van01:
                buses:
                  can0: { dbc: "${DBC_DIR}/van.dbc", bitrate: "${BITRATE:-250000}" }
            sinks:
              sqlite: { path: "${STATE:-/var/lib/candor}/metrics.db" }
              prometheus: { listen: "${LISTEN:-127.0.0.1:9464}" }
            """
        let config = try decode(yaml, environment: ["DBC_DIR": "/srv/dbc", "LISTEN": "0.0.0.0:9000", "STATE": ""])
        #expect(config.vehicles[0].buses[0].dbcPath == "/srv/dbc/van.dbc")
        #expect(config.vehicles[0].buses[0].rules.bitrate == 250_000, "default when unset")
        #expect(config.sinks.sqlitePath == "/var/lib/candor/metrics.db", "default when set but empty")
        #expect(config.sinks.prometheusListen == "0.0.0.0:9000", "the environment wins over the default")
    }

    @Test func missingVariableIsAnErrorAtItsKey() {
        let yaml = "version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: \"${DBC}\", bitrate: 500000 }"
        let error = failure(yaml)
        #expect(error?.keyPath == "vehicles.van01.buses.can0.dbc")
        #expect(error?.message.contains("DBC is not set") == true)
        #expect(failure(yaml, environment: ["DBC": "x.dbc"]) == nil)
        let malformed = failure("version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: \"${DBC\", bitrate: 1 }")
        #expect(malformed?.message.contains("malformed substitution") == true)
    }

    @Test func substitutionRules() throws {
        let env = ["A": "1", "EMPTY": ""]
        #expect(try EnvironmentSubstitution.apply("x${A}y${A}", environment: env) == "x1y1")
        #expect(try EnvironmentSubstitution.apply("${EMPTY}", environment: env) == "")
        #expect(try EnvironmentSubstitution.apply("${EMPTY:-d}", environment: env) == "d")
        #expect(try EnvironmentSubstitution.apply("${B:-a:-b}", environment: env) == "a:-b")
        #expect(try EnvironmentSubstitution.apply("$A and $", environment: env) == "$A and $")
        #expect(throws: EnvironmentSubstitution.Failure.missing("B")) { try EnvironmentSubstitution.apply("${B}", environment: env) }
        #expect(throws: EnvironmentSubstitution.Failure.malformed("${1A}")) { try EnvironmentSubstitution.apply("${1A}", environment: env) }
    }

    @Test func durations() {
        #expect(ConfigDuration.nanoseconds("500ms") == 500_000_000)
        #expect(ConfigDuration.nanoseconds("0.5s") == 500_000_000)
        #expect(ConfigDuration.nanoseconds("5m") == 300_000_000_000)
        #expect(ConfigDuration.nanoseconds("1h") == 3_600_000_000_000)
        #expect(ConfigDuration.nanoseconds("20") == nil)
        #expect(ConfigDuration.nanoseconds("-1s") == nil)
        #expect(ConfigDuration.nanoseconds("s") == nil)
    }
}

/// The annotated example in Systemd/ resolves against the fleet van DBC.
@Suite struct ExampleConfigTests {
    static var repository: String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }

    @Test func systemdExampleLoadsAgainstTheVanDBC() throws {
        let setup = try GatewaySetup.load(
            configFile: Self.repository + "/Systemd/candor.example.yaml",
            environment: ["CANDOR_DBC_DIR": Self.repository + "/Fixtures/dbc/fleet", "CANDOR_STATE_DIR": "/tmp/candor-state"])
        #expect(setup.layout.busIndex(interface: "can0") == 0)
        #expect(setup.sinks.sqlitePath == "/tmp/candor-state/metrics.db")
        #expect(setup.sinks.prometheusListen == "127.0.0.1:9464")
        #expect(setup.recorder?.rotation.directory == "/tmp/candor-state/recordings")
        #expect(setup.recorder?.rotation.gzip == true)
        #expect(setup.tail?.path == "/run/candor/tail.sock")
        #expect(setup.tail?.mode == 0o660)
        #expect(setup.decodedLog == nil)
        #expect(setup.warnings.isEmpty)
    }
}
