import CANCore
import Testing
@testable import Telemetry

struct MultiVehicleTests {
    func configuration() -> TelemetryConfiguration {
        func vehicle(_ name: String, bus: String) -> VehicleConfiguration {
            VehicleConfiguration(
                name: name, buses: [BusConfiguration(interface: bus, rules: BusRules(bitrate: 250_000), messages: Fixture.messages())],
                rules: VehicleRules(
                    signals: SemanticMap(vehicleSpeed: SignalReference(bus: bus, message: "VCU_Status", signal: "VehicleSpeed")),
                    trips: TripRule(kind: .speed)))
        }
        return TelemetryConfiguration(vehicles: [vehicle("van01", bus: "can0"), vehicle("van02", bus: "can1")])
    }

    @Test func vehiclesAndBusesAreKeptApart() throws {
        let layout = try TelemetryLayout(configuration())
        #expect(layout.busIndex(interface: "can1") == 1 && layout.busIndex(interface: "vcan9") == nil)
        var aggregator = TelemetryAggregator(layout: layout)
        for i in 0...100 {
            let t = Int64(i) * 100 * Fixture.millisecond
            aggregator.ingest(Fixture.frame(t, id: 0x100, bus: "can0"), bus: 0, message: 0, values: [SignalSample(signal: 0, value: 36)])
            aggregator.ingest(Fixture.frame(t + 1, id: 0x100, bus: "can1"), bus: 1, message: 0, values: [SignalSample(signal: 0, value: 72)])
        }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let summaries = records.operations.filter { $0.scope == .vehicle }
        #expect(summaries.map(\.vehicle) == ["van01", "van02"])
        #expect(abs(summaries[0].distanceKm - 0.1) < 1e-12 && abs(summaries[1].distanceKm - 0.2) < 1e-12)
        #expect(summaries[1].frames == [NamedCount(name: "can1", count: 101)])
        let windows = records.signalWindows.filter { $0.windowLength == Fixture.second && $0.windowStart == 0 }
        #expect(windows.map { "\($0.vehicle)/\($0.bus)/\($0.mean)" } == ["van01/can0/36.0", "van02/can1/72.0"])
        #expect(records.busHealth.filter { $0.windowLength == Fixture.second && $0.windowStart == 0 }.map(\.bus) == ["can0", "can1"])
    }

    @Test func anInterfaceBelongsToOneVehicle() {
        var config = configuration()
        config.vehicles[1].buses[0].interface = "can0"
        #expect(throws: TelemetryConfigurationError(
            keyPath: "vehicles.van02.buses.can0", expected: "an interface used once in the file", found: "a second bus \"can0\"")
        ) { try TelemetryLayout(config) }
        config = configuration()
        config.vehicles[1].rules.signals.vehicleSpeed = SignalReference(bus: "can0", message: "VCU_Status", signal: "VehicleSpeed")
        #expect(throws: TelemetryConfigurationError.self) { try TelemetryLayout(config) }  // can0 is van01's
    }
}
