import Testing
@testable import FleetSimulator

/// The bus's ACC and AEB model on its own, stepped over hours of steady driving: the seed
/// decides engagements, takeovers, faults and AEB activations; the rates follow the model's
/// constants; ignition off or braking behave as the DBC's states say.
@Suite struct DriverAssistanceModelTests {
    struct Counts: Equatable {
        var engaged = 0.0, causes: [Double: Int] = [:], aeb = 0, engagements = 0
    }

    /// `hours` at `kmh` with the brake released (brake pressed for 1 s every `brakeEvery` s).
    static func run(seed: UInt64, hours: Double, kmh: Double, brakeEvery: Double = 120) -> Counts {
        var model = DriverAssistanceModel(random: SimulationRandom(seed: seed))
        var counts = Counts()
        var wasEngaged = false, wasBraking = false
        let dt = 0.01
        for k in 0..<Int(hours * 3600 / dt) {
            let t = Double(k) * dt
            let brake = t.truncatingRemainder(dividingBy: brakeEvery) < 1
            model.step(t: t, dt: dt, ready: true, speedKmh: kmh, brakePressed: brake)
            if model.engaged { counts.engaged += dt }
            if model.engaged && !wasEngaged { counts.engagements += 1 }
            if wasEngaged && !model.engaged { counts.causes[model.cause, default: 0] += 1 }
            let braking = model.aebState == 3
            if braking && !wasBraking { counts.aeb += 1 }
            wasEngaged = model.engaged
            wasBraking = braking
        }
        return counts
    }

    @Test func everyCauseAtItsRate() {
        let seed: UInt64 = 3
        print("driver assistance: seed \(seed), 10 h at 60 km/h, braking 1 s every 120 s")
        let c = Self.run(seed: seed, hours: 10, kmh: 60)
        print("engaged \(c.engaged) s, engagements \(c.engagements), causes \(c.causes), AEB \(c.aeb)")
        // Braking ends every engagement that lasts to the next brake: about one per 120 s.
        #expect((c.causes[1] ?? 0) > 150, "driver brake: \(c.causes)")
        // Steering takeovers and faults: Poisson counts over the engaged time, within ±40 %.
        // Seed 3 is the high draw: 166 takeovers for 130 expected (+2.9σ). Over seeds 1-40 the
        // same run gives 5,261 for 5,285 expected (-0.6 a seed, sd 12.2 against Poisson's 11.5),
        // and the engaged time counted here equals the time the hazard is drawn in (steps that
        // start engaged with the brake released) within 3 s of 31,000: the rate and the count
        // are right, seed 3 is one tail of the spread.
        let steer = c.engaged / DriverAssistanceModel.steerTakeoverMeanS
        let fault = c.engaged / DriverAssistanceModel.systemFaultMeanS
        #expect(abs(Double(c.causes[2] ?? 0) - steer) <= 0.4 * steer, "steer \(c.causes[2] ?? 0), expected \(steer)")
        #expect(abs(Double(c.causes[3] ?? 0) - fault) <= 0.4 * fault, "fault \(c.causes[3] ?? 0), expected \(fault)")
        // AEB: moving all the time, one per mean interval (each takes 2.3 s).
        let aeb = 36_000 / DriverAssistanceModel.aebMeanS
        #expect(abs(Double(c.aeb) - aeb) <= 0.4 * aeb, "AEB \(c.aeb), expected \(aeb)")
        #expect(c.engagements == (c.causes.values.reduce(0, +)) || c.engagements == (c.causes.values.reduce(0, +)) + 1)
    }

    @Test func theSeedDecides() {
        #expect(Self.run(seed: 1, hours: 1, kmh: 60) == Self.run(seed: 1, hours: 1, kmh: 60))
        #expect(Self.run(seed: 1, hours: 1, kmh: 60) != Self.run(seed: 2, hours: 1, kmh: 60))
    }

    @Test func slowOrOffNeverEngages() {
        let slow = Self.run(seed: 4, hours: 1, kmh: 30)
        #expect(slow.engaged == 0 && slow.engagements == 0, "below 35 km/h ACC stays in standby")
        var model = DriverAssistanceModel(random: SimulationRandom(seed: 4))
        for k in 0..<100_000 { model.step(t: Double(k) * 0.01, dt: 0.01, ready: false, speedKmh: 60, brakePressed: false) }
        #expect(model.accState == 0 && model.aebState == 0, "ignition off: ACC and AEB off")
    }
}
