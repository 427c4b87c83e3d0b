import MQTT

/// The client keys of an `mqtt:` map that the uplink (`uplink.mqtt`) and `candor collect
/// --config` (`mqtt`) share: credentials, the TLS files (a client certificate goes with its
/// key) and the keepalive (5 s … 65535 s).
struct MQTTClientKeys {
    var username: String?
    var password: String?
    var caFile: String?
    var certFile: String?
    var keyFile: String?
    var keepAliveSeconds: Int?

    static let names = ["username", "password", "ca_file", "cert_file", "key_file", "keepalive"]

    /// Reads the keys of `mqtt`, the fields of `node`.
    init(_ mqtt: ConfigFields, of node: ConfigNode) throws(ConfigError) {
        username = try mqtt["username"]?.string()
        password = try mqtt["password"]?.string()
        caFile = try mqtt["ca_file"]?.path()
        certFile = try mqtt["cert_file"]?.path()
        keyFile = try mqtt["key_file"]?.path()
        if (certFile == nil) != (keyFile == nil) { throw node.error("cert_file and key_file go together (mutual TLS)") }
        if let n = mqtt["keepalive"] {
            let seconds = try n.duration() / 1_000_000_000
            guard (5...65_535).contains(seconds) else { throw n.error("expected a keepalive from 5s to 65535s") }
            keepAliveSeconds = Int(seconds)
        }
    }

    /// Puts the keys given into `options`.
    func apply(to options: inout MQTTClientOptions) {
        options.username = username
        options.password = password
        options.caFile = caFile
        options.certFile = certFile
        options.keyFile = keyFile
        if let keepAliveSeconds { options.keepAliveSeconds = keepAliveSeconds }
    }
}
