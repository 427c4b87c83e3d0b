#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every system call of the outbox, in one place: a failure becomes an `OutboxError` that
/// names the operation and the path; `EINTR` is retried here.
enum FileSystem {
    static func failure(_ operation: String, _ path: String, _ code: Int32 = errno) -> OutboxError {
        OutboxError(path: path, operation: operation, errno: code, message: String(cString: strerror(code)))
    }

    static func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0o644) throws(OutboxError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure("open", path) }
        }
    }

    static func closeFile(_ fd: Int32, _ path: String) throws(OutboxError) {
        if close(fd) != 0 && errno != EINTR { throw failure("close", path) }
    }

    static func makeDirectory(_ path: String) throws(OutboxError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure("mkdir", path) }
        var info = stat()
        guard stat(path, &info) == 0 else { throw failure("stat", path) }
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
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let error = failure("read", path)
                try? closeFile(fd, path)
                throw error
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        try closeFile(fd, path)
        return result
    }

    /// Writes all of `bytes` at the file's end (the fd is `O_APPEND`); on failure returns the errno.
    static func appendAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return 0
        }
    }

    static func readAt(_ fd: Int32, _ offset: Int, _ count: Int, _ path: String) throws(OutboxError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = result.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("pread", path)
            }
            if n == 0 { throw failure("pread", path, EIO) }
            done += n
        }
        return result
    }

    static func writeAt(_ fd: Int32, _ offset: Int, _ bytes: [UInt8], _ path: String) throws(OutboxError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("pwrite", path)
            }
            done += n
        }
    }

    static func truncate(_ fd: Int32, _ size: Int, _ path: String) throws(OutboxError) {
        guard ftruncate(fd, off_t(size)) == 0 else { throw failure("ftruncate", path) }
    }

    static func syncData(_ fd: Int32, _ path: String) throws(OutboxError) {
        guard fdatasync(fd) == 0 else { throw failure("fdatasync", path) }
    }

    /// Makes a created, renamed or removed name durable.
    static func syncDirectory(_ path: String) throws(OutboxError) {
        let fd = try openFile(path, O_RDONLY | O_DIRECTORY)
        let code = fsync(fd) == 0 ? 0 : errno
        try closeFile(fd, path)
        if code != 0 { throw failure("fsync", path, code) }
    }

    static func move(_ from: String, _ to: String) throws(OutboxError) {
        guard rename(from, to) == 0 else { throw failure("rename to \(to)", from) }
    }

    static func remove(_ path: String) throws(OutboxError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("unlink", path) }
    }

    static func size(_ fd: Int32, _ path: String) throws(OutboxError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat", path) }
        return Int(info.st_size)
    }

    static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
