import CANCapture
import CANCore
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
        precondition(RecordingFileName.problem(withPrefix: options.prefix) == nil, "recorder prefix not checked: \(options.prefix)")
        self.options = options
        scratch.reserveCapacity(32)
    }

    /// The file being written, if any.
    public var currentFile: String? { current.map { options.directory + "/" + $0.text } }

    public func write(_ frames: ArraySlice<CANFrame>) throws(CaptureError) {
        for frame in frames {
            let bytes = CandumpLineLength.of(frame, scratch: &scratch)
            if writer != nil && mustRotate(before: frame, bytes: bytes) { try finishFile() }
            if writer == nil { try startFile(at: frame.timestamp) }
            try writer!.write(frame)
            currentBytes += bytes
        }
    }

    private func mustRotate(before frame: CANFrame, bytes: Int) -> Bool {
        if currentBytes + bytes > options.maxFileBytes { return true }
        let age = frame.timestamp.totalNanoseconds - currentStart.totalNanoseconds
        let limit = options.maxFileAge.components
        let limitNanos = limit.seconds * 1_000_000_000 + limit.attoseconds / 1_000_000_000
        return age >= limitNanos
    }

    private func startFile(at start: CANTimestamp) throws(CaptureError) {
        sequence += 1
        let name = RecordingFileName(prefix: options.prefix, start: start, sequence: sequence, gzip: options.gzip)
        writer = try CaptureWriter(path: options.directory + "/" + name.text, format: .candumpLog, gzip: options.gzip)
        current = name
        currentStart = start
        currentBytes = 0
        filesStarted += 1
    }

    private func finishFile() throws(CaptureError) {
        guard let open = writer else { return }
        writer = nil
        try open.close()
        try applyRetention()
    }

    public func flush() throws(CaptureError) { try writer?.flush() }

    public func close() throws(CaptureError) {
        try finishFile()
        current = nil
    }

    /// Deletes the oldest recordings (by name order) until the total is within retentionBytes.
    func applyRetention() throws(CaptureError) {
        let files = Self.recordings(in: options.directory, prefix: options.prefix)
        for oldest in RotatedFiles.beyondRetention(files, budget: options.retentionBytes, keeping: current) {
            let path = options.directory + "/" + oldest.name.text
            if unlink(path) != 0 && errno != ENOENT {
                throw CaptureError(file: path, message: "cannot delete old recording: \(String(cString: strerror(errno)))")
            }
            filesDeleted += 1
        }
    }

    /// The recordings in `directory` with `prefix`, oldest first, with their sizes on disk.
    public static func recordings(in directory: String, prefix: String) -> [(name: RecordingFileName, bytes: Int)] {
        RotatedFiles.list(in: directory, prefix: prefix, fileExtension: "log")
    }
}
