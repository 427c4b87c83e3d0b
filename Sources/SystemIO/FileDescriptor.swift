#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open file descriptor and the duty to close it, exactly once.
///
/// Opened close-on-exec (a child process such as a `--exec` helper never inherits it).
/// `close()` reports the kernel's answer (a writer must call it: an `EIO` from close is a
/// lost write); a descriptor dropped without `close()` is closed by `deinit`, where a
/// failure other than `EBADF` has nobody to go to and `EBADF` (the number was already
/// closed: a bug) stops the process.
public struct FileDescriptor: ~Copyable {
    public let rawValue: Int32

    /// Takes ownership of `rawValue` (a descriptor made by a call this type doesn't wrap).
    public init(owning rawValue: Int32) {
        precondition(rawValue >= 0, "FileDescriptor(owning:) of \(rawValue)")
        self.rawValue = rawValue
    }

    /// `open(path, flags | O_CLOEXEC, mode)`.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(SystemError) -> FileDescriptor {
        let fd = try Syscall.retrying("open") { Glibc.open(path, flags | O_CLOEXEC, mode) }
        return FileDescriptor(owning: fd)
    }

    /// A close-on-exec duplicate of `fd` (standard input or output, kept open by others).
    public static func duplicate(_ fd: Int32) throws(SystemError) -> FileDescriptor {
        FileDescriptor(owning: try Syscall.retrying("dup") { fcntl(fd, F_DUPFD_CLOEXEC, 3) })
    }

    /// Up to `buffer.count` bytes; 0 only at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try Syscall.retrying("read") { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Up to `bytes.count` bytes into the start of `bytes`; 0 only at the end of the file.
    public func read(into bytes: inout [UInt8]) throws(SystemError) -> Int {
        try bytes.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try read(into: raw) } }.get()
    }

    /// Every byte of `bytes`, continuing after short writes. On failure, throws the error
    /// and how many bytes went out before it.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(PartialWrite) {
        try Syscall.writeAll(rawValue, bytes)
    }

    /// `fstat`.
    public func status() throws(SystemError) -> stat {
        var info = stat()
        _ = try Syscall.retrying("fstat") { fstat(rawValue, &info) }
        return info
    }

    /// Reads to the end of the file; nil once it has more than `limit` bytes.
    public func readAll(limit: Int, chunk: Int = 64 * 1024) throws(SystemError) -> [UInt8]? {
        var bytes: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try read(into: &scratch)
            if n == 0 { return bytes }
            bytes += scratch[0..<n]
            if bytes.count > limit { return nil }
        }
    }

    /// Creates (or empties) `path` and writes all of `bytes` into it, then closes it,
    /// reporting the close too.
    public static func write(_ bytes: [UInt8], toNewFile path: String, mode: mode_t = 0o644) throws(SystemError) {
        let fd = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        let written = bytes.withUnsafeBytes { raw in Result { () throws(PartialWrite) in try fd.writeAll(raw) } }
        if case .failure(let failure) = written { throw failure.error }
        try fd.close()
    }

    /// Closes it and says whether the kernel agreed. `EINTR` is not retried: on Linux the
    /// descriptor is released before `close` can be interrupted.
    public consuming func close() throws(SystemError) {
        let fd = rawValue
        discard self
        try Syscall.close(fd)
    }

    /// Hands the number to the caller, who closes it (another owner, such as a C library).
    public consuming func release() -> Int32 {
        let fd = rawValue
        discard self
        return fd
    }

    deinit {
        Syscall.closeAbandoned(rawValue)
    }
}

/// A write that stopped: the bytes that went out before `error`.
public struct PartialWrite: Error, Sendable {
    public var written: Int
    public var error: SystemError
}
