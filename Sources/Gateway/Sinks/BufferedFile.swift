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
/// stays full, and the next flush writes again. A line cut short is truncated off the file
/// (`CutLine`) before anything else is written, so every line stays whole.
final class BufferedFile {
    let path: String
    private var fd: Int32
    var buffer: [UInt8] = []
    let capacity: Int
    /// Lines (records) given up because a write failed.
    private(set) var linesLost: UInt64 = 0
    /// `buffer` starts with a newline that ends the partial last line of a file found that
    /// way (a previous run died mid-write), not a record's.
    private var separatorFirst = false
    /// The line a failed write cut short, while truncating it has not yet worked.
    private var cutLine = CutLine()

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
        do throws(SystemError) { try cutLine.truncate(fd) } catch {
            giveUp(from: 0)
            throw SinkError(.io, path: path, message: "write failed: cannot truncate the line a failed write cut short: \(error.reason)")
        }
        let (offset, failure) = buffer.withUnsafeBytes { writeAll(fd, $0) }
        if let failure {
            let newline = UInt8(ascii: "\n")
            if offset > 0 && buffer[offset - 1] != newline {
                cutLine.cut(offset - (buffer[..<offset].lastIndex(of: newline).map { $0 + 1 } ?? 0), in: fd)
            }
            giveUp(from: offset)
            throw SinkError(.io, path: path, message: "write failed: \(failure.reason)")
        }
        buffer.removeAll(keepingCapacity: true)
        separatorFirst = false
    }

    /// Counts the lines of `buffer[offset...]` as lost and empties the buffer; a separator not
    /// yet written stays.
    private func giveUp(from offset: Int) {
        let newline = UInt8(ascii: "\n")
        let keepSeparator = separatorFirst && offset == 0
        linesLost += UInt64(buffer[offset...].reduce(0) { $1 == newline ? $0 + 1 : $0 } - (keepSeparator ? 1 : 0))
        buffer.removeAll(keepingCapacity: true)
        separatorFirst = keepSeparator
        if keepSeparator { buffer.append(newline) }
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
