import CANCapture
import CANCore
import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes frames to candump log files in one directory, starting a new file by size and by
/// event-time age, and deleting the oldest recordings beyond the retention size. Single
/// threaded: the recorder's writer thread is its only user. Owns the open CaptureWriter.
public final class RotatingCaptureFiles: RecordingOutput {
    public let options: RecorderOptions
    private var writer: CaptureWriter?
    private var current: RecordingFileName?
    private var currentStart = CANTimestamp.zero
    private var currentBytes = 0
    private var sequence = 0
    private var scratch: [UInt8] = []
    /// Files started and deleted so far.
    public private(set) var filesStarted = 0
    public private(set) var filesDeleted = 0

    public init(options: RecorderOptions) {
        precondition(RecordingFileName.problem(withPrefix: options.rotation.prefix) == nil, "recorder prefix not checked: \(options.rotation.prefix)")
        self.options = options
        scratch.reserveCapacity(32)
    }

    /// The file being written, if any.
    public var currentFile: String? { current.map { options.rotation.directory + "/" + $0.text } }

    /// A write that fails (disk full, I/O error) gives the file up: zlib keeps a failed
    /// write's error, so that file would take nothing more. The next frame starts a new file,
    /// so recording resumes as soon as the disk takes writes again. What the failure cost is
    /// counted in `framesLost`: the frames of the batch not yet taken, and those taken into the
    /// file that are not in it whole (a gzip file that could not be finished loses them all).
    public func write(_ frames: ArraySlice<CANFrame>) throws(CaptureError) {
        var taken = 0
        do {
            for frame in frames {
                let bytes = CandumpLineLength.of(frame, scratch: &scratch)
                if writer != nil && mustRotate(before: frame, bytes: bytes) { try finishFile() }
                if writer == nil { try startFile(at: frame.timestamp) }
                taken += 1
                framesInFile += 1
                try writer!.write(frame)
                currentBytes += bytes
            }
        } catch {
            lost += UInt64(frames.count - taken)
            throw abandonFile(after: error)
        }
    }

    /// Frames lost in failed writes and closes so far.
    public var framesLost: UInt64? { lost }
    private var lost: UInt64 = 0
    /// Frames handed to the current file (or to the one whose close failed).
    private var framesInFile: UInt64 = 0

    /// Drops the current file after a failed write or flush (`error`, returned to be thrown):
    /// its close is tried once, and a failure of it is added to `error`'s message.
    private func abandonFile(after error: CaptureError) -> CaptureError {
        var error = error
        if let open = writer {
            writer = nil
            do { try open.close() } catch let closing { error.message += "; closing the file failed too: \(closing.message)" }
        }
        countLostFrames()
        return error
    }

    /// After a failure: the frames of the current file that are not in it as whole lines. A
    /// file left without a single one is deleted (a full disk would otherwise leave an empty
    /// file behind at every batch it refuses).
    private func countLostFrames() {
        guard framesInFile > 0, let path = currentFile else { return }
        var info = stat()
        let size = stat(path, &info) == 0 ? Int(info.st_size) : -1
        let whole = options.rotation.gzip || size <= 0 ? 0 : Self.completeLines(in: path)
        lost += framesInFile - min(UInt64(whole), framesInFile)
        framesInFile = 0
        if size == 0 || (size > 0 && !options.rotation.gzip && whole == 0) {
            if unlink(path) == 0 { current = nil }
        }
    }

    /// Newlines in the file at `path` (0 when it cannot be read).
    static func completeLines(in path: String) -> Int {
        let file: FileDescriptor
        do { file = try FileDescriptor.open(path, O_RDONLY) } catch { return 0 }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var lines = 0
        while let n = try? file.read(into: &chunk), n > 0 {
            for byte in chunk[0..<n] where byte == UInt8(ascii: "\n") { lines += 1 }
        }
        return lines
    }

    private func mustRotate(before frame: CANFrame, bytes: Int) -> Bool {
        if currentBytes + bytes > options.rotation.maxFileBytes { return true }
        let age = frame.timestamp.totalNanoseconds - currentStart.totalNanoseconds
        return age >= options.rotation.maxAgeNanoseconds
    }

    private func startFile(at start: CANTimestamp) throws(CaptureError) {
        sequence += 1
        let name = RecordingFileName(prefix: options.rotation.prefix, start: start, sequence: sequence, gzip: options.rotation.gzip)
        writer = try CaptureWriter(path: options.rotation.directory + "/" + name.text, format: .candumpLog, gzip: options.rotation.gzip)
        current = name
        currentStart = start
        currentBytes = 0
        filesStarted += 1
    }

    private func finishFile() throws(CaptureError) {
        guard let open = writer else { return }
        writer = nil
        do { try open.close() } catch {
            countLostFrames()
            throw error
        }
        framesInFile = 0
        try applyRetention()
    }

    public func flush() throws(CaptureError) {
        do { try writer?.flush() } catch {
            throw abandonFile(after: error)
        }
    }

    public func close() throws(CaptureError) {
        try finishFile()
        current = nil
    }

    /// Deletes the oldest recordings (by name order) until the total is within retentionBytes.
    func applyRetention() throws(CaptureError) {
        let files = Self.recordings(in: options.rotation.directory, prefix: options.rotation.prefix)
        for oldest in RotatedFiles.beyondRetention(files, budget: options.rotation.retentionBytes, keeping: current) {
            let path = options.rotation.directory + "/" + oldest.name.text
            do throws(SystemError) { try Syscall.unlinkIfPresent(path) } catch {
                throw CaptureError(file: path, message: "cannot delete old recording: \(error.reason)")
            }
            filesDeleted += 1
        }
    }

    /// The recordings in `directory` with `prefix`, oldest first, with their sizes on disk.
    public static func recordings(in directory: String, prefix: String) -> [(name: RecordingFileName, bytes: Int)] {
        RotatedFiles.list(in: directory, prefix: prefix, fileExtension: "log")
    }
}
