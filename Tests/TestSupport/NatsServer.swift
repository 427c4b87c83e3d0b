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
    private var pid: pid_t?

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
        pid = try MosquittoBroker.spawn(binary, ["-c", directory + "/nats.conf", "-l", directory + "/nats.log"])
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if MosquittoBroker.accepts(port) { return }
            guard isRunning else { throw BrokerError("nats-server exited at start: \(log())") }
            usleep(20_000)
        }
        throw BrokerError("nats-server did not listen on \(port) within 20 s")
    }

    public var isRunning: Bool {
        guard let pid else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            self.pid = nil
            return false
        }
        return true
    }

    /// SIGTERM (SIGKILL after 10 s), then waits for the exit.
    public func stop() {
        guard let pid else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGKILL) }
            usleep(10_000)
        }
        self.pid = nil
    }

    public func log() -> String { (try? String(contentsOfFile: directory + "/nats.log", encoding: .utf8)) ?? "" }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
