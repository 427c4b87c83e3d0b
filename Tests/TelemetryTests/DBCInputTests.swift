import CANCore
import CANDatabase
import Testing
@testable import Telemetry

/// Expected periods come from `GenMsgCycleTime` in parsed DBC text; a message without one
/// gets a learned period; a configured `cycle` overrides both.
struct DBCInputTests {
    static let dbc = """
        VERSION ""
        BU_: VCU BMS
        BO_ 256 VCU_Status: 8 VCU
         SG_ VehicleSpeed : 0|16@1+ (0.01,0) [0|655.35] "km/h" Vector__XXX
        BO_ 512 BMS_Pack: 8 BMS
         SG_ PackVoltage : 0|16@1+ (0.1,0) [0|6553.5] "V" Vector__XXX
        BO_ 768 BMS_Event: 8 BMS
         SG_ Code : 0|8@1+ (1,0) [0|255] "" Vector__XXX
        BA_DEF_ BO_ "GenMsgCycleTime" INT 0 10000;
        BA_DEF_DEF_ "GenMsgCycleTime" 0;
        BA_ "GenMsgCycleTime" BO_ 256 100;
        BA_ "GenMsgCycleTime" BO_ 512 100;
        """

    @Test func periodsFromTheDatabaseTheConfigOrLearning() throws {
        let loaded = DBCParser.parse(Self.dbc, file: "test.dbc")
        #expect(!loaded.hasErrors, "\(loaded.diagnostics)")
        let plan = DecodePlan(loaded.database)
        let bus = BusConfiguration(interface: "can0", rules: BusRules(bitrate: 500_000, messageRules: [
            "BMS_Pack": MessageRules(cycle: 40 * Fixture.millisecond)]), plan: plan)
        var aggregator = TelemetryAggregator(layout: try TelemetryLayout(TelemetryConfiguration(vehicles: [VehicleConfiguration(name: "v", buses: [bus])])))
        var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
        for i in 0..<30 {
            for (m, id) in [(0, UInt32(256)), (1, 512), (2, 768)] where m != 2 || i % 3 == 0 {
                let frame = Fixture.frame(Int64(i) * 100 * Fixture.millisecond + Int64(m) * Fixture.millisecond, id: id)
                aggregator.ingest(frame, bus: 0, outcome: plan.decode(frame, into: &values), values: values)
            }
        }
        aggregator.finish()
        let health = aggregator.takeRecords().messageHealth.filter { $0.windowStart == 2 * Fixture.second && $0.windowLength == Fixture.second }
        let byName = Dictionary(uniqueKeysWithValues: health.map { ($0.message, $0) })
        #expect(byName["VCU_Status"]?.periodSource == .database && byName["VCU_Status"]?.expectedPeriod == 100 * Fixture.millisecond)
        #expect(byName["BMS_Pack"]?.periodSource == .configured && byName["BMS_Pack"]?.timeouts == 10)
        // BMS_Event: every 300 ms (3 in this window), 9 gaps by the end of the capture: fewer than learn_frames (20).
        #expect(byName["BMS_Event"]?.periodSource == .unknown && byName["BMS_Event"]?.frames == 3)
    }
}
