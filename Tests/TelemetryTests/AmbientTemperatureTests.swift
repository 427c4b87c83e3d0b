import Testing
@testable import Telemetry

/// The ambient temperature's time-weighted mean on samples at irregular times, with an
/// analytic answer: per day, across a gap, and nothing where the role is not mapped.
struct AmbientTemperatureTests {
    let s = Fixture.second

    /// The van fixture with its `MaxTemp` signal also mapped as the ambient temperature.
    func configuration(mapped: Bool) -> TelemetryConfiguration {
        var config = Fixture.configuration()
        if mapped { config.vehicles[0].rules.signals.ambientTemperature = SignalReference(bus: "can0", message: "BMS_Cells", signal: "MaxTemp") }
        return config
    }

    @Test func meanWeightsEachIntervalByItsLength() throws {
        var aggregator = try Fixture.aggregator(configuration(mapped: true))
        // 10 °C at 0 s, 10 °C at 1 s, 20 °C at 3 s (a linear rise over 2 s), 20 °C at 43 s,
        // then a 100 s hole (longer than the 60 s integration gap), 0 °C at 143 s and 0 °C at 153 s.
        // Integrated: 10·1 + 15·2 + 20·40 + 0·10 = 840 °C·s over 53 s. A sample mean would say 10.
        for (t, v) in [(0, 10.0), (1, 10), (3, 20), (43, 20), (143, 0), (153, 0)] as [(Int64, Double)] {
            aggregator.feed(t * s, message: 3, values: [0, 0, v, 0])
        }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let vehicle = try #require(records.operations.first { $0.scope == .vehicle })
        let mean = try #require(vehicle.ambientTemperature?.mean)
        #expect(abs(mean - 840.0 / 53) < 1e-12, "\(mean)")
        #expect(abs(try #require(records.operations.first { $0.scope == .day }?.ambientTemperature?.mean) - 840.0 / 53) < 1e-12)
        #expect(OperationsSummaryJSON.text(vehicle).contains("\"ambient_temp_c\":\(840.0 / 53)"))
        print("AmbientTemperatureTests: time-weighted mean \(mean) °C (sample mean 10 °C)")
    }

    @Test func oneSampleIsItsOwnMean() throws {
        var aggregator = try Fixture.aggregator(configuration(mapped: true))
        aggregator.feed(5 * s, message: 3, values: [0, 0, -7.5, 0])
        aggregator.finish()
        let vehicle = try #require(aggregator.takeRecords().operations.first { $0.scope == .vehicle })
        #expect(vehicle.ambientTemperature?.mean == -7.5)
    }

    @Test func unmappedGivesNoFigure() throws {
        var aggregator = try Fixture.aggregator(configuration(mapped: false))
        for t in 0...10 { aggregator.feed(Int64(t) * s, message: 3, values: [0, 0, 20, 0]) }
        aggregator.finish()
        let vehicle = try #require(aggregator.takeRecords().operations.first { $0.scope == .vehicle })
        #expect(vehicle.ambientTemperature == nil)
        #expect(!OperationsSummaryJSON.text(vehicle).contains("ambient"))
    }
}
