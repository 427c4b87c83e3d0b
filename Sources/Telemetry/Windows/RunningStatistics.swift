/// Count, minimum, maximum, mean, standard deviation and last value of a stream of samples,
/// in constant space (Welford's online algorithm), with the first and last sample times.
///
/// The standard deviation is the population one (divide by n): a window's samples are the
/// whole population the window describes; one sample has deviation 0.
public struct RunningStatistics: Sendable, Hashable {
    public private(set) var count: Int = 0
    public private(set) var minimum: Double = .infinity
    public private(set) var maximum: Double = -.infinity
    public private(set) var mean: Double = 0
    /// Sum of squared differences from the mean.
    var m2: Double = 0
    public private(set) var last: Double = 0
    /// Nanoseconds.
    public private(set) var firstTime: Int64 = 0
    public private(set) var lastTime: Int64 = 0

    public init() {}

    public mutating func add(_ value: Double, at time: Int64) {
        if count == 0 { firstTime = time }
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
        last = value
        lastTime = time
    }

    /// Adds the samples `later` summarized, all of which came after this value's samples
    /// (Chan et al.'s pairwise update; exact up to rounding).
    public mutating func merge(_ later: RunningStatistics) {
        guard later.count > 0 else { return }
        guard count > 0 else {
            self = later
            return
        }
        let n = count + later.count
        let delta = later.mean - mean
        mean += delta * Double(later.count) / Double(n)
        m2 += later.m2 + delta * delta * (Double(count) * Double(later.count) / Double(n))
        count = n
        minimum = Swift.min(minimum, later.minimum)
        maximum = Swift.max(maximum, later.maximum)
        last = later.last
        lastTime = later.lastTime
    }

    /// Population variance.
    public var variance: Double { count > 0 ? max(0, m2 / Double(count)) : 0 }
    public var standardDeviation: Double { variance.squareRoot() }

    public mutating func reset() { self = RunningStatistics() }
}
