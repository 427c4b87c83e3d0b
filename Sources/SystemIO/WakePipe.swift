#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pipe that ends another thread's `poll`: the thread polls `reader`, `signal()` (any
/// thread) writes a byte, `drain()` reads what is pending. Both ends are non-blocking and
/// close-on-exec (pipe2 is not in Swift's Glibc module: set with fcntl).
public struct WakePipe: ~Copyable {
    public let reader: FileDescriptor
    public let writer: FileDescriptor

    public init() throws(SystemError) {
        var ends: [Int32] = [-1, -1]
        _ = try Syscall.retrying("pipe") { pipe(&ends) }
        reader = FileDescriptor(owning: ends[0])
        writer = FileDescriptor(owning: ends[1])
        for end in ends {
            let flags = fcntl(end, F_GETFL)
            precondition(flags >= 0 && fcntl(end, F_SETFL, flags | O_NONBLOCK) == 0 && fcntl(end, F_SETFD, FD_CLOEXEC) == 0,
                         "fcntl on an owned descriptor failed: errno \(errno)")
        }
    }

    /// Wakes the polling thread. A full pipe (`EAGAIN`) wakes it already; any other failure
    /// is a bug (the pipe is ours and open) and stops the process.
    public func signal() {
        var one: UInt8 = 1
        do { _ = try Syscall.retrying("write") { write(writer.rawValue, &one, 1) } } catch where error.code == EAGAIN {} catch {
            preconditionFailure("the wake pipe: \(error)")
        }
    }

    /// Reads every pending byte (after `reader` polled readable). A read that returns less
    /// than it asked for emptied the pipe: no second read to learn so (`EAGAIN`).
    public func drain() {
        var scratch = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let size = MemoryLayout.size(ofValue: scratch)
        while withUnsafeMutableBytes(of: &scratch, { read(reader.rawValue, $0.baseAddress, $0.count) }) == size {}
    }

    /// Closes both ends; what the kernel reported, named.
    public consuming func close() -> [SystemError] {
        var failures: [SystemError] = []
        do { try reader.close() } catch { failures.append(error) }
        do { try writer.close() } catch { failures.append(error) }
        return failures
    }
}

/// A `WakePipe` when one could be made, else none: a thread that polls with it degrades to
/// short polling steps when the process has no descriptors left, instead of failing to start.
public struct OptionalWakePipe: ~Copyable {
    private let pipe: WakePipe?
    /// The reading end to poll, -1 without a pipe.
    public let reader: Int32

    public init() {
        do {
            let made = try WakePipe()
            reader = made.reader.rawValue
            pipe = consume made
        } catch {
            reader = -1
            pipe = nil
        }
    }

    /// Whether there is a pipe (else the owner must poll in short steps).
    public var exists: Bool { reader >= 0 }

    public func signal() { pipe?.signal() }
    public func drain() { pipe?.drain() }
}
