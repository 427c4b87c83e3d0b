/// The scenarios `candor simulate --cycle` offers.
///
/// CLTC-P (GB/T 38146.1, light vehicles) and C-WTVC (GB/T 27840, commercial vehicles) are
/// *approximations* built from their published phase structure — phase lengths, maximum
/// speed per phase, total duration — out of micro-trips (wait, accelerate, cruise, brake).
/// They are not the regulatory second-by-second traces and must not be used for type
/// approval figures; they give realistic stop-and-go statistics with known answers.
public enum DriveCycle: String, CaseIterable, Sendable {
    /// CLTC-P approximation: 1800 s, low (674 s, ≤ 48 km/h), medium (693 s, ≤ 71 km/h) and
    /// high (433 s, ≤ 114 km/h) speed phases.
    case cltcP = "cltc-p"
    /// C-WTVC approximation: 1800 s, urban (900 s, ≤ 66 km/h), rural (468 s, ≤ 73.5 km/h)
    /// and motorway (432 s, ≤ 87.8 km/h) phases.
    case cWTVC = "c-wtvc"
    /// Stop-and-go city driving (delivery stops or bus stops), seeded, with turns at junctions.
    case urban
    /// Motorway cruising with lane changes and slow-downs, seeded.
    case highway
    /// Parked at the depot on the charger.
    case depotCharging = "depot-charging"
    /// City driving with a DC fast-charging stop and an AC top-up, repeated: the charging
    /// power follows what the battery accepts as it fills.
    case chargingStops = "charging-stops"
    /// Ready, standing still with the brake held (HVAC and auxiliaries only).
    case idle

    /// The scenario's own length in seconds, used when no `--duration` is given.
    public var naturalDuration: Int {
        switch self {
        case .cltcP, .cWTVC: return 1800 + 10
        case .urban: return 1200
        case .highway: return 1200
        case .depotCharging: return 1800
        case .chargingStops: return 240
        case .idle: return 300
        }
    }
}

/// How a vehicle drives a scenario: its accelerations and cruising speeds.
public struct DrivingStyle: Sendable {
    public var accel: Double
    public var decel: Double
    public var cruiseKmh: Double
    public var urbanPeakKmh: ClosedRange<Double>
    /// A bus waits at stops and makes layovers; a van makes deliveries.
    public var stopsAreDeliveries: Bool
    public var handwheelTurnDegrees: Double

    public init(accel: Double, decel: Double, cruiseKmh: Double, urbanPeakKmh: ClosedRange<Double>, stopsAreDeliveries: Bool, handwheelTurnDegrees: Double) {
        self.accel = accel
        self.decel = decel
        self.cruiseKmh = cruiseKmh
        self.urbanPeakKmh = urbanPeakKmh
        self.stopsAreDeliveries = stopsAreDeliveries
        self.handwheelTurnDegrees = handwheelTurnDegrees
    }
}

extension DriveCycle {
    /// The scenario plugs the vehicle in: it needs a charging inlet.
    public var charges: Bool { self == .depotCharging || self == .chargingStops }

    /// The trace of this scenario, exactly `seconds` long: 5 s parked, the scenario body
    /// repeated as needed, and (when there is room) 3 s standing ready and 2 s parked.
    /// `stopChargers` are the chargers of `charging-stops` (DC fast, AC slow; kW), by
    /// default the vehicle's own charger for both.
    public func trace(seconds: Int, style: DrivingStyle, chargerPowerKW: Double, stopChargers: StopChargers? = nil,
                      random: SimulationRandom) -> DriveTrace {
        precondition(seconds > 0, "duration must be positive")
        var rng = random
        var trace = DriveTrace(chargerPowerKW: chargerPowerKW)
        let lead = min(5, seconds)
        trace.hold(lead, .parked)
        let tail = seconds >= 60 ? 12 : 0
        let bodyLength = seconds - lead - tail
        if bodyLength > 0 {
            var body = DriveTrace(chargerPowerKW: chargerPowerKW)
            while body.duration < bodyLength {
                body.append(block(style: style, chargers: stopChargers ?? StopChargers(fastDCKW: chargerPowerKW, slowACKW: chargerPowerKW), random: &rng))
            }
            trace.append(body.fitted(to: bodyLength))
        }
        if tail > 0 {
            // The fitted body may end mid-drive: brake to a stop, then switch off.
            let lastMode = trace.mode(at: Double(trace.duration) - 0.5)
            var end = DriveTrace(chargerPowerKW: chargerPowerKW, initialSpeedKmh: trace.currentSpeed)
            if lastMode == .ready {
                end.stopWithin(10)
                end.hold(2, .parked)
            } else {
                end.hold(tail, lastMode)
            }
            trace.append(end)
        }
        return trace
    }

    /// One repetition of the scenario body.
    func block(style: DrivingStyle, chargers: StopChargers, random rng: inout SimulationRandom) -> DriveTrace {
        switch self {
        case .cltcP: return PhaseTables.cltcP(style: style)
        case .cWTVC: return PhaseTables.cWTVC(style: style)
        case .urban: return ScenarioBlocks.urban(style: style, random: &rng)
        case .highway: return ScenarioBlocks.highway(style: style, random: &rng)
        case .depotCharging:
            var t = DriveTrace()
            t.hold(600, .charging)
            return t
        case .idle:
            var t = DriveTrace()
            t.hold(600, .ready)
            return t
        case .chargingStops: return ScenarioBlocks.chargingStops(style: style, chargers: chargers, random: &rng)
        }
    }
}

/// The chargers of the `charging-stops` scenario, kW offered at the pack.
public struct StopChargers: Sendable, Hashable {
    /// A DC fast charger (CCS/GB/T DC, pantograph).
    public var fastDCKW: Double
    /// An AC charger through the on-board charger.
    public var slowACKW: Double

    public init(fastDCKW: Double, slowACKW: Double) {
        self.fastDCKW = fastDCKW
        self.slowACKW = slowACKW
    }
}

extension ScenarioBlocks {
    /// About three and a half minutes: two city legs, a 45 s stop on a DC fast charger, a
    /// third leg, a 30 s stop on an AC charger (each stop: brake to standstill, ignition off, plug in).
    static func chargingStops(style: DrivingStyle, chargers: StopChargers, random rng: inout SimulationRandom) -> DriveTrace {
        var t = DriveTrace()
        func leg(idle: Int, cruise: Int) {
            let peak = rng.uniform(style.urbanPeakKmh.lowerBound, style.urbanPeakKmh.upperBound)
            t.microTrip(idle: idle, peakKmh: peak, accel: style.accel, cruise: cruise, decel: style.decel)
        }
        func stop(_ seconds: Int, powerKW: Double, dc: Bool) {
            t.hold(3, .ready)
            t.hold(2, .parked)
            t.plugIn(seconds, powerKW: powerKW, dc: dc)
            t.hold(3, .parked)
        }
        leg(idle: 5, cruise: 12)
        leg(idle: 6, cruise: 10)
        stop(45, powerKW: chargers.fastDCKW, dc: true)
        leg(idle: 5, cruise: 10)
        stop(30, powerKW: chargers.slowACKW, dc: false)
        return t
    }
}

extension DriveTrace {
    /// Brakes to standstill within `seconds` (harder when needed), then stands ready.
    mutating func stopWithin(_ seconds: Int) {
        let v0 = currentSpeed
        for i in 1...seconds {
            appendSample(speed: max(0, v0 * (1 - Double(i) / Double(seconds))), mode: .ready)
        }
    }
}
