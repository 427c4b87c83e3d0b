@testable import Gateway
import Testing

/// Where a reload's swap waits: the first instant after the newest event that starts a
/// window of every length.
@Suite struct RunReloadBoundaryTests {
    static let second: Int64 = 1_000_000_000

    @Test func theDefaultWindowsSwapOnTheNextFullMinute() {
        let s = Self.second
        #expect(LiveGateway.windowBoundary(after: 61 * s + s / 2, lengths: [s, 60 * s]) == 120 * s)
        #expect(LiveGateway.windowBoundary(after: 120 * s, lengths: [s, 60 * s]) == 180 * s, "strictly after")
        #expect(LiveGateway.windowBoundary(after: 120 * s - 1, lengths: [s, 60 * s]) == 120 * s)
    }

    @Test func lengthsThatDoNotDivideEachOtherSwapOnTheirLeastCommonMultiple() {
        let s = Self.second
        #expect(LiveGateway.windowBoundary(after: 7 * s, lengths: [2 * s, 3 * s]) == 12 * s)
        #expect(LiveGateway.windowBoundary(after: 5 * s, lengths: [3 * s, 2 * s, 4 * s]) == 12 * s)
    }

    @Test func anOverflowingMultipleFallsBackToTheLongestWindow() {
        // Three primes near 1e9 ns: their product does not fit 64 bits.
        let lengths: [Int64] = [999_999_937, 999_999_929, 999_999_893]
        #expect(LiveGateway.windowBoundary(after: 5 * Self.second, lengths: lengths) == 6 * 999_999_937)
    }
}
