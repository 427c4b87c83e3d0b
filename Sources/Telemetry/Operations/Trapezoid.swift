/// The trapezoid rule between two samples of a piecewise-linear signal, with the area split
/// by sign: when the line crosses zero inside the interval, the positive and negative parts
/// are the two triangles on either side of the crossing. Exact for piecewise-linear inputs.
struct SignedArea: Sendable, Hashable {
    var positive: Double
    /// Magnitude of the area below zero (≥ 0).
    var negative: Double

    init(from a: Double, to b: Double, over dt: Double) {
        if a >= 0 && b >= 0 {
            positive = (a + b) / 2 * dt
            negative = 0
        } else if a <= 0 && b <= 0 {
            positive = 0
            negative = -(a + b) / 2 * dt
        } else {
            let crossing = a / (a - b) * dt  // time from the first sample to zero
            if a > 0 {
                positive = a * crossing / 2
                negative = -b * (dt - crossing) / 2
            } else {
                negative = -a * crossing / 2
                positive = b * (dt - crossing) / 2
            }
        }
    }
}
