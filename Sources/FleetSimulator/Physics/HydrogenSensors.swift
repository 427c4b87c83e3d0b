/// Which of the fuel-cell truck's hydrogen-system probes and sensors reads the system's highest
/// temperature, concentration and pressure: the numbers GB/T 32960's fuel-cell bodies carry
/// beside those values. The system has two tanks (1 front, 2 rear), each with a temperature
/// probe at its neck and a pressure sensor, and two concentration sensors (1 the stack
/// compartment, 2 the tank compartment).
///
/// A rule over the model's state, with no random draw (the model's one tank temperature,
/// pressure and concentration stay as they are): the FCU draws one tank at a time and changes
/// tanks when the one in use has given 5 g more than the other, so that they empty evenly.
/// With `u` the hydrogen drawn since the start, the front tank's lead `d` (drawn from the front
/// minus drawn from the rear) is then a triangle wave of `u` — 20 g a period, ±5 g:
///
///     u mod 20 g    0 … 5      5 … 15      15 … 20
///     tank in use   front      rear        front
///     d             0 → +5     +5 → −5     −5 → 0
///
/// - highest temperature: the probe of the tank not in use (the one in use is cooled by its
///   expanding gas);
/// - highest pressure: the sensor of the tank with less drawn (`d > 0`: the rear, 2), the front
///   (1) when they are equal;
/// - highest concentration: the stack compartment's sensor (1) while the stack runs (its purges),
///   the tank compartment's (2) otherwise.
enum HydrogenSensors {
    static let turnKg = 0.005

    /// (probe, concentration sensor, pressure sensor) for `drawnKg` of hydrogen drawn so far.
    static func numbers(drawnKg: Double, stackRunning: Bool) -> (temperatureProbe: Int, concentrationSensor: Int, pressureSensor: Int) {
        let period = 4 * turnKg
        let phase = max(0, drawnKg).truncatingRemainder(dividingBy: period)
        let frontInUse = phase < turnKg || phase >= 3 * turnKg
        let lead = phase <= turnKg ? phase : phase <= 3 * turnKg ? 2 * turnKg - phase : phase - period
        return (frontInUse ? 2 : 1, stackRunning ? 1 : 2, lead > 0 ? 2 : 1)
    }
}
