import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes every byte of `bytes` to `fd` (through `Syscall.writeAll`). Returns how many bytes
/// went out and the error that stopped them (nil when all did).
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (written: Int, error: SystemError?) {
    do throws(PartialWrite) {
        try Syscall.writeAll(fd, bytes)
        return (bytes.count, nil)
    } catch {
        return (error.written, error.error)
    }
}

extension LineFile {
    /// Truncates the last `bytes` bytes off the file open at `fd` (a line a failed write cut
    /// short, so that the file ends with a whole line again) and moves the file offset to the
    /// new end (a file opened without O_APPEND would otherwise go on writing past a hole).
    /// False when that failed.
    static func removeTail(_ fd: Int32, bytes: Int) -> Bool {
        guard let info = try? Syscall.status(fd), Int(info.st_size) >= bytes else { return false }
        let end = info.st_size - off_t(bytes)
        guard (try? Syscall.retrying("ftruncate") { ftruncate(fd, end) }) != nil else { return false }
        return lseek(fd, end, SEEK_SET) == end
    }
}

/// A file of text lines opened for writing (the file sinks, the decoded-frame log): created
/// when missing, never through a symbolic link (`O_NOFOLLOW`: a link planted at an output's
/// path must not send candor's writes elsewhere), and, when appending, checked for a last
/// line cut short: a previous run that died mid-write (disk full, `kill -9`) leaves a partial
/// line, and the first new line must start on a line of its own.
struct LineFile {
    let fd: Int32
    /// Bytes in the file when it was opened.
    let size: Int
    /// The file is not empty and does not end with a newline.
    let endsMidLine: Bool

    /// Opens `path` (`append`: keep the content; else truncate). Throws the call's errno text.
    static func open(_ path: String, append: Bool) throws(SinkError) -> LineFile {
        let flags = O_CREAT | O_CLOEXEC | O_NOFOLLOW | (append ? O_RDWR | O_APPEND : O_WRONLY | O_TRUNC)
        let fd: Int32
        do { fd = try Syscall.retrying("open") { Glibc.open(path, flags, 0o644) } } catch {
            let reason = error.code == ELOOP ? "it is a symbolic link (candor does not write through links)" : error.reason
            throw SinkError(.io, path: path, message: "cannot open for writing: \(reason)")
        }
        let info: stat
        do { info = try Syscall.status(fd) } catch {
            Syscall.closeAbandoned(fd)
            throw SinkError(.io, path: path, message: "cannot stat: \(error.reason)")
        }
        let size = Int(info.st_size)
        var last: UInt8 = 0
        let endsMidLine = append && size > 0 && pread(fd, &last, 1, off_t(size - 1)) == 1 && last != UInt8(ascii: "\n")
        return LineFile(fd: fd, size: size, endsMidLine: endsMidLine)
    }
}
