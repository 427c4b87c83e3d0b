#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one place outside SocketCAN where a system call's `-1` becomes a typed error:
/// `EINTR` is retried here (callers never loop on it), any other errno is thrown as a
/// `SystemError` naming the call.
public enum Syscall {
    /// Runs `body` until it returns something other than `-1` or fails with an errno other
    /// than `EINTR`; that failure is thrown as `SystemError(call, errno)`.
    @inlinable
    public static func retrying<Value: FixedWidthInteger>(
        _ call: @autoclosure () -> String, _ body: () -> Value
    ) throws(SystemError) -> Value {
        while true {
            let value = body()
            if value != -1 { return value }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(call(), code: code)
        }
    }

    /// Every byte of `bytes` to `fd` (owned or not: standard output, standard error),
    /// continuing after short writes. On failure, throws the error and how many bytes went
    /// out before it.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(PartialWrite) {
        var offset = 0
        while offset < bytes.count {
            do {
                offset += try retrying("write") { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
            } catch {
                throw PartialWrite(written: offset, error: error)
            }
        }
    }

    /// A call that returns `0` or an errno itself (the pthread functions): nonzero throws.
    @inlinable
    public static func checked(_ call: @autoclosure () -> String, _ result: Int32) throws(SystemError) {
        if result != 0 { throw SystemError(call(), code: result) }
    }

    /// Sleeps `milliseconds` (0 or more); a signal does not cut it short. A failure other than
    /// `EINTR` (`EFAULT`, `EINVAL`) is our bug and stops the process.
    public static func sleep(milliseconds: Int32) {
        precondition(milliseconds >= 0, "sleep of \(milliseconds) ms")
        var left = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        do {
            // nanosleep writes what is left into its second argument: an EINTR sleeps on from there.
            _ = try withUnsafeMutablePointer(to: &left) { p throws(SystemError) in try retrying("nanosleep") { nanosleep(p, p) } }
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// `setsockopt` with an `Int32` value.
    public static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32, call: String) throws(SystemError) {
        var value = value
        _ = try retrying(call) { setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) }
    }

    /// Closes `fd` where nobody is left to hear of a failure: a path already throwing its own
    /// error, or an owner's `deinit`. `EBADF` (the number was not open: a bug) stops the
    /// process; `EINTR` means closed on Linux; any other failure is dropped here, and only here.
    public static func closeAbandoned(_ fd: Int32) {
        if Glibc.close(fd) != 0 {
            precondition(errno != EBADF, "close of an owned descriptor: EBADF (closed twice?)")
        }
    }

    /// `close`, reported: what a writer calls on its last descriptor (an `EIO` from close is a
    /// lost write). `EINTR` is not retried: on Linux the descriptor is released before
    /// `close` can be interrupted.
    public static func close(_ fd: Int32) throws(SystemError) {
        if Glibc.close(fd) != 0 && errno != EINTR { throw SystemError.last("close") }
    }

    /// Makes the directory `path` (`mode`); one that exists already is fine.
    public static func makeDirectory(_ path: String, mode: mode_t) throws(SystemError) {
        if mkdir(path, mode) != 0 && errno != EEXIST { throw SystemError.last("mkdir") }
    }

    /// `mkdir -p`: `path` and every missing parent (`mode`).
    public static func makeDirectories(_ path: String, mode: mode_t) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            try makeDirectory(prefix, mode: mode)
        }
    }

    /// `rename(from, to)`.
    public static func rename(_ from: String, to: String) throws(SystemError) {
        _ = try retrying("rename") { Glibc.rename(from, to) }
    }

    /// `fsync`: what was written to `fd` is on the disk.
    public static func sync(_ fd: Int32) throws(SystemError) {
        _ = try retrying("fsync") { fsync(fd) }
    }

    /// `fstat` of a descriptor someone else owns (an owned one has `FileDescriptor.status()`).
    public static func status(_ fd: Int32) throws(SystemError) -> stat {
        var info = stat()
        _ = try retrying("fstat") { fstat(fd, &info) }
        return info
    }

    /// Removes `path`; one that is already gone counts as removed.
    public static func unlinkIfPresent(_ path: String) throws(SystemError) {
        if unlink(path) != 0 && errno != ENOENT { throw SystemError.last("unlink") }
    }
}
