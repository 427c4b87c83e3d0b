import Telemetry

/// `candor.yaml`, decoded into typed values (schema version 1; reference in README).
///
/// Names are not yet resolved against the DBCs: `GatewaySetup` loads the DBCs and builds the
/// `TelemetryConfiguration` from the rules held here (`FleetRules`, `VehicleRules`,
/// `BusRules`, the values the aggregator reads). Paths are already made relative to the
/// config file's directory, and environment references already substituted.
public struct GatewayConfig: Sendable {
    /// The file it was read from, as given.
    public var file: String
    public var vehicles: [VehicleEntry]
    /// `windows:`, `health:` and `day:`.
    public var rules: FleetRules
    public var sinks: SinkSettings
    /// `recorder:`: raw frames to rotating capture files (live gateway only).
    public var recorder: RecorderOptions?
    /// `tail:`: the decoded-line socket for `candor tail` (live gateway only).
    public var tail: TailHubOptions?
    /// `uplink.gbt32960:` — the GB/T 32960 terminal (a record service: `sinks.gbt32960`).
    public var gbt32960: GBT32960UplinkOptions? { sinks.gbt32960 }
    /// `decoded_log:`: the canonical decoded-frame lines to rotating files (live gateway only).
    public var decodedLog: DecodedLogOptions?
    /// `live:`: receive buffer, queue and reorder horizon of `candor run`'s readers.
    public var live = LiveInputOptions()
    /// Where each key path is in the file (for errors found later, against the DBCs).
    public var positions = ConfigPositions()

    public init(file: String, vehicles: [VehicleEntry], rules: FleetRules = FleetRules(), sinks: SinkSettings = SinkSettings()) {
        self.file = file
        self.vehicles = vehicles
        self.rules = rules
        self.sinks = sinks
    }
}

/// `vehicles.<id>`.
public struct VehicleEntry: Sendable {
    public var name: String
    public var description: String?
    public var buses: [BusEntry]
    /// `signals:`, `temperatures:`, `faults:`, `trips:` and `brake:`.
    public var rules: VehicleRules

    public init(name: String, description: String? = nil, buses: [BusEntry], rules: VehicleRules = VehicleRules()) {
        self.name = name
        self.description = description
        self.buses = buses
        self.rules = rules
    }
}

/// `vehicles.<id>.buses.<interface>`.
public struct BusEntry: Sendable, Hashable {
    public var interface: String
    /// Resolved against the config file's directory.
    public var dbcPath: String
    /// `bitrate:`, `data_bitrate:` and `messages:`.
    public var rules: BusRules
    public var j1939: Bool
    /// `controller:`: what candor may do to the CAN controller (off by default).
    public var controller = ControllerSettings()

    public init(interface: String, dbcPath: String, rules: BusRules, j1939: Bool = false) {
        self.interface = interface
        self.dbcPath = dbcPath
        self.rules = rules
        self.j1939 = j1939
    }
}

/// `sinks:`; a nil path is a sink that is off.
public struct SinkSettings: Sendable, Hashable {
    public var sqlitePath: String?
    /// `sinks.sqlite.synchronous`: `normal` (default) or `full` (every batch synced at commit).
    public var sqliteDurability: SQLiteStore.Durability = .normal
    public var jsonlPath: String?
    public var lineProtocolPath: String?
    /// `host:port` of the Prometheus text endpoint (served by the live gateway, not by replay).
    public var prometheusListen: String?
    /// `uplink:`: records to an MQTT broker through a durable outbox (`UplinkService`).
    public var uplink: UplinkSettings?
    /// `uplink.gbt32960:`: the GB/T 32960 terminal (`GBT32960Service`).
    public var gbt32960: GBT32960UplinkOptions?

    public init(sqlitePath: String? = nil, jsonlPath: String? = nil, lineProtocolPath: String? = nil, prometheusListen: String? = nil) {
        self.sqlitePath = sqlitePath
        self.jsonlPath = jsonlPath
        self.lineProtocolPath = lineProtocolPath
        self.prometheusListen = prometheusListen
    }
}

/// The vocabulary of `faults.<kind>` (GB/T 32960 categories, plus the fuel-cell ones).
public enum FaultKinds {
    public static let all: [String] = [
        "temperature_difference", "over_temperature", "pack_over_voltage", "pack_under_voltage",
        "cell_over_voltage", "cell_under_voltage", "soc_low", "soc_high", "soc_jump", "insulation",
        "hv_interlock", "dcdc_temperature", "dcdc_status", "brake_system", "motor_temperature",
        "controller_temperature", "over_charge", "battery_mismatch", "cell_consistency",
        "h2_concentration", "h2_pressure", "fuel_cell_temperature",
    ]
}
