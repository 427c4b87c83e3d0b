import CANCore
import CANDatabase
import Telemetry

/// The gateway's one frame pipeline, shared by `candor replay`, `candor run` and `candor bench`:
///
///     frame ─► BusDecoder (bus → plan → decode) ─► TelemetryAggregator ─► batches of records ─► services
///
/// A frame of a bus the layout does not have is counted by the caller (`ingest` returns nil)
/// and goes no further. Every `batchFrames` frames, on `flush()` and at `finish()`, the records
/// the aggregator emitted (closed windows, ended episodes, trips, days, and last the
/// per-vehicle summaries) go to `deliver` in emission order — the services' `SinkSet.write`,
/// or a test's closure. For the same frames the records are the same whatever the batching.
///
/// A value type, so that a caller's loop keeps it in a local variable; single-threaded.
public struct FramePipeline {
    public let layout: TelemetryLayout
    public private(set) var decoder: BusDecoder
    public private(set) var aggregator: TelemetryAggregator
    public let batchFrames: Int
    /// Records handed to `deliver`.
    public private(set) var records = 0
    private var framesSinceBatch = 0
    private let deliver: (EmittedRecords) throws -> Void
    /// `uplink.captures`: sees every routed frame, and every record as soon as the aggregator
    /// emits it (an episode at the frame that ends it, not at the next batch) (nil: none).
    public var captures: CaptureWatch?
    /// Records of the aggregator's pending ones `captures` has seen.
    private var recordsWatched = 0

    /// `plans[b]` decodes layout bus `b`.
    public init(layout: TelemetryLayout, plans: [DecodePlan], batchFrames: Int, deliver: @escaping (EmittedRecords) throws -> Void) {
        precondition(batchFrames > 0, "batch size must be positive")
        precondition(plans.count == layout.busCount, "one plan per layout bus")
        self.layout = layout
        self.decoder = BusDecoder(plans: plans, route: { layout.busIndex(interface: $0) })
        self.aggregator = TelemetryAggregator(layout: layout)
        self.batchFrames = batchFrames
        self.deliver = deliver
    }

    public init(setup: GatewaySetup, batchFrames: Int, deliver: @escaping (EmittedRecords) throws -> Void) {
        self.init(layout: setup.layout, plans: setup.plans, batchFrames: batchFrames, deliver: deliver)
    }

    /// One frame through decode and aggregation; its bus index and decode outcome (nil for a
    /// bus the layout does not have). Hands out a batch when `batchFrames` frames have passed.
    @inline(__always)
    public mutating func ingest(_ frame: CANFrame) throws -> (bus: Int, outcome: DecodeOutcome)? {
        let decoded = decoder.decode(frame)
        if let decoded {
            aggregator.ingest(frame, bus: decoded.bus, outcome: decoded.outcome, values: decoder.values)
            if let captures {
                captures.observe(frame, bus: decoded.bus, outcome: decoded.outcome, values: decoder.values)
                if aggregator.pendingRecordCount > recordsWatched { watchRecords(captures) }
            }
        }
        framesSinceBatch += 1
        if framesSinceBatch >= batchFrames { try flush() }
        return decoded
    }

    /// Closes every window ending at or before `time` (nanoseconds, the frames' clock) and
    /// hands the records out: a quiet bus's clock, or a reload's boundary.
    public mutating func advance(to time: Int64) throws {
        aggregator.advance(to: time)
        try flush()
        captures?.advance(to: time)
    }

    /// Hands the records emitted so far to `deliver`.
    public mutating func flush() throws {
        framesSinceBatch = 0
        if let captures { watchRecords(captures) }
        recordsWatched = 0
        let batch = aggregator.takeEmitted()
        guard !batch.isEmpty else { return }
        records += batch.count
        try deliver(batch)
    }

    /// Shows `captures` the records emitted since it last looked.
    private mutating func watchRecords(_ captures: CaptureWatch) {
        let pending = aggregator.pendingRecords
        let watched = recordsWatched
        pending.withUnsafeBufferPointer { captures.observe(records: UnsafeBufferPointer(rebasing: $0[watched...])) }
        recordsWatched = pending.count
    }

    /// Closes every window, ends open episodes and trips, hands out the last records (the
    /// per-vehicle summaries last) and returns those summaries. Call once.
    @discardableResult
    public mutating func finish() throws -> [OperationsSummary] {
        aggregator.finish()
        framesSinceBatch = 0
        let last = aggregator.takeEmitted()
        let summaries = last.compactMap { record -> OperationsSummary? in
            if case .operations(let summary) = record, summary.scope == .vehicle { summary } else { nil }
        }
        if let captures {
            let watched = recordsWatched
            last.records.withUnsafeBufferPointer { captures.observe(records: UnsafeBufferPointer(rebasing: $0[watched...])) }
            captures.finish()
        }
        recordsWatched = 0
        if !last.isEmpty {
            records += last.count
            try deliver(last)
        }
        return summaries
    }
}
