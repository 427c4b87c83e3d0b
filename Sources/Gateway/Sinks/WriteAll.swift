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

/// The line a failed write cut short at the end of a line file (a write that stopped after
/// part of a line: the disk filled or failed in the middle of it). It is truncated off before
/// anything else is written, so the file keeps whole lines only; while truncating fails (the
/// disk still failing), nothing else is written to the file. Never a newline in its place: a
/// disk that recovers between the failed truncation and that newline would keep the cut line.
struct CutLine {
    /// The length to cut the file back to; nil when none is pending or not yet known.
    private var wholeLength: off_t?
    /// Bytes of the cut line at the end of the file, while its length is not known (fstat
    /// failed too).
    private var tailBytes = 0

    /// A truncation is pending.
    var isPending: Bool { wholeLength != nil || tailBytes > 0 }

    /// The file's length once the pending cut is made, for a file now `size` bytes long (what
    /// a writer counts as written: the cut line is not).
    func wholeBytes(ofFileSized size: Int) -> Int {
        if let wholeLength { return Int(wholeLength) }
        return size >= tailBytes ? size - tailBytes : size
    }

    /// A write to `fd` stopped `bytes` bytes into a line: notes it and truncates it off now if
    /// it can (when not, `truncate` does before the next write).
    mutating func cut(_ bytes: Int, in fd: Int32) {
        wholeLength = nil
        tailBytes = bytes
        _ = try? truncate(fd)   // failed: still pending, tried again before the next write
    }

    /// Cuts the file at `fd` back to the end of its last whole line, if a cut line is
    /// pending, and moves the file offset there (a file opened without O_APPEND would
    /// otherwise go on writing past a hole). Throws (and stays pending) when that failed:
    /// write nothing then.
    mutating func truncate(_ fd: Int32) throws(SystemError) {
        guard isPending else { return }
        if wholeLength == nil {
            let size = try Syscall.status(fd).st_size
            // Shorter than the cut line: something else truncated the file; nothing to cut.
            wholeLength = Int(size) >= tailBytes ? size - off_t(tailBytes) : nil
            tailBytes = 0
        }
        guard let length = wholeLength else { return }
        _ = try Syscall.retrying("ftruncate") { ftruncate(fd, length) }
        _ = try Syscall.retrying("lseek") { lseek(fd, length, SEEK_SET) }
        wholeLength = nil
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
