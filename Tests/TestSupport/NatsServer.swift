import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real NATS server (Debian's `nats-server` 2.9) with its MQTT listener, for one test: a broker
/// that speaks MQTT 3.1.1 only (it answers an MQTT 5 CONNECT with CONNACK 0x84, unsupported
/// protocol version) and keeps QoS 1 sessions in JetStream. Its own directory and config, free
/// loopback ports (client and MQTT); started and stopped by pid; `start` waits until the MQTT
/// port accepts connections (at most 20 s).
public final class NatsServer: @unchecked Sendable {
    public let directory: String
    /// The MQTT listener's port.
    public let port: Int
    private let clientPort: Int
    private let binary: String
    private let server = SpawnedServer()

    public init(name: String) throws {
        binary = try OracleTool.require("nats-server")
        directory = NSTemporaryDirectory() + "candor-nats-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try MosquittoBroker.freePort()
        clientPort = try MosquittoBroker.freePort()
    }

    public func start() throws {
        let config = """
        server_name: candor-test
        listen: 127.0.0.1:\(clientPort)
        jetstream { store_dir: "\(directory)/jetstream" }
        mqtt { listen: 127.0.0.1:\(port) }

        """
        try config.write(toFile: directory + "/nats.conf", atomically: true, encoding: .utf8)
        try server.start(binary, ["-c", directory + "/nats.conf", "-l", directory + "/nats.log"], port: port, seconds: 20, log: log)
    }

    public var isRunning: Bool { server.isRunning }

    /// SIGTERM (SIGKILL after 10 s), then waits for the exit.
    public func stop() { server.stop() }

    public func log() -> String { (try? String(contentsOfFile: directory + "/nats.log", encoding: .utf8)) ?? "" }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
