import GBT32960
import Telemetry

/// `uplink.gbt32960:` — the GB/T 32960 terminal: the platform, the edition, the vehicle's
/// identity and the session's timers.
///
///     uplink:
///       gbt32960:
///         server: platform.example.cn:32960   # HOST:PORT
///         tls: { ca: /etc/candor/platform-ca.pem, certificate: /etc/candor/vehicle.pem, key: /etc/candor/vehicle.key }
///         edition: 2016                        # or 2025
///         vin: LFWADRJF011002346               # 17 characters
///         iccid: "89860624400014310964"        # 20 characters
///         period: 10s                          # 2016: 1s–600s (≤ 30 s while driving); 2025: 1s–30s
///         heartbeat: 30s                       # 1s–240s
///         response_timeout: 60s                # 1s–600s
///         login_backoff: 30m                   # 1m–240m
///         state_directory: /var/lib/candor/gbt32960   # the reissue store and the login serial
///         vehicle: van01                       # the reported vehicle; default: the only one
///         gpsd: 127.0.0.1:2947                 # the position from gpsd; absent: location invalid
///         track: track.nmea                    # or (replay only) from an NMEA file on the capture's clock
public struct GBT32960UplinkOptions: Sendable, Hashable {
    /// The names `signals.gear.codes` and `signals.motor_state.codes` take (Annex A.1; Table 11).
    public static let gearCodeNames = ["N"] + (1...12).map(String.init) + ["R", "D", "P"]
    public static let motorStateCodeNames = ["consuming", "generating", "off", "ready", "abnormal"]
    /// `signals.dcdc_state.codes` (Table 8: 1 working, 2 disconnected; 0xFE abnormal), and
    /// `signals.hv_dcdc_state.codes` (the fuel-cell bodies' HV DC/DC state: the same codes).
    public static let dcdcStateCodeNames = ["working", "disconnected", "abnormal"]
    /// `signals.running_mode` (Table 9: 1 electric, 2 hybrid, 3 fuel; 0xFE abnormal): the codes
    /// of a signal, or one mode alone for a vehicle that has only one (`running_mode: electric`).
    public static let runningModeCodeNames = ["electric", "hybrid", "fuel", "abnormal"]

    public var host: String
    public var port: Int
    /// gpsd's JSON port (`gpsd: HOST:PORT`): the location body from its TPV reports
    /// (`GpsdClient`); nil sends the location invalid.
    public var gpsd: Endpoint?
    /// How old gpsd's newest fix may be (monotonic time since it arrived), or the track's newest
    /// fix before a report (the capture's clock), for the location to be sent valid: the
    /// signals' staleness, 5 s (gpsd reports once a receiver cycle, 1 s).
    public var fixMaxAgeMillis: Int64 = 5_000
    /// A recorded NMEA track (`track: FILE`, relative to the config file): the location body
    /// on the capture's clock (`GNSSTrack`), for replay; `candor run` refuses it (live
    /// positions come from gpsd). Not with `gpsd:`.
    public var track: Track?
    public var tls: TLSFiles?
    public var terminal: TerminalConfig
    public var stateDirectory: String
    /// The vehicle whose signals are reported, and its rules as the config holds them (the
    /// semantic map, `temperatures:` — `motor` and `controller` feed the drive-motor body — and
    /// `faults:`).
    public var vehicle = ""
    public var rules = VehicleRules()
    /// Records queued between ingest and the terminal's thread at most (more dropped, counted).
    public var queueRecords = 100_000
    /// Wall-clock bound on waiting for the platform's reply to a login, heartbeat, time sync or
    /// logout before the session's clock moves on (replay runs faster than the wall clock).
    public var replyWaitMillis: Int32 = 2_000
    /// Live (`candor run` sets it; not a config key): when no window has moved the session's
    /// clock for `idleAfterMillis` of monotonic time, the clock runs on from the newest
    /// window's end by the monotonic time elapsed (`IdleClock`), so heartbeats and reports go
    /// on while the bus is silent. Replay keeps event time alone.
    public var liveClock = false
    public var idleAfterMillis: Int64 = 2_000

    public struct Endpoint: Sendable, Hashable {
        public var host: String
        public var port: Int
    }

    /// `track:`'s file and where the key is (for the live daemon's refusal).
    public struct Track: Sendable, Hashable {
        public var path: String
        public var file: String
        public var line: Int
        public var column: Int
        public var keyPath: String

        /// A config error at the key.
        public func error(_ message: String) -> ConfigError {
            ConfigError(file: file, line: line, column: column, keyPath: keyPath, message: message)
        }
    }

    public struct TLSFiles: Sendable, Hashable {
        /// The platform's CA; nil trusts the system store.
        public var ca: String?
        public var certificate: String?
        public var key: String?
    }
}

extension GatewayConfig {
    static func decodeGBT32960(_ node: ConfigNode, vehicles: [VehicleEntry]) throws(ConfigError) -> GBT32960UplinkOptions {
        let f = try node.fields(["server", "tls", "edition", "vin", "iccid", "period", "heartbeat", "response_timeout",
                                 "login_backoff", "reconnect", "time_sync", "state_directory", "vehicle", "reply_wait", "gpsd", "track"])
        let server = try endpoint(try f.required("server"))
        let edition = Edition(rawValue: try f.required("edition").oneOf(["2016", "2025"]))!
        var terminal = TerminalConfig(edition: edition, vin: try f.required("vin").text(), iccid: try f.required("iccid").text())
        func millis(_ key: String) throws(ConfigError) -> Int64? {
            guard let n = f[key] else { return nil }
            return try n.duration() / 1_000_000
        }
        if let v = try millis("period") { terminal.periodMillis = v }
        if let v = try millis("heartbeat") { terminal.heartbeatMillis = v }
        if let v = try millis("response_timeout") { terminal.responseTimeoutMillis = v }
        if let v = try millis("login_backoff") { terminal.loginBackoffMillis = v }
        if let v = try millis("reconnect") { terminal.reconnectMillis = v }
        if let n = f["time_sync"] { terminal.timeSyncOnLogin = try n.bool() }
        let names = ["vin": "vin", "iccid": "iccid", "period": "period", "heartbeat": "heartbeat",
                     "response_timeout": "response_timeout", "login_backoff": "login_backoff"]
        if let problem = terminal.problems().first {
            throw (f[names[problem.setting] ?? ""] ?? node).error(problem.message)
        }
        var tls: GBT32960UplinkOptions.TLSFiles?
        if let n = f["tls"] {
            let t = try n.fields(["ca", "certificate", "key"])
            tls = .init(ca: try t["ca"]?.path(), certificate: try t["certificate"]?.path(), key: try t["key"]?.path())
            if (tls?.certificate == nil) != (tls?.key == nil) { throw n.error("a client certificate needs its key, and a key its certificate") }
        }
        var options = GBT32960UplinkOptions(host: server.host, port: server.port, tls: tls, terminal: terminal,
                                            stateDirectory: try f.required("state_directory").path())
        if let n = f["gpsd"] { options.gpsd = try endpoint(n) }
        if let n = f["track"] {
            guard f["gpsd"] == nil else {
                throw n.error("a position from gpsd (gpsd:) or from a recorded track (track:), not both")
            }
            options.track = .init(path: try n.path(), file: n.context.file, line: n.line, column: n.column, keyPath: n.keyPath)
        }
        if let n = f["reply_wait"] { options.replyWaitMillis = Int32(clamping: try n.duration() / 1_000_000) }
        let chosen: VehicleEntry?
        if let n = f["vehicle"] {
            let name = try n.text()
            guard let v = vehicles.first(where: { $0.name == name }) else {
                throw n.error("no vehicle \"\(name)\" in vehicles: (\(vehicles.map(\.name).joined(separator: ", ")))")
            }
            chosen = v
        } else if vehicles.count == 1 {
            chosen = vehicles[0]
        } else {
            chosen = nil
            if vehicles.count > 1 { throw node.error("several vehicles: name the reported one with `vehicle:`") }
        }
        if let chosen {
            options.vehicle = chosen.name
            options.rules = chosen.rules
        }
        return options
    }

    /// `HOST:PORT` (the host a name or an address; a port 1–65535).
    static func endpoint(_ node: ConfigNode) throws(ConfigError) -> GBT32960UplinkOptions.Endpoint {
        let text = try node.string()
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port),
              colon != text.startIndex else {
            throw node.error("expected HOST:PORT, found \"\(text)\"")
        }
        return .init(host: String(text[..<colon]), port: port)
    }
}
