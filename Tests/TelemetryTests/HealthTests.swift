import CANCore
import Testing
@testable import Telemetry

struct HealthTests {
    let ms = Fixture.millisecond
    let s = Fixture.second

    /// VCU_Status (100 ms cycle) stops between 5.0 s and 8.0 s: one episode, its start within
    /// one cycle of the last frame before the outage and its end at the first frame after.
    @Test func silentMessageEpisodeStartsAndEndsWithinOneCycle() throws {
        var aggregator = try Fixture.aggregator()
        let base = 1_000 * s
        var t = base
        while t < base + 12 * s {
            let offset = t - base
            if offset < 5 * s || offset >= 8 * s { aggregator.feed(t, message: 0, values: [0, 0]) }
            aggregator.feed(t + 3 * ms, message: 1, values: [400, 0, 80, 0])  // BMS keeps talking
            t += 100 * ms
        }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let episodes = records.silentEpisodes
        #expect(episodes.count == 1)
        let episode = try #require(episodes.first)
        #expect(episode.message == "VCU_Status" && episode.bus == "can0" && episode.vehicle == "van01" && !episode.open)
        #expect(abs(episode.start - (base + 5 * s)) <= 100 * ms)
        #expect(episode.end == base + 8 * s)
        let health = records.messageHealth.filter { $0.message == "VCU_Status" && $0.windowLength == s }
        #expect(health.filter(\.silent).map { ($0.windowStart - base) / s } == [5, 6, 7])
        #expect(health.map(\.timeouts).reduce(0, +) == 1)
        let summary = try #require(records.operations.first { $0.scope == .vehicle })
        #expect(summary.silentMessages == [episode])
    }

    @Test func silentAtTheEndOfInputIsAnOpenEpisode() throws {
        var aggregator = try Fixture.aggregator()
        for i in 0..<100 {
            let t = Int64(i) * 100 * ms
            if i < 40 { aggregator.feed(t, message: 0, values: [0, 0]) }
            aggregator.feed(t + ms, message: 1, values: [400, 0, 80, 0])
        }
        aggregator.finish()
        let episodes = aggregator.takeRecords().silentEpisodes
        #expect(episodes == [SilentEpisode(vehicle: "van01", bus: "can0", message: "VCU_Status", start: 4000 * ms, end: 9901 * ms, open: true)])
    }

    @Test func rateJitterAndLearnedPeriod() throws {
        var aggregator = try Fixture.aggregator()  // BMS_Cells has no cycle time: learned
        var rng = SplitMix64(seed: 42)
        print("HealthTests jitter seed: 42")
        for i in 0..<300 {
            let jitter = Int64.random(in: -2...2, using: &rng) * ms
            aggregator.feed(Int64(i) * 50 * ms + 10 * ms + jitter, message: 3, values: [3.3, 3.4, 30, 0])
        }
        aggregator.finish()
        let health = aggregator.takeRecords().messageHealth.filter { $0.windowLength == s }
        let full = health.dropFirst().dropLast()
        #expect(full.allSatisfy { $0.frames == 20 && $0.rate == 20 })
        #expect(full.allSatisfy { $0.periodSource == .learned && abs($0.expectedPeriod - 50 * ms) <= ms })
        #expect(full.allSatisfy { abs($0.meanPeriod - 0.05) < 0.001 && $0.periodJitter > 0 && $0.periodJitter < 0.003 })
        #expect(health.allSatisfy { $0.timeouts == 0 && !$0.silent })
    }

    @Test func counterAndChecksumFailures() throws {
        let rules = ["EHB_Status": MessageRules(
            counter: CounterRule(signal: "Counter"), checksum: ChecksumRule(signal: "Checksum", algorithm: .crc8SAEJ1850))]
        var aggregator = try Fixture.aggregator(Fixture.configuration(rules: rules))
        var counter = 0
        var expectedCounterErrors = 0, expectedChecksumErrors = 0
        for i in 0..<100 {
            if i == 30 { counter = (counter + 3) % 16; expectedCounterErrors += 1 }  // a jump
            var bytes: [UInt8] = [UInt8(i), 0, 0, 0, 0, 0, UInt8(counter), 0]
            bytes[7] = ChecksumAlgorithm.crc8SAEJ1850.checksum(Array(bytes[0..<7]))
            if i % 25 == 7 { bytes[7] ^= 0x01; expectedChecksumErrors += 1 }
            aggregator.feed(Int64(i) * 20 * ms, message: 2, values: [Double(i) * 0.1, Double(counter), Double(bytes[7])], bytes: bytes)
            counter = (counter + 1) % 16
        }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let health = records.messageHealth.filter { $0.message == "EHB_Status" && $0.windowLength == s }
        #expect(health.map(\.counterErrors).reduce(0, +) == expectedCounterErrors)
        #expect(health.map(\.checksumErrors).reduce(0, +) == expectedChecksumErrors)
        let summary = try #require(records.operations.first { $0.scope == .vehicle })
        #expect(summary.checksumErrors == expectedChecksumErrors && summary.counterErrors == expectedCounterErrors)
    }

    /// 8-byte standard frames at 500 kbit/s: 111 bits (135 worst case) each.
    @Test func busLoadFramesPerSecondAndErrorClasses() throws {
        var aggregator = try Fixture.aggregator()
        for i in 0..<1000 { aggregator.feed(Int64(i) * ms, message: 1, values: [400, 0, 80, 0]) }
        let errorFrame = CANFrame(
            timestamp: CANTimestamp(totalNanoseconds: 500 * ms), bus: "can0", id: 0x40 | 0x200, kind: .error, length: 8,
            data: CANPayload([0, 0, 0, 0, 0, 0, 128, 96]))
        aggregator.ingest(errorFrame, bus: 0, message: nil, values: EmptyCollection())
        aggregator.ingest(Fixture.frame(600 * ms, id: 0x7FF), bus: 0, message: nil, values: EmptyCollection())
        aggregator.advance(to: s)
        #expect(aggregator.summary(vehicle: 0).errorFrames == [NamedCount(name: "can0", count: 1)])
        #expect(aggregator.summary(vehicle: 0).frames == [NamedCount(name: "can0", count: 1001)])
        let bus = try #require(aggregator.takeRecords().busHealth.first)
        #expect(bus.frames == 1001 && bus.framesPerSecond == 1001 && bus.unknownFrames == 1)
        #expect(abs(bus.busLoadPercent - 1001 * 111.0 / 500_000 * 100) < 1e-9)
        #expect(abs(bus.busLoadWorstCasePercent - 1001 * 135.0 / 500_000 * 100) < 1e-9)
        #expect(bus.errorFrames == 1)
        #expect(bus.maxTxErrorCount == 128 && bus.maxRxErrorCount == 96)
        let names = CANErrorClass.named.map(\.1)
        #expect(bus.errorFramesByClass[names.firstIndex(of: "bus-off")!] == 1)
        #expect(bus.errorFramesByClass[names.firstIndex(of: "error-counter-tx-rx")!] == 1)
        #expect(bus.errorFramesByClass.reduce(0, +) == 2)
    }

    @Test func busOffEpisodes() throws {
        var aggregator = try Fixture.aggregator()
        func error(_ t: Int64, _ classes: UInt32) {
            let frame = CANFrame(timestamp: CANTimestamp(totalNanoseconds: t), bus: "can0", id: classes, kind: .error, length: 8)
            aggregator.ingest(frame, bus: 0, message: nil, values: EmptyCollection())
        }
        error(1 * s, 0x40)  // bus-off
        error(1 * s + 1 * ms, 0x40)  // still bus-off
        error(3 * s, 0x100)  // restarted
        error(5 * s, 0x40)
        aggregator.feed(5 * s + 500 * ms, message: 0, values: [0, 0])  // frames again: the bus is back
        error(8 * s, 0x40 | 0x200)
        aggregator.feed(7 * s, message: 0, values: [0, 0])  // late (before the open window): ignored
        aggregator.advance(to: 9 * s)
        aggregator.finish()
        let episodes = aggregator.takeRecords().faultEpisodes
        let expected: [(Int64, Int64, Bool)] = [(1 * s, 3 * s, false), (5 * s, 5 * s + 500 * ms, false), (8 * s, 8 * s, true)]
        #expect(episodes.map { ($0.start, $0.end, $0.open) }.elementsEqual(expected) { $0 == $1 })
        #expect(episodes.allSatisfy { $0.kind == "bus_off" && $0.target == "can0" && $0.level == 3 })
    }

    @Test func decodeFailuresAreCountedNotAggregated() throws {
        var aggregator = try Fixture.aggregator()
        aggregator.ingest(Fixture.frame(0, id: 0x100, bytes: [1]), bus: 0, message: 0, decodeFailed: true, values: EmptyCollection())
        aggregator.advance(to: s)
        let records = aggregator.takeRecords()
        #expect(records.signalWindows.isEmpty)
        #expect(records.messageHealth.first { $0.message == "VCU_Status" }?.decodeErrors == 1)
        #expect(records.busHealth.first?.decodeErrors == 1)
    }

    @Test func unresolvedNamesNameTheirKeyPath() {
        var config = Fixture.configuration()
        config.vehicles[0].rules.signals.vehicleSpeed = SignalReference(bus: "can0", message: "VCU_Status", signal: "VehSpd")
        #expect(throws: TelemetryConfigurationError(
            keyPath: "vehicles.van01.signals.vehicle_speed.signal", expected: "a signal of VCU_Status on can0", found: "\"VehSpd\"")
        ) { try TelemetryLayout(config) }
        config = Fixture.configuration(rules: ["EHB_Status": MessageRules(checksum: ChecksumRule(signal: "BrakePressure", algorithm: .xor8))])
        #expect(throws: TelemetryConfigurationError.self) { try TelemetryLayout(config) }
        config = Fixture.configuration()
        config.vehicles[0].rules.signals.soc = SignalReference(bus: "can9", message: "BMS_Pack", signal: "SOC")
        do {
            _ = try TelemetryLayout(config)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "vehicles.van01.signals.soc.bus: expected a bus of vehicle van01, found \"can9\"")
        }
    }
}
