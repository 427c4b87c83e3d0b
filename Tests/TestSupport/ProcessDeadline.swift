import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A time limit for a child process a test started: every process a test spawns gets one, so a
/// hung child (an oracle, `candor` waiting on a device) fails its test instead of hanging the
/// suite.
///
///     try process.run()
///     let deadline = ProcessDeadline(process, seconds: 120)
///     process.waitUntilExit()
///     try deadline.check()      // throws `Expired` when the child had to be killed
public final class ProcessDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: Int32
    private var expired = false
    private let process: Process
    private let seconds: Double
    private let name: String

    /// Starts the clock for a running `process`; after `seconds` it gets SIGKILL.
    public init(_ process: Process, seconds: Double) {
        pid = process.processIdentifier
        self.process = process
        self.seconds = seconds
        name = process.executableURL?.lastPathComponent ?? "child"
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.withLock {
                guard pid > 0, process.isRunning else { return }
                expired = true
                // Checked: ESRCH only when it exited at this very moment.
                if kill(pid, SIGKILL) != 0 && errno != ESRCH { expired = false }
            }
        }
    }

    /// Call once the process was waited for: disarms the timer (so a later process with the
    /// same pid is never signalled) and throws when the limit killed the child.
    public func check() throws {
        let killed = lock.withLock { () -> Bool in
            pid = 0
            return expired
        }
        if killed { throw Expired(name: name, seconds: seconds) }
    }

    /// Whether the limit killed the child (disarms like `check`).
    public func finish() -> Bool {
        do { try check() } catch { return true }
        return false
    }

    public struct Expired: Error, CustomStringConvertible {
        public var name: String
        public var seconds: Double
        public var description: String { "\(name) did not finish within \(Int(seconds)) s and was killed" }
    }
}

extension ProcessDeadline {
    /// Runs `executable` to its end under a limit of `seconds`, stdout and stderr read together:
    /// its exit status and output. Throws `Expired` when the limit killed it.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           seconds: Double) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let deadline = ProcessDeadline(process, seconds: seconds)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try deadline.check()
        return (process.terminationStatus, output)
    }
}
