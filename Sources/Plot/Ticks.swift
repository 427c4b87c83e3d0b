#if canImport(Glibc)
import Glibc
#endif

/// Tick positions for a numeric axis: round steps of 1, 2 or 5 × 10ⁿ, a "nice" domain that
/// starts and ends on a tick, and labels with just enough decimals to tell ticks apart.
///
/// Every input is accepted: non-finite values are dropped before the extent is taken, an
/// empty or zero-width extent is widened to a unit around its value, and an extent whose
/// width is not finite (±1e308) or too small for its magnitude falls back to its two ends.
/// The result always has at least two finite, strictly increasing ticks: no axis is NaN.
public struct Ticks: Sendable, Hashable {
    /// The axis domain, widened to whole steps.
    public var lower: Double
    public var upper: Double
    /// Tick values, strictly increasing, within `lower...upper`.
    public var values: [Double]
    /// The distance between ticks (0 when the fallback to the ends was taken).
    public var step: Double
    /// Decimals in the labels.
    public var decimals: Int

    /// Ticks for the finite values of `values`, aiming at about `count` intervals.
    /// `includeZero` stretches the extent to 0 (bars).
    /// `padding` widens the extent by that fraction of its width on each side first
    /// (scatter plots: no marker on the frame).
    public static func extent(of values: [Double], count: Int = 5, includeZero: Bool = false, padding: Double = 0) -> Ticks {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        if lo > hi { lo = 0; hi = 1 }
        if padding > 0, hi > lo, (hi - lo).isFinite {
            let pad = (hi - lo) * padding
            lo -= pad
            hi += pad
        }
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        return nice(lo, hi, count: count)
    }

    /// Nice ticks over `[lo, hi]` (finite, `lo <= hi`; swapped when not ordered).
    public static func nice(_ a: Double, _ b: Double, count: Int = 5) -> Ticks {
        var lo = a.isFinite ? a : 0, hi = b.isFinite ? b : 1
        if lo > hi { swap(&lo, &hi) }
        if lo == hi {
            // Zero width: a unit above 0 (counts that are all zero), ±10 % around anything else.
            if lo == 0 {
                hi = 1
            } else {
                let pad = abs(lo) * 0.1
                lo -= pad
                hi += pad
            }
        }
        let intervals = Double(max(1, min(count, 50)))
        let span = hi - lo
        guard span.isFinite, span > 0 else { return ends(lo, hi) }
        let step = niceStep(span / intervals)
        guard step > 0, step.isFinite else { return ends(lo, hi) }
        // A hair of tolerance: 0.3 / 0.1 is 2.9999999999999996, still the tick 0.3.
        let first = (lo / step + 1e-9).rounded(.down), last = (hi / step - 1e-9).rounded(.up)
        // Too many steps for the magnitude (1e9 ± 1e-7): the grid is lost to rounding.
        guard last - first >= 1, last - first <= 4 * intervals + 2 else { return ends(lo, hi) }
        // Counted, not `i += 1` until `last`: beyond 2^53 adding 1 changes nothing.
        let values = (0...Int(last - first)).map { value(first + Double($0), step) }
        let distinct = zip(values, values.dropFirst()).allSatisfy { $0 < $1 }
        guard distinct, values.count >= 2, values.allSatisfy({ $0.isFinite }) else { return ends(lo, hi) }
        return Ticks(lower: values.first!, upper: values.last!, values: values, step: step, decimals: decimals(for: step))
    }

    /// 1, 2 or 5 × 10ⁿ nearest above `raw` in the log sense (thresholds √2, √10, √50).
    static func niceStep(_ raw: Double) -> Double {
        let exponent = log10(raw).rounded(.down)
        let base = pow(10, exponent)
        let error = raw / base
        let factor: Double = error >= 7.0710678 ? 10 : error >= 3.1622777 ? 5 : error >= 1.4142136 ? 2 : 1
        return factor * base
    }

    /// `i × step` computed so that 0.1 steps give 0.3, not 0.30000000000000004.
    static func value(_ i: Double, _ step: Double) -> Double {
        if step < 1 {
            let inverse = (1 / step).rounded()
            if inverse > 0, abs(inverse * step - 1) < 1e-9 { return i / inverse }
        }
        return i * step
    }

    static func decimals(for step: Double) -> Int {
        guard step > 0, step < 1 else { return 0 }
        return min(12, Int((-log10(step) - 1e-9).rounded(.up)))
    }

    private static func ends(_ lo: Double, _ hi: Double) -> Ticks {
        let span = hi - lo
        let decimals = span.isFinite && span > 0 && span < 1 ? min(12, Int((-log10(span)).rounded(.up)) + 1) : 0
        return Ticks(lower: lo, upper: hi, values: [lo, hi], step: 0, decimals: decimals)
    }

    /// The tick labels, in order.
    public var labels: [String] { values.map { NumberText.format($0, decimals: decimals) } }
}
