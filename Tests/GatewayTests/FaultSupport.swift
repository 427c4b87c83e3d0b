import CANCore
import Foundation
import Gateway
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Helpers of the fault-injection tests (issue 11, item 7): a file that fills a disk and a
/// daemon input released phase by phase. The disks themselves (`ScratchTmpfs`,
/// `FailingFilesystem`) are TestSupport's.
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

/// Waits (polling every 50 ms, at most `seconds`) until `condition` holds.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(50_000)
    }
    return true
}
