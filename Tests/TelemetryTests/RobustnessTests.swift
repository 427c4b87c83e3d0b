import CANCore
import Testing
@testable import Telemetry

/// Hostile input never traps: out-of-order and equal timestamps, error frames of any class,
/// unknown ids, decode failures, non-finite and huge values, time jumps of hours.
struct RobustnessTests {
    @Test(arguments: [UInt64(1), 0xBAD_F00D])
    func randomHostileInput(seed: UInt64) throws {
        print("RobustnessTests seed: 0x\(String(seed, radix: 16))")
        var rng = SplitMix64(seed: seed)
        let rules = ["EHB_Status": MessageRules(counter: CounterRule(signal: "Counter", modulus: 16), checksum: ChecksumRule(signal: "Checksum", algorithm: .sum8))]
        var aggregator = try Fixture.aggregator(Fixture.configuration(rules: rules, dayOffset: -5 * 3600))
        let specials: [Double] = [.nan, .infinity, -.infinity, 1e308, -1e308, 0, -0.0, 3.5]
        var t: Int64 = 86_400 * Fixture.second - 10 * Fixture.second
        var late = 0  // late frames counted in closed windows
        for _ in 0..<20_000 {
            switch Int.random(in: 0..<100, using: &rng) {
            case 0: t += Int64.random(in: 0...(4 * 3_600), using: &rng) * Fixture.second  // a long gap
            case 1...5: t -= Int64.random(in: 0...(3 * Fixture.second), using: &rng)  // out of order
            default: t += Int64.random(in: 0...(5 * Fixture.millisecond), using: &rng)
            }
            let bytes = (0..<Int.random(in: 0...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:
                let frame = CANFrame(timestamp: CANTimestamp(totalNanoseconds: t), bus: "can0", id: UInt32.random(in: 0...0x3FF, using: &rng), kind: .error, length: 8)
                aggregator.ingest(frame, bus: 0, message: nil, values: EmptyCollection())
            case 1:
                aggregator.ingest(Fixture.frame(t, id: 0x7FF, bytes: bytes), bus: 0, message: nil, values: EmptyCollection())
            case 2:
                aggregator.ingest(Fixture.frame(t, id: 0x100, bytes: bytes), bus: 0, message: Int.random(in: 0..<4, using: &rng), decodeFailed: true, values: EmptyCollection())
            default:
                let m = Int.random(in: 0..<4, using: &rng)
                let count = Fixture.messages()[m].signals.count
                let values = (0..<count).map { i in
                    SignalSample(signal: i, value: Bool.random(using: &rng) ? specials.randomElement(using: &rng)! : Double.random(in: -500...500, using: &rng))
                }
                aggregator.ingest(Fixture.frame(t, id: 0x100, bytes: bytes), bus: 0, message: m, values: values)
            }
            if Int.random(in: 0..<500, using: &rng) == 0 { aggregator.advance(to: t + Int64.random(in: -Fixture.second...Fixture.second, using: &rng)) }
            late += aggregator.takeRecords().busHealth.map(\.lateFrames).reduce(0, +)
        }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let summary = try #require(records.operations.first { $0.scope == .vehicle })
        #expect(summary.frames.first!.count > 0 && late > 0)
        // Non-finite figures (from ±1e308 samples) are written as null, never as invalid JSON.
        let json = OperationsSummaryJSON.text(summary)
        #expect(!json.contains("nan") && !json.contains("inf"))
    }
}
