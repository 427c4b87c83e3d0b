import Testing
import CANCore
@testable import FleetSimulator

@Suite struct SmokeTests {
    @Test func vanRunsTwoMinutes() throws {
        let sim = try FleetSimulation(SimulationOptions(vehicle: .van, cycle: .cltcP, durationSeconds: 120, seed: 1))
        var count = 0
        var first: [CANFrame] = []
        let truth = sim.run { (frame: CANFrame) in
            count += 1
            if first.count < 5 { first.append(frame) }
        }
        print("frames", count)
        for f in first { print(f.timestamp, f.bus, String(f.id, radix: 16), f.bytes) }
        print(truth.json())
    }
}
