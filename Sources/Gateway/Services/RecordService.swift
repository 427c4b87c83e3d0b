import Telemetry

/// A consumer of the gateway's records: a store, a file, the metrics endpoint, an uplink.
///
/// This is where a new sink goes. It comes in two forms:
///
/// - **On the ingest thread** (conform to `RecordService` directly): `write` is called by the
///   thread that decodes frames, once per batch, and must be cheap and bounded — an append to
///   a buffer, a local SQLite transaction, a few counters. The file sinks, the SQLite store and
///   the Prometheus feed work this way; their output is the same bytes for the same frames.
/// - **Asynchronous** (conform to `AsyncRecordConsumer` and wrap it in a
///   `QueuedRecordService`): the consumer runs on its own thread behind its own bounded queue
///   of batches. Ingest only appends to that queue and never waits: when it is full the batch
///   is dropped and counted. This is the form for anything that can be slow or unreachable —
///   a network uplink that is disconnected for days must never slow the buses down.
///
/// The gateway owns its services as one ordered list (`SinkSet`): `start` in list order before
/// the first batch, `write` in list order for every batch, `close` in reverse order at the end.
/// A service that fails to start makes the list close those started before it, in reverse.
public protocol RecordService: AnyObject {
    /// Short and stable, for logs and the `dropped{stage=…}` metric: `sqlite`, `jsonl`, `mqtt`.
    var name: String { get }
    /// Called once, before the first `write` (opens a connection, starts a thread).
    func start() throws(SinkError)
    /// One batch, in emission order. Errors here are the run's errors (the replay fails).
    func write(_ batch: RecordBatch) throws(SinkError)
    /// Make everything written so far reach its destination (an asynchronous service only asks
    /// its thread to, and returns at once).
    func flush() throws(SinkError)
    /// Flush and release; called once, and nothing is written afterwards.
    func close() throws(SinkError)
}

extension RecordService {
    public func start() throws(SinkError) {}
}

/// The asynchronous form's worker: every method except `interrupt` is called on the
/// service's own thread, one at a time, so it may block (connect, send, wait for an
/// acknowledgement, retry) as long as it needs to.
public protocol AsyncRecordConsumer: AnyObject {
    var name: String { get }
    /// One batch taken off the queue. A throw counts the batch as dropped (and keeps the
    /// error as the service's `lastError`); the next batch is still offered.
    func consume(_ batch: RecordBatch) throws(SinkError)
    /// Called when the queue has run empty after some batches, and when asked to (`flush`).
    func flush() throws(SinkError)
    /// The last call, after the queue was drained (or abandoned at the close deadline).
    func close() throws(SinkError)
    /// Called from another thread when `close` waited past its deadline: make a blocked
    /// `consume` return soon (close the socket, cancel the wait). The default does nothing.
    func interrupt()
    /// The part of `batch` this consumer wants, or nil for none of it. Called by
    /// `QueuedRecordService.write` on the ingest thread before the batch is queued, so it must
    /// be cheap and bounded (a look at each record, no I/O). It lets a consumer that wants a
    /// few records of every batch (an uplink: the 60 s windows, not the 1 s ones) queue only
    /// those, and leaves the rest of the batch to be released where it was made. The default
    /// takes the whole batch.
    func select(_ batch: RecordBatch) -> RecordBatch?
}

extension AsyncRecordConsumer {
    public func flush() throws(SinkError) {}
    public func interrupt() {}
    public func select(_ batch: RecordBatch) -> RecordBatch? { batch }
}
