import Collector
import Foundation
import Gateway
import MQTT
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `candor collect --config FILE`: the settings from YAML (`CollectConfig`), command-line
/// options over them, mistakes named by file:line:column; and a collector process run from
/// such a file against a real mosquitto that checks its password.
@Suite(.serialized) struct CollectorConfigTests {
    static let full = """
        mqtt:
          url: mqtts://broker.example:8883
          fleet: demo
          group: g1
          client_id: collect-a
          username: collector
          password: ${PW}
          ca_file: ca.pem
          cert_file: /etc/ssl/collector.pem
          key_file: collector.key
          keepalive: 30s
        sqlite: { path: fleet.db, synchronous: full }
        influx: { url: "http://127.0.0.1:8428" }
        metrics: { listen: "127.0.0.1:9465" }

        """

    @Test func aFileGivesEverySettingAndTheCommandLineOverridesIt() throws {
        let file = try CollectConfig.decode(yaml: Self.full, file: "/etc/candor/collect.yaml", environment: ["PW": "s3cret"])
        #expect(file.url == "mqtts://broker.example:8883" && file.fleet == "demo" && file.group == "g1" && file.clientID == "collect-a")
        #expect(file.username == "collector" && file.password == "s3cret" && file.keepAliveSeconds == 30)
        #expect(file.caFile == "/etc/candor/ca.pem" && file.certFile == "/etc/ssl/collector.pem" && file.keyFile == "/etc/candor/collector.key")
        #expect(file.sqlitePath == "/etc/candor/fleet.db" && file.synchronous == "full")
        #expect(file.influxURL == "http://127.0.0.1:8428" && file.metricsListen == "127.0.0.1:9465")

        var given = CollectConfig()
        given.clientID = "collect-b"
        given.sqlitePath = "/var/lib/candor/b.db"
        let options = try CollectorOptions(file.overridden(by: given), hostname: "h")
        #expect(options.broker.host == "broker.example" && options.broker.port == 8883 && options.broker.useTLS)
        #expect(options.broker.clientID == "collect-b" && options.broker.keepAliveSeconds == 30 && options.broker.password == "s3cret")
        #expect(options.broker.caFile == "/etc/candor/ca.pem" && options.broker.keyFile == "/etc/candor/collector.key")
        #expect(options.sqlitePath == "/var/lib/candor/b.db" && options.durability == .full && options.influxURL == "http://127.0.0.1:8428")
        #expect(options.filter == "$share/g1/candor/v1/demo/#")

        // Defaults: group candor, client id from the group and the host, sync normal.
        var minimal = CollectConfig()
        (minimal.url, minimal.fleet, minimal.sqlitePath) = ("mqtt://127.0.0.1", "demo", "f.db")
        let defaults = try CollectorOptions(minimal, hostname: "h")
        #expect(defaults.broker.port == 1883 && defaults.broker.clientID == "candor-collect-candor-h" && defaults.durability == .normal)
        #expect(defaults.filter == "$share/candor/candor/v1/demo/#")
        minimal.fleet = nil
        let missing = #expect(throws: CollectorError.self) { try CollectorOptions(minimal, hostname: "h") }
        #expect(missing?.kind == .usage && missing?.message == "no fleet: give --fleet NAME (or mqtt.fleet in --config)")
    }

    @Test func mistakesNameTheFileLineColumnAndKey() throws {
        let cases: [(String, String)] = [
            ("mqtt:\n  urll: mqtt://x\n", "c.yaml:2:9: mqtt.urll: unknown key; expected one of url, fleet, group"),
            ("mqtt:\n  url: http://x:1883\n", "c.yaml:2:8: mqtt.url: expected mqtt://HOST:PORT or mqtts://HOST:PORT"),
            ("mqtt:\n  url: mqtt://x:99999\n", "c.yaml:2:8: mqtt.url: bad port"),
            ("mqtt:\n  fleet: a/b\n", "c.yaml:2:10: mqtt.fleet: fleet must be letters, digits"),
            ("mqtt:\n  password: ${NOT_SET_ANYWHERE}\n", "c.yaml:2:13: mqtt.password: "),
            ("mqtt:\n  cert_file: c.pem\n", "c.yaml:2:3: mqtt: cert_file and key_file go together"),
            ("mqtt:\n  keepalive: 2s\n", "c.yaml:2:14: mqtt.keepalive: expected a keepalive from 5s to 65535s"),
            ("sqlite: { synchronous: full }\n", "c.yaml:1:9: sqlite: missing required key `path`"),
            ("sqlite: { path: f.db, synchronous: fast }\n", "c.yaml:1:36: sqlite.synchronous: expected one of normal, full"),
            ("influx: { url: \"https://vm:8428\" }\n", "c.yaml:1:16: influx.url: expected http://HOST:PORT"),
            ("vehicles: {}\n", "c.yaml:1:11: vehicles: unknown key; expected one of mqtt, sqlite, influx, metrics"),
            ("", "c.yaml: empty configuration"),
        ]
        for (yaml, wanted) in cases {
            let error = #expect(throws: ConfigError.self) { try CollectConfig.decode(yaml: yaml, file: "c.yaml", environment: [:]) }
            print("CollectorConfigTests: \(error?.description ?? "no error")")
            #expect(error?.description.hasPrefix(wanted) == true, "\(error?.description ?? "no error") should start with \(wanted)")
        }
    }

    /// A collector started from a file: the password through `${ENV}` (a wrong one refused by
    /// mosquitto, exit 1), the client id from the command line over the file's, the keepalive
    /// and username as mosquitto logs them, the store relative to the file, the metrics listener;
    /// every record a gateway published is stored. A bad file exits 2 naming file:line:column.
    @Test func collectRunsFromAConfigFile() throws {
        let scratch = try Scratch("config")
        let passwords = scratch.path + "/passwd"
        #expect(FileManager.default.createFile(atPath: passwords, contents: nil))
        try runTool(try OracleTool.require("mosquitto_passwd"), ["-b", passwords, "collector", "s3cret"])
        let broker = try MosquittoBroker(name: "config", extraConfig: "allow_anonymous true\npassword_file \(passwords)\nmax_queued_messages 100000")
        try broker.start()
        let metricsPort = try MosquittoBroker.freePort()
        let config = scratch.path + "/etc/collect.yaml"
        try FileManager.default.createDirectory(atPath: scratch.path + "/etc", withIntermediateDirectories: true)
        try """
            mqtt:
              url: mqtt://127.0.0.1:\(broker.port)
              fleet: testfleet
              group: cfg
              client_id: from-file
              username: collector
              password: ${COLLECT_PASSWORD}
              keepalive: 10s
            sqlite: { path: fleet.db }
            metrics: { listen: "127.0.0.1:\(metricsPort)" }

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let fleet = scratch.path + "/etc/fleet.db"

        let wrong = try Child(["collect", "--config", config], log: scratch.path + "/wrong.log", seconds: 60, environment: ["COLLECT_PASSWORD": "guess"])
        #expect(try wrong.wait() == 1, "\(wrong.output)")
        #expect(wrong.output.contains("127.0.0.1:\(broker.port) refused the connection"), "\(wrong.output)")

        let observer = try Observer(port: broker.port)
        let collector = try Child(["collect", "--config", config, "--client-id", "from-cli"], log: scratch.path + "/collect.log",
                                  environment: ["COLLECT_PASSWORD": "s3cret"])
        #expect(eventually(seconds: 30) { collector.output.contains("subscribed") }, "\(collector.output)")
        #expect(broker.log().contains("as from-cli (p5, c0, k10, u'collector')"), "mosquitto did not log the file's settings")
        let gateway = try GatewayBundle("van-cltc-p", in: scratch, port: broker.port)
        let replay = try Child(gateway.replayArguments(), log: gateway.directory + "/replay.log")
        #expect(try replay.wait() == 0 && replay.output.contains("0 not delivered"), "\(replay.output)")
        #expect(replay.output.contains("candor: replay: uplink CPU: ") && replay.output.contains(" % of the process's "), "\(replay.output)")
        try observer.poll(seconds: 3)
        let published = Set(observer.identities.keys)
        #expect(published.count > 20)
        let stored = try eventually(seconds: 60) { try FileManager.default.fileExists(atPath: fleet) && SQLiteShell.identities(fleet).count >= published.count }
        #expect(stored, "the fleet store did not get every published record")
        let (status, body) = try VictoriaMetrics.httpGet(host: "127.0.0.1", port: metricsPort, target: "/metrics")
        let exposition = String(decoding: body, as: UTF8.self)
        #expect(status == 200 && exposition.contains("candor_collect_records_total \(published.count)"), "\(exposition.prefix(2000))")
        collector.signal(SIGTERM)
        #expect(try collector.wait() == 0, "\(collector.output)")
        #expect(try SQLiteShell.identities(fleet) == published)
        observer.close()

        let bad = scratch.path + "/bad.yaml"
        try "mqtt:\n  url: mqtt://127.0.0.1:1883\n  fleet: testfleet\nsqlite: { path: f.db, synchronous: sometimes }\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try Child(["collect", "--config", bad], log: scratch.path + "/bad.log", seconds: 60)
        #expect(try refused.wait() == 2)
        #expect(refused.output.contains("\(bad):4:36: sqlite.synchronous: expected one of normal, full, found \"sometimes\""), "\(refused.output)")
    }
}
