/// Drive-cycle approximations from phase tables.
///
/// Each phase is a list of micro-trips `(wait s, peak km/h, cruise s)` driven with the
/// vehicle's acceleration and deceleration, padded with standing time to the phase's
/// published length. The published structure they follow:
///
/// | cycle  | phase    | length | max speed  |
/// | ------ | -------- | ------ | ---------- |
/// | CLTC-P | low      | 674 s  | 48.1 km/h  |
/// | CLTC-P | medium   | 693 s  | 71.2 km/h  |
/// | CLTC-P | high     | 433 s  | 114.0 km/h |
/// | C-WTVC | urban    | 900 s  | 66.2 km/h  |
/// | C-WTVC | rural    | 468 s  | 73.5 km/h  |
/// | C-WTVC | motorway | 432 s  | 87.8 km/h  |
///
/// Distances come out near the published totals (CLTC-P ≈ 14.5 km, C-WTVC ≈ 20 km); the
/// simulator's own `truth.json` is the reference, never the regulation's figures.
enum PhaseTables {
    typealias MicroTrip = (wait: Int, peakKmh: Double, cruise: Int)

    static let cltcLow: [MicroTrip] = [
        (18, 22, 15), (25, 36, 40), (30, 28, 20), (20, 48.1, 45),
        (25, 32, 30), (30, 20, 10), (20, 40, 35), (25, 30, 40),
    ]
    static let cltcMedium: [MicroTrip] = [
        (20, 50, 45), (25, 71.2, 65), (30, 45, 40), (20, 60, 75), (25, 38, 25),
    ]
    static let cwtvcUrban: [MicroTrip] = [
        (20, 30, 30), (25, 45, 55), (30, 25, 20), (20, 66.2, 85),
        (30, 40, 45), (25, 55, 65), (30, 20, 15), (15, 35, 20),
    ]

    static func phase(_ trips: [MicroTrip], length: Int, style: DrivingStyle) -> DriveTrace {
        var t = DriveTrace()
        for trip in trips {
            t.microTrip(idle: trip.wait, peakKmh: trip.peakKmh, accel: style.accel, cruise: trip.cruise, decel: style.decel)
        }
        precondition(t.duration <= length, "phase table longer than its phase")
        t.hold(length - t.duration, .ready)
        return t
    }

    static func cltcP(style: DrivingStyle) -> DriveTrace {
        var cycle = phase(cltcLow, length: 674, style: style)
        cycle.append(phase(cltcMedium, length: 693, style: style))
        var high = DriveTrace()
        high.microTrip(idle: 10, peakKmh: 40, accel: style.accel, cruise: 20, decel: style.decel)
        high.hold(15, .ready)
        high.ramp(to: 80, rate: style.accel * 0.85)
        high.cruise(40, wobbleKmh: 2)
        high.ramp(to: 114, rate: style.accel * 0.55)
        high.cruise(40, wobbleKmh: 1.5)
        high.ramp(to: 70, rate: style.decel * 0.6)
        high.cruise(100, wobbleKmh: 2)
        high.ramp(to: 0, rate: style.decel)
        precondition(high.duration <= 433, "high phase too long")
        high.hold(433 - high.duration, .ready)
        cycle.append(high)
        return cycle
    }

    static func cWTVC(style: DrivingStyle) -> DriveTrace {
        var cycle = phase(cwtvcUrban, length: 900, style: style)
        var rural = DriveTrace()
        rural.hold(10, .ready)
        rural.ramp(to: 60, rate: style.accel)
        rural.cruise(120, wobbleKmh: 3)
        rural.ramp(to: 73.5, rate: style.accel * 0.6)
        rural.cruise(90, wobbleKmh: 2)
        rural.ramp(to: 50, rate: style.decel * 0.8)
        rural.cruise(50, wobbleKmh: 2)
        rural.ramp(to: 0, rate: style.decel)
        precondition(rural.duration <= 468, "rural phase too long")
        rural.hold(468 - rural.duration, .ready)
        cycle.append(rural)
        var motorway = DriveTrace()
        motorway.hold(10, .ready)
        motorway.ramp(to: 80, rate: style.accel * 0.8)
        motorway.cruise(130, wobbleKmh: 2)
        motorway.ramp(to: 87.8, rate: style.accel * 0.4)
        motorway.cruise(110, wobbleKmh: 1)
        motorway.ramp(to: 0, rate: style.decel)
        precondition(motorway.duration <= 432, "motorway phase too long")
        motorway.hold(432 - motorway.duration, .ready)
        cycle.append(motorway)
        return cycle
    }
}

/// The seeded scenarios: city stop-and-go and motorway cruising.
enum ScenarioBlocks {
    /// About ten minutes of city driving: junction stops and (for a bus) passenger stops,
    /// turns at some junctions; a van parks with the ignition off at every fourth stop
    /// (a delivery), a bus takes a layover with the ignition off at the end of each block.
    static func urban(style: DrivingStyle, random rng: inout SimulationRandom) -> DriveTrace {
        var t = DriveTrace()
        for stop in 0..<10 {
            let peak = rng.uniform(style.urbanPeakKmh.lowerBound, style.urbanPeakKmh.upperBound)
            let wait = Int(rng.uniform(8, 35))
            let cruise = Int(rng.uniform(10, 45))
            t.hold(wait, .ready)
            if rng.unit() < 0.4 {
                // turn off the junction while pulling away
                let left = rng.unit() < 0.5
                t.steer(SteeringManoeuvre(
                    start: Double(t.duration), duration: 7,
                    peakDegrees: (left ? 1 : -1) * style.handwheelTurnDegrees * rng.uniform(0.7, 1.0), shape: .turn))
            }
            t.ramp(to: peak, rate: style.accel * rng.uniform(0.8, 1.1))
            t.cruise(cruise, wobbleKmh: 1.5, period: 25)
            t.ramp(to: 0, rate: style.decel * rng.uniform(0.8, 1.1))
            if style.stopsAreDeliveries && stop % 4 == 3 {
                t.hold(3, .ready)
                t.hold(Int(rng.uniform(60, 150)), .parked)
            }
        }
        if !style.stopsAreDeliveries {
            t.hold(3, .ready)
            t.hold(120, .parked)
        }
        t.hold(3, .ready)
        return t
    }

    /// About ten minutes on the motorway: on-ramp, cruise with lane changes, a slow-down,
    /// off-ramp and a stop.
    static func highway(style: DrivingStyle, random rng: inout SimulationRandom) -> DriveTrace {
        var t = DriveTrace()
        t.hold(5, .ready)
        t.ramp(to: 60, rate: style.accel)
        t.ramp(to: style.cruiseKmh, rate: style.accel * 0.5)
        for _ in 0..<4 {
            let leg = Int(rng.uniform(60, 110))
            t.cruise(leg, wobbleKmh: 2.5, period: 50)
            let left = rng.unit() < 0.5
            t.steer(SteeringManoeuvre(
                start: Double(t.duration) - 8, duration: 6,
                peakDegrees: (left ? 1 : -1) * rng.uniform(4, 9), shape: .laneChange))
        }
        t.ramp(to: style.cruiseKmh * 0.7, rate: style.decel * 0.5)
        t.cruise(30, wobbleKmh: 1)
        t.ramp(to: style.cruiseKmh, rate: style.accel * 0.5)
        t.cruise(Int(rng.uniform(60, 120)), wobbleKmh: 2.5, period: 50)
        t.ramp(to: 40, rate: style.decel * 0.7)
        t.ramp(to: 0, rate: style.decel)
        t.hold(10, .ready)
        return t
    }
}
