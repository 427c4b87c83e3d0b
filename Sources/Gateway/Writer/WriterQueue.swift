/// The storage of a `BoundedWriter`'s queue, fixed in size when made (a ring of frames, a
/// ring of line bytes). Used only under the writer's lock.
protocol WriterQueue: SendableMetatype {
    associatedtype Item
    /// What the writer thread takes in one go and hands to the output (made once, reused).
    associatedtype Batch
    var isEmpty: Bool { get }
    /// Queues `item`; false when there is no room for it. Allocates nothing.
    mutating func push(_ item: Item) -> Bool
    /// An empty batch that holds what one `take` hands over.
    func makeBatch() -> Batch
    /// Empties `batch` and moves the oldest queued items into it; returns how many.
    mutating func take(into batch: inout Batch) -> Int
}

/// Where a `BoundedWriter`'s thread puts batches (an adapter over the recorder's or the
/// decoded log's output). Used only on that thread.
protocol WriterOutput: AnyObject, SendableMetatype {
    associatedtype Batch
    associatedtype Failure: Error
    /// Writes the `count` items of `batch`.
    func write(_ batch: Batch, count: Int) -> WriteOutcome<Failure>
    /// Hands what is buffered to the file.
    func flush() -> WriteOutcome<Failure>
    /// Writes what is pending and closes the file.
    func close() -> WriteOutcome<Failure>
}

/// What one call of a `WriterOutput` achieved.
struct WriteOutcome<Failure: Error> {
    /// Items now in a file.
    var written = 0
    /// Items lost (counted as dropped).
    var lost: UInt64 = 0
    /// Why items were lost, or why housekeeping failed; nil when all went well.
    var failure: Failure?
}
