import Gateway
import MQTT

extension CollectorOptions {
    /// The options that `settings` (a `--config` file, with the command line's values over it)
    /// give. A usage error names what is missing or wrong: a broker URL, a fleet and a fleet
    /// store are required; the client id defaults to `candor-collect-<group>-<hostname>`.
    public init(_ settings: CollectConfig, hostname: String) throws(CollectorError) {
        func usage(_ message: String) -> CollectorError { CollectorError(kind: .usage, message: message) }
        guard let url = settings.url else { throw usage("no broker: give --mqtt URL (or mqtt.url in --config)") }
        guard let fleet = settings.fleet else { throw usage("no fleet: give --fleet NAME (or mqtt.fleet in --config)") }
        guard let sqlite = settings.sqlitePath else { throw usage("no fleet store: give --sqlite FILE (or sqlite.path in --config)") }
        guard !fleet.isEmpty, !fleet.contains("/"), !fleet.contains("+"), !fleet.contains("#") else {
            throw usage("--fleet: a topic level without / + #")
        }
        let group = settings.group ?? "candor"
        var broker: MQTTClientOptions
        switch MQTTClientOptions.parse(url: url, clientID: settings.clientID ?? "candor-collect-\(group)-\(hostname)") {
        case .success(let parsed): broker = parsed
        case .failure(let failure): throw usage("\(failure)")
        }
        broker.username = settings.username
        broker.password = settings.password
        broker.caFile = settings.caFile
        broker.certFile = settings.certFile
        broker.keyFile = settings.keyFile
        if let seconds = settings.keepAliveSeconds { broker.keepAliveSeconds = seconds }
        self.init(broker: broker, fleet: fleet, sqlitePath: sqlite)
        self.group = group
        let sync = settings.synchronous ?? "normal"
        guard let durability = SQLiteStore.Durability(rawValue: sync.uppercased()) else {
            throw usage("--sync: expected normal or full, got \(sync)")
        }
        self.durability = durability
        influxURL = settings.influxURL
        capturesDirectory = settings.capturesDirectory
    }
}
