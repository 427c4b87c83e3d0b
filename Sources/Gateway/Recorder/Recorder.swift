import CANCapture
import CANCore

/// Where the writer thread puts frames: RotatingCaptureFiles, or a fake in tests.
public protocol RecordingOutput: AnyObject {
    func write(_ frames: ArraySlice<CANFrame>) throws(CaptureError)
    func flush() throws(CaptureError)
    func close() throws(CaptureError)
    /// Frames lost in failed writes so far, when the output counts them itself (the frames of
    /// a file a failure made unreadable, not only the batch being written); nil: a failed
    /// `write` lost its batch.
    var framesLost: UInt64? { get }
}

extension RecordingOutput {
    public var framesLost: UInt64? { nil }
}

/// Records raw frames without ever blocking ingest: a `BoundedWriter` over a fixed ring of
/// frames. `record(_:)` copies the frame into the ring under a lock and returns; the writer
/// thread drains the ring in batches of at most 4096 frames into the output. When the ring is
/// full the frame is dropped and counted: this is the only place the recorder loses frames,
/// besides a write that fails.
///
///     let recorder = Recorder(output: RotatingCaptureFiles(options: options), capacity: options.queueCapacity)
///     recorder.record(frame)          // ingest thread, never waits on disk
///     try recorder.close()            // SIGTERM: drain, close the file (required: the
///                                     // writer thread keeps the recorder's queue alive until then)
public final class Recorder: Sendable {
    private let writer: BoundedWriter<FrameRing, RecordingDrain>

    public init(output: any RecordingOutput, capacity: Int) {
        precondition(capacity > 0, "recorder queue capacity must be positive")
        writer = BoundedWriter(queue: FrameRing(capacity: capacity), output: RecordingDrain(output), threadName: "candor-recorder")
    }

    /// Queues `frame`; false (and counted) when the queue is full or the recorder closed.
    @discardableResult
    public func record(_ frame: CANFrame) -> Bool { writer.enqueue(frame) }

    public var statistics: RecorderStatistics { writer.statistics }

    /// The most recent write error, if any.
    public var lastError: CaptureError? { writer.lastError }

    /// Waits until every frame queued before the call is written and flushed to the file;
    /// throws the most recent write error, if any.
    public func flush() throws(CaptureError) {
        if let failure = writer.flush() { throw failure }
    }

    /// Drains the queue, closes the output and stops the thread. Frames recorded afterwards
    /// are dropped. Throws when the drain or the close failed; a write that failed earlier and
    /// was followed by good ones (a disk full for a while) was counted and logged then.
    /// Calling it again does nothing.
    public func close() throws(CaptureError) {
        if let failure = writer.close() { throw failure }
    }
}

/// The recorder's queue: a fixed ring of frames.
struct FrameRing: WriterQueue {
    private var ring: [CANFrame]
    private var head = 0
    private var count = 0

    init(capacity: Int) {
        ring = Array(repeating: CANFrame(id: 0, length: 0), count: capacity)
    }

    var isEmpty: Bool { count == 0 }

    mutating func push(_ frame: CANFrame) -> Bool {
        guard count < ring.count else { return false }
        ring[(head + count) % ring.count] = frame
        count += 1
        return true
    }

    func makeBatch() -> [CANFrame] {
        var batch: [CANFrame] = []
        batch.reserveCapacity(min(ring.count, 4096))
        return batch
    }

    mutating func take(into batch: inout [CANFrame]) -> Int {
        batch.removeAll(keepingCapacity: true)
        let taken = min(count, batch.capacity)
        for i in 0..<taken { batch.append(ring[(head + i) % ring.count]) }
        head = (head + taken) % ring.count
        count -= taken
        return taken
    }
}

/// The recorder's output as the writer thread uses it: a failed write loses its batch, or
/// what the output counts as lost itself (`framesLost`).
final class RecordingDrain: WriterOutput {
    private let output: any RecordingOutput
    /// `output.framesLost` already counted.
    private var lossCounted: UInt64 = 0

    init(_ output: any RecordingOutput) { self.output = output }

    func write(_ batch: [CANFrame], count: Int) -> WriteOutcome<CaptureError> {
        do { try output.write(batch[...]) } catch { return failed(error, frames: count) }
        return WriteOutcome(written: count)
    }

    func flush() -> WriteOutcome<CaptureError> {
        do { try output.flush() } catch { return failed(error, frames: 0) }
        return WriteOutcome()
    }

    func close() -> WriteOutcome<CaptureError> {
        do { try output.close() } catch { return failed(error, frames: 0) }
        return WriteOutcome()
    }

    private func failed(_ error: CaptureError, frames: Int) -> WriteOutcome<CaptureError> {
        guard let total = output.framesLost else { return WriteOutcome(lost: UInt64(frames), failure: error) }
        let lost = total - min(total, lossCounted)
        lossCounted = max(total, lossCounted)
        return WriteOutcome(lost: lost, failure: error)
    }
}
