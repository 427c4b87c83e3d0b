import CANCapture
import CANCore
import Foundation

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

/// Counters for the metrics endpoint.
public struct RecorderStatistics: Sendable, Equatable {
    /// Frames handed to the output.
    public var written: UInt64 = 0
    /// Frames refused because the queue was full, or lost in a failed write:
    /// `dropped{stage="recorder"}`.
    public var dropped: UInt64 = 0
    /// Writes that threw (the last error is kept in `lastError`).
    public var writeFailures: UInt64 = 0
}

/// Records raw frames without ever blocking ingest. `record(_:)` copies the frame into a
/// fixed ring under a lock and returns; one writer thread, owned by the recorder, drains the
/// ring in batches into the output. When the ring is full the frame is dropped and counted:
/// this is the only place the recorder loses frames, besides a write that fails.
///
///     let recorder = Recorder(output: RotatingCaptureFiles(options: options), capacity: options.queueCapacity)
///     recorder.record(frame)          // ingest thread, never waits on disk
///     try recorder.close()            // SIGTERM: drain, close the file (required: the
///                                     // writer thread keeps the recorder alive until then)
public final class Recorder: @unchecked Sendable {
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var ring: [CANFrame]
    private var head = 0
    private var count = 0
    private var flushRequests = 0
    private var flushesDone = 0
    private var closing = false
    private var finished = false
    private var stats = RecorderStatistics()
    private var lastFailure: CaptureError?
    /// The last failure once closing began (the drain's writes, the output's close).
    private var closeFailure: CaptureError?
    /// `output.framesLost` already in `stats.dropped`.
    private var outputLossCounted: UInt64 = 0
    // Owned by the writer thread once started.
    private let output: any RecordingOutput
    private var thread: Thread?

    public init(output: any RecordingOutput, capacity: Int) {
        precondition(capacity > 0, "recorder queue capacity must be positive")
        self.output = output
        ring = Array(repeating: CANFrame(id: 0, length: 0), count: capacity)
        // The thread holds the recorder until close() lets it finish: close() is required.
        let thread = Thread { self.drain() }
        thread.name = "candor-recorder"
        self.thread = thread
        thread.start()
    }

    /// Queues `frame`; false (and counted) when the queue is full or the recorder closed.
    @discardableResult
    public func record(_ frame: CANFrame) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closing, count < ring.count else {
            stats.dropped += 1
            return false
        }
        ring[(head + count) % ring.count] = frame
        count += 1
        if count == 1 { condition.signal() }
        return true
    }

    public var statistics: RecorderStatistics {
        condition.lock(); defer { condition.unlock() }
        return stats
    }

    /// The most recent write error, if any.
    public var lastError: CaptureError? {
        condition.lock(); defer { condition.unlock() }
        return lastFailure
    }

    /// Waits until every frame queued before the call is written and flushed to the file.
    public func flush() throws(CaptureError) {
        condition.lock()
        flushRequests += 1
        let ticket = flushRequests
        condition.broadcast()
        while flushesDone < ticket && !finished { condition.wait() }
        let failure = lastFailure
        condition.unlock()
        if let failure { throw failure }
    }

    /// Drains the queue, closes the output and stops the thread. Frames recorded afterwards
    /// are dropped. Throws when the drain or the close failed; a write that failed earlier and
    /// was followed by good ones (a disk full for a while) was counted and logged then.
    /// Calling it again does nothing.
    public func close() throws(CaptureError) {
        condition.lock()
        closing = true
        condition.broadcast()
        while !finished { condition.wait() }
        let failure = closeFailure
        condition.unlock()
        if let failure { throw failure }
    }

    /// The writer thread: take everything queued (a contiguous run of the ring), write it
    /// without holding the lock, repeat; flush on request; close when asked and drained.
    private func drain() {
        var batch: [CANFrame] = []
        condition.lock()
        // `ring` is read under the lock too: record() may be assigning an element already
        // (ThreadSanitizer reported this read racing with record()'s write).
        batch.reserveCapacity(min(ring.count, 4096))
        while true {
            while count == 0 && !closing && flushesDone == flushRequests { condition.wait() }
            if count > 0 {
                let take = min(count, batch.capacity)
                for i in 0..<take { batch.append(ring[(head + i) % ring.count]) }
                head = (head + take) % ring.count
                count -= take
                condition.unlock()
                var failure: CaptureError?
                do { try output.write(batch[...]) } catch { failure = error }
                condition.lock()
                record(failure, frames: batch.count)
                batch.removeAll(keepingCapacity: true)
                if count == 0 {
                    // Idle: hand what is buffered to the file, so followers see it soon.
                    condition.unlock()
                    failure = nil
                    do { try output.flush() } catch { failure = error }
                    condition.lock()
                    record(failure, frames: 0)
                }
                continue
            }
            if flushesDone < flushRequests {
                let ticket = flushRequests
                condition.unlock()
                var failure: CaptureError?
                do { try output.flush() } catch { failure = error }
                condition.lock()
                record(failure, frames: 0)
                flushesDone = ticket
                condition.broadcast()
                continue
            }
            if closing {
                condition.unlock()
                var failure: CaptureError?
                do { try output.close() } catch { failure = error }
                condition.lock()
                record(failure, frames: 0)
                finished = true
                flushesDone = flushRequests
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    private func record(_ failure: CaptureError?, frames: Int) {
        if let failure {
            stats.writeFailures += 1
            if let lost = output.framesLost {
                stats.dropped += lost - min(lost, outputLossCounted)
                outputLossCounted = max(lost, outputLossCounted)
            } else {
                stats.dropped += UInt64(frames)
            }
            lastFailure = failure
            if closing { closeFailure = failure }
        } else {
            stats.written += UInt64(frames)
        }
    }
}
