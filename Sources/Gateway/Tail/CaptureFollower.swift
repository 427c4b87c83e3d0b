import CANCapture
import CANCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemIO

/// Follows a growing candump log, as the recorder writes it, and continues into the next
/// recording when the file is rotated. `poll()` returns the frames of the complete lines
/// appended since the last call, and never waits: the caller decides how to wait between
/// polls. Owns one open file at a time.
///
/// Rotation: when the followed file is named like a recording
/// (`<prefix>-<start>-<sequence>.log`), the next file is the smallest recording name in the
/// same directory after it. The recorder closes a file before it creates the next, so once
/// the next exists the current one is complete; it is read to its end, then left. A file
/// deleted by retention while followed is still read through its open descriptor.
///
/// Bounded like the other readers: at most `maximumPerPoll` bytes are read per poll, a line
/// longer than `maximumLine` or binary data is an error (following `/dev/urandom` fails at
/// once instead of growing without end). A gzip file (magic `1f 8b`) is read up to its last
/// complete member; a member is bounded by `maximumMember` compressed bytes. Malformed and
/// bent lines are counted in `statistics` (lines numbered from the start of the file).
public final class CaptureFollower {
    public private(set) var path: String
    /// Files finished and left so far.
    public private(set) var rotations = 0
    /// What the followed files held besides frames (every file so far).
    public private(set) var statistics = CaptureStatistics()
    static let maximumPerPoll = 4 << 20
    static let maximumLine = 64 << 10
    static let maximumMember = 64 << 20
    private var descriptor: FileDescriptor
    private var partial: [UInt8] = []
    private var gzip: Bool?
    private var linesBefore = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private let directory: String
    private let recording: (prefix: String, name: RecordingFileName)?
    private var current: RecordingFileName?

    public init(path: String) throws(CaptureError) {
        self.path = path
        do {
            descriptor = try .open(path, O_RDONLY)
        } catch {
            throw CaptureError(file: path, message: "cannot open: \(error.reason)")
        }
        let slash = path.lastIndex(of: "/")
        directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        recording = Self.recordingName(base).map { ($0.prefix, $0) }
        current = recording?.name
    }

    /// The recording name of `base`, if it is one (its prefix is what precedes the start time).
    static func recordingName(_ base: String) -> RecordingFileName? {
        let suffix = base.hasSuffix(".log") ? 4 : (base.hasSuffix(".log.gz") ? 7 : -1)
        guard suffix > 0, base.count > suffix + 31 else { return nil }
        let prefix = String(base.dropLast(suffix + 31))
        return RecordingFileName(parsing: base, prefix: prefix)
    }

    /// Frames of the lines completed since the last call (possibly from the next file).
    public func poll() throws(CaptureError) -> [CANFrame] {
        var frames = try readAppended()
        while let next = nextRecording() {
            // The next file exists, so this one is complete: take its last bytes, then move on.
            frames += try readAppended()
            try switchTo(next)
            frames += try readAppended()
        }
        return frames
    }

    private func nextRecording() -> RecordingFileName? {
        guard let recording, let current else { return nil }
        return RotatingCaptureFiles.recordings(in: directory, prefix: recording.prefix)
            .map(\.name).first { current < $0 }
    }

    private func switchTo(_ next: RecordingFileName) throws(CaptureError) {
        let nextPath = directory + "/" + next.text
        do {
            // The previous file's descriptor is closed as this one replaces it.
            descriptor = try .open(nextPath, O_RDONLY)
        } catch {
            throw CaptureError(file: nextPath, message: "cannot open: \(error.reason)")
        }
        path = nextPath
        current = next
        partial.removeAll()
        gzip = nil
        linesBefore = 0
        rotations += 1
    }

    private func readAppended() throws(CaptureError) -> [CANFrame] {
        var taken = 0
        while taken < Self.maximumPerPoll {
            let n: Int
            do {
                n = try descriptor.read(into: &chunk)
            } catch {
                throw CaptureError(file: path, message: "read failed: \(error.reason)")
            }
            if n == 0 { break }
            partial.append(contentsOf: chunk[0..<n])
            taken += n
        }
        if gzip == nil && partial.count >= 2 { gzip = partial[0] == 0x1F && partial[1] == 0x8B }
        let end: Int
        if gzip == true {
            end = try GzipMembers.completeLength(of: partial, name: path)
            if end == 0 && partial.count > Self.maximumMember {
                throw CaptureError(file: path, message: "no complete gzip member in \(Self.maximumMember >> 20) MiB")
            }
        } else {
            end = partial.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let tail = partial.count - end
            if tail > Self.maximumLine {
                throw CaptureError(
                    file: path, line: linesBefore + 1,
                    message: "no line end in \(Self.maximumLine) bytes: not a candump log")
            }
        }
        guard end > 0 else { return [] }
        let complete = Array(partial[..<end])
        partial.removeSubrange(..<end)
        let reader = try CaptureReader(bytes: complete, name: path, format: .candumpLog, strict: false)
        var frames: [CANFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        count(reader.statistics)
        return frames
    }

    /// Adds one chunk's statistics to the file's, its line numbers made the file's.
    private func count(_ chunk: CaptureStatistics) {
        statistics.records += chunk.records
        statistics.frames += chunk.frames
        statistics.malformedLines += chunk.malformedLines
        statistics.bentRecords += chunk.bentRecords
        statistics.droppedByKernel &+= chunk.droppedByKernel
        if statistics.firstMalformed == nil, let first = chunk.firstMalformed {
            statistics.firstMalformed = (linesBefore + first.line, first.reason)
        }
        if statistics.firstBent == nil, let first = chunk.firstBent {
            statistics.firstBent = (linesBefore + first.line, first.reason)
        }
        linesBefore += chunk.records
    }
}
