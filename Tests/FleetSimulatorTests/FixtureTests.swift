import Testing
import CANCapture
import CANCore
@testable import FleetSimulator

/// The committed fixture is what the simulator writes today (see Fixtures/captures/fleet/README.md).
@Suite struct FixtureTests {
    static let directory = FleetDBCTests.fixtureDirectory + "/../../captures/fleet"

    /// `van-cltc-p`, and `van-charging-stops` (the bundle with a DC fast and an AC charge).
    @Test(arguments: [("van-cltc-p", DriveCycle.cltcP, 180), ("van-charging-stops", .chargingStops, 240)])
    func vanFixtureIsReproducible(bundle: String, cycle: DriveCycle, seconds: Int) throws {
        let directory = Self.directory + "/" + bundle
        let simulation = try FleetSimulation(SimulationOptions(vehicle: .van, cycle: cycle, durationSeconds: seconds, seed: 1))
        var generated: [CANFrame] = []
        let truth = simulation.run { (frame: CANFrame) in generated.append(frame) }
        let reader = try CaptureReader(path: directory + "/capture.log.gz", strict: true)
        var committed: [CANFrame] = []
        while let f = try reader.next() { committed.append(f) }
        #expect(committed.count == generated.count)
        let same = committed == generated
        #expect(same, "regenerate the fleet fixtures with the commands in Fixtures/captures/fleet/README.md")
        let truthOnDisk = try SimulatedCapture.read(directory + "/truth.json")
        #expect(truthOnDisk == Array(truth.json().utf8))
        let configOnDisk = try SimulatedCapture.read(directory + "/candor.yaml")
        #expect(configOnDisk == Array(BundleConfig.yaml(for: simulation.definition).utf8))
        // The track, gzip'd after `candor simulate` wrote it (the README's commands).
        let trackOnDisk = try Deflate.gunzip(try SimulatedCapture.read(directory + "/track.nmea.gz"), limit: 1 << 20, name: "track.nmea.gz")
        #expect(trackOnDisk == Array(SimulationBundle.track(simulation, truth).text.utf8))
    }
}
