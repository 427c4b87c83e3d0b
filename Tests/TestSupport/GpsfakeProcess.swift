import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's `gpsfake` (package gpsd-clients) replaying an NMEA log into a real `gpsd` on a free
/// loopback port, for the GB/T 32960 location tests. It runs in a process group of its own
/// (gpsfake starts gpsd as its child): `stop()` sends SIGINT to the group — gpsfake's own
/// clean-up then ends gpsd — waits for gpsfake by its pid (bounded), and SIGKILLs the group
/// after, so no gpsd outlives the test. A missing gpsfake is an error, not a skip.
public final class GpsfakeProcess {
    public static let path = "/usr/bin/gpsfake"
    public let port: Int
    public let pid: pid_t
    public let logPath: String
    private var stopped = false

    /// Starts `gpsfake -q -P PORT -c CYCLE LOG` (it loops over the log; CYCLE seconds between
    /// sentences) and waits, at most `seconds`, until gpsd accepts connections on the port.
    public init(log nmea: String, cycleSeconds: Double, directory: String, seconds: Double = 30) throws {
        guard access(Self.path, X_OK) == 0 else {
            throw BrokerError("\(Self.path) not found: install Debian's gpsd and gpsd-clients (Tests/setup.sh)")
        }
        port = try MosquittoBroker.freePort()
        logPath = directory + "/gpsfake.log"
        pid = try MosquittoBroker.spawn(Self.path, ["-q", "-P", String(port), "-c", String(cycleSeconds), nmea], output: logPath, newGroup: true)
        let deadline = Date().addingTimeInterval(seconds)
        while !MosquittoBroker.accepts(port) {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw BrokerError("gpsfake exited at start (status \(status)): \(log())")
            }
            if Date() > deadline {
                stop()
                throw BrokerError("gpsd (gpsfake) did not listen on \(port) within \(Int(seconds)) s: \(log())")
            }
            usleep(20_000)
        }
    }

    public func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGINT to the group, wait for gpsfake (SIGKILL to the group after 10 s), then SIGKILL
    /// whatever of the group is left. Idempotent.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        kill(-pid, SIGINT)
        let deadline = Date().addingTimeInterval(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(-pid, SIGKILL) }
            usleep(10_000)
        }
        kill(-pid, SIGKILL)
    }

    deinit { stop() }
}
