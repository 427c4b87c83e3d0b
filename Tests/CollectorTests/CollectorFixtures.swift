import CANCapture
import Foundation
import MQTT
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The repository's fleet fixture bundles and the built `candor` (next to the test bundle, or
/// `$CANDOR_BIN`).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static func bundle(_ name: String) -> String { root + "/Fixtures/captures/fleet/" + name }

    static var candor: String { CandorBinary.path }
}

/// A unique temporary directory, removed at deinit.
final class Scratch {
    let path: String
    init(_ name: String) throws {
        path = NSTemporaryDirectory() + "candor-collect-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A fixture bundle copied to `directory`, its candor.yaml given an `uplink:` to the test broker
/// (fleet `testfleet`, client id `gw-<bundle>`) and its own gateway store `gateway.db`.
struct GatewayBundle {
    let name: String
    let directory: String
    var config: String { directory + "/candor.yaml" }
    var capture: String { directory + "/capture.log.gz" }
    var store: String { directory + "/gateway.db" }
    var outbox: String { directory + "/outbox" }

    /// `extra`: more `uplink:` keys; `outbox`: more `uplink.outbox:` keys.
    init(_ name: String, in scratch: Scratch, port: Int, extra: [String] = [], outbox: [String] = []) throws {
        try FileManager.default.copyItem(atPath: Repository.bundle(name), toPath: scratch.path + "/" + name)
        try self.init(reusing: name, at: scratch.path, port: port, extra: extra, outbox: outbox)
    }

    /// Writes candor.yaml again in a copy already made (the outbox and store stay).
    init(reusing name: String, at scratch: String, port: Int, extra: [String] = [], outbox: [String] = []) throws {
        self.name = name
        directory = scratch + "/" + name
        var yaml = try String(contentsOfFile: Repository.bundle(name) + "/candor.yaml", encoding: .utf8)
        // Two fixture vans are both `van01`: one fleet needs distinct vehicles.
        if name == "van-urban-faults" { yaml = yaml.replacingOccurrences(of: "\n  van01:\n", with: "\n  van02:\n") }
        yaml += """

        uplink:
          mqtt:
            url: mqtt://127.0.0.1:\(port)
            fleet: testfleet
            client_id: gw-\(name)
            keepalive: 5s
          outbox:
            path: outbox

        """
        for line in outbox { yaml += "    " + line + "\n" }
        yaml += "  drain_timeout: 60s\n"
        for line in extra { yaml += "  " + line + "\n" }
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// `candor replay` of the bundle into its own store, the uplink on.
    func replayArguments() -> [String] { ["replay", "--config", config, capture, "--sqlite", store] }
}

/// A child process of a test, output to files, under a deadline, stopped by pid.
final class Child {
    let process = Process()
    let log: String
    private let deadline: ProcessDeadline

    /// `environment`: added to this process's environment for the child.
    init(_ arguments: [String], log: String, seconds: Double = 240, environment: [String: String] = [:]) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.executableURL = URL(fileURLWithPath: Repository.candor)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        deadline = ProcessDeadline(process, seconds: seconds)
    }

    var pid: Int32 { process.processIdentifier }
    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Waits for the exit; returns the status (throws when the deadline killed it).
    @discardableResult
    func wait() throws -> Int32 {
        process.waitUntilExit()
        try deadline.check()
        return process.terminationStatus
    }

    func signal(_ number: Int32) { if process.isRunning { kill(pid, number) } }
}

/// Waits for `condition`, polling every 50 ms, at most `seconds`; returns whether it held.
@discardableResult
func eventually(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// The test's own view of what the gateways published: a plain persistent-session subscriber
/// to `candor/v1/testfleet/#` (not in the collectors' group), unpacked with Foundation's JSON
/// parser (independent of the collector's). Subscribe before the gateways start.
final class Observer {
    private let client: MosquittoClient
    private(set) var identities: [String: Int] = [:]  // "vehicle|run|seq" → times seen
    /// Each records message's identities, in the order received.
    private(set) var messageIdentities: [[String]] = []
    private(set) var messages: [MQTTIncoming] = []

    init(port: Int) throws {
        client = MosquittoClient(options: MQTTClientOptions(host: "127.0.0.1", port: port, clientID: "test-observer"))
        try client.connect()
        var subscribed = false
        let deadline = Date().addingTimeInterval(10)
        while !subscribed && Date() < deadline {
            for event in client.poll(timeoutMillis: 50) {
                if case .connected = event { try client.subscribe("candor/v1/testfleet/#", qos: 1) }
                if case .subscribed = event { subscribed = true }
            }
        }
        guard subscribed else { throw BrokerError("observer could not subscribe") }
    }

    /// Reads for `seconds` (or until `until` holds after a read).
    func poll(seconds: Double, until: (Observer) -> Bool = { _ in false }) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            for event in client.poll(timeoutMillis: 50) {
                if case .message(let m) = event { try take(m) }
                if case .disconnected = event { try client.connect() }
            }
            if until(self) { return }
        }
    }

    private func take(_ m: MQTTIncoming) throws {
        messages.append(m)
        guard !m.topic.hasSuffix("/status") else { return }
        let json = m.payload.first == 0x78 ? zlibInflate(m.payload) : m.payload
        guard let top = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let vehicle = top["vehicle"] as? String, let run = top["run"] as? String, let seqs = top["seqs"] as? [NSNumber] else {
            throw BrokerError("observer: malformed uplink message on \(m.topic)")
        }
        let named = seqs.map { "\(vehicle)|\(run)|\($0.uint64Value)" }
        for identity in named { identities[identity, default: 0] += 1 }
        messageIdentities.append(named)
    }

    func close() { client.disconnect() }
}

/// The uplink tests check the payloads' zlib and JSON against the pipeline; here CANCapture's
/// inflater is enough.
func zlibInflate(_ bytes: [UInt8]) -> [UInt8] { Deflate.decompress(bytes, limit: 64 << 20) ?? [] }

/// Queries through the `sqlite3` shell (an independent reader of both stores).
enum SQLiteShell {
    static func query(_ database: String, _ sql: String) throws -> String {
        let sqlite3 = try OracleTool.require("sqlite3")
        let (status, output) = try runTool(sqlite3, ["-readonly", database, sql], timeout: 60)
        guard status == 0 else { throw BrokerError("sqlite3 \(database) failed: \(sql)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The identities in a fleet store, as `vehicle|run|seq`.
    static func identities(_ fleet: String) throws -> Set<String> {
        let text = try query(fleet, "SELECT vehicle || '|' || run || '|' || seq FROM uplinked_record")
        return Set(text.split(separator: "\n").map(String.init))
    }

    /// Rows of `table` (its `columns`) in `a` and not in `b` (a `WHERE` on both sides optional).
    static func missing(_ table: String, columns: String, from a: String, in b: String, where condition: String = "1") throws -> Int {
        let sql = "ATTACH '\(b)' AS other; SELECT count(*) FROM (SELECT \(columns) FROM main.\(table) WHERE \(condition) EXCEPT SELECT \(columns) FROM other.\(table) WHERE \(condition));"
        let sqlite3 = try OracleTool.require("sqlite3")
        let (status, output) = try runTool(sqlite3, [a, sql], timeout: 60)
        guard status == 0, let n = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BrokerError("sqlite3 compare \(table) failed: \(output)")
        }
        return n
    }
}

/// The stored tables' columns, without the store-local `signal_id`.
enum StoreColumns {
    static let sixty = "window_length = 60000000000"
    static let signalWindow = "vehicle, bus, message, signal, window_length, window_start, count, minimum, maximum, mean, last, stddev, first_time, last_time"
    static let tables: [(String, String)] = [
        ("message_health", "*"), ("bus_health", "*"), ("silent_episode", "*"), ("fault_episode", "*"), ("operations", "*"),
    ]
}
