import CANCore
import Testing
@testable import Telemetry

struct SignalWindowTests {
    struct Key: Hashable { var length: Int64; var start: Int64; var message: String; var signal: String }

    /// Random frames through the aggregator against a naive two-pass recomputation per window.
    /// Lengths that are multiples of the shortest (longer windows merged from the shortest)
    /// and lengths that are not (each window updated directly).
    static let cases: [(UInt64, [Int64])] = [
        (0x5EED_0001, [1_000_000_000, 250_000_000, 60_000_000_000]),
        (0xC0FF_EE42, [1_000_000_000, 60_000_000_000]),
        (7, [1_000_000_000, 1_500_000_000, 7_000_000_000]),
    ]

    @Test(arguments: cases)
    func statisticsMatchNaiveRecomputation(seed: UInt64, lengths: [Int64]) throws {
        print("SignalWindowTests seed: 0x\(String(seed, radix: 16)) lengths: \(lengths)")
        var rng = SplitMix64(seed: seed)
        var aggregator = try Fixture.aggregator(Fixture.configuration(windows: lengths))
        let messages = Fixture.messages()
        var t: Int64 = 1_700_000_000 * Fixture.second + Int64.random(in: 0..<Fixture.second, using: &rng)
        var samples: [(t: Int64, message: String, signal: String, value: Double)] = []
        for _ in 0..<3000 {
            t += Int64.random(in: 0...(30 * Fixture.millisecond), using: &rng)  // equal times happen too
            let m = Int.random(in: 0..<messages.count, using: &rng)
            let values = messages[m].signals.map { _ in Double.random(in: -1000...1000, using: &rng).rounded() / 8 }
            aggregator.feed(t, message: m, values: values)
            for (s, v) in values.enumerated() { samples.append((t, messages[m].name, messages[m].signals[s].name, v)) }
        }
        aggregator.finish()
        let windows = aggregator.takeRecords().signalWindows

        var groups: [Key: [(Int64, Double)]] = [:]
        for length in lengths {
            for s in samples {
                groups[Key(length: length, start: alignDown(s.t, to: length), message: s.message, signal: s.signal), default: []].append((s.t, s.value))
            }
        }
        #expect(windows.count == groups.count)
        var seen: Set<Key> = []
        for r in windows {
            let key = Key(length: r.windowLength, start: r.windowStart, message: r.message, signal: r.signal)
            #expect(seen.insert(key).inserted, "window emitted twice: \(key)")
            guard let group = groups[key] else {
                Issue.record("unexpected window \(key)")
                continue
            }
            let values = group.map(\.1)
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            #expect(r.count == values.count)
            #expect(r.minimum == values.min()!)
            #expect(r.maximum == values.max()!)
            #expect(r.last == values.last!)
            #expect(r.firstTime == group.first!.0 && r.lastTime == group.last!.0)
            #expect(abs(r.mean - mean) <= 1e-9 * max(1, abs(mean)), "\(key)")
            #expect(abs(r.standardDeviation - variance.squareRoot()) <= 1e-9 * max(1, variance.squareRoot()), "\(key)")
        }
    }

    @Test func windowsCloseOnEventTimeExactlyOnce() throws {
        var aggregator = try Fixture.aggregator(Fixture.configuration(windows: [Fixture.second]))
        let t0 = 100 * Fixture.second
        aggregator.feed(t0 + 100 * Fixture.millisecond, message: 0, values: [10, 1])
        aggregator.feed(t0 + 999 * Fixture.millisecond, message: 0, values: [20, 1])
        #expect(aggregator.takeRecords().signalWindows.isEmpty, "nothing closes before a frame at or after the end")
        aggregator.feed(t0 + Fixture.second, message: 0, values: [30, 1])  // exactly at the end: closes [t0, t0+1s)
        let first = aggregator.takeRecords().signalWindows
        #expect(first.count == 2)
        #expect(first.allSatisfy { $0.windowStart == t0 && $0.windowLength == Fixture.second })
        #expect(first.first { $0.signal == "VehicleSpeed" }?.mean == 15)
        // A frame in an already closed window is late: counted, not aggregated, nothing re-emitted.
        aggregator.feed(t0 + 500 * Fixture.millisecond, message: 0, values: [99, 1])
        aggregator.advance(to: t0 + 5 * Fixture.second)  // the injected clock closes the quiet window
        let second = aggregator.takeRecords()
        #expect(second.signalWindows.map(\.windowStart) == [t0 + Fixture.second, t0 + Fixture.second])
        #expect(second.signalWindows.first?.maximum == 30)
        #expect(second.busHealth.first?.lateFrames == 1)
        aggregator.finish()
        #expect(aggregator.takeRecords().signalWindows.isEmpty, "the empty open window emits nothing")
    }

    @Test func nonFiniteValuesAreSkipped() throws {
        var aggregator = try Fixture.aggregator(Fixture.configuration(windows: [Fixture.second]))
        aggregator.feed(0, message: 0, values: [.nan, 1])
        aggregator.feed(1, message: 0, values: [.infinity, 1])
        aggregator.feed(2, message: 0, values: [4, 1])
        aggregator.finish()
        let speed = aggregator.takeRecords().signalWindows.first { $0.signal == "VehicleSpeed" }
        #expect(speed?.count == 1 && speed?.mean == 4)
    }
}
