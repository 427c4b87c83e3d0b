import CANCapture
import CANCore
import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes the decoded log: lines are appended to `<prefix>.jsonl`; when the next line would
/// take it past `maxFileBytes`, or arrives `maxFileAge` (event time) after its first line, the
/// file is renamed to `<prefix>-<start>-<sequence>.jsonl` (then gzipped when asked) and a new
/// `<prefix>.jsonl` is started. Rename, not copy: `tail -F` and log shippers reading the old
/// file read it to its end and then follow the new one. A line is never split across files
/// and every file ends with a newline. Single threaded: the writer thread is its only user.
/// Owns the open file.
///
/// A `<prefix>.jsonl` left by a previous run is continued (its first line's `"t"` is its
/// start); if it does not end with a newline (the previous run died mid-line), one is added
/// before the first new line.
public final class RotatingLineFiles: DecodedLogOutput {
    public let options: DecodedLogOptions
    private var fd: Int32 = -1
    private var pending: [UInt8] = []
    /// Bytes of the current file, on disk and pending.
    private var currentBytes = 0
    /// Event time of the current file's first line; nil before it has one.
    private var currentStart: Int64?
    /// The file was found ending inside a line (a previous run died mid-line): a newline goes
    /// before the first new line.
    private var endsMidLine = false
    /// The line a failed write cut short, while truncating it has not yet worked.
    private var cutLine = CutLine()
    private var sequence: Int
    /// Files rotated and rotated files deleted so far.
    public private(set) var filesRotated = 0
    public private(set) var filesDeleted = 0

    /// Creates the directory (0750) when missing and opens (or continues) `<prefix>.jsonl`.
    public init(options: DecodedLogOptions) throws(SinkError) {
        self.options = options
        do { try Syscall.makeDirectory(options.rotation.directory, mode: 0o750) } catch {
            throw SinkError(.io, path: options.rotation.directory, message: "cannot create the decoded log directory: \(error.reason)")
        }
        sequence = RotatedFiles.list(in: options.rotation.directory, prefix: options.rotation.prefix, fileExtension: "jsonl")
            .map(\.name.sequence).max() ?? 0
        pending.reserveCapacity(1 << 17)
        try openCurrent()
        if currentBytes > 0 { currentStart = DecodedLineTime.firstLine(ofFile: options.currentPath) }
    }

    deinit {
        if fd >= 0 { Syscall.closeAbandoned(fd) }
    }

    /// The rotated files now on disk, oldest first, with their sizes.
    public var rotatedFiles: [(name: RecordingFileName, bytes: Int)] {
        RotatedFiles.list(in: options.rotation.directory, prefix: options.rotation.prefix, fileExtension: "jsonl")
    }

    public func write(_ batch: DecodedLogBatch) -> DecodedLogWriteResult {
        var written = 0
        var unwritten = 0
        var housekeeping: SinkError?
        do throws(SinkError) {
            try batch.forEachLine { (time, line) throws(SinkError) in
                let bytes = line.count + 1
                if currentBytes > 0 && mustRotate(adding: bytes, at: time) {
                    try writePending()
                    written += unwritten
                    unwritten = 0
                    if let failure = try rotate() { housekeeping = housekeeping ?? failure }
                }
                if currentStart == nil { currentStart = time }
                pending.append(contentsOf: line)
                pending.append(UInt8(ascii: "\n"))
                currentBytes += bytes
                unwritten += 1
                if pending.count >= 1 << 16 {
                    try writePending()
                    written += unwritten
                    unwritten = 0
                }
            }
            try writePending()
            written += unwritten
        } catch {
            pending.removeAll(keepingCapacity: true)
            currentBytes = fileSize()
            return DecodedLogWriteResult(written: written, failure: error)
        }
        return DecodedLogWriteResult(written: written, failure: housekeeping)
    }

    public func close() throws(SinkError) {
        guard fd >= 0 else { return }
        var failure: SinkError?
        do { try writePending() } catch { failure = error }
        if failure == nil {
            do throws(SystemError) { try Syscall.sync(fd) } catch {
                failure = SinkError(.io, path: options.currentPath, message: "fsync failed: \(error.reason)")
            }
        }
        do throws(SystemError) { try Syscall.close(fd) } catch {
            failure = failure ?? SinkError(.io, path: options.currentPath, message: "close failed: \(error.reason)")
        }
        fd = -1
        if let failure { throw failure }
    }

    private func mustRotate(adding bytes: Int, at time: Int64) -> Bool {
        if currentBytes + bytes > options.rotation.maxFileBytes { return true }
        guard let start = currentStart else { return false }
        return time - start >= options.rotation.maxAgeNanoseconds
    }

    /// Renames the current file to its rotated name and starts a new one, then gzips the
    /// rotated file and applies retention. Throws when no file can be written; returns a
    /// failure of gzip or retention, after which lines still go to the new file.
    private func rotate() throws(SinkError) -> SinkError? {
        sequence += 1
        let start = CANTimestamp(totalNanoseconds: currentStart ?? 0, fractionDigits: 6)
        let plain = RecordingFileName(prefix: options.rotation.prefix, start: start, sequence: sequence, gzip: false, fileExtension: "jsonl")
        let rotated = options.rotation.directory + "/" + plain.text
        do { try Syscall.rename(options.currentPath, to: rotated) } catch {
            throw SinkError(.io, path: options.currentPath, message: "cannot rotate to \(plain.text): \(error.reason)")
        }
        var failure: SinkError?
        do throws(SystemError) { try Syscall.close(fd) } catch {
            failure = SinkError(.io, path: rotated, message: "close failed (its last lines may be lost): \(error.reason)")
        }
        fd = -1
        filesRotated += 1
        try openCurrent()
        if options.rotation.gzip {
            let compressed = RecordingFileName(prefix: options.rotation.prefix, start: start, sequence: sequence, gzip: true, fileExtension: "jsonl")
            let target = options.rotation.directory + "/" + compressed.text
            do {
                try GzipFileCompression.compress(rotated, to: target + ".tmp")
                do throws(SystemError) { try Syscall.rename(target + ".tmp", to: target) } catch {
                    throw CaptureError(file: target, message: "cannot rename the compressed file: \(error.reason)")
                }
                do throws(SystemError) { try Syscall.unlinkIfPresent(rotated) } catch {
                    failure = failure ?? SinkError(.io, path: rotated, message: "compressed, but the uncompressed file stays: \(error.reason)")
                }
            } catch {
                var message = "cannot gzip (kept uncompressed): \(error)"
                do throws(SystemError) { try Syscall.unlinkIfPresent(target + ".tmp") } catch let left {
                    message += "; \(target).tmp stays: \(left.reason)"
                }
                failure = failure ?? SinkError(.io, path: rotated, message: message)
            }
        }
        let retention = applyRetention()
        return failure ?? retention
    }

    /// Deletes the oldest rotated files until the log is within retentionBytes.
    private func applyRetention() -> SinkError? {
        let files = RotatedFiles.list(in: options.rotation.directory, prefix: options.rotation.prefix, fileExtension: "jsonl")
        for oldest in RotatedFiles.beyondRetention(files, otherBytes: currentBytes, budget: options.rotation.retentionBytes) {
            let path = options.rotation.directory + "/" + oldest.name.text
            do { try Syscall.unlinkIfPresent(path) } catch {
                return SinkError(.io, path: path, message: "cannot delete old decoded log: \(error.reason)")
            }
            filesDeleted += 1
        }
        return nil
    }

    /// Opens `<prefix>.jsonl` for appending (creating it; never through a symlink), and notes
    /// its size and whether it ends inside a line.
    private func openCurrent() throws(SinkError) {
        let file = try LineFile.open(options.currentPath, append: true)
        fd = file.fd
        currentBytes = file.size + (file.endsMidLine ? 1 : 0)
        currentStart = nil
        endsMidLine = file.endsMidLine
        cutLine = CutLine()
    }

    /// One write(2) loop for everything pending (a newline first when the file was found
    /// ending mid-line; a line a failed write cut short truncated off before anything).
    private func writePending() throws(SinkError) {
        if fd < 0 { try openCurrent() }
        do throws(SystemError) { try cutLine.truncate(fd) } catch {
            pending.removeAll(keepingCapacity: true)
            throw SinkError(.io, path: options.currentPath, message: "write failed: cannot truncate the line a failed write cut short: \(error.reason)")
        }
        if endsMidLine {
            var newline = UInt8(ascii: "\n")
            if let failure = withUnsafeBytes(of: &newline, { writeAll(fd, $0) }).error {   // EINTR retried there
                throw SinkError(.io, path: options.currentPath, message: "write failed: \(failure.reason)")
            }
            endsMidLine = false
        }
        let (offset, failure) = pending.withUnsafeBytes { writeAll(fd, $0) }
        if let failure {
            let newline = UInt8(ascii: "\n")
            if offset > 0 && pending[offset - 1] != newline {
                cutLine.cut(offset - (pending[..<offset].lastIndex(of: newline).map { $0 + 1 } ?? 0), in: fd)
            }
            pending.removeAll(keepingCapacity: true)
            throw SinkError(.io, path: options.currentPath, message: "write failed: \(failure.reason)")
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// The current file's size without a cut line still to be truncated off (0 when unknown).
    private func fileSize() -> Int {
        guard fd >= 0, let info = try? Syscall.status(fd) else { return 0 }
        return cutLine.wholeBytes(ofFileSized: Int(info.st_size))
    }
}
