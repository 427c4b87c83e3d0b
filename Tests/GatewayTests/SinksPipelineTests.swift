import CANCore
import CANDatabase
import Foundation
@testable import Telemetry
import Testing
@testable import Gateway

/// Records from the real aggregator, through all three sinks: every record stored once,
/// and two runs give the same bytes and the same rows.
@Suite struct SinksPipelineTests {
    static let seed: UInt64 = 4242

    /// 3 messages at 10 ms / 20 ms / 100 ms on one bus for 130 s of event time, with a
    /// silent gap in the middle, random payloads (seeded).
    static func run(into directory: String) throws -> [TelemetryRecord] {
        var messages: [Message] = []
        for (m, cycle) in [10, 20, 100].enumerated() {
            let signals = (0..<4).map { Signal(name: "S\(m)_\($0)", startBit: $0 * 16, length: 16, factor: .real(0.1)) }
            messages.append(Message(id: UInt32(0x100 + m), name: "M\(m)", length: 8, signals: signals, cycleTime: cycle))
        }
        let plan = DecodePlan(Database(messages: messages))
        let bus = BusConfiguration(interface: "can0", rules: BusRules(bitrate: 500_000), plan: plan)
        let layout = try TelemetryLayout(TelemetryConfiguration(vehicles: [VehicleConfiguration(name: "v1", buses: [bus])]))
        var aggregator = TelemetryAggregator(layout: layout)
        var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
        var rng = SplitMix64(seed: seed)
        let sinks: [MetricSink] = [
            try SQLiteStore(path: directory + "/m.db"),
            try JSONLinesSink(path: directory + "/m.jsonl", mode: .truncate),
            try LineProtocolSink(path: directory + "/m.lp", mode: .truncate),
        ]
        var all: [TelemetryRecord] = []
        let t0: Int64 = 1_700_000_000_000_000_000
        for tick in 0..<13_000 {  // 10 ms ticks
            let t = t0 + Int64(tick) * 10_000_000
            for (m, every) in [1, 2, 10].enumerated() where tick % every == 0 {
                if m == 2 && (5_000..<6_000).contains(tick) { continue }  // M2 silent for 10 s
                let bytes = (0..<8).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let frame = CANFrame(timestamp: CANTimestamp(totalNanoseconds: t, fractionDigits: 6), bus: "can0",
                                     id: UInt32(0x100 + m), bytes: bytes)
                let outcome = plan.decode(frame, into: &values)
                aggregator.ingest(frame, bus: 0, outcome: outcome, values: values)
            }
            if tick % 100 == 99 {
                let records = aggregator.takeRecords()
                all += records
                for sink in sinks { try sink.write(records) }
            }
        }
        aggregator.finish()
        let records = aggregator.takeRecords()
        all += records
        for sink in sinks {
            try sink.write(records)
            try sink.close()
        }
        return all
    }

    @Test func aggregatorRecordsThroughEverySinkTwice() throws {
        print("SinksPipelineTests seed \(Self.seed)")
        let a = SinksFixtures.directory("pipeA"), b = SinksFixtures.directory("pipeB")
        let records = try Self.run(into: a)
        _ = try Self.run(into: b)

        func count(_ kind: (TelemetryRecord) -> Bool) -> Int64 { Int64(records.filter(kind).count) }
        let windows = count { if case .signalWindow = $0 { true } else { false } }
        // 12 signals × 130 one-second windows, less M2's 4 signals × 10 silent seconds, plus
        // 12 × 3 sixty-second windows (the 130 s start at :20 of a minute and span three).
        #expect(windows == 12 * 130 - 4 * 10 + 12 * 3)
        #expect(try StoreReader.count(a + "/m.db", "signal_window") == windows)
        #expect(try StoreReader.count(a + "/m.db", "message_health") == count { if case .messageHealth = $0 { true } else { false } })
        #expect(try StoreReader.count(a + "/m.db", "bus_health") == count { if case .busHealth = $0 { true } else { false } })
        #expect(try StoreReader.count(a + "/m.db", "silent_episode") == 1)
        #expect(try StoreReader.rows(a + "/m.db", "SELECT message FROM silent_episode") == [["M2"]])

        let jsonl = FileManager.default.contents(atPath: a + "/m.jsonl")!
        #expect(jsonl == FileManager.default.contents(atPath: b + "/m.jsonl"))
        #expect(FileManager.default.contents(atPath: a + "/m.lp") == FileManager.default.contents(atPath: b + "/m.lp"))
        #expect(String(decoding: jsonl, as: UTF8.self).split(separator: "\n").count == records.count)
        #expect(try StoreDump.text(path: a + "/m.db") == StoreDump.text(path: b + "/m.db"))
    }
}
