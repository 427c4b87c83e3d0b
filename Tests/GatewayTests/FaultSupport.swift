import CANCore
import Foundation
import Gateway
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Helpers of the fault-injection tests (issue 11, item 7): a small tmpfs of our own, a file
/// that fills it, and a daemon input released phase by phase.
enum FaultMount {
    /// Mounting needs root (CAP_SYS_ADMIN). Under `Tests/run.sh` (`CANDOR_VENV` set) the tests
    /// run whatever the user, and a mount that is refused fails them; elsewhere a non-root
    /// user skips them.
    static var shouldRun: Bool { getuid() == 0 || OracleTool.isRequired }

    /// `mount`/`umount` with a deadline; throws with their exit status and output.
    static func run(_ tool: String, _ arguments: [String]) throws {
        let (status, output) = try ProcessDeadline.run(try OracleTool.require(tool), arguments, seconds: 60)
        guard status == 0 else {
            throw TestFailure("\(tool) \(arguments.joined(separator: " ")): exit \(status): \(output)"
                              + " (the fault tests need root / CAP_SYS_ADMIN to mount)")
        }
    }
}

/// A tmpfs of `size` mounted on a fresh directory; `unmount()` when done.
final class TmpfsMount {
    let path: String
    private var mounted = false

    init(_ name: String, size: String) throws {
        path = try TemporaryDirectory.make(name)
        try FaultMount.run("mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", path])
        mounted = true
    }

    func unmount() throws {
        guard mounted else { return }
        mounted = false
        try FaultMount.run("umount", [path])
        guard rmdir(path) == 0 else { throw TestFailure("rmdir \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { try? unmount() }
}

/// `Tests/Faults/eiofs.py` (a pass-through FUSE filesystem, Debian fuse3 and python3-fusepy)
/// mounted on a fresh directory over a backing one; `fail(true)` makes every write, fsync,
/// creation and rename on it fail with EIO until `fail(false)`.
final class FailingFilesystem {
    static let script = PythonOracle.repositoryRoot.appendingPathComponent("Tests/Faults/eiofs.py").path
    let path: String
    let backing: String
    private let process = Process()
    private var deadline: ProcessDeadline?

    init(_ name: String) throws {
        backing = try TemporaryDirectory.make(name + "-backing")
        path = try TemporaryDirectory.make(name)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            throw TestFailure("/usr/bin/python3 is missing (Tests/setup.sh installs python3-fusepy for it)")
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.script, backing, path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        deadline = ProcessDeadline(process, seconds: 900)
        let mounted = waitUntil(seconds: 30) {
            !process.isRunning || ((try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? "").contains(" \(path) ")
        }
        guard mounted, process.isRunning else {
            throw TestFailure("eiofs.py did not mount \(path) (needs /dev/fuse, root, fuse3 and python3-fusepy): exit \(process.isRunning ? -1 : process.terminationStatus)")
        }
    }

    func fail(_ on: Bool) throws {
        if on {
            try TestFile.write("", to: backing + "/.fail")
        } else if unlink(backing + "/.fail") != 0 {
            throw TestFailure("unlink .fail: \(String(cString: strerror(errno)))")
        }
    }

    func unmount() throws {
        guard let deadline else { return }
        self.deadline = nil
        try FaultMount.run("umount", [path])
        process.waitUntilExit()
        try deadline.check()
        try? FileManager.default.removeItem(atPath: backing)
        guard rmdir(path) == 0 else { throw TestFailure("rmdir \(path): \(String(cString: strerror(errno)))") }
    }

    deinit {
        if deadline != nil { try? unmount() }
    }
}

/// A file that takes every free byte of its filesystem (written until ENOSPC); `release()`
/// deletes it and gives the space back.
final class DiskFiller {
    let path: String
    private(set) var bytes = 0

    init(_ path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TestFailure("open \(path): \(String(cString: strerror(errno)))") }
        let chunk = [UInt8](repeating: 0x55, count: 1 << 16)
        var size = chunk.count
        while true {
            let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, size) }
            if n > 0 { bytes += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == ENOSPC && size > 1 { size /= 2; continue }  // the last bytes too
            break
        }
        let failure = errno
        guard close(fd) == 0, failure == ENOSPC else {
            throw TestFailure("filling \(path) stopped with \(String(cString: strerror(failure))), not ENOSPC")
        }
    }

    func release() throws {
        guard unlink(path) == 0 else { throw TestFailure("unlink \(path): \(String(cString: strerror(errno)))") }
    }
}

/// The daemon's input in phases: the frames of one phase, then it waits until the test
/// releases the next one (after breaking or repairing the disk); after the last, it waits for
/// `stop()` like `DaemonMemoryInput`.
final class PhasedInput: DaemonFrameInput, @unchecked Sendable {
    let interfaces: [String]
    private let phases: [[CANFrame]]
    // The reader's own position (only the reading thread touches these).
    private var phase = 0
    private var position = 0
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var released = 0
    private var finished = -1
    private var stopped = false

    init(_ phases: [[CANFrame]], interfaces: [String]) {
        self.phases = phases
        self.interfaces = interfaces
    }

    func next() -> CANFrame? {
        while true {
            if position < phases[phase].count {
                defer { position += 1 }
                return phases[phase][position]
            }
            condition.lock()
            finished = phase
            condition.broadcast()
            while released <= phase && !stopped { condition.wait() }
            let more = released > phase && phase + 1 < phases.count
            condition.unlock()
            guard more else { return nil }
            phase += 1
            position = 0
        }
    }

    /// Waits until every frame of `phase` was taken, at most `seconds`.
    func waitRead(phase: Int, seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock(); defer { condition.unlock() }
        while finished < phase { if !condition.wait(until: deadline) { break } }
        return finished >= phase
    }

    /// Lets the reader go on from `phase` to the next one.
    func release(after phase: Int) {
        condition.lock(); released = max(released, phase + 1); condition.broadcast(); condition.unlock()
    }

    func stop() {
        condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
    }
    func add(interfaces: [String]) {}
    func remove(interfaces: [String]) {}
    func logEvents(to log: GatewayLog) {}
    var drops: [(stage: String, total: Int)] { [] }
    func logTotals(to log: GatewayLog) {}
}

final class PhasedBuses: DaemonBuses {
    let input: PhasedInput
    init(_ input: PhasedInput) { self.input = input }
    func configureControllers(_ plans: [BusControllerPlan], log: GatewayLog) {}
    func open(_ setup: GatewaySetup, log: GatewayLog) -> any DaemonFrameInput { input }
    func pollControllers(metrics: PrometheusMetrics, log: GatewayLog) {}
}

/// Waits (polling every 50 ms, at most `seconds`) until `condition` holds.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(50_000)
    }
    return true
}
