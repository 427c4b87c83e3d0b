import Telemetry

/// `vehicles.<id>.buses.<interface>.controller`: what candor itself may do to the bus's CAN
/// controller. Everything is off by default (systemd-networkd configures the interface);
/// each option needs `CAP_NET_ADMIN` (Systemd/README.md).
public struct ControllerSettings: Sendable, Hashable {
    /// `configure: true`: at startup, set the bus's `bitrate:` (and `restart_ms`) on the
    /// controller (interface down → set → up) before opening the socket.
    public var configure: Bool
    /// `restart_ms`: the kernel's automatic restart delay after bus-off, ms (0 = off). Only
    /// with `configure: true`; nil leaves the controller's value.
    public var restartMilliseconds: Int?
    /// `restart_on_bus_off: true`: the daemon requests a restart when it sees bus-off (for
    /// controllers whose restart-ms is 0).
    public var restartOnBusOff: Bool

    public init(configure: Bool = false, restartMilliseconds: Int? = nil, restartOnBusOff: Bool = false) {
        self.configure = configure
        self.restartMilliseconds = restartMilliseconds
        self.restartOnBusOff = restartOnBusOff
    }

    /// Whether any option acts on the controller (and so needs `CAP_NET_ADMIN`).
    public var actsOnController: Bool { configure || restartOnBusOff }
}

/// One bus whose controller settings ask for action, with the bus's rules (the bit rates to
/// apply: `rules.bitrate`, and `rules.dataBitrate` when a data phase is configured).
public struct BusControllerPlan: Sendable, Hashable {
    public var interface: String
    public var rules: BusRules
    public var settings: ControllerSettings

    public init(interface: String, rules: BusRules, settings: ControllerSettings) {
        self.interface = interface
        self.rules = rules
        self.settings = settings
    }
}

extension GatewayConfig {
    /// `controller: { configure, restart_ms, restart_on_bus_off }`.
    static func decodeController(_ node: ConfigNode) throws(ConfigError) -> ControllerSettings {
        let f = try node.fields(["configure", "restart_ms", "restart_on_bus_off"])
        var settings = ControllerSettings()
        settings.configure = try f["configure"]?.bool() ?? false
        settings.restartOnBusOff = try f["restart_on_bus_off"]?.bool() ?? false
        if let n = f["restart_ms"] {
            let ms = try n.int("milliseconds")
            guard (0...3_600_000).contains(ms) else { throw n.error("expected 0 to 3600000 ms, found \(ms)") }
            guard settings.configure else { throw n.error("restart_ms is applied only with `configure: true`") }
            if settings.restartOnBusOff && ms > 0 {
                throw n.error("restart_on_bus_off needs restart_ms 0 (with \(ms) the kernel restarts the controller by itself)")
            }
            settings.restartMilliseconds = ms
        }
        return settings
    }
}
