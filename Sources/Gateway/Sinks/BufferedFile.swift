import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// What a file sink does with an existing file.
public enum FileSinkMode: Sendable, Hashable {
    /// Keep what is there and add to its end (the daemon: a restart loses nothing).
    case append
    /// Start empty (a replay that must give the same bytes every time).
    case truncate
}

/// An output file with a byte buffer: records are appended to `buffer`, which goes to the
/// file when it passes `capacity` or on `flush`. One `write(2)` loop per flush; no stdio.
/// Opened as a `LineFile`: never through a symlink, and an appended file whose last line was
/// cut short (a previous run died mid-write) gets a newline before the first new record.
///
/// A write that fails (disk full, I/O error) gives up what is buffered: the lines that did not
/// reach the file whole are counted in `linesLost`, memory stays bounded however long the disk
/// stays full, and the next flush writes again. A line cut short is truncated off the file (or,
/// when even that fails, the next flush starts with a newline), so every line stays whole.
final class BufferedFile {
    let path: String
    private var fd: Int32
    var buffer: [UInt8] = []
    let capacity: Int
    /// Lines (records) given up because a write failed.
    private(set) var linesLost: UInt64 = 0
    /// `buffer` starts with a newline that ends a line cut short, not a record's.
    private var separatorFirst = false
    /// The bytes of the line a failed write cut short at the end of the file, when truncating
    /// them failed too: truncated before the next write (the separator is then not needed),
    /// so the file keeps whole lines once the disk works again. 0: none known.
    private var cutTail = 0

    init(path: String, mode: FileSinkMode, capacity: Int = 1 << 16) throws(SinkError) {
        self.path = path
        self.capacity = capacity
        let file = try LineFile.open(path, append: mode == .append)
        fd = file.fd
        buffer.reserveCapacity(capacity + 4096)
        if file.endsMidLine {
            buffer.append(UInt8(ascii: "\n"))
            separatorFirst = true
        }
    }

    /// Writes the buffer out when it is full.
    func maybeFlush() throws(SinkError) {
        if buffer.count >= capacity { try flush() }
    }

    func flush() throws(SinkError) {
        guard fd >= 0 else { throw SinkError(.closed, path: path, message: "written after close") }
        if separatorFirst && cutTail > 0 && LineFile.removeTail(fd, bytes: cutTail) {
            buffer.removeFirst()
            separatorFirst = false
            cutTail = 0
        }
        let (offset, failure) = buffer.withUnsafeBytes { writeAll(fd, $0) }
        if let failure {
            let newline = UInt8(ascii: "\n")
            if offset > 0 { cutTail = 0 }  // the file moved on past the old cut line
            var lost = buffer[offset...].reduce(0) { $1 == newline ? $0 + 1 : $0 }
            if separatorFirst && offset == 0 { lost -= 1 }
            linesLost += UInt64(lost)
            // Nothing written: the file ends as before (mid-line if the separator is pending).
            var cut = offset > 0 ? buffer[offset - 1] != newline : separatorFirst
            if offset > 0 && cut {
                let partial = offset - (buffer[..<offset].lastIndex(of: newline).map { $0 + 1 } ?? 0)
                cut = !LineFile.removeTail(fd, bytes: partial)
                if cut { cutTail = partial }
            }
            buffer.removeAll(keepingCapacity: true)
            separatorFirst = cut
            if cut { buffer.append(newline) }
            throw SinkError(.io, path: path, message: "write failed: \(failure.reason)")
        }
        buffer.removeAll(keepingCapacity: true)
        separatorFirst = false
        cutTail = 0
    }

    /// Flushes, syncs and closes; a second call does nothing.
    func close() throws(SinkError) {
        guard fd >= 0 else { return }
        try flush()
        var synced: SystemError?
        do throws(SystemError) { try Syscall.sync(fd) } catch { synced = error }
        var closed: SystemError?
        do throws(SystemError) { try Syscall.close(fd) } catch { closed = error }
        fd = -1
        if let synced { throw SinkError(.io, path: path, message: "fsync failed: \(synced.reason)") }
        if let closed { throw SinkError(.io, path: path, message: "close failed: \(closed.reason)") }
    }

    deinit {
        if fd >= 0 { Syscall.closeAbandoned(fd) }
    }
}
