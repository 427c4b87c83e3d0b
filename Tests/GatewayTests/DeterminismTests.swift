import FleetSimulator
import Gateway
import Telemetry
import Testing

/// Two replays of the same inputs give the same records in the same order, and the same
/// summary bytes.
@Suite struct DeterminismTests {
    @Test func twoReplaysGiveIdenticalRecordsAndSummaries() throws {
        let options = SimulationOptions(
            vehicle: .van, cycle: .urban, durationSeconds: 40, seed: 21,
            faults: [try FaultSpec(parsing: "silent-ecu:MCU@10+5"), try FaultSpec(parsing: "bad-checksum@20+1")])
        let bundle = try SimulatedBundle(options, name: "determinism")
        let first = try bundle.replay()
        let second = try bundle.replay()
        #expect(first.records.count > 1000)
        #expect(first.records == second.records)
        #expect(ReplaySummary.json(first.result.summaries) == ReplaySummary.json(second.result.summaries))
    }
}
