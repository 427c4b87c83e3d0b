import SystemIO

/// Counters of a bounded writer (the recorder's, the decoded log's), for the metrics endpoint.
public struct WriterStatistics: Sendable, Equatable {
    /// Items (frames, lines) in a file.
    public var written: UInt64
    /// Items refused because the queue was full (or the writer closed), or lost in a failed
    /// write: `dropped{stage="recorder"}`, `dropped{stage="decoded_log"}`.
    public var dropped: UInt64
    /// Writes, flushes and closes of the output that failed (the last error is `lastError`).
    public var writeFailures: UInt64

    public init(written: UInt64 = 0, dropped: UInt64 = 0, writeFailures: UInt64 = 0) {
        self.written = written
        self.dropped = dropped
        self.writeFailures = writeFailures
    }
}

public typealias RecorderStatistics = WriterStatistics
public typealias DecodedLogStatistics = WriterStatistics

/// Writes to a file without ever blocking the thread that produces: the recorder's frames and
/// the decoded log's lines. `enqueue` copies an item into a fixed queue under a lock and
/// returns; one writer thread, owned by the writer, takes what is queued in batches and hands
/// them to the output without holding the lock. When the queue has no room the item is
/// dropped and counted: with a failed write, the only way an item is lost. Nothing is
/// allocated per item.
///
/// The thread flushes the output whenever the queue runs empty (followers of the file see it
/// soon) and on `flush()`; `close()` drains the queue, closes the output and ends the thread.
/// Until then the thread keeps the writer alive: `close()` is required.
final class BoundedWriter<Queue: WriterQueue, Output: WriterOutput>: @unchecked Sendable where Queue.Batch == Output.Batch {
    // Everything below is guarded by `lock`.
    private let lock = ConditionLock()
    private var queue: Queue
    /// Items accepted into the queue, and items the thread has finished with (written or lost).
    private var accepted: UInt64 = 0
    private var handled: UInt64 = 0
    private var flushRequests = 0
    private var flushesDone = 0
    /// `accepted` at the latest `flush()`: the items it waits for.
    private var flushMark: UInt64 = 0
    private var closing = false
    private var finished = false
    private var stats = WriterStatistics()
    private var lastFailure: Output.Failure?
    /// The last failure once closing began (the drain's writes, the output's close).
    private var closeFailure: Output.Failure?
    // Used by the writer thread only.
    private let output: Output

    /// Starts the thread, named `threadName`.
    init(queue: Queue, output: Output, threadName: String) {
        self.queue = queue
        self.output = output
        _ = SystemThread(name: threadName) { self.drain() }
    }

    /// Queues `item`; false (and counted) when the queue has no room or the writer is closed.
    @inline(__always)
    func enqueue(_ item: Queue.Item) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let wasEmpty = queue.isEmpty
        guard !closing, queue.push(item) else {
            stats.dropped += 1
            return false
        }
        accepted += 1
        // Only the thread waits while the queue is empty (a flush or close waits on a
        // request the thread is already working on).
        if wasEmpty { lock.signal() }
        return true
    }

    var statistics: WriterStatistics {
        lock.lock(); defer { lock.unlock() }
        return stats
    }

    /// The most recent failure of the output, if any.
    var lastError: Output.Failure? {
        lock.lock(); defer { lock.unlock() }
        return lastFailure
    }

    /// Waits until every item queued before the call is written (or lost and counted) and
    /// the output flushed; returns the most recent failure, if any.
    func flush() -> Output.Failure? {
        lock.lock()
        defer { lock.unlock() }
        flushRequests += 1
        let ticket = flushRequests
        flushMark = accepted
        lock.broadcast()
        while flushesDone < ticket && !finished { lock.wait() }
        return lastFailure
    }

    /// Drains the queue, closes the output and ends the thread; items enqueued afterwards are
    /// dropped. Returns the failure of the drain or the close (a write that failed earlier
    /// and was followed by good ones was counted and is in `lastError`). Calling it again
    /// does nothing but return that failure again.
    func close() -> Output.Failure? {
        lock.lock()
        defer { lock.unlock() }
        closing = true
        lock.broadcast()
        while !finished { lock.wait() }
        return closeFailure
    }

    /// The writer thread: take what is queued, write it without holding the lock, repeat;
    /// flush when the queue runs empty and once a `flush()`'s items are handled; once closing
    /// and drained, close.
    private func drain() {
        lock.lock()
        // Made under the lock: the queue is read only under it.
        var batch = queue.makeBatch()
        var flushed = true
        while true {
            let flushDue = flushesDone < flushRequests && handled >= flushMark
            if !flushDue && !queue.isEmpty {
                let count = queue.take(into: &batch)
                lock.unlock()
                let outcome = output.write(batch, count: count)
                lock.lock()
                note(outcome)
                handled += UInt64(count)
                flushed = false
            } else if flushDue || !flushed {
                let ticket = flushRequests
                lock.unlock()
                let outcome = output.flush()
                lock.lock()
                note(outcome)
                flushed = true
                if flushDue {
                    flushesDone = ticket
                    lock.broadcast()
                }
            } else if closing {
                lock.unlock()
                let outcome = output.close()
                lock.lock()
                note(outcome)
                finished = true
                flushesDone = flushRequests
                lock.broadcast()
                lock.unlock()
                return
            } else {
                lock.wait()
            }
        }
    }

    private func note(_ outcome: WriteOutcome<Output.Failure>) {
        stats.written += UInt64(outcome.written)
        stats.dropped += outcome.lost
        if let failure = outcome.failure {
            stats.writeFailures += 1
            lastFailure = failure
            if closing { closeFailure = failure }
        }
    }
}
