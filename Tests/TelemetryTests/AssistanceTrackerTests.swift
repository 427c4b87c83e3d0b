import Testing
@testable import Telemetry

/// The tracker on the bus's codes (`engaged: [2, 3]`, `braking: [3, 4]`): the values that
/// mean engaged and braking are resolved once and mean what `CodedReference.name(of:)` says.
struct AssistanceTrackerTests {
    static func coded(_ signal: String, _ codes: [(String, Double)]) -> CodedReference {
        CodedReference(SignalReference(bus: "can1", message: "ADAS", signal: signal), codes: codes.map { CodedReference.Code($0.0, $0.1) })
    }

    static var map: SemanticMap {
        var map = SemanticMap()
        map.accState = coded("ACC_State", [("off", 0), ("standby", 1), ("engaged", 2), ("engaged", 3), ("fault", 4)])
        map.accCause = coded("ACC_DisengageCause", [("none", 0), ("driver_brake", 1), ("driver_steer", 2), ("system_fault", 3)])
        map.aebState = coded("AEB_State", [("off", 0), ("standby", 1), ("warning", 2), ("braking", 3), ("braking", 4), ("fault", 5)])
        return map
    }

    @Test func valuesMeaningANameAreTheOnesNameOfGives() {
        // 2 is listed first as fault: name(of: 2) is fault, so 2 does not mean engaged.
        let codes = Self.coded("S", [("fault", 2), ("engaged", 2), ("engaged", 3)])
        #expect(codes.values(meaning: "engaged").values == [3])
        #expect(codes.values(meaning: "engaged").contains(3) && !codes.values(meaning: "engaged").contains(2))
        #expect(codes.values(meaning: "standby").values.isEmpty)
    }

    @Test func engagedOverrideAndEachEvent() throws {
        var tracker = try #require(AssistanceTracker(Self.map))
        #expect(tracker.hasACC)
        #expect(tracker.accStateValue(2, at: 1, speedKmh: 40) == nil && tracker.engaged)
        // Override (3) is engaged too: no disengagement.
        #expect(tracker.accStateValue(3, at: 2, speedKmh: 41) == nil && tracker.engaged)
        tracker.causeValue(2)
        #expect(tracker.accStateValue(1, at: 3, speedKmh: 42) == DisengagementFigure(time: 3, speedKmh: 42, cause: "driver_steer"))
        #expect(!tracker.engaged)
        // Engaged → off with cause none (ignition off): no takeover.
        tracker.causeValue(0)
        _ = tracker.accStateValue(2, at: 4, speedKmh: 40)
        #expect(tracker.accStateValue(0, at: 5, speedKmh: 0) == nil)
        // AEB: warning, partial then full braking is one activation; braking again after standby is another.
        #expect(tracker.aebStateValue(2, at: 6, speedKmh: 30) == nil)
        #expect(tracker.aebStateValue(3, at: 7, speedKmh: 29) == AEBEventFigure(time: 7, speedKmh: 29))
        #expect(tracker.aebStateValue(4, at: 8, speedKmh: 20) == nil)
        #expect(tracker.aebStateValue(1, at: 9, speedKmh: 10) == nil)
        #expect(tracker.aebStateValue(4, at: 10, speedKmh: 12) == AEBEventFigure(time: 10, speedKmh: 12))
    }

    @Test func neitherMappedIsNoTracker() {
        #expect(AssistanceTracker(SemanticMap()) == nil)
    }
}
