/// The values one frame stages for `VehicleOperations.commit`: one slot per role of the map
/// (`MapRole`), then the configured temperatures, then the fault flags. Fixed-size arrays,
/// reused for every frame (no allocation per frame).
struct StagedRoles: Sendable {
    static let roleCount = MapRole.allCases.count

    private let temperatureCount: Int
    private var values: [Double]
    private var isStaged: [Bool]
    /// Something is staged since the last commit.
    private(set) var any = false
    /// A temperature or fault slot is staged (most frames carry neither: skip their loops).
    private(set) var extra = false

    init(temperatures: Int, faults: Int) {
        temperatureCount = temperatures
        values = [Double](repeating: 0, count: Self.roleCount + temperatures + faults)
        isStaged = [Bool](repeating: false, count: values.count)
    }

    func slot(_ role: Role) -> Int {
        switch role {
        case .map(let role): return role.rawValue
        case .temperature(let i): return Self.roleCount + i
        case .fault(let i): return Self.roleCount + temperatureCount + i
        }
    }

    var faultBase: Int { Self.roleCount + temperatureCount }

    mutating func stage(_ role: Role, _ value: Double) {
        let s = slot(role)
        values[s] = value
        isStaged[s] = true
        any = true
        if s >= Self.roleCount { extra = true }
    }

    func has(_ role: MapRole) -> Bool { isStaged[role.rawValue] }

    /// The value staged in slot `s`, unstaging it.
    mutating func take(_ s: Int) -> Double? {
        guard isStaged[s] else { return nil }
        isStaged[s] = false
        return values[s]
    }

    /// Starts a commit: false when nothing is staged.
    mutating func beginCommit() -> Bool {
        guard any else { return false }
        any = false
        return true
    }

    /// Before the temperature and fault slots: false when none is staged.
    mutating func beginExtra() -> Bool {
        guard extra else { return false }
        extra = false
        return true
    }
}

/// Data and error frames per bus of one vehicle, and marks of their counts (where the open
/// trip and day started, and at the last moving speed sample, where a speed-rule trip ends):
/// a trip or day summary reports the difference.
struct BusFrameCounts: Sendable {
    struct Mark: Sendable {
        var frames: [Int]
        var errors: [Int]
    }

    let names: [String]
    private(set) var now: Mark
    /// The counts at the last moving speed sample.
    private(set) var atLastMoving: Mark

    init(buses: [String]) {
        names = buses
        now = Mark(frames: [Int](repeating: 0, count: buses.count), errors: [Int](repeating: 0, count: buses.count))
        atLastMoving = now
    }

    mutating func count(bus local: Int, error: Bool) {
        if error { now.errors[local] += 1 } else { now.frames[local] += 1 }
    }

    /// The vehicle moved: a speed-rule trip ending later ends with these counts.
    mutating func markMoving() {
        for i in names.indices {
            atLastMoving.frames[i] = now.frames[i]
            atLastMoving.errors[i] = now.errors[i]
        }
    }

    /// `summary` with its frames and error frames from `base` to `end` (default: now).
    func stamp(_ summary: OperationsSummary, since base: Mark, until end: Mark? = nil) -> OperationsSummary {
        let end = end ?? now
        var summary = summary
        summary.frames = names.indices.map { NamedCount(name: names[$0], count: end.frames[$0] - base.frames[$0]) }
        summary.errorFrames = names.indices.map { NamedCount(name: names[$0], count: end.errors[$0] - base.errors[$0]) }
        return summary
    }
}

/// Alarm episodes of one vehicle's fault flags: an episode opens at the first sample with a
/// level above 0, keeps the highest level, and closes at the first sample at level 0.
struct FaultFlagEpisodes: Sendable {
    let kinds: [String]
    let levels: [FaultFlag.Level]
    private var open: [Bool], start: [Int64], level: [Int]

    init(_ faults: [FaultFlag.Level], kinds: [String]) {
        self.kinds = kinds
        levels = faults
        open = [Bool](repeating: false, count: faults.count)
        start = [Int64](repeating: 0, count: faults.count)
        level = [Int](repeating: 0, count: faults.count)
    }

    /// Flag `i` reads `value` at `t`; the episode this closes, if any.
    mutating func sample(_ i: Int, _ value: Double, at t: Int64) -> (start: Int64, level: Int)? {
        let now: Int
        switch levels[i] {
        case .fromValue: now = value.isFinite ? Int(max(0, min(value, 255))) : 0
        case .fixed(let fixed): now = value != 0 ? fixed : 0
        }
        if now > 0 {
            if !open[i] {
                open[i] = true
                start[i] = t
                level[i] = 0
            }
            level[i] = max(level[i], now)
        } else if open[i] {
            open[i] = false
            return (start[i], level[i])
        }
        return nil
    }

    /// Closes every open episode (the end of the input): their flags, starts and levels.
    mutating func closeAll() -> [(index: Int, start: Int64, level: Int)] {
        var closed: [(index: Int, start: Int64, level: Int)] = []
        for i in kinds.indices where open[i] {
            open[i] = false
            closed.append((i, start[i], level[i]))
        }
        return closed
    }
}

/// Hydrogen a fuel-cell stack consumes, from its current: every cell turns one H₂ molecule
/// into two electrons, so the mass flow is I × cells × M(H₂) / 2F. The current is integrated
/// by the trapezoid rule between samples (`SampledIntegral`).
struct StackHydrogen: Sendable {
    /// kg of H₂ per ampere-second per cell: 2.01588e-3 kg/mol / (2 × 96,485.33212 C/mol).
    static let kgPerAmpereSecondPerCell = 2.01588e-3 / (2 * 96_485.33212)

    let cells: Int
    private var current = SampledIntegral()

    init(cells: Int) {
        precondition(cells > 0, "a stack has at least one cell")
        self.cells = cells
    }

    /// The stack reads `amperes` at `t`: the kg consumed since the previous sample (0 for the
    /// first, after a gap, or out of order). A negative current (sensor offset) counts as 0.
    mutating func add(current amperes: Double, at t: Int64, maximumGap: Int64) -> Double {
        let a = max(0, amperes.isFinite ? amperes : 0)
        guard let interval = current.add(a, at: t, maximumGap: maximumGap) else { return 0 }
        return interval.area * Double(cells) * Self.kgPerAmpereSecondPerCell
    }
}

/// One sampled signal integrated over time by the trapezoid rule: the latest sample, and
/// each new sample's interval since it. An interval is nil for the first sample, after a gap
/// longer than the aggregator's integration gap (gateway off, logger paused), for a sample out
/// of order, or when either end is not finite — nothing is integrated over it. Distance (speed),
/// pack energy (power, split by sign), hydrogen (stack current) and the ambient temperature's
/// time-weighted mean all integrate through this one rule.
struct SampledIntegral: Sendable {
    /// Two consecutive samples `seconds` apart.
    struct Interval {
        let from: Double, to: Double, seconds: Double
        /// Value × seconds under the straight line between the samples.
        var area: Double { (from + to) / 2 * seconds }
        /// The same area split by sign (a line crossing zero splits at the crossing).
        var signedArea: SignedArea { SignedArea(from: from, to: to, over: seconds) }
    }

    private(set) var latest = 0.0
    private(set) var latestTime: Int64 = 0
    private(set) var hasSample = false

    /// Whether the latest sample is at most `maximumGap` before `t`.
    func isRecent(at t: Int64, maximumGap: Int64) -> Bool { hasSample && t - latestTime <= maximumGap }

    /// `v` at `t` becomes the latest sample; returns the interval since the previous one.
    mutating func add(_ v: Double, at t: Int64, maximumGap: Int64) -> Interval? {
        defer { latest = v; latestTime = t; hasSample = true }
        guard hasSample, t > latestTime, t - latestTime <= maximumGap, v.isFinite, latest.isFinite else { return nil }
        return Interval(from: latest, to: v, seconds: Double(t - latestTime) / 1e9)
    }
}
