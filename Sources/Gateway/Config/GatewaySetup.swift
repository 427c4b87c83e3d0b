import CANDatabase
import Telemetry

/// The configuration resolved against its DBCs, as one value: the config itself, one decode
/// plan per bus (in the layout's bus order) and the telemetry layout. Everything the pipeline
/// and the services need, checked up front: a DBC that cannot be read, or a message or signal
/// name that is not in its DBC, is a `ConfigError` naming the key path.
public struct GatewaySetup: Sendable {
    /// The config as read (paths resolved, environment substituted); `--dbc` makes one.
    public let config: GatewayConfig
    public let layout: TelemetryLayout
    /// `plans[b]` decodes the frames of layout bus `b`.
    public let plans: [DecodePlan]
    /// The buses whose `controller:` settings ask candor to act on the controller.
    public let controllers: [BusControllerPlan]
    /// Whether the operations figures mean anything (a semantic map was given). False for
    /// `--dbc` replays: windows and health only.
    public let hasOperations: Bool
    /// Problems worth telling that do not stop a replay (DBC constructs that could not be read).
    public let warnings: [String]
    /// Every DBC file read, once each, in the order first named (inputs a command must not overwrite).
    public let dbcPaths: [String]
    /// `uplink.captures:` resolved against the DBCs (nil: no captures).
    public let capturePlan: CapturePlan?

    /// Reads `candor.yaml` at `path`, substitutes the environment, loads every DBC.
    public static func load(configFile path: String, environment: [String: String]) throws(ConfigError) -> GatewaySetup {
        let text: String
        do { text = try TextFile.read(path) } catch {
            throw ConfigError(file: path, keyPath: "", message: error.reason)
        }
        return try GatewaySetup(try GatewayConfig.decode(yaml: text, file: path, environment: environment))
    }

    /// Sinks named by the config (paths resolved), or none.
    public var sinks: SinkSettings { config.sinks }
    /// `recorder:` and `tail:` of the config (the live gateway's services), or nil.
    public var recorder: RecorderOptions? { config.recorder }
    public var tail: TailHubOptions? { config.tail }
    /// `decoded_log:` of the config, or nil.
    public var decodedLog: DecodedLogOptions? { config.decodedLog }
    /// `live:` of the config (the daemon's receive buffer, queue and reorder horizon).
    public var live: LiveInputOptions { config.live }

    public init(_ config: GatewayConfig) throws(ConfigError) {
        var plans: [DecodePlan] = []
        var vehicles: [VehicleConfiguration] = []
        var warnings: [String] = []
        var loaded: [String: DBCLoadResult] = [:]
        var controllers: [BusControllerPlan] = []
        var dbcPaths: [String] = []
        for vehicle in config.vehicles {
            var buses: [BusConfiguration] = []
            for bus in vehicle.buses {
                let keyPath = "vehicles.\(vehicle.name).buses.\(bus.interface).dbc"
                let result: DBCLoadResult
                if let cached = loaded[bus.dbcPath] {
                    result = cached
                } else {
                    do { result = try DBCFile.load(path: bus.dbcPath) } catch {
                        throw config.positions.error(file: config.file, keyPath: keyPath, message: error.description)
                    }
                    loaded[bus.dbcPath] = result
                    dbcPaths.append(bus.dbcPath)
                    let errors = result.diagnostics.filter { $0.severity == .error }
                    if let first = errors.first {
                        warnings.append("\(keyPath): \(errors.count) construct(s) of \(bus.dbcPath) could not be read, first: \(first)")
                    }
                }
                let plan = DecodePlan(result.database, options: DecodeOptions(matchJ1939ByPGN: bus.j1939))
                plans.append(plan)
                if bus.controller.actsOnController {
                    controllers.append(BusControllerPlan(interface: bus.interface, rules: bus.rules, settings: bus.controller))
                }
                buses.append(BusConfiguration(interface: bus.interface, rules: bus.rules, plan: plan))
            }
            vehicles.append(VehicleConfiguration(name: vehicle.name, buses: buses, rules: vehicle.rules))
        }
        let telemetry = TelemetryConfiguration(vehicles: vehicles, rules: config.rules)
        do {
            layout = try TelemetryLayout(telemetry)
        } catch {
            throw config.positions.error(file: config.file, keyPath: error.keyPath, message: "expected \(error.expected), found \(error.found)")
        }
        if let captures = config.sinks.uplink?.captures {
            capturePlan = try CapturePlan(captures, layout: layout)
        } else {
            capturePlan = nil
        }
        self.config = config
        self.plans = plans
        self.controllers = controllers
        self.hasOperations = true
        self.warnings = warnings
        self.dbcPaths = dbcPaths
    }

    /// `--dbc` without a config: one vehicle named `vehicle`, one bus per interface (all
    /// decoded with the same DBC), default windows and health, no semantic map.
    public init(dbcPath: String, interfaces: [String], bitrate: Int, dataBitrate: Int? = nil, j1939: Bool = false,
                vehicle: String = "vehicle") throws(DBCFileError) {
        let result = try DBCFile.load(path: dbcPath)
        let plan = DecodePlan(result.database, options: DecodeOptions(matchJ1939ByPGN: j1939))
        let busRules = BusRules(bitrate: bitrate, dataBitrate: dataBitrate)
        let rules = VehicleRules(trips: TripRule(kind: .speed))
        let configuration = TelemetryConfiguration(vehicles: [VehicleConfiguration(
            name: vehicle, buses: interfaces.map { BusConfiguration(interface: $0, rules: busRules, plan: plan) }, rules: rules)])
        do {
            layout = try TelemetryLayout(configuration)
        } catch {
            preconditionFailure("a configuration without message rules or semantic map always resolves: \(error)")
        }
        config = GatewayConfig(file: dbcPath, vehicles: [VehicleEntry(
            name: vehicle, buses: interfaces.map { BusEntry(interface: $0, dbcPath: dbcPath, rules: busRules, j1939: j1939) },
            rules: rules)])
        plans = interfaces.map { _ in plan }
        controllers = []
        hasOperations = false
        dbcPaths = [dbcPath]
        capturePlan = nil
        let errors = result.diagnostics.filter { $0.severity == .error }
        warnings = errors.first.map { ["\(dbcPath): \(errors.count) construct(s) could not be read, first: \($0)"] } ?? []
    }
}
