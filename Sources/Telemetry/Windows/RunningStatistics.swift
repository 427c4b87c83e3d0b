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

    /// Population variance.
    public var variance: Double { count > 0 ? max(0, m2 / Double(count)) : 0 }
    public var standardDeviation: Double { variance.squareRoot() }

    public mutating func reset() { self = RunningStatistics() }
}
