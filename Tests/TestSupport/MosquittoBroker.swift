import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real mosquitto (Debian's 2.0) for one test: its own directory and config file, a free
/// loopback port, persistence on; started and stopped by pid. `start` waits until the port
/// accepts connections (at most 10 s).
public final class MosquittoBroker: @unchecked Sendable {
    public let directory: String
    public let port: Int
    private let server = SpawnedServer()
    private(set) var extraConfig: String
    private let binary: String

    public init(name: String, extraConfig: String = "", port: Int? = nil) throws {
        binary = try OracleTool.require("mosquitto")
        directory = NSTemporaryDirectory() + "candor-mqtt-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.port = try port ?? Self.freePort()
        self.extraConfig = extraConfig
    }

    public func setConfig(_ text: String) { extraConfig = text }

    /// `listener` lines are ours; `extraConfig` adds to the listener (TLS files, passwords).
    public func start() throws {
        let config = """
        user root
        persistence true
        persistence_location \(directory)/
        log_dest file \(directory)/mosquitto.log
        log_type all
        listener \(port) 127.0.0.1
        \(extraConfig.isEmpty ? "allow_anonymous true" : extraConfig)

        """
        try config.write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
        try server.start(binary, ["-c", directory + "/mosquitto.conf"], port: port, seconds: 10, log: log)
    }

    public var isRunning: Bool { server.isRunning }

    /// SIGKILL (a crash) or SIGTERM (a clean stop, persistence saved), then waits for the exit
    /// (SIGKILL after 10 s).
    public func stop(kill hard: Bool = false) { server.stop(kill: hard) }

    /// SIGHUP: mosquitto reads its configuration again (ACL and password files included);
    /// connected clients stay connected.
    public func reload() throws {
        guard let pid = server.pid else { throw BrokerError("mosquitto is not running") }
        guard kill(pid, SIGHUP) == 0 else { throw BrokerError("kill SIGHUP \(pid): errno \(errno)") }
    }

    /// posix_spawn with an empty signal mask and default dispositions: a child of a test
    /// thread would otherwise inherit its blocked signals and never see SIGTERM. Its stdout and
    /// stderr go to `output`; `newGroup` puts it in a process group of its own (its pid).
    static func spawn(_ path: String, _ arguments: [String], output: String = "/dev/null", newGroup: Bool = false) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (newGroup ? POSIX_SPAWN_SETPGROUP : 0)))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw BrokerError("posix_spawn \(path): \(String(cString: strerror(rc)))") }
        return pid
    }

    public func log() -> String { (try? String(contentsOfFile: directory + "/mosquitto.log", encoding: .utf8)) ?? "" }

    deinit {
        stop(kill: true)
        try? FileManager.default.removeItem(atPath: directory)
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BrokerError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BrokerError("bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

public struct BrokerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a command with a timeout; returns its status and standard output.
@discardableResult
public func runTool(_ path: String, _ arguments: [String], timeout: TimeInterval = 20) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let timer = DispatchWorkItem { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    timer.cancel()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
