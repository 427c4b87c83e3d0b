import SystemIO
import Telemetry

/// What a queued service has done, for logs and the `dropped{stage=…}` metric.
public struct QueuedServiceStatistics: Sendable, Hashable {
    /// Batches and records waiting in the queue now.
    public var queuedBatches = 0
    public var queuedRecords = 0
    /// Handed to the consumer without an error.
    public var deliveredBatches: UInt64 = 0
    public var deliveredRecords: UInt64 = 0
    /// Lost: refused because the queue was full (or the service closed), thrown by the
    /// consumer, or still queued when `close` gave up waiting.
    public var droppedBatches: UInt64 = 0
    public var droppedRecords: UInt64 = 0
    /// Consumer calls that threw.
    public var failures: UInt64 = 0
}

/// The asynchronous form of a `RecordService`: a bounded queue of batches in front of an
/// `AsyncRecordConsumer` that runs on its own thread.
///
/// The queue is bounded in records (`capacity`), not in batches, because a batch can hold a
/// handful of records or every window of a minute. `write` never waits for the consumer: it
/// appends under a lock and returns; when the queue would pass its capacity the new batch is
/// dropped whole and counted (an empty queue always takes a batch, so a batch larger than the
/// capacity is not lost for its size alone). Batches are never reordered or split, so the
/// consumer sees sequence numbers increase, with gaps only where batches were dropped.
///
/// `close` stops taking batches, lets the thread drain the queue and close the consumer, and
/// waits at most `closeTimeout` for that; past it, it calls the consumer's `interrupt()`,
/// waits one more `closeTimeout`, and returns — what is still queued is dropped and counted,
/// and the thread ends on its own when the consumer returns. Ingest and shutdown therefore
/// never hang on a slow or disconnected consumer.
public final class QueuedRecordService: RecordService, @unchecked Sendable {
    public let name: String
    public let capacity: Int
    public let closeTimeout: Duration
    /// What the queue feeds (find one with `[any RecordService].queued(_:)`).
    public let consumer: any AsyncRecordConsumer
    // Everything below is guarded by `condition`.
    private let condition = ConditionLock()
    private var queue: [RecordBatch] = []
    private var stats = QueuedServiceStatistics()
    private var failure: SinkError?
    private var flushRequests = 0
    private var flushesDone = 0
    private var started = false
    private var closing = false
    private var abandoned = false
    private var finished = false

    /// `capacity`: records the queue holds at most (positive).
    public init(_ consumer: any AsyncRecordConsumer, capacity: Int, closeTimeout: Duration = .seconds(5)) {
        precondition(capacity > 0, "queue capacity must be positive")
        self.consumer = consumer
        self.name = consumer.name
        self.capacity = capacity
        self.closeTimeout = closeTimeout
    }

    /// Starts the thread (it keeps the service alive until it has closed the consumer).
    public func start() throws(SinkError) {
        condition.lock()
        precondition(!started, "started twice")
        started = true
        condition.unlock()
        _ = SystemThread(name: "candor-\(name)") { self.work() }
    }

    /// Queues the consumer's selection of `batch` (`AsyncRecordConsumer.select`, on this
    /// thread), or drops and counts it when the queue is full or closing. Never throws and never
    /// waits for the consumer.
    public func write(_ batch: RecordBatch) {
        guard !batch.records.isEmpty, let batch = consumer.select(batch), !batch.records.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        precondition(started, "write before start")
        guard !closing, stats.queuedBatches == 0 || stats.queuedRecords + batch.records.count <= capacity else {
            stats.droppedBatches += 1
            stats.droppedRecords += UInt64(batch.records.count)
            return
        }
        queue.append(batch)
        stats.queuedBatches += 1
        stats.queuedRecords += batch.records.count
        condition.signal()
    }

    /// Asks the thread to flush the consumer once the batches queued now are consumed.
    public func flush() {
        condition.lock()
        flushRequests += 1
        condition.signal()
        condition.unlock()
    }

    public var statistics: QueuedServiceStatistics {
        condition.lock(); defer { condition.unlock() }
        return stats
    }

    /// The consumer's most recent error.
    public var lastError: SinkError? {
        condition.lock(); defer { condition.unlock() }
        return failure
    }

    /// Waits until the queue is empty and the consumer idle, at most `timeout`; false if not.
    /// For tests and for callers that want to know the backlog is gone.
    public func waitUntilIdle(timeout: Duration) -> Bool {
        let deadline = ConditionLock.deadline(after: timeout)
        condition.lock(); defer { condition.unlock() }
        while (stats.queuedBatches > 0 || flushesDone < flushRequests) && !finished {
            if !condition.wait(untilMonotonic: deadline) { break }
        }
        return stats.queuedBatches == 0 || finished
    }

    /// Drains and closes within `closeTimeout` (see the type's comment); throws the error of
    /// the consumer's `close`, if it ran in time and failed. Calling it again does nothing.
    public func close() throws(SinkError) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return }
        closing = true
        guard started else {
            finished = true
            return
        }
        condition.signal()
        if waitFinished(for: closeTimeout) { return try rethrowCloseFailure() }
        abandoned = true
        condition.unlock()
        consumer.interrupt()
        condition.lock()
        if waitFinished(for: closeTimeout) { return try rethrowCloseFailure() }
    }

    private var closeFailure: SinkError?

    private func rethrowCloseFailure() throws(SinkError) {
        if let closeFailure { throw closeFailure }
    }

    /// With the lock held.
    private func waitFinished(for timeout: Duration) -> Bool {
        let deadline = ConditionLock.deadline(after: timeout)
        while !finished {
            if !condition.wait(untilMonotonic: deadline) { return finished }
        }
        return true
    }


    /// The thread: consume the oldest batch without holding the lock, repeat; flush when the
    /// queue runs empty or on request; once closing and drained (or abandoned), close.
    private func work() {
        var consumedSinceFlush = false
        condition.lock()
        while true {
            while queue.isEmpty && !closing && flushesDone == flushRequests && !consumedSinceFlush { condition.wait() }
            if abandoned && !queue.isEmpty {
                for batch in queue { countDropped(batch) }
                queue.removeAll()
                stats.queuedBatches = 0
                stats.queuedRecords = 0
            }
            if let batch = queue.first {
                condition.unlock()
                var error: SinkError?
                do { try consumer.consume(batch) } catch let thrown { error = thrown }
                condition.lock()
                queue.removeFirst()
                stats.queuedBatches -= 1
                stats.queuedRecords -= batch.records.count
                if let error {
                    note(error)
                    countDropped(batch)
                } else {
                    stats.deliveredBatches += 1
                    stats.deliveredRecords += UInt64(batch.records.count)
                }
                consumedSinceFlush = true
                continue
            }
            if consumedSinceFlush || flushesDone < flushRequests {
                let ticket = flushRequests
                consumedSinceFlush = false
                condition.unlock()
                var error: SinkError?
                do { try consumer.flush() } catch let thrown { error = thrown }
                condition.lock()
                if let error { note(error) }
                flushesDone = ticket
                condition.broadcast()
                continue
            }
            if closing {
                condition.unlock()
                var error: SinkError?
                do { try consumer.close() } catch let thrown { error = thrown }
                condition.lock()
                if let error {
                    note(error)
                    closeFailure = error
                }
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    private func note(_ error: SinkError) {
        stats.failures += 1
        failure = error
    }

    private func countDropped(_ batch: RecordBatch) {
        stats.droppedBatches += 1
        stats.droppedRecords += UInt64(batch.records.count)
    }
}

extension Array where Element == any RecordService {
    /// The first service that is a `C` behind its queue, with that queue (for its statistics).
    public func queued<C: AsyncRecordConsumer>(_ type: C.Type) -> (consumer: C, queue: QueuedRecordService)? {
        for case let queue as QueuedRecordService in self {
            if let consumer = queue.consumer as? C { return (consumer, queue) }
        }
        return nil
    }
}
