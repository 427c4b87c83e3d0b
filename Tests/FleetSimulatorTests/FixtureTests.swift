import Testing
import CANCapture
import CANCore
@testable import FleetSimulator

/// The committed fixture is what the simulator writes today (see Fixtures/captures/fleet/README.md).
@Suite struct FixtureTests {
    static let directory = FleetDBCTests.fixtureDirectory + "/../../captures/fleet/van-cltc-p"

    @Test func vanFixtureIsReproducible() throws {
        let simulation = try FleetSimulation(SimulationOptions(vehicle: .van, cycle: .cltcP, durationSeconds: 180, seed: 1))
        var generated: [CANFrame] = []
        let truth = simulation.run { (frame: CANFrame) in generated.append(frame) }
        let reader = try CaptureReader(path: Self.directory + "/capture.log.gz", strict: true)
        var committed: [CANFrame] = []
        while let f = try reader.next() { committed.append(f) }
        #expect(committed.count == generated.count)
        let same = committed == generated
        #expect(same, "regenerate the fleet fixtures with the commands in Fixtures/captures/fleet/README.md")
        let truthOnDisk = try SimulatedCapture.read(Self.directory + "/truth.json")
        #expect(truthOnDisk == Array(truth.json().utf8))
        let configOnDisk = try SimulatedCapture.read(Self.directory + "/candor.yaml")
        #expect(configOnDisk == Array(BundleConfig.yaml(for: simulation.definition).utf8))
    }
}
