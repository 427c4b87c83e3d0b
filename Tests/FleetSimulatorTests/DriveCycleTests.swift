import Testing
import Glibc
@testable import FleetSimulator

@Suite struct DriveCycleTests {
    let style = FleetVehicle.van.definition.style

    @Test func cltcPFollowsItsPhaseTable() {
        let cycle = PhaseTables.cltcP(style: style)
        #expect(cycle.duration == 1800)
        let low = cycle.speedsKmh[0...674].max()!, medium = cycle.speedsKmh[674...1367].max()!, high = cycle.speedsKmh[1367...].max()!
        #expect(low <= 48.1 && low > 45)
        #expect(medium <= 71.2 && medium > 65)
        #expect(high == 114)
        print("CLTC-P approximation: \(cycle.distanceKm) km")
        #expect(abs(cycle.distanceKm - 14.48) < 1.5)
    }

    @Test func cWTVCFollowsItsPhaseTable() {
        let cycle = PhaseTables.cWTVC(style: FleetVehicle.bus.definition.style)
        #expect(cycle.duration == 1800)
        #expect(cycle.speedsKmh[0...900].max()! <= 66.2)
        #expect(cycle.speedsKmh[900...1368].max()! <= 73.5)
        #expect(cycle.speedsKmh[1368...].max()! == 87.8)
        print("C-WTVC approximation: \(cycle.distanceKm) km")
    }

    @Test(arguments: DriveCycle.allCases)
    func tracesHaveTheAskedLengthAndEndStopped(cycle: DriveCycle) {
        for seconds in [30, 61, 1234] {
            let t = cycle.trace(seconds: seconds, style: style, chargerPowerKW: 6, random: SimulationRandom(seed: 5))
            #expect(t.duration == seconds)
            #expect(t.speedsKmh.last == 0 || seconds < 60)
            #expect(t.speedsKmh.allSatisfy { $0 >= 0 && $0 <= 120 })
        }
    }

    @Test func steeringManoeuvresReturnToCentre() {
        for shape in [SteeringManoeuvre.Shape.turn, .laneChange] {
            let m = SteeringManoeuvre(start: 10, duration: 5, peakDegrees: 90, shape: shape)
            #expect(m.angleAndRate(at: 10).angle == 0)
            #expect(abs(m.angleAndRate(at: 14.999).angle) < 0.01)
            // The rate is the angle's derivative.
            let h = 1e-5
            let numeric = (m.angleAndRate(at: 12.3 + h).angle - m.angleAndRate(at: 12.3 - h).angle) / (2 * h)
            #expect(abs(numeric - m.angleAndRate(at: 12.3).rate) < 1e-4)
        }
    }

    @Test func ourSineMatchesTheLibrary() {
        var x = -20.0
        while x < 20 {
            #expect(abs(x.sin - Glibc.sin(x)) < 1e-10)
            #expect(abs(x.cos - Glibc.cos(x)) < 1e-10)
            x += 0.0137
        }
    }
}
