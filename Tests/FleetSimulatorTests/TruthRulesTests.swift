import Foundation
import Testing
@testable import FleetSimulator
import Telemetry

/// The truth's episode and trip rules are README.md's definitions: read from its
/// configuration table here, so that a change on either side fails until both agree.
@Suite struct TruthRulesTests {
    static let readme = CantoolsOracleTests.root.appendingPathComponent("README.md")

    func row(_ key: String) throws -> String {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        return try #require(text.split(separator: "\n").first { $0.hasPrefix("| `\(key)") }.map(String.init), "README row \(key)")
    }

    @Test func silenceIsTheReadmesDefinition() throws {
        let line = try row("health.timeout_factor")
        // "… / 5 / 20 | timeout gap; silent episode (gap > 5 cycles and > 1 s); …"
        #expect(line.contains("silent episode (gap > \(TruthRules.silentAfterCycles) cycles and > \(TruthRules.silentMinimumGapNs / 1_000_000_000) s)"), "\(line)")
        #expect(line.contains("| 2.0 / \(TruthRules.silentAfterCycles) / 20 |"), "\(line)")
        let cycle: Int64 = 100_000_000
        #expect(!TruthRules.isSilent(gapNs: 5 * cycle + 1, cycleNs: cycle))  // > 5 cycles but not > 1 s
        #expect(!TruthRules.isSilent(gapNs: 1_000_000_000, cycleNs: cycle))
        #expect(TruthRules.isSilent(gapNs: 1_000_000_001, cycleNs: cycle))
        #expect(!TruthRules.isSilent(gapNs: 2_500_000_000, cycleNs: 500_000_000))  // 5 cycles exactly
        #expect(TruthRules.isSilent(gapNs: 2_500_000_001, cycleNs: 500_000_000))
    }

    @Test func shortTripsAreTheReadmesMinimumDistance() throws {
        let line = try row("vehicles.<v>.trips.rule")
        #expect(line.contains("/ \(TruthRules.movingSpeedKmh) / 300s / \(TruthRules.tripMinimumDistanceKm) |"), "\(line)")
    }

    @Test func fastChargingIsTheReadmesThreshold() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("fast when its highest charging power exceeds \(Int(TruthRules.fastChargeAboveKW)) kW"))
        #expect(TruthRules.fastChargeAboveKW == Telemetry.ChargingSessionFigure.fastAboveKW)
    }
}
