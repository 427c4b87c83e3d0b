import MQTT
import Outbox
import Telemetry

/// `uplink:` — records off the vehicle over MQTT, through a durable outbox (README "Off the
/// vehicle"). Resolved at decode: the vehicles, the signals of their mapped roles, a hash of
/// the config text (reported in the retained status).
public struct UplinkSettings: Sendable, Hashable {
    /// `uplink.mqtt`: the broker (`url`), the client id, credentials, TLS files, keepalive and
    /// session expiry, as the MQTT client takes them.
    public var broker: MQTTClientOptions
    public var fleet: String
    public var outboxPath: String
    public var outboxMaxBytes = 64 << 20
    public var outboxMaxAge: Int64 = 7 * 86_400 * 1_000_000_000
    public var outboxDurability: OutboxDurability = .normal
    /// `uplink.outbox.confirm`: a message leaves the outbox on the broker's PUBACK (`puback`,
    /// the default) or on the collector's confirmation (`collector`, `UplinkConfirmation`).
    public var confirmation: UplinkConfirmation = .puback
    /// `uplink.outbox.confirm_timeout`: with `collector`, a message PUBACK'd this long ago and
    /// not confirmed is sent again (the wait doubles per resend of it, to 16 × this).
    public var confirmTimeoutSeconds: Double = 30
    /// Signal and health windows of these lengths go up (nanoseconds); the others stay local.
    public var windowLengths: [Int64] = [60_000_000_000]
    /// Only the signals of mapped roles (`mapped`, default) or every signal (`all`).
    public var allSignals = false
    /// Message and bus health windows go up.
    public var health = true
    /// Bytes per second at most (payloads); nil = no cap. Capped, operations figures and
    /// episodes go before health, health before signal windows.
    public var bandwidth: Int?
    /// A PUBACK with MQTT 5 reason 0x10 (no matching subscribers: nobody received the message)
    /// leaves the message in the outbox; sending pauses (1 s doubling to 30 s) and starts again
    /// with it. Off (`uplink.mqtt.require_subscriber: false`) such a PUBACK counts as delivered,
    /// for brokers whose consumers are not subscribers (a rule engine).
    public var requireSubscriber = true
    /// How long `candor replay` (and a stopping daemon) waits for the outbox to drain.
    public var drainTimeoutSeconds: Double = 10
    /// Records queued between ingest and the uplink's thread at most (more are dropped, counted).
    public var queueRecords = 100_000
    /// `uplink.captures:`: raw frames around a condition (nil: none).
    public var captures: CaptureSettings?
    /// Resolved: the configured vehicles, in order (the first names the status topic).
    public var vehicles: [String] = []
    /// Resolved: vehicle, bus, message, signal of every mapped role and temperature.
    public var mappedSignals: Set<SignalKey> = []
    /// Resolved: FNV-1a 64 of the config file's text, hex.
    public var configHash = ""

    public init(broker: MQTTClientOptions, fleet: String, outboxPath: String) {
        self.broker = broker
        self.fleet = fleet
        self.outboxPath = outboxPath
    }
}

extension GatewayConfig {
    private static func positive(_ n: ConfigNode, _ what: String) throws(ConfigError) -> Int {
        let value = try n.int(what)
        guard value > 0 else { throw n.error("expected \(what), found \(value)") }
        return value
    }

    /// `uplink:`, after the vehicles were decoded.
    static func decodeUplink(_ node: ConfigNode, vehicles: [VehicleEntry], text: String) throws(ConfigError) -> UplinkSettings {
        let f = try node.fields(["mqtt", "outbox", "windows", "signals", "health", "bandwidth", "drain_timeout", "queue", "gbt32960", "captures"])
        let mqttNode = try f.required("mqtt")
        let mqtt = try mqttNode.fields(["url", "fleet", "client_id"] + MQTTClientKeys.names + ["session_expiry", "require_subscriber"])
        let urlNode = try mqtt.required("url")
        var broker: MQTTClientOptions
        switch MQTTClientOptions.parse(url: try urlNode.string(), clientID: try mqtt["client_id"]?.string() ?? "candor-\(vehicles.first?.name ?? "gateway")") {
        case .success(let options): broker = options
        case .failure(let failure): throw urlNode.error(failure.reason)
        }
        try MQTTClientKeys(mqtt, of: mqttNode).apply(to: &broker)
        if let n = mqtt["session_expiry"] { broker.sessionExpirySeconds = UInt32(min(Int64(UInt32.max), try n.duration() / 1_000_000_000)) }
        let fleetNode = try mqtt.required("fleet")
        let fleet = try fleetNode.string()
        guard !fleet.isEmpty, fleet.unicodeScalars.allSatisfy({ isIdentifierScalar($0) }) else {
            throw fleetNode.error("fleet must be letters, digits, `_`, `.` or `-` (it is a topic level)")
        }
        let outbox = try f.required("outbox").fields(["path", "max_bytes", "max_age", "synchronous", "confirm", "confirm_timeout"])
        var s = UplinkSettings(broker: broker, fleet: fleet, outboxPath: try outbox.required("path").path())
        if let n = outbox["max_bytes"] { s.outboxMaxBytes = try positive(n, "a positive byte count") }
        if let n = outbox["max_age"] { s.outboxMaxAge = try n.duration() }
        if let n = outbox["synchronous"] { s.outboxDurability = try n.oneOf(["normal", "full"]) == "full" ? .full : .normal }
        if let n = outbox["confirm"] { s.confirmation = UplinkConfirmation(rawValue: try n.oneOf(["puback", "collector"]))! }
        if let n = outbox["confirm_timeout"] {
            let nanoseconds = try n.duration()
            guard nanoseconds >= 1_000_000_000 else { throw n.error("expected a confirm timeout of 1s or more") }
            s.confirmTimeoutSeconds = Double(nanoseconds) / 1e9
        }
        if let n = f["windows"] {
            s.windowLengths = []
            for item in try n.items() { s.windowLengths.append(try item.duration()) }
        }
        if let n = f["signals"] { s.allSignals = try n.oneOf(["mapped", "all"]) == "all" }
        if let n = f["health"] { s.health = try n.bool() }
        if let n = f["bandwidth"] {
            let bytes = try n.int("a byte rate")
            if bytes < 0 { throw n.error("expected bytes per second ≥ 0 (0: no cap), found \(bytes)") }
            s.bandwidth = bytes == 0 ? nil : bytes
        }
        if let n = mqtt["require_subscriber"] { s.requireSubscriber = try n.bool() }
        if let n = f["drain_timeout"] { s.drainTimeoutSeconds = Double(try n.duration()) / 1e9 }
        if let n = f["queue"] { s.queueRecords = try positive(n, "a positive record count") }
        if let n = f["captures"] { s.captures = try decodeCaptures(n, vehicles: vehicles) }
        s.vehicles = vehicles.map(\.name)
        for vehicle in vehicles {
            for r in vehicle.rules.signals.references + vehicle.rules.temperatures.map(\.reference) {
                s.mappedSignals.insert(SignalKey(vehicle: vehicle.name, bus: r.bus, message: r.message, signal: r.signal))
            }
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        s.configHash = String(hash, radix: 16)
        return s
    }
}
