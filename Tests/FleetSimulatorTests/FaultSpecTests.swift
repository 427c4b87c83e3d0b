import Testing
@testable import FleetSimulator

@Suite struct FaultSpecTests {
    @Test func parsesKindTargetTimeAndDuration() throws {
        let a = try FaultSpec(parsing: "over-temperature@120+30")
        #expect(a.kind == .overTemperature && a.start == 120 && a.duration == 30 && a.target == nil)
        let b = try FaultSpec(parsing: "silent-ecu:BMS@1.5m")
        #expect(b.kind == .silentECU && b.target == "BMS" && b.start == 90 && b.duration == FaultSpec.Kind.silentECU.defaultDuration)
        let c = try FaultSpec(parsing: "bus-off:can1@2h+500s")
        #expect(c.start == 7200 && c.duration == 500 && c.target == "can1")
    }

    @Test func rejectsMalformedSpecs() {
        for text in ["over-temperature", "melting@10", "bus-off@-1", "bus-off@10+0", "bus-off@x", "silent-ecu:@3", "bad-checksum@5+"] {
            #expect(throws: FaultSpec.ParseError.self, "\(text)") { try FaultSpec(parsing: text) }
        }
    }
}
