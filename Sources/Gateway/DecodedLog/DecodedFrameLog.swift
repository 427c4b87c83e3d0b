import CANCore

/// The daemon's decoded-frame log, written without ever blocking ingest: a `BoundedWriter`
/// over a fixed byte ring. `append(_:time:)` copies the line into the ring under a lock and
/// returns; the writer thread takes everything queued and hands it to the output
/// (`RotatingLineFiles`). When a line does not fit in the ring it is dropped and counted: with
/// a failed write, the only way the log loses a line. Nothing is allocated per line.
///
///     let log = try DecodedFrameLog(options: options)
///     log.append(line, time: frame.timestamp)     // ingest thread, never waits on disk
///     try log.close()                             // SIGTERM: drain, close (required: the
///                                                 // writer thread keeps the log's queue alive until then)
public final class DecodedFrameLog: Sendable {
    public let options: DecodedLogOptions
    private let writer: BoundedWriter<LineRing, LineDrain>

    /// Opens the log's files (`RotatingLineFiles`) and starts the writer thread.
    public convenience init(options: DecodedLogOptions) throws(SinkError) {
        self.init(output: try RotatingLineFiles(options: options), options: options)
    }

    /// `options` gives the queue size (and the filters, which `LiveGateway` applies).
    public init(output: any DecodedLogOutput, options: DecodedLogOptions) {
        self.options = options
        writer = BoundedWriter(queue: LineRing(capacity: options.queueBytes), output: LineDrain(output), threadName: "candor-decodedlog")
    }

    /// Queues one canonical line (no newline) of a frame with timestamp `time`; false (and
    /// counted) when the queue has no room for it or the log is closed.
    @discardableResult
    public func append(_ line: [UInt8], time: CANTimestamp) -> Bool {
        writer.enqueue(QueuedLine(bytes: line, time: time.totalNanoseconds))
    }

    public var statistics: DecodedLogStatistics { writer.statistics }

    /// The most recent write error, if any.
    public var lastError: SinkError? { writer.lastError }

    /// Waits until every line queued before the call is in the file (or lost and counted).
    public func flush() { _ = writer.flush() }

    /// Drains the queue, closes the output and stops the thread. Lines appended afterwards
    /// are dropped. Throws when the drain or the close failed; a write that failed earlier and
    /// was followed by good ones (a disk full for a while) was counted and logged then.
    /// Calling it again does nothing but report that failure again.
    public func close() throws(SinkError) {
        if let failure = writer.close() { throw failure }
    }
}

/// One line for the decoded log's queue: its bytes (no newline) and its frame's event time.
struct QueuedLine {
    var bytes: [UInt8]
    var time: Int64
}

/// The decoded log's queue: a fixed byte ring holding each line as `DecodedLogBatch` lays it
/// out (its header, then its bytes), so that a take is at most two copies.
struct LineRing: WriterQueue {
    private var ring: [UInt8]
    private var head = 0
    private var count = 0
    private var lines = 0

    init(capacity: Int) {
        ring = [UInt8](repeating: 0, count: capacity)
    }

    var isEmpty: Bool { count == 0 }

    mutating func push(_ line: QueuedLine) -> Bool {
        guard ring.count - count >= DecodedLogBatch.headerBytes + line.bytes.count else { return false }
        DecodedLogBatch.header(time: line.time, length: line.bytes.count) { put($0) }
        line.bytes.withUnsafeBytes { put($0) }
        lines += 1
        return true
    }

    /// Copies `bytes` to the ring's end, wrapping around; room checked.
    private mutating func put(_ bytes: UnsafeRawBufferPointer) {
        let tail = (head + count) % ring.count
        let first = min(bytes.count, ring.count - tail)
        ring.withUnsafeMutableBytes { ring in
            UnsafeMutableRawBufferPointer(rebasing: ring[tail..<tail + first]).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<first]))
            if first < bytes.count {
                UnsafeMutableRawBufferPointer(rebasing: ring[0..<bytes.count - first])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[first...]))
            }
        }
        count += bytes.count
    }

    func makeBatch() -> DecodedLogBatch { DecodedLogBatch(capacity: ring.count) }

    /// Takes everything queued (both runs of the ring).
    mutating func take(into batch: inout DecodedLogBatch) -> Int {
        batch.removeAll()
        let first = min(count, ring.count - head)
        batch.bytes.append(contentsOf: ring[head..<head + first])
        batch.bytes.append(contentsOf: ring[0..<count - first])
        batch.lineCount = lines
        head = (head + count) % ring.count
        count = 0
        let taken = lines
        lines = 0
        return taken
    }
}

/// The decoded log's output as the writer thread uses it: lines a write did not get into a
/// file are lost; flushing is the output's own business (it writes at the end of each batch).
final class LineDrain: WriterOutput {
    private let output: any DecodedLogOutput

    init(_ output: any DecodedLogOutput) { self.output = output }

    func write(_ batch: DecodedLogBatch, count: Int) -> WriteOutcome<SinkError> {
        let result = output.write(batch)
        return WriteOutcome(written: result.written, lost: UInt64(count - result.written), failure: result.failure)
    }

    func flush() -> WriteOutcome<SinkError> { WriteOutcome() }

    func close() -> WriteOutcome<SinkError> {
        do { try output.close() } catch { return WriteOutcome(failure: error) }
        return WriteOutcome()
    }
}
