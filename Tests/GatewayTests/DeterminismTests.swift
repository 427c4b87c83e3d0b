import FleetSimulator
import Gateway
import Telemetry
import Testing

/// Two replays of the same inputs give the same records in the same order, byte-identical
/// JSON lines and line protocol, the same rows in SQLite, and the same summary bytes.
@Suite struct DeterminismTests {
    @Test func twoReplaysGiveIdenticalOutputs() throws {
        let options = SimulationOptions(
            vehicle: .van, cycle: .urban, durationSeconds: 40, seed: 21,
            faults: [try FaultSpec(parsing: "silent-ecu:MCU@10+5"), try FaultSpec(parsing: "bad-checksum@20+1")])
        let bundle = try SimulatedBundle(options, name: "determinism")
        var outputs: [(records: [TelemetryRecord], jsonl: [UInt8], lineProtocol: [UInt8], rows: [String], summary: String)] = []
        for run in 0..<2 {
            let out = bundle.directory + "/run\(run)"
            let sinks = try SinkSet(SinkSettings(sqlitePath: out + ".db", jsonlPath: out + ".jsonl", lineProtocolPath: out + ".lp"))
            let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
            var records: [TelemetryRecord] = []
            let result = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [bundle.capture])) {
                records += $0
                try sinks.write($0)
            }
            try sinks.close()
            outputs.append((records, try TestFile.read(out + ".jsonl"), try TestFile.read(out + ".lp"),
                            try StoreRows.dump(out + ".db"), ReplaySummary.json(result.summaries)))
        }
        let (a, b) = (outputs[0], outputs[1])
        #expect(a.records.count > 1000)
        #expect(a.records == b.records)
        #expect(a.jsonl == b.jsonl)
        #expect(a.lineProtocol == b.lineProtocol)
        #expect(a.rows == b.rows)
        #expect(a.summary == b.summary)
        print("determinism: \(a.records.count) records, \(a.jsonl.count) JSONL bytes, \(a.lineProtocol.count) line-protocol bytes, \(a.rows.count) store rows")
    }
}
