/// The aggregator's output: plain values that sinks serialize. Every time is nanoseconds on
/// the capture's clock (event time); every window is `[start, start + length)`.
///
/// A record is as large as its largest case, and records are many (every window of every
/// signal, 366,000 in the van's hour) and copied whole wherever a `switch` binds a case's
/// fields (Swift copies the enum to take a payload out). The operations figures (about 440
/// bytes: some twenty optional figures) are therefore boxed (`indirect`): they are a handful
/// a day, and a record is the size of a window's (about 160 bytes) instead of 456.
public enum TelemetryRecord: Sendable, Hashable {
    case signalWindow(SignalWindowRecord)
    case messageHealth(MessageHealthRecord)
    case busHealth(BusHealthRecord)
    case silentEpisode(SilentEpisode)
    case faultEpisode(FaultEpisode)
    /// A trip's or a day's figures, emitted once when the trip or day ends.
    indirect case operations(OperationsSummary)
}

/// One signal over one closed window.
public struct SignalWindowRecord: Sendable, Hashable {
    public var vehicle: String
    public var bus: String
    public var message: String
    public var signal: String
    public var windowStart: Int64
    public var windowLength: Int64
    public var count: Int
    public var minimum: Double
    public var maximum: Double
    public var mean: Double
    public var last: Double
    /// Population standard deviation.
    public var standardDeviation: Double
    public var firstTime: Int64
    public var lastTime: Int64
}

/// Where a message's expected period comes from.
public enum PeriodSource: String, Sendable, Hashable {
    /// `cycle:` in the config.
    case configured
    /// `GenMsgCycleTime` in the DBC.
    case database
    /// Averaged from the first inter-arrival times.
    case learned
    /// Not known yet (too few frames) or never (event messages).
    case unknown
}

/// One message over one closed window.
public struct MessageHealthRecord: Sendable, Hashable {
    public var vehicle: String
    public var bus: String
    public var message: String
    public var windowStart: Int64
    public var windowLength: Int64
    /// Data and remote frames of this message in the window.
    public var frames: Int
    /// Frames per second over the window.
    public var rate: Double
    /// Nanoseconds; 0 when `periodSource` is `.unknown`.
    public var expectedPeriod: Int64
    public var periodSource: PeriodSource
    /// Mean inter-arrival time in seconds (0 with fewer than two frames).
    public var meanPeriod: Double
    /// Standard deviation of the inter-arrival times, seconds.
    public var periodJitter: Double
    /// Longest inter-arrival time ending in this window, nanoseconds.
    public var maxGap: Int64
    /// Gaps longer than timeout factor × period that ended in this window (a gap still open
    /// at the window's end shows as `silent` once it is long enough).
    public var timeouts: Int
    public var counterErrors: Int
    public var checksumErrors: Int
    /// Frames of this message the decoder could not decode (short payload, mux, remote).
    public var decodeErrors: Int
    /// The message was silent at the window's end.
    public var silent: Bool
}

/// One bus over one closed window.
public struct BusHealthRecord: Sendable, Hashable {
    public var vehicle: String
    public var bus: String
    public var windowStart: Int64
    public var windowLength: Int64
    /// Data and remote frames (not error frames).
    public var frames: Int
    public var framesPerSecond: Double
    /// Bus load in percent, kernel frame-length model without stuff bits.
    public var busLoadPercent: Double
    /// Bus load in percent with worst-case stuffing.
    public var busLoadWorstCasePercent: Double
    public var errorFrames: Int
    /// Error frames per class, in `CANErrorClass.named` order (one frame may count in several).
    public var errorFramesByClass: [Int]
    /// Highest TX and RX error counters reported by error frames in the window
    /// (`CAN_ERR_CNT`, detail bytes 6 and 7); 0 when none reported.
    public var maxTxErrorCount: Int
    public var maxRxErrorCount: Int
    /// Frames whose id no DBC message matches.
    public var unknownFrames: Int
    /// Frames of known messages that could not be decoded.
    public var decodeErrors: Int
    /// Frames older than the open window (out-of-order input); not aggregated.
    public var lateFrames: Int
}

/// A message that stopped: from the last frame + expected period to the next frame (or the
/// end of the input, with `open` set).
public struct SilentEpisode: Sendable, Hashable {
    public var vehicle: String
    public var bus: String
    public var message: String
    public var start: Int64
    public var end: Int64
    /// The input ended while the message was still silent.
    public var open: Bool
}

/// A fault episode.
///
/// - A fault flag's (kind from the config): from the first frame with a level ≥ 1 to the
///   first frame with level 0; `level` is the highest level seen.
/// - `bus_off` (kind `FaultEpisode.busOff`, `target` the interface): from the error frame
///   reporting bus-off to the error frame reporting the restart, or to the next data frame
///   received on that bus; `level` 3.
public struct FaultEpisode: Sendable, Hashable {
    public var vehicle: String
    public var kind: String
    public var level: Int
    public var start: Int64
    public var end: Int64
    /// The input ended during the episode.
    public var open: Bool
    /// What the fault hit, when it is not the vehicle as a whole (the interface for `bus_off`).
    public var target: String?

    /// The kind of a bus-off episode.
    public static let busOff = "bus_off"

    public init(vehicle: String, kind: String, level: Int, start: Int64, end: Int64, open: Bool, target: String? = nil) {
        self.vehicle = vehicle
        self.kind = kind
        self.level = level
        self.start = start
        self.end = end
        self.open = open
        self.target = target
    }
}
