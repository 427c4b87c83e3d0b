import CANCore
import CANDatabase
import Telemetry

/// What a live gateway counted while it ran.
public struct LiveGatewayCounts: Sendable, Hashable {
    /// Frames taken from the input, every bus, data, remote and error frames.
    public var frames = 0
    /// Frames from an interface no configured bus has (ignored).
    public var unknownBusFrames = 0
    /// Records handed to the sinks.
    public var records = 0
    /// Frames the recorder refused because its queue was full.
    public var recorderDrops = 0
    /// Lines the decoded log refused because its queue was full.
    public var decodedLogDrops = 0
}

/// The replay pipeline's stages with a socket in front — the same `FramePipeline`:
///
///     input ─► FramePipeline (decode per bus, aggregate) ─► batches of records ─► sink
///              └► Recorder (raw frames)   └► TailHub, DecodedFrameLog (canonical lines)
///
/// Single-threaded: `ingest`, `advance`, `flush` and `finish` are called by the thread that
/// reads the input. `run(_:)` is that loop; the shutdown path is `input.stop()` from another
/// thread, after which `run` drains the input, finishes the aggregator and returns.
/// For the same frames the records equal what `ReplayPipeline` hands its sink. A setup
/// submitted to `reloads` (SIGHUP) is swapped in between frames (LiveGateway+Reload.swift).
public final class LiveGateway {
    /// The setup decoding now; a reload (`reloads`) replaces it between frames.
    public internal(set) var setup: GatewaySetup
    /// What was counted so far (records: of every setup, reloads included).
    public var counts: LiveGatewayCounts {
        var out = tallies
        out.records = earlierRecords + pipeline.records
        return out
    }
    private var tallies = LiveGatewayCounts()
    /// Frames taken so far (`counts.frames`, without building the whole value).
    public var frameCount: Int { tallies.frames }
    /// Records handed out by the pipelines of setups a reload replaced.
    var earlierRecords = 0
    var pipeline: FramePipeline
    let sink: (EmittedRecords) throws -> Void
    private let recorder: Recorder?
    private let tail: TailHub?
    /// Gets the canonical lines its bus and message filters select.
    let decodedLog: DecodedFrameLog?
    /// The decoded log's filters resolved against the plans decoding now; resolved again
    /// when they change (a reload swapped the setup).
    var decodedLogSelection: DecodedLogSelection?
    let batchFrames: Int
    private var line: [UInt8] = []
    private var finished = false
    // Reload state (LiveGateway+Reload.swift).
    let reloads: ReloadRequest?
    var pendingReload: (generation: Int, setup: GatewaySetup)?
    /// Event time at which `pendingReload` is swapped in; `.max` when none waits.
    var swapAt: Int64 = .max
    /// The newest event time seen: frames and `advance(to:)`.
    var latestEventTime: Int64 = .min

    /// Frames between two hand-outs of records (besides `flush()` and the quiet-bus `advance`):
    /// about 7 s of a van's bus.
    public static let defaultBatchFrames = 4096

    /// `sink` receives every record in emission order, in batches (every `batchFrames` frames,
    /// on `flush()` and at `finish()`). `recorder` gets every frame, `tail` every canonical line.
    /// Setups submitted to `reloads` are swapped in at the next boundary of every window
    /// (LiveGateway+Reload.swift).
    public init(setup: GatewaySetup, recorder: Recorder? = nil, tail: TailHub? = nil, batchFrames: Int = LiveGateway.defaultBatchFrames,
                decodedLog: DecodedFrameLog? = nil, reloads: ReloadRequest? = nil, captures: CaptureWatch? = nil,
                sink: @escaping (EmittedRecords) throws -> Void) {
        precondition(batchFrames > 0, "batch size must be positive")
        self.setup = setup
        self.pipeline = FramePipeline(setup: setup, batchFrames: batchFrames, deliver: sink)
        self.pipeline.captures = captures
        self.sink = sink
        self.recorder = recorder
        self.tail = tail
        self.decodedLog = decodedLog
        self.decodedLogSelection = decodedLog.map { Self.selection($0, for: setup) }
        self.batchFrames = batchFrames
        self.reloads = reloads
        line.reserveCapacity(512)
    }

    /// One frame through every stage.
    public func ingest(_ frame: CANFrame) throws {
        precondition(!finished, "ingest after finish")
        let time = frame.timestamp.totalNanoseconds
        if time >= swapAt || reloads?.isWaiting == true { try reloadIfDue(at: time) }
        if time > latestEventTime { latestEventTime = time }
        tallies.frames += 1
        if let recorder, !recorder.record(frame) { tallies.recorderDrops += 1 }
        guard let (bus, outcome) = try pipeline.ingest(frame) else {
            tallies.unknownBusFrames += 1
            return
        }
        guard frame.kind != .error else { return }
        let logged = decodedLogSelection?.accepts(bus: bus, message: outcome.messageIndex) == true
        if tail != nil || logged {
            line.removeAll(keepingCapacity: true)
            CanonicalLine.append(frame: frame, plan: setup.plans[bus], outcome: outcome, values: pipeline.decoder.values, to: &line)
            tail?.publish(line)
            if logged && !decodedLog!.append(line, time: frame.timestamp) { tallies.decodedLogDrops += 1 }
        }
    }

    /// The decoded log's bus and message filters resolved against `setup`'s plans (at the
    /// start and again at each reload's swap).
    static func selection(_ log: DecodedFrameLog, for setup: GatewaySetup) -> DecodedLogSelection {
        let interfaces = setup.layout.configuration.vehicles.flatMap { $0.buses.map(\.interface) }
        return DecodedLogSelection(options: log.options, interfaces: interfaces, plans: setup.plans)
    }

    /// The injected clock for quiet buses: closes every window ending at or before `time`
    /// (nanoseconds since the epoch), then hands the records out.
    public func advance(to time: Int64) throws {
        precondition(!finished, "advance after finish")
        if time > latestEventTime { latestEventTime = time }
        try pipeline.advance(to: time)
    }

    /// Hands the records emitted so far to the sink.
    public func flush() throws {
        try pipeline.flush()
    }

    /// Closes every window, ends open episodes and trips, hands out the last records
    /// (the per-vehicle summaries last) and returns the summaries. Call once.
    @discardableResult
    public func finish() throws -> [OperationsSummary] {
        precondition(!finished, "finish twice")
        finished = true
        return try pipeline.finish()
    }

    /// Reads `input` until it returns nil (stopped and drained, or exhausted), then `finish()`es.
    /// `between` runs after each frame (the daemon's watchdog/status tick, cheap).
    @discardableResult
    public func run(_ input: any LiveFrameInput, between: (LiveGateway) throws -> Void = { _ in }) throws -> [OperationsSummary] {
        while let frame = input.next() {
            try ingest(frame)
            try between(self)
        }
        return try finish()
    }

    /// Like `run(_:between:)`, for inputs that can time out: when no frame arrives for
    /// `quietAfter` nanoseconds, the windows ending before `now() - quietAfter` are closed
    /// (`advance(to:)`) so that quiet buses still give records. `now` is the frames' clock
    /// (nanoseconds since the epoch; injected in tests); nil (the daemon) is `QuietClock`: the
    /// newest frame's time plus the monotonic time since, never the process's wall clock,
    /// which can be stepped. Unlike a replay, which jumps over a gap, this emits the records
    /// of the quiet (empty) windows.
    @discardableResult
    public func run(
        _ input: any LiveFrameInput, quietAfter: Int64, now: (() -> Int64)? = nil, between: (LiveGateway) throws -> Void = { _ in }
    ) throws -> [OperationsSummary] {
        precondition(quietAfter > 0, "quiet interval must be positive")
        var latest = Int64.min
        var latestFrame = Int64.min
        var clock = QuietClock(quietAfter: quietAfter)
        loop: while true {
            switch input.next(waitingAtMost: quietAfter) {
            case .frame(let frame):
                latest = max(latest, frame.timestamp.totalNanoseconds)
                latestFrame = max(latestFrame, frame.timestamp.totalNanoseconds)
                try ingest(frame)
            case .idle:
                // Not before the first frame: the windows are aligned on the first frame, as in a replay.
                let time = if let now { now() - quietAfter } else if latestFrame == .min { Int64.min } else {
                    clock.now(latestEvent: latestFrame, monotonic: LogThrottle.monotonicNow()) - quietAfter
                }
                try reloadIfDue(at: time)
                if latest != .min && time > latest {
                    latest = time
                    try advance(to: time)
                }
            case .end:
                break loop
            }
            try between(self)
        }
        return try finish()
    }
}
