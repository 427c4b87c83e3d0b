import CANCore
import Foundation

/// Counters for the metrics endpoint.
public struct DecodedLogStatistics: Sendable, Equatable {
    /// Lines in a file.
    public var written: UInt64 = 0
    /// Lines refused because the queue was full (or the log closed), or lost in a failed
    /// write: `dropped{stage="decoded_log"}`.
    public var dropped: UInt64 = 0
    /// Writes (or rotations) that failed; the last error is kept in `lastError`.
    public var writeFailures: UInt64 = 0

    public init(written: UInt64 = 0, dropped: UInt64 = 0, writeFailures: UInt64 = 0) {
        self.written = written
        self.dropped = dropped
        self.writeFailures = writeFailures
    }
}

/// The daemon's decoded-frame log, written without ever blocking ingest. `append(_:time:)`
/// copies the line into a fixed byte ring under a lock and returns; one writer thread, owned
/// by the log, takes everything queued and hands it to the output (`RotatingLineFiles`).
/// When a line does not fit in the ring it is dropped and counted: with a failed write, the
/// only way the log loses a line. Nothing is allocated per line.
///
///     let log = try DecodedFrameLog(options: options)
///     log.append(line, time: frame.timestamp)     // ingest thread, never waits on disk
///     try log.close()                             // SIGTERM: drain, close (required: the
///                                                 // writer thread keeps the log alive until then)
public final class DecodedFrameLog: @unchecked Sendable {
    public let options: DecodedLogOptions
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private let ring: UnsafeMutableRawBufferPointer
    private var head = 0
    private var count = 0
    private var queuedLines = 0
    /// Lines accepted into the ring, and lines the writer has finished with (written or lost).
    private var accepted: UInt64 = 0
    private var handled: UInt64 = 0
    private var closing = false
    private var finished = false
    private var stats = DecodedLogStatistics()
    private var lastFailure: SinkError?
    /// The last failure once closing began (the drain's writes, the output's close).
    private var closeFailure: SinkError?
    // Owned by the writer thread once started.
    private let output: any DecodedLogOutput

    /// Opens the log's files (`RotatingLineFiles`) and starts the writer thread.
    public convenience init(options: DecodedLogOptions) throws(SinkError) {
        self.init(output: try RotatingLineFiles(options: options), options: options)
    }

    /// `options` gives the queue size (and the filters, which `LiveGateway` applies).
    public init(output: any DecodedLogOutput, options: DecodedLogOptions) {
        self.options = options
        self.output = output
        ring = UnsafeMutableRawBufferPointer.allocate(byteCount: options.queueBytes, alignment: 8)
        let thread = Thread { self.drain() }
        thread.name = "candor-decodedlog"
        thread.start()
    }

    deinit { ring.deallocate() }

    /// Queues one canonical line (no newline) of a frame with timestamp `time`; false (and
    /// counted) when the queue has no room for it or the log is closed.
    @discardableResult
    public func append(_ line: [UInt8], time: CANTimestamp) -> Bool {
        let needed = DecodedLogBatch.headerBytes + line.count
        condition.lock()
        defer { condition.unlock() }
        guard !closing, ring.count - count >= needed else {
            stats.dropped += 1
            return false
        }
        let wasEmpty = count == 0
        DecodedLogBatch.header(time: time.totalNanoseconds, length: line.count) { put($0) }
        line.withUnsafeBytes { put($0) }
        queuedLines += 1
        accepted += 1
        if wasEmpty { condition.signal() }
        return true
    }

    /// Copies `bytes` to the ring's end, wrapping around. Lock held; room checked.
    private func put(_ bytes: UnsafeRawBufferPointer) {
        let tail = (head + count) % ring.count
        let first = min(bytes.count, ring.count - tail)
        UnsafeMutableRawBufferPointer(rebasing: ring[tail..<tail + first]).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<first]))
        if first < bytes.count {
            UnsafeMutableRawBufferPointer(rebasing: ring[0..<bytes.count - first])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[first...]))
        }
        count += bytes.count
    }

    public var statistics: DecodedLogStatistics {
        condition.lock(); defer { condition.unlock() }
        return stats
    }

    /// The most recent write error, if any.
    public var lastError: SinkError? {
        condition.lock(); defer { condition.unlock() }
        return lastFailure
    }

    /// Waits until every line queued before the call is in the file (or lost and counted).
    public func flush() {
        condition.lock()
        let ticket = accepted
        condition.broadcast()
        while handled < ticket && !finished { condition.wait() }
        condition.unlock()
    }

    /// Drains the queue, closes the output and stops the thread. Lines appended afterwards
    /// are dropped. Throws when the drain or the close failed; a write that failed earlier and
    /// was followed by good ones (a disk full for a while) was counted and logged then.
    /// Calling it again does nothing but report that failure again.
    public func close() throws(SinkError) {
        condition.lock()
        closing = true
        condition.broadcast()
        while !finished { condition.wait() }
        let failure = closeFailure
        condition.unlock()
        if let failure { throw failure }
    }

    /// The writer thread: take everything queued (both runs of the ring), write it without
    /// holding the lock, repeat; close when asked and drained.
    private func drain() {
        var batch = DecodedLogBatch(capacity: ring.count)
        condition.lock()
        while true {
            while count == 0 && !closing { condition.wait() }
            if count > 0 {
                let first = min(count, ring.count - head)
                batch.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: ring[head..<head + first]))
                batch.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: ring[0..<count - first]))
                batch.lineCount = queuedLines
                head = (head + count) % ring.count
                count = 0
                queuedLines = 0
                condition.unlock()
                let result = output.write(batch)
                condition.lock()
                stats.written += UInt64(result.written)
                stats.dropped += UInt64(batch.lineCount - result.written)
                if let failure = result.failure {
                    stats.writeFailures += 1
                    lastFailure = failure
                    if closing { closeFailure = failure }
                }
                handled += UInt64(batch.lineCount)
                batch.removeAll()
                condition.broadcast()
                continue
            }
            // closing, and drained
            condition.unlock()
            var failure: SinkError?
            do { try output.close() } catch { failure = error }
            condition.lock()
            if let failure {
                stats.writeFailures += 1
                lastFailure = failure
                closeFailure = failure
            }
            finished = true
            condition.broadcast()
            condition.unlock()
            return
        }
    }
}
