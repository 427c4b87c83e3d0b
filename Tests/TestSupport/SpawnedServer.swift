import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server process a test spawned (mosquitto, nats-server): started with `MosquittoBroker.spawn`,
/// awaited until its port accepts connections, stopped by pid.
public final class SpawnedServer: @unchecked Sendable {
    public private(set) var pid: pid_t?

    public init() {}

    /// Spawns `path` and waits, at most `seconds`, until `port` on 127.0.0.1 accepts a
    /// connection; `log` says why it exited if it did.
    public func start(_ path: String, _ arguments: [String], port: Int, seconds: Double, log: () -> String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        pid = try MosquittoBroker.spawn(path, arguments)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if MosquittoBroker.accepts(port) { return }
            guard isRunning else { throw BrokerError("\(name) exited at start: \(log())") }
            usleep(20_000)
        }
        throw BrokerError("\(name) did not listen on \(port) within \(Int(seconds)) s")
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

    /// SIGKILL (a crash) or SIGTERM (a clean stop), then waits for the exit (SIGKILL after 10 s).
    public func stop(kill hard: Bool = false) {
        guard let pid else { return }
        kill(pid, hard ? SIGKILL : SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGKILL) }
            usleep(10_000)
        }
        self.pid = nil
    }
}
