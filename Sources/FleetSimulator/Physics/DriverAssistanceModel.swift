/// The bus's adaptive cruise control and emergency braking, one 10 ms step at a time. The
/// drive trace decides where ACC may run (ready, above `engageAboveKmh`, brake released); the
/// seed decides the rest: how long the driver waits before engaging, steering takeovers and
/// system faults while engaged (constant hazards per engaged second), and AEB interventions
/// while moving. The speed trace does not react (an AEB intervention is reported, not braked).
///
/// ACC state: 0 off, 1 standby, 2 active, 4 fault (the DBC's `ACC_State`); the cause of the
/// last disengagement — 1 driver brake, 2 driver steer, 3 system fault — is held until ACC
/// engages again (then 0). AEB state: 0 off, 1 standby, 2 warning, 3 partial braking.
struct DriverAssistanceModel: Sendable {
    static let engageAboveKmh = 35.0
    /// Mean engaged seconds between steering takeovers and between system faults.
    static let steerTakeoverMeanS = 240.0
    static let systemFaultMeanS = 600.0
    /// Mean seconds moving above `aebAboveKmh` between AEB interventions.
    static let aebMeanS = 300.0
    static let aebAboveKmh = 20.0
    static let aebWarningS = 0.8
    static let aebBrakingS = 1.5

    private var random: SimulationRandom
    private(set) var accState = 0.0
    private(set) var cause = 0.0
    private(set) var setSpeedKmh = 0.0
    private(set) var aebState = 0.0
    /// When the driver engages, once ACC may run (nil: not yet decided).
    private var engageAt: Double?
    /// No engagement before this (after a takeover, until a fault clears).
    private var blockedUntil = 0.0
    private var faultUntil = 0.0
    /// The AEB intervention in progress: its warning start.
    private var aebStart: Double?

    init(random: SimulationRandom) { self.random = random }

    var engaged: Bool { accState == 2 }

    /// Advances to the step starting at `t` (seconds) of length `dt`.
    mutating func step(t: Double, dt: Double, ready: Bool, speedKmh: Double, brakePressed: Bool) {
        if !ready {
            accState = 0
            engageAt = nil
        } else if engaged {
            if brakePressed {
                disengage(cause: 1)
            } else if random.unit() < dt / Self.steerTakeoverMeanS {
                disengage(cause: 2)
                blockedUntil = t + random.uniform(5, 15)
            } else if random.unit() < dt / Self.systemFaultMeanS {
                disengage(cause: 3)
                accState = 4
                faultUntil = t + random.uniform(3, 10)
                blockedUntil = faultUntil
            }
        } else {
            if accState == 4 && t < faultUntil {
                // The fault persists.
            } else {
                accState = 1
                let mayRun = speedKmh > Self.engageAboveKmh && !brakePressed && t >= blockedUntil
                if !mayRun {
                    engageAt = nil
                } else if let at = engageAt {
                    if t >= at {
                        accState = 2
                        cause = 0
                        engageAt = nil
                        setSpeedKmh = (speedKmh / 5).rounded(.up) * 5
                    }
                } else {
                    engageAt = t + random.uniform(2, 8)
                }
            }
        }

        if let start = aebStart {
            let since = t - start
            if since >= Self.aebWarningS + Self.aebBrakingS {
                aebStart = nil
                aebState = ready ? 1 : 0
            } else {
                aebState = since < Self.aebWarningS ? 2 : 3
            }
        } else {
            aebState = ready ? 1 : 0
            if ready && speedKmh > Self.aebAboveKmh && random.unit() < dt / Self.aebMeanS {
                aebStart = t
                aebState = 2
            }
        }
    }

    private mutating func disengage(cause: Double) {
        accState = 1
        self.cause = cause
    }
}
