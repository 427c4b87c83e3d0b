import MQTT

/// `candor collect --config FILE`: the collector's settings from a YAML file, read like
/// `candor.yaml` (errors name file:line:column and the key path, `${ENV}` and `${ENV:-default}`
/// substitution, paths relative to the file, unknown keys refused). Every key is optional here;
/// a command-line option overrides the file's value (`overridden(by:)`), and the collector
/// needs a broker URL, a fleet and a fleet store from one or the other.
///
///     mqtt:
///       url: mqtts://broker:8883        # or mqtt://HOST:PORT
///       fleet: demo
///       group: candor                   # the shared subscription's group
///       client_id: collect-a            # keep it stable across restarts
///       username: collector
///       password: ${MQTT_PASSWORD}
///       ca_file: ca.pem                 # TLS; with cert_file + key_file mutual TLS
///       cert_file: collector.pem
///       key_file: collector.key
///       keepalive: 30s
///     sqlite: { path: /var/lib/candor/fleet.db, synchronous: normal }
///     influx: { url: "http://127.0.0.1:8428" }
///     metrics: { listen: "127.0.0.1:9465" }
///     captures: { path: /var/lib/candor/captures }   # the gateways' uplink.captures, as files
public struct CollectConfig: Sendable, Hashable {
    public var url: String?
    public var fleet: String?
    public var group: String?
    public var clientID: String?
    public var username: String?
    public var password: String?
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var keepAliveSeconds: Int?
    public var sqlitePath: String?
    /// `normal` or `full`.
    public var synchronous: String?
    public var influxURL: String?
    public var metricsListen: String?
    /// Where the gateways' captures are written (`captures.path`, `--captures`).
    public var capturesDirectory: String?

    public init() {}

    /// Reads and decodes `path`.
    public static func load(configFile path: String, environment: [String: String]) throws(ConfigError) -> CollectConfig {
        let text: String
        do { text = try TextFile.read(path) } catch { throw ConfigError(file: path, keyPath: "", message: error.reason) }
        return try decode(yaml: text, file: path, environment: environment)
    }

    public static func decode(yaml: String, file: String, environment: [String: String]) throws(ConfigError) -> CollectConfig {
        let document = try ConfigNode.document(yaml: yaml, file: file, environment: environment, expecting: "a map with `mqtt` and `sqlite`")
        let top = try document.fields(["mqtt", "sqlite", "influx", "metrics", "captures"])
        var c = CollectConfig()
        if let node = top["mqtt"] {
            let mqtt = try node.fields(["url", "fleet", "group", "client_id"] + MQTTClientKeys.names)
            if let n = mqtt["url"] {
                let url = try n.string()
                if case .failure(let failure) = MQTTClientOptions.parse(url: url, clientID: "") { throw n.error(failure.reason) }
                c.url = url
            }
            if let n = mqtt["fleet"] { c.fleet = try topicLevel(n, "fleet") }
            if let n = mqtt["group"] { c.group = try topicLevel(n, "group") }
            c.clientID = try mqtt["client_id"]?.string()
            let keys = try MQTTClientKeys(mqtt, of: node)
            (c.username, c.password, c.keepAliveSeconds) = (keys.username, keys.password, keys.keepAliveSeconds)
            (c.caFile, c.certFile, c.keyFile) = (keys.caFile, keys.certFile, keys.keyFile)
        }
        if let node = top["sqlite"] {
            let sqlite = try node.fields(["path", "synchronous"])
            c.sqlitePath = try sqlite.required("path").path()
            c.synchronous = try sqlite["synchronous"]?.oneOf(["normal", "full"])
        }
        if let node = top["influx"] {
            let url = try node.fields(["url"]).required("url")
            let text = try url.string()
            guard text.hasPrefix("http://") else { throw url.error("expected http://HOST:PORT (plain HTTP), found \"\(text)\"") }
            c.influxURL = text
        }
        if let node = top["metrics"] { c.metricsListen = try node.fields(["listen"]).required("listen").string() }
        if let node = top["captures"] { c.capturesDirectory = try node.fields(["path"]).required("path").path() }
        return c
    }

    /// This file's values, with each value `options` has in its place (the command line wins).
    public func overridden(by options: CollectConfig) -> CollectConfig {
        var c = self
        c.url = options.url ?? url
        c.fleet = options.fleet ?? fleet
        c.group = options.group ?? group
        c.clientID = options.clientID ?? clientID
        c.username = options.username ?? username
        c.password = options.password ?? password
        c.caFile = options.caFile ?? caFile
        c.certFile = options.certFile ?? certFile
        c.keyFile = options.keyFile ?? keyFile
        c.keepAliveSeconds = options.keepAliveSeconds ?? keepAliveSeconds
        c.sqlitePath = options.sqlitePath ?? sqlitePath
        c.synchronous = options.synchronous ?? synchronous
        c.influxURL = options.influxURL ?? influxURL
        c.metricsListen = options.metricsListen ?? metricsListen
        c.capturesDirectory = options.capturesDirectory ?? capturesDirectory
        return c
    }

    /// A topic level: letters, digits, `_`, `.` or `-`.
    private static func topicLevel(_ node: ConfigNode, _ what: String) throws(ConfigError) -> String {
        let value = try node.string()
        guard value.unicodeScalars.allSatisfy({ GatewayConfig.isIdentifierScalar($0) }) else {
            throw node.error("\(what) must be letters, digits, `_`, `.` or `-` (it is a topic level)")
        }
        return value
    }
}
