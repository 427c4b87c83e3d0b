import CANCore
import CANDatabase
import Testing
@testable import Telemetry

/// Frames encoded and decoded with the real `DecodePlan`, fed through the plan adapter.
struct DecodePlanInputTests {
    @Test func decodedFramesFeedWindowsAndFigures() throws {
        let plan = DecodePlan(Database(messages: Fixture.messages()))
        var config = Fixture.configuration(rules: [
            "EHB_Status": MessageRules(counter: CounterRule(signal: "Counter"), checksum: ChecksumRule(signal: "Checksum", algorithm: .crc8SAEJ1850)),
        ])
        config.vehicles[0].buses = [BusConfiguration(interface: "can0", rules: config.vehicles[0].buses[0].rules, plan: plan)]
        var aggregator = TelemetryAggregator(layout: try TelemetryLayout(config))
        var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
        let vcu = try #require(plan.messageIndex(named: "VCU_Status"))
        let ehb = try #require(plan.messageIndex(named: "EHB_Status"))
        for i in 0..<100 {
            let t = Int64(i) * 10 * Fixture.millisecond
            var frame = try plan.encode(messageIndex: vcu, physical: ["VehicleSpeed": 36, "Ready": 1])
            frame.timestamp = CANTimestamp(totalNanoseconds: t)
            frame.bus = "can0"
            aggregator.ingest(frame, bus: 0, outcome: plan.decode(frame, into: &values), values: values)

            var brake = try plan.encode(messageIndex: ehb, physical: ["BrakePressure": Double(i % 50), "Counter": Double(i % 16), "Checksum": 0])
            let checksum = brake.data.withUnsafeBytes { ChecksumAlgorithm.crc8SAEJ1850.checksum($0, count: 8, skipping: 7) }
            brake.data[7] = i == 42 ? checksum ^ 0xFF : checksum
            brake.timestamp = CANTimestamp(totalNanoseconds: t + 5 * Fixture.millisecond)
            aggregator.ingest(brake, bus: 0, outcome: plan.decode(brake, into: &values), values: values)
        }
        let short = CANFrame(timestamp: CANTimestamp(totalNanoseconds: 999 * Fixture.millisecond), bus: "can0", id: 0x100, bytes: [1, 2])
        aggregator.ingest(short, bus: 0, outcome: plan.decode(short, into: &values), values: values)
        aggregator.finish()
        let records = aggregator.takeRecords()
        let speed = try #require(records.signalWindows.first { $0.signal == "VehicleSpeed" && $0.windowLength == Fixture.second })
        #expect(speed.count == 100 && speed.mean == 36 && speed.standardDeviation == 0)
        let health = try #require(records.messageHealth.first { $0.message == "EHB_Status" && $0.windowLength == Fixture.second })
        #expect(health.checksumErrors == 1 && health.counterErrors == 0 && health.frames == 100)
        #expect(records.messageHealth.first { $0.message == "VCU_Status" && $0.windowLength == Fixture.second }?.decodeErrors == 1)
        let summary = try #require(records.operations.first { $0.scope == .vehicle })
        #expect(abs(summary.distanceKm - 36 * 0.99 / 3600) < 1e-12)
        #expect(summary.brakeApplications == 2 && summary.frames == [NamedCount(name: "can0", count: 201)])
    }
}
