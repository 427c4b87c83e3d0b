import CANCapture
import CANCore
import CANDatabase
import Telemetry

/// What the pipeline tells its caller while it runs (the executable decides what to show).
public struct ReplayEvents {
    /// Called once per interface name that no configured bus has (its frames are ignored).
    public var unknownBus: (String) -> Void
    /// Called every `progressInterval` frames.
    public var progress: (ReplayProgress) -> Void
    public var progressInterval: Int

    public init(unknownBus: @escaping (String) -> Void = { _ in }, progress: @escaping (ReplayProgress) -> Void = { _ in },
                progressInterval: Int = 1 << 18) {
        precondition(progressInterval > 0, "progress interval must be positive")
        self.unknownBus = unknownBus
        self.progress = progress
        self.progressInterval = progressInterval
    }
}

public struct ReplayProgress: Sendable, Hashable {
    /// Frames read so far (all captures, all buses).
    public var frames: Int
    /// Nanoseconds since the epoch on the captures' clock: the latest frame's time.
    public var eventTime: Int64
}

/// What a replay found, besides the records it handed to the sinks.
public struct ReplayResult: Sendable {
    /// Frames read, every bus, data, remote and error frames.
    public var frames: Int
    /// Per vehicle, in config order (scope `.vehicle`).
    public var summaries: [OperationsSummary]
    /// Per capture, in the order given: frames older than their capture's previous frame.
    public var outOfOrderFrames: [(capture: String, count: Int)]
    /// Per capture: lines that were not frames and were skipped.
    public var malformedLines: [(capture: String, count: Int)]
    /// Per capture, one line per kind of record skipped, bent or dropped (empty when clean).
    public var captureNotes: [String] = []
    /// The error that ended the input early (a truncated gzip member, a strict malformed
    /// line): the frames before it went through the pipeline and their records were delivered.
    public var inputError: CaptureError?
    /// Interfaces no configured bus has, with their frame counts, in order of first sight.
    public var unknownBuses: [(bus: String, frames: Int)]
    /// Frames whose window had already closed (see Telemetry: counted, not aggregated).
    public var lateFrames: Int
    /// Records handed to the sinks.
    public var records: Int
}

/// The whole gateway pipeline over capture files, on event time: `CaptureMerge` in front of
/// the one `FramePipeline` (decode per bus, aggregate, batches of records to the sink).
///
/// As fast as possible, or paced on the captures' clock with a `ReplayClock`
/// (`--realtime`, `--speed`). The same inputs always give the same records in the same order.
public struct ReplayPipeline {
    public let setup: GatewaySetup
    /// Frames between two hand-outs of records, unless `run` is told otherwise: about two
    /// minutes of a van's bus, so stores and the uplink get few, large batches.
    public static let defaultBatchFrames = 1 << 16

    public init(setup: GatewaySetup) {
        self.setup = setup
    }

    /// Reads `merge` to its end. `sink` receives every record in emission order, in batches
    /// (closed windows, episodes, trips, days, and last the per-vehicle summaries); a batch
    /// goes out every `batchFrames` frames and at the end. With a `clock`, frames are paced on
    /// the captures' clock, `speed` times faster than recorded. `captures`
    /// (`SinkSet.captureWatch`) cuts `uplink.captures` on the captures' clock.
    public func run(
        _ merge: CaptureMerge, realtime clock: (any ReplayClock)? = nil, speed: Double = 1, events: ReplayEvents = ReplayEvents(),
        batchFrames: Int = ReplayPipeline.defaultBatchFrames, captures: CaptureWatch? = nil, sink: @escaping (EmittedRecords) throws -> Void
    ) throws -> ReplayResult {
        let shortestWindow = setup.layout.configuration.rules.windowLengths[0]
        var pacer = clock.map { RealtimePacer(clock: $0, speed: speed) }
        var unknownNames: [String] = []
        var unknownCounts: [Int] = []
        var frames = 0
        var lateFrames = 0
        var nextProgress = events.progressInterval
        var pipeline = FramePipeline(setup: setup, batchFrames: batchFrames) { batch in
            for case .busHealth(let bus) in batch where bus.windowLength == shortestWindow { lateFrames += bus.lateFrames }
            try sink(batch)
        }
        pipeline.captures = captures
        var inputError: CaptureError?
        while true {
            let next: CANFrame?
            do { next = try merge.next() } catch {
                inputError = error
                break
            }
            guard let frame = next else { break }
            frames += 1
            let time = frame.timestamp.totalNanoseconds
            pacer?.wait(forFrameAt: time)
            if try pipeline.ingest(frame) == nil {
                if let i = unknownNames.firstIndex(of: frame.bus) {
                    unknownCounts[i] += 1
                } else {
                    unknownNames.append(frame.bus)
                    unknownCounts.append(1)
                    events.unknownBus(frame.bus)
                }
            }
            if frames == nextProgress {
                nextProgress += events.progressInterval
                events.progress(ReplayProgress(frames: frames, eventTime: time))
            }
        }
        let summaries = try pipeline.finish()
        let records = pipeline.records
        let names = merge.names
        var result = ReplayResult(
            frames: frames, summaries: summaries,
            outOfOrderFrames: zip(names, merge.outOfOrderFrames).map { ($0, $1) },
            malformedLines: zip(names, merge.malformedLines).map { ($0, $1) },
            unknownBuses: zip(unknownNames, unknownCounts).map { ($0, $1) },
            lateFrames: lateFrames, records: records)
        result.captureNotes = zip(names, merge.statistics).flatMap { $1.notes(for: $0) }
        result.inputError = inputError
        return result
    }
}
