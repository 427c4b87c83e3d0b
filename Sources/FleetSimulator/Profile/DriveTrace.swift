/// What the vehicle is doing during one second of a scenario.
public enum OperatingMode: UInt8, Sendable, Hashable {
    /// Ignition off, not plugged in.
    case parked
    /// Ready (high voltage on, gear engaged); standing or driving, as the speed says.
    case ready
    /// Ignition off, plugged into a charger.
    case charging
}

/// A steering manoeuvre: the handwheel goes out and back (a turn) or out, across and
/// back (a lane change), following a smooth raised-cosine shape.
public struct SteeringManoeuvre: Sendable, Hashable {
    public enum Shape: Sendable, Hashable {
        /// One lobe: angle = peak · sin²(π·u), u = 0…1.
        case turn
        /// Two opposite lobes: angle = peak · sin(2π·u) · sin(π·u).
        case laneChange
    }
    public var start: Double
    public var duration: Double
    /// Peak handwheel angle, degrees; positive = left.
    public var peakDegrees: Double
    public var shape: Shape

    public init(start: Double, duration: Double, peakDegrees: Double, shape: Shape) {
        self.start = start
        self.duration = duration
        self.peakDegrees = peakDegrees
        self.shape = shape
    }

    /// Handwheel angle (°) and rate (°/s) at time `t` (seconds since the trace's start).
    public func angleAndRate(at t: Double) -> (angle: Double, rate: Double) {
        let u = (t - start) / duration
        guard u > 0, u < 1 else { return (0, 0) }
        switch shape {
        case .turn:
            let s = (Double.pi * u).sin
            let ds = Double.pi * (Double.pi * u).cos / duration
            return (peakDegrees * s * s, peakDegrees * 2 * s * ds)
        case .laneChange:
            let a = (2 * Double.pi * u).sin, b = (Double.pi * u).sin
            let da = 2 * Double.pi * (2 * Double.pi * u).cos / duration
            let db = Double.pi * (Double.pi * u).cos / duration
            return (peakDegrees * a * b, peakDegrees * (da * b + a * db))
        }
    }
}

/// A charger the vehicle is plugged into from second `start` on (until the next stop):
/// the power it offers at the pack, and whether it is a DC charger (the on-board AC
/// charger stays idle) or AC (through the on-board charger).
public struct ChargerStop: Sendable, Hashable {
    public var start: Int
    public var powerKW: Double
    public var dc: Bool
}

/// A scenario as a second-by-second trace, the way regulatory drive cycles are published:
/// the target speed at each whole second (linear in between) and the operating mode of
/// each second, plus the steering manoeuvres and the charger power while plugged in.
public struct DriveTrace: Sendable {
    /// Target speed in km/h at t = 0, 1, 2, … seconds; one more entry than `modes`.
    public private(set) var speedsKmh: [Double]
    /// The mode during each second `[i, i+1)`.
    public private(set) var modes: [OperatingMode]
    public private(set) var steering: [SteeringManoeuvre]
    /// Charger power offered at the pack while plugged in, kW (an AC charger), unless a
    /// `ChargerStop` says otherwise.
    public var chargerPowerKW: Double
    /// Charging stops with their own charger, sorted by start.
    public private(set) var chargerStops: [ChargerStop]

    public init(chargerPowerKW: Double = 0) {
        speedsKmh = [0]
        modes = []
        steering = []
        chargerStops = []
        self.chargerPowerKW = chargerPowerKW
    }

    /// Length in whole seconds.
    public var duration: Int { modes.count }
    public var currentSpeed: Double { speedsKmh[speedsKmh.count - 1] }

    // MARK: building

    /// Stands still (or keeps the current speed, if not zero) for `seconds` in `mode`.
    public mutating func hold(_ seconds: Int, _ mode: OperatingMode) {
        let v = currentSpeed
        precondition(mode == .ready || v == 0, "only a ready vehicle moves")
        for _ in 0..<max(0, seconds) {
            speedsKmh.append(v)
            modes.append(mode)
        }
    }

    /// Changes speed linearly to `kmh` at `rate` m/s² (magnitude), in whole seconds.
    public mutating func ramp(to kmh: Double, rate: Double) {
        let v0 = currentSpeed
        let seconds = max(1, Int((abs(kmh - v0) / 3.6 / rate).rounded(.up)))
        for i in 1...seconds {
            speedsKmh.append(i == seconds ? kmh : v0 + (kmh - v0) * Double(i) / Double(seconds))
            modes.append(.ready)
        }
    }

    /// Cruises at about the current speed for `seconds`, with slow dips of up to
    /// `wobbleKmh` (a driver never holds a speed exactly).
    public mutating func cruise(_ seconds: Int, wobbleKmh: Double, period: Double = 40) {
        let v = currentSpeed
        for i in 1...max(1, seconds) {
            // A dip below the set speed and back (never above it, so a phase's peak stays its peak).
            let dip = i == seconds ? 0 : wobbleKmh * (1 - (2 * Double.pi * Double(i) / period).cos) / 2
            speedsKmh.append(max(0, v - dip))
            modes.append(.ready)
        }
    }

    /// One micro-trip: wait, accelerate, cruise, brake to a stop.
    public mutating func microTrip(idle: Int, peakKmh: Double, accel: Double, cruise seconds: Int, decel: Double, wobbleKmh: Double = 1.5) {
        hold(idle, .ready)
        ramp(to: peakKmh, rate: accel)
        if seconds > 0 { cruise(seconds, wobbleKmh: min(wobbleKmh, peakKmh * 0.05)) }
        ramp(to: 0, rate: decel)
    }

    public mutating func steer(_ manoeuvre: SteeringManoeuvre) { steering.append(manoeuvre) }

    /// Plugged into a charger offering `powerKW` for `seconds` (standing, ignition off).
    public mutating func plugIn(_ seconds: Int, powerKW: Double, dc: Bool) {
        chargerStops.append(ChargerStop(start: duration, powerKW: powerKW, dc: dc))
        hold(seconds, .charging)
    }

    /// The charger offered at `t` seconds: the latest stop started by then, else the
    /// trace's own (AC) charger.
    public func charger(at t: Double) -> (powerKW: Double, dc: Bool) {
        var found: ChargerStop?
        for stop in chargerStops {
            if Double(stop.start) > t { break }
            found = stop
        }
        return found.map { ($0.powerKW, $0.dc) } ?? (chargerPowerKW, false)
    }

    /// Appends `other`, shifted to start where this trace ends.
    public mutating func append(_ other: DriveTrace) {
        let shift = Double(duration)
        speedsKmh.append(contentsOf: other.speedsKmh.dropFirst())
        modes.append(contentsOf: other.modes)
        for var m in other.steering {
            m.start += shift
            steering.append(m)
        }
        for var stop in other.chargerStops {
            stop.start += Int(shift)
            chargerStops.append(stop)
        }
    }

    /// The first `seconds` of this trace, or the trace repeated until it is that long.
    public func fitted(to seconds: Int) -> DriveTrace {
        precondition(duration > 0, "empty trace")
        var out = DriveTrace(chargerPowerKW: chargerPowerKW)
        while out.duration < seconds { out.append(self) }
        out.modes.removeLast(out.modes.count - seconds)
        out.speedsKmh.removeLast(out.speedsKmh.count - seconds - 1)
        out.steering.removeAll { $0.start >= Double(seconds) }
        out.chargerStops.removeAll { $0.start >= seconds }
        return out
    }

    // MARK: sampling

    /// Target speed (km/h) and acceleration (m/s²) at `t` seconds.
    public func speed(at t: Double) -> (kmh: Double, accel: Double) {
        guard t >= 0 else { return (0, 0) }
        let i = Int(t)
        guard i < duration else { return (speedsKmh[speedsKmh.count - 1], 0) }
        let a = speedsKmh[i], b = speedsKmh[i + 1]
        let f = t - Double(i)
        return (a + (b - a) * f, (b - a) / 3.6)
    }

    public func mode(at t: Double) -> OperatingMode {
        let i = Int(t)
        guard t >= 0, i < duration else { return modes.last ?? .parked }
        return modes[i]
    }

    /// Distance of the target trace (km), by exact integration of the linear segments.
    public var distanceKm: Double {
        var metres = 0.0
        for i in 0..<duration { metres += (speedsKmh[i] + speedsKmh[i + 1]) / 2 / 3.6 }
        return metres / 1000
    }
}

extension Double {
    @inlinable var sin: Double { _sin(self) }
    @inlinable var cos: Double { _cos(self) }
}

@usableFromInline func _sin(_ x: Double) -> Double {
    // Deterministic across platforms: a range reduction plus a fixed polynomial, so the
    // simulator's output does not depend on the C library's last-bit rounding.
    var r = x.truncatingRemainder(dividingBy: 2 * Double.pi)
    if r > Double.pi { r -= 2 * Double.pi } else if r < -Double.pi { r += 2 * Double.pi }
    // sin on [-π, π] via sin(r) = sin(π - r) folding into [-π/2, π/2]
    if r > Double.pi / 2 { r = Double.pi - r } else if r < -Double.pi / 2 { r = -Double.pi - r }
    let r2 = r * r
    // Taylor to r^15: error < 1e-12 on [-π/2, π/2]
    var term = r
    var sum = r
    var n = 1.0
    for _ in 0..<7 {
        term *= -r2 / ((n + 1) * (n + 2))
        sum += term
        n += 2
    }
    return sum
}

@usableFromInline func _cos(_ x: Double) -> Double { _sin(x + Double.pi / 2) }

extension DriveTrace {
    init(chargerPowerKW: Double, initialSpeedKmh: Double) {
        self.init(chargerPowerKW: chargerPowerKW)
        speedsKmh[0] = initialSpeedKmh
    }

    mutating func appendSample(speed: Double, mode: OperatingMode) {
        speedsKmh.append(speed)
        modes.append(mode)
    }
}
