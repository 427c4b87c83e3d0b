import Testing
@testable import Plot

@Suite struct TicksTests {
    @Test(arguments: [
        // (lo, hi, expected ticks) for about 5 intervals
        (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0.0, 10.0, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
        (0.0, 100.0, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]),
        (3.0, 97.0, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]),
        (-7.0, 13.0, [-10.0, -5.0, 0.0, 5.0, 10.0, 15.0]),
        (0.3, 0.71, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
        (12.5, 34.25, [10.0, 15.0, 20.0, 25.0, 30.0, 35.0]),
        (1000.0, 1003.0, [1000.0, 1000.5, 1001.0, 1001.5, 1002.0, 1002.5, 1003.0]),
        (-1e-3, 2e-3, [-0.001, -0.0005, 0.0, 0.0005, 0.001, 0.0015, 0.002]),
        (15.0, 177.0, [0.0, 50.0, 100.0, 150.0, 200.0]),
    ])
    func niceRanges(lo: Double, hi: Double, expected: [Double]) {
        let ticks = Ticks.nice(lo, hi)
        #expect(ticks.values == expected)
        #expect(ticks.lower <= lo && ticks.upper >= hi)
    }

    @Test func labelsHaveJustEnoughDecimals() {
        #expect(Ticks.nice(0, 1).labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(Ticks.nice(0, 100).labels == ["0", "20", "40", "60", "80", "100"])
        #expect(Ticks.nice(-1e-3, 2e-3).labels.first == "-0.0010")
        #expect(Ticks.nice(1000, 1003).labels[1] == "1000.5")
    }

    @Test func degenerateExtents() {
        // Zero span around a value, around zero; one point; nothing finite at all.
        #expect(Ticks.extent(of: [5]).values == [4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6])
        #expect(Ticks.extent(of: [0, 0, 0]).values == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Ticks.extent(of: [2, 4], padding: 0.25).values == [1.5, 2, 2.5, 3, 3.5, 4, 4.5])
        #expect(Ticks.extent(of: []).values == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Ticks.extent(of: [.nan, .infinity, -.infinity]).values == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Ticks.extent(of: [.nan, 3, .infinity, 7]).values == [3, 4, 5, 6, 7])
        #expect(Ticks.extent(of: [-2], includeZero: true).values == [-2, -1.5, -1, -0.5, 0])
        #expect(Ticks.nice(9, 1).values == [0, 2, 4, 6, 8, 10])
    }

    @Test func extremeMagnitudesNeverGiveNonFiniteAxes() {
        let cases: [(Double, Double)] = [
            (-1e308, 1e308), (0, .greatestFiniteMagnitude), (1e9, 1e9 + 1e-7), (.leastNonzeroMagnitude, 2 * .leastNonzeroMagnitude),
            (-Double.greatestFiniteMagnitude, -1e300), (1e15, 1e15 + 1), (-0.0, 0.0), (1e-300, 1e-300),
        ]
        for (lo, hi) in cases {
            let t = Ticks.nice(lo, hi)
            #expect(t.values.count >= 2, "\(lo) \(hi)")
            #expect(t.values.allSatisfy { $0.isFinite }, "\(lo) \(hi)")
            #expect(zip(t.values, t.values.dropFirst()).allSatisfy { $0 < $1 }, "\(lo) \(hi)")
            #expect(t.lower.isFinite && t.upper.isFinite && t.lower < t.upper, "\(lo) \(hi)")
            #expect(!t.labels.contains { $0.contains("nan") || $0.contains("inf") }, "\(lo) \(hi)")
        }
    }

    @Test func manyRangesAreOrderedCoveringAndNotTooMany() {
        // A deterministic sweep (SplitMix-like LCG, seed printed) of magnitudes 1e-6…1e9.
        var state: UInt64 = 20_261_206
        print("TicksTests sweep seed 20261206")
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<2000 {
            let magnitude = pow(10, (next() * 15 - 6).rounded())
            let a = (next() * 2 - 1) * magnitude, b = a + next() * magnitude
            let t = Ticks.nice(a, b)
            #expect(t.values.count >= 2 && t.values.count <= 23, "\(a) \(b)")
            #expect(t.lower <= min(a, b) && t.upper >= max(a, b), "\(a) \(b)")
            #expect(Set(t.labels).count == t.labels.count, "labels collide for \(a) \(b): \(t.labels)")
        }
    }

    @Test func numberText() {
        #expect(NumberText.format(2.5, decimals: 1) == "2.5")
        #expect(NumberText.format(-0.04, decimals: 1) == "0.0")
        #expect(NumberText.format(-1.26, decimals: 1) == "-1.3")
        #expect(NumberText.format(0.005, decimals: 3) == "0.005")
        #expect(NumberText.format(1234567.891, decimals: 2) == "1234567.89")
        #expect(NumberText.format(.nan, decimals: 2) == "–")
        #expect(NumberText.format(nil, decimals: 2) == "–")
        #expect(NumberText.coordinate(12.50) == "12.5")
        #expect(NumberText.coordinate(-0.001) == "0")
        #expect(NumberText.coordinate(.infinity) == "0")
    }
}

#if canImport(Glibc)
import Glibc
#endif
