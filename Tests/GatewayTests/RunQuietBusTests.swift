import CANCapture
import CANCore
import FleetSimulator
import Gateway
import Telemetry
import Testing

/// Scripted timed reads: the frames, then one quiet interval, then the end.
private final class ScriptedInput: LiveFrameInput {
    var events: [LiveInputEvent]
    var recordsAtEnd: () -> Int = { 0 }
    var recordsBeforeEnd = -1
    init(_ events: [LiveInputEvent]) { self.events = events }
    func next() -> CANFrame? { nil }
    func stop() {}
    func next(waitingAtMost nanoseconds: Int64) -> LiveInputEvent {
        let event = events.isEmpty ? .end : events.removeFirst()
        if case .end = event { recordsBeforeEnd = recordsAtEnd() }
        return event
    }
}

@Suite struct RunQuietBusTests {
    @Test func aQuietInputClosesTheWindowsOnTheInjectedClock() throws {
        let bundle = try SimulatedBundle(
            SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 8, seed: 3, faults: []), name: "run-quiet")
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        var frames: [CANFrame] = []
        let reader = try CaptureReader(path: bundle.capture)
        while let frame = try reader.next() { frames.append(frame) }
        let last = frames.last!.timestamp.totalNanoseconds
        let second: Int64 = 1_000_000_000
        let lastWindow = last / second * second

        func closedLastWindow(_ records: [TelemetryRecord]) -> Bool {
            records.contains { if case .busHealth(let r) = $0 { r.windowLength == second && r.windowStart == lastWindow } else { false } }
        }
        for quiet in [false, true] {
            var records: [TelemetryRecord] = []
            let input = ScriptedInput(frames.map { .frame($0) } + (quiet ? [.idle] : []))
            let gateway = LiveGateway(setup: setup, batchFrames: 100) { records += $0 }
            input.recordsAtEnd = { records.count }
            // The clock reads 3 s after the last frame; the quiet interval is 1 s.
            try gateway.run(input, quietAfter: second, now: { last + 3 * second })
            let before = Array(records.prefix(input.recordsBeforeEnd))
            #expect(closedLastWindow(before) == quiet, "quiet interval seen: \(quiet)")
            #expect(closedLastWindow(records), "finish closes it in any case")
        }
    }

    @Test func quietBeforeTheFirstFrameChangesNothing() throws {
        let bundle = try SimulatedBundle(
            SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 6, seed: 8, faults: []), name: "run-quiet-first")
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        var frames: [CANFrame] = []
        let reader = try CaptureReader(path: bundle.capture)
        while let frame = try reader.next() { frames.append(frame) }
        var records: [TelemetryRecord] = []
        let gateway = LiveGateway(setup: setup) { records += $0 }
        let start = frames[0].timestamp.totalNanoseconds
        try gateway.run(ScriptedInput([.idle, .idle] + frames.map { .frame($0) }), quietAfter: 500_000_000, now: { start })
        #expect(records == (try bundle.replay().records))
    }
}
