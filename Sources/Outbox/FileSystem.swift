import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every system call of the outbox, in one place: a failure (SystemIO's, `EINTR` retried
/// there) becomes an `OutboxError` that names the operation and the path.
enum FileSystem {
    static func failure(_ operation: String, _ path: String, _ code: Int32 = errno) -> OutboxError {
        failure(SystemError(operation, code: code), path)
    }

    static func failure(_ error: SystemError, _ path: String) -> OutboxError {
        OutboxError(path: path, operation: error.call, errno: error.code, message: error.reason)
    }

    /// `body` (SystemIO calls), its failure as an `OutboxError` about `path`.
    static func on<Value>(_ path: String, _ body: () throws(SystemError) -> Value) throws(OutboxError) -> Value {
        do { return try body() } catch { throw failure(error, path) }
    }

    static func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0o644) throws(OutboxError) -> Int32 {
        try on(path) { () throws(SystemError) in try Syscall.retrying("open") { open(path, flags | O_CLOEXEC, mode) } }
    }

    static func closeFile(_ fd: Int32, _ path: String) throws(OutboxError) {
        try on(path) { () throws(SystemError) in try Syscall.close(fd) }
    }

    static func makeDirectory(_ path: String) throws(OutboxError) {
        var info = stat()
        try on(path) { () throws(SystemError) in
            try Syscall.makeDirectory(path, mode: 0o755)
            _ = try Syscall.retrying("stat") { stat(path, &info) }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw failure("mkdir", path, ENOTDIR) }
    }

    static func names(in directory: String) throws(OutboxError) -> [String] {
        guard let dir = opendir(directory) else { throw failure("opendir", directory) }
        var result: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { result.append(name) }
        }
        guard closedir(dir) == 0 else { throw failure("closedir", directory) }
        return result
    }

    static func readWhole(_ path: String) throws(OutboxError) -> [UInt8] {
        let fd = try openFile(path, O_RDONLY)
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n: Int
            do { n = try Syscall.retrying("read") { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } } } catch {
                Syscall.closeAbandoned(fd)  // the read's error is the one to report
                throw failure(error, path)
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        try closeFile(fd, path)
        return result
    }

    /// Writes all of `bytes` at the file's end (the fd is `O_APPEND`); on failure returns the errno.
    static func appendAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { raw -> Int32 in
            do throws(PartialWrite) { try Syscall.writeAll(fd, raw) } catch { return error.error.code }
            return 0
        }
    }

    static func readAt(_ fd: Int32, _ offset: Int, _ count: Int, _ path: String) throws(OutboxError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = try on(path) { () throws(SystemError) in
                try Syscall.retrying("pread") { result.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) } }
            }
            if n == 0 { throw failure("pread", path, EIO) }
            done += n
        }
        return result
    }

    static func writeAt(_ fd: Int32, _ offset: Int, _ bytes: [UInt8], _ path: String) throws(OutboxError) {
        var done = 0
        while done < bytes.count {
            let start = done
            let n = try on(path) { () throws(SystemError) in
                try Syscall.retrying("pwrite") { bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + start, $0.count - start, off_t(offset + start)) } }
            }
            done += n
        }
    }

    static func truncate(_ fd: Int32, _ size: Int, _ path: String) throws(OutboxError) {
        _ = try on(path) { () throws(SystemError) in try Syscall.retrying("ftruncate") { ftruncate(fd, off_t(size)) } }
    }

    static func syncData(_ fd: Int32, _ path: String) throws(OutboxError) {
        _ = try on(path) { () throws(SystemError) in try Syscall.retrying("fdatasync") { fdatasync(fd) } }
    }

    /// Makes a created, renamed or removed name durable.
    static func syncDirectory(_ path: String) throws(OutboxError) {
        let fd = try openFile(path, O_RDONLY | O_DIRECTORY)
        do throws(SystemError) { try Syscall.sync(fd) } catch {
            Syscall.closeAbandoned(fd)  // the fsync's error is the one to report
            throw failure(error, path)
        }
        try closeFile(fd, path)
    }

    static func move(_ from: String, _ to: String) throws(OutboxError) {
        _ = try on(from) { () throws(SystemError) in try Syscall.retrying("rename to \(to)") { rename(from, to) } }
    }

    static func remove(_ path: String) throws(OutboxError) {
        try on(path) { () throws(SystemError) in try Syscall.unlinkIfPresent(path) }
    }

    static func size(_ fd: Int32, _ path: String) throws(OutboxError) -> Int {
        Int(try on(path) { () throws(SystemError) in try Syscall.status(fd) }.st_size)
    }

    static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
