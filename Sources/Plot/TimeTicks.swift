/// Ticks for a time axis in UTC seconds: steps of whole seconds, minutes, hours or days,
/// aligned to the clock (an hour step ticks on the hour, a day step at 00:00 UTC).
/// The domain is the data's extent (not widened to ticks); a zero-width extent becomes
/// a minute around the instant, no finite value a day from the epoch.
public struct TimeTicks: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public var values: [Double]
    public var step: Double

    static let steps: [Double] = [
        1, 2, 5, 10, 15, 30,
        60, 120, 300, 600, 900, 1800,
        3600, 7200, 10_800, 21_600, 43_200,
        86_400, 172_800, 604_800, 1_209_600, 2_419_200, 4_838_400, 9_676_800, 31_536_000,
    ]

    public static func extent(of values: [Double], count: Int = 6) -> TimeTicks {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        if lo > hi { lo = 0; hi = 86_400 }
        return make(lo, hi, count: count)
    }

    public static func make(_ a: Double, _ b: Double, count: Int = 6) -> TimeTicks {
        var lo = a.isFinite ? a : 0, hi = b.isFinite ? b : lo + 86_400
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1 { lo -= 30; hi += 30 }
        let target = Double(max(1, min(count, 24)))
        let span = hi - lo
        let step = steps.first { span / $0 <= target } ?? (span / target / 31_536_000).rounded(.up) * 31_536_000
        var values: [Double] = []
        var t = (lo / step).rounded(.up) * step
        while t <= hi, values.count < 100 {
            values.append(t)
            t += step
        }
        return TimeTicks(lower: lo, upper: hi, values: values, step: step)
    }

    /// Labels: `MM-DD` for day steps, `HH:MM` (with `MM-DD ` when the axis spans days) for
    /// minute and hour steps, `HH:MM:SS` below a minute.
    public var labels: [String] {
        let multiDay = upper - lower >= 86_400
        return values.map { value in
            let time = UTCTime(seconds: value)
            if step >= 86_400 { return time.monthDay }
            if step >= 60 { return multiDay ? "\(time.monthDay) \(time.hourMinute)" : time.hourMinute }
            return time.clock
        }
    }
}
