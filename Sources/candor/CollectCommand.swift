import ArgumentParser
import Collector
import Gateway
import MQTT
import Synchronization
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// `candor collect`: the fleet side of the uplink (`Collector`); this file parses the options,
/// runs the collector on a thread and stops it on SIGTERM/SIGINT.
struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Receive a fleet's uplink from an MQTT broker and write the fleet store.",
        discussion: """
            Subscribes to candor/v1/<fleet>/# through the MQTT 5 shared subscription \
            $share/<group>/candor/v1/<fleet>/# with a persistent session (QoS 1), so several \
            collectors of one group split a fleet's messages and a restarted collector gets \
            what the broker kept for it. Every record is written once into the fleet store \
            (--sqlite: the gateway's SQLite schema for all vehicles, the same rows the \
            gateway's own store holds, plus uplinked_record with each record identity \
            (vehicle, run, seq)); a record received again is counted as a duplicate and not \
            stored again, also after a restart. A message is acknowledged (PUBACK) only after \
            its records are committed. Malformed messages are counted, the first of each kind \
            logged with its topic, and skipped.

            The broker is retried with exponential backoff while it is unreachable; a broker \
            that refuses the first connection (credentials, certificate) ends collect with \
            exit status 1. SIGTERM or SIGINT: what was received is stored and acknowledged, \
            then collect disconnects and exits 0. Logs go to standard error.

            --metrics HOST:PORT serves Prometheus metrics: candor_collect_records_total, \
            _duplicates_total, _malformed_total{kind}, _ingest_lag_seconds, \
            _last_seen_seconds{vehicle}, _vehicle_online{vehicle}, _connected.

            --influx-url http://HOST:PORT also writes each new record as the gateway's line \
            protocol (candor_signal, candor_operations, …) to HOST:PORT/write — VictoriaMetrics \
            or InfluxDB 1.x — one POST per batch, tried three times, before the batch is \
            committed and acknowledged; when it still fails, nothing is acknowledged and the \
            broker delivers the batch again.

            --config FILE reads these settings from YAML (errors name file:line:column; \
            ${ENV} and ${ENV:-default} are substituted; paths are relative to the file); an \
            option given on the command line overrides the file's value:

              mqtt:
                url: mqtts://broker:8883
                fleet: demo
                group: candor
                client_id: collect-a
                username: collector
                password: ${MQTT_PASSWORD}
                ca_file: ca.pem
                cert_file: collector.pem
                key_file: collector.key
                keepalive: 30s
              sqlite: { path: /var/lib/candor/fleet.db, synchronous: normal }
              influx: { url: "http://127.0.0.1:8428" }
              metrics: { listen: "127.0.0.1:9465" }

            Exit status: 0 after SIGTERM/SIGINT, 1 runtime failure, 2 usage error or a bad \
            config file.

            Examples:
              candor collect --mqtt mqtt://127.0.0.1:1883 --fleet demo --sqlite fleet.db
              candor collect --mqtt mqtts://broker:8883 --fleet demo --sqlite /var/lib/candor/fleet.db \\
                --ca ca.pem --cert collector.pem --key collector.key --client-id collect-a --metrics 127.0.0.1:9465
              MQTT_PASSWORD=… candor collect --mqtt mqtt://broker:1883 --fleet demo --sqlite fleet.db \\
                --username collector --password-env MQTT_PASSWORD
              candor collect --mqtt mqtt://127.0.0.1:1883 --fleet demo --sqlite fleet.db --influx-url http://127.0.0.1:8428
              candor collect --config /etc/candor/collect.yaml --client-id collect-b
            """
    )

    @Option(help: "Read the settings from this YAML file; options given here override it.")
    var config: String?
    @Option(help: "The broker: mqtt://HOST:PORT or mqtts://HOST:PORT.")
    var mqtt: String?
    @Option(help: "The fleet: the <fleet> of candor/v1/<fleet>/<vehicle>/<kind>.")
    var fleet: String?
    @Option(help: "The fleet store (SQLite); created when missing.")
    var sqlite: String?
    @Option(help: "The shared subscription's group (collectors of one group split the load; default candor).")
    var group: String?
    @Option(help: "MQTT client id; keep it stable across restarts (default candor-collect-<group>-<host>).")
    var clientId: String?
    @Option(help: "Serve Prometheus metrics on HOST:PORT (IPv4).")
    var metrics: String?
    @Option(help: "MQTT username.")
    var username: String?
    @Option(help: "Name of the environment variable holding the MQTT password.")
    var passwordEnv: String?
    @Option(help: "PEM file: the CA that signed the broker's certificate (mqtts://).")
    var ca: String?
    @Option(help: "PEM file: this collector's client certificate (mutual TLS).")
    var cert: String?
    @Option(help: "PEM file: the client certificate's key.")
    var key: String?
    @Option(help: "Also write InfluxDB line protocol to URL/write (VictoriaMetrics, InfluxDB 1.x): http://HOST:PORT.")
    var influxUrl: String?
    @Option(help: "Fleet store sync: normal (a crash loses nothing committed) or full (power loss neither); default normal.")
    var sync: String?
    @Option(help: "Write the gateways' captures (uplink.captures) here: <vehicle>/<run>-<n>.log.gz (candump log) and .json (its index).")
    var captures: String?

    func run() throws {
        let environment = Environment.current()
        let signals = ProcessSignals()
        let log = GatewayLog(label: "candor-collect", format: .detect(environment: environment))
        var host = [UInt8](repeating: 0, count: 256)
        let named = host.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, $0.count - 1) } }
        let hostname = named == 0 ? String(decoding: host.prefix { $0 != 0 }, as: UTF8.self) : "host"
        var given = CollectConfig()
        (given.url, given.fleet, given.sqlitePath, given.group, given.clientID) = (mqtt, fleet, sqlite, group, clientId)
        (given.username, given.caFile, given.certFile, given.keyFile) = (username, ca, cert, key)
        (given.synchronous, given.influxURL, given.metricsListen) = (sync, influxUrl, metrics)
        given.capturesDirectory = captures
        if let name = passwordEnv {
            guard let value = environment[name] else { throw CommandFailure.input("collect: $\(name) is not set") }
            given.password = value
        }
        var settings = given
        if let config {
            do { settings = try CollectConfig.load(configFile: config, environment: environment).overridden(by: given) } catch {
                throw CommandFailure.input("collect: \(error)")
            }
        }
        let options: CollectorOptions
        do { options = try CollectorOptions(settings, hostname: hostname) } catch { throw CommandFailure.input("collect: \(error)") }
        let collector: Collector
        do { collector = try Collector(options, log: log) } catch {
            throw error.kind == .usage ? CommandFailure.input("collect: \(error)") : CommandFailure.runtime("collect: \(error)")
        }
        var server: PrometheusServer?
        if let metrics = settings.metricsListen {
            let rendered = collector.metrics
            do { server = try PrometheusServer(listen: metrics, render: { rendered.exposition() }, log: log) } catch {
                throw CommandFailure.runtime("collect: \(error)")
            }
        }
        defer { server?.close() }
        let outcome = Outcome()
        let thread = SystemThread(name: "candor-collect") {
            do throws(CollectorError) { try collector.run() } catch { outcome.set(error) }
            outcome.finish()
        }
        while !outcome.isFinished {
            if case .stop(let name) = signals.wait(timeout: .milliseconds(200)) {
                log.notice("stopping", ["signal": name])
                collector.stop()
            }
        }
        thread.join()
        if let error = outcome.error { throw CommandFailure.runtime("collect: \(error)") }
        let s = collector.statistics
        // Window close (the gateway storing the message) to the fleet store's commit.
        func lag(_ p: Double) -> String { s.lagPercentile(p).map { "\(($0 * 1000).rounded() / 1000)" } ?? "-" }
        log.notice("stopped", ["messages": "\(s.messages)", "records": "\(s.records)", "duplicates": "\(s.duplicates)",
                               "malformed": "\(s.malformed)", "confirmed": "\(s.confirmed)", "lag_p50_s": lag(50), "lag_p99_s": lag(99), "lag_max_s": lag(100)])
    }
}

/// How the collector thread ended.
private final class Outcome: Sendable {
    private let failure = Mutex<CollectorError?>(nil)
    private let done = Atomic<Bool>(false)

    func set(_ error: CollectorError) { failure.withLock { $0 = error } }
    func finish() { done.store(true, ordering: .releasing) }
    var isFinished: Bool { done.load(ordering: .acquiring) }
    var error: CollectorError? { failure.withLock { $0 } }
}
