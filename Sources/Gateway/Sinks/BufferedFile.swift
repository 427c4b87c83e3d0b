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
final class BufferedFile {
    let path: String
    private var fd: Int32
    var buffer: [UInt8] = []
    let capacity: Int

    init(path: String, mode: FileSinkMode, capacity: Int = 1 << 16) throws(SinkError) {
        self.path = path
        self.capacity = capacity
        let file = try LineFile.open(path, append: mode == .append)
        fd = file.fd
        buffer.reserveCapacity(capacity + 4096)
        if file.endsMidLine { buffer.append(UInt8(ascii: "\n")) }
    }

    /// Writes the buffer out when it is full.
    func maybeFlush() throws(SinkError) {
        if buffer.count >= capacity { try flush() }
    }

    func flush() throws(SinkError) {
        guard fd >= 0 else { throw SinkError(.closed, path: path, message: "written after close") }
        let (offset, failure) = buffer.withUnsafeBytes { writeAll(fd, $0) }
        if failure != 0 {
            buffer.removeFirst(offset)
            throw SinkError(.io, path: path, message: "write failed: \(String(cString: strerror(failure)))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes; a second call does nothing.
    func close() throws(SinkError) {
        guard fd >= 0 else { return }
        try flush()
        let synced = fsync(fd) == 0 ? nil : Self.errnoText()
        Glibc.close(fd)
        fd = -1
        if let synced { throw SinkError(.io, path: path, message: "fsync failed: \(synced)") }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
