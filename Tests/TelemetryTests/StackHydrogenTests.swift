import Testing
@testable import Telemetry

/// Hydrogen from a stack current with an analytic integral: per scope, across a gap, and
/// nothing without the stack's cell count.
struct StackHydrogenTests {
    let ms = Fixture.millisecond

    /// The van fixture with its `MinCell` signal standing in for a stack current (A).
    func configuration(cells: Int?) -> TelemetryConfiguration {
        var config = Fixture.configuration()
        config.vehicles[0].rules.signals.fuelCellCurrent = SignalReference(bus: "can0", message: "BMS_Cells", signal: "MinCell")
        config.vehicles[0].rules.signals.fuelCellCells = cells
        return config
    }

    @Test func faradaysLawOverATrapezoidProfile() throws {
        var aggregator = try Fixture.aggregator(configuration(cells: 300))
        // 0 -> 200 A in 10 s, 200 A for 20 s, 200 -> 0 A in 10 s, then 0 A: 1000 + 4000 + 1000 = 6000 A·s.
        // A 90 s hole at 60 s (longer than the 60 s integration gap): the 100 A there are not counted.
        func amperes(_ t: Double) -> Double {
            t < 10 ? 20 * t : t < 30 ? 200 : t < 40 ? 200 - 20 * (t - 30) : t < 150 ? 0 : 100
        }
        for i in 0...1700 where !(600..<1500).contains(i) {
            aggregator.feed(Int64(i) * 100 * ms, message: 3, values: [amperes(Double(i) / 10), 0, 25, 0])
        }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let vehicle = try #require(records.operations.first { $0.scope == .vehicle })
        let day = try #require(records.operations.first { $0.scope == .day })
        // 6000 A·s + 20 s at 100 A after the hole (the first sample after it starts afresh).
        let expected = (6000.0 + 2000) * 300 * 2.01588e-3 / (2 * 96_485.33212)
        #expect(abs(vehicle.hydrogenKg! - expected) < 1e-12, "\(vehicle.hydrogenKg!) vs \(expected)")
        #expect(abs(day.hydrogenKg! - expected) < 1e-12)
        #expect(vehicle.hydrogenKgPer100km == nil, "no distance: no kg/100 km")
        print("StackHydrogenTests: \(vehicle.hydrogenKg!) kg for 8000 A·s through 300 cells")
    }

    @Test func noCellCountNoFigure() throws {
        var aggregator = try Fixture.aggregator(configuration(cells: nil))
        for i in 0...100 { aggregator.feed(Int64(i) * 100 * ms, message: 3, values: [150, 0, 25, 0]) }
        aggregator.finish()
        let vehicle = try #require(aggregator.takeRecords().operations.first { $0.scope == .vehicle })
        #expect(vehicle.hydrogenKg == nil)
        #expect(!OperationsSummaryJSON.text(vehicle).contains("hydrogen"))
    }
}
