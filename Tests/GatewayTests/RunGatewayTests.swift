import CANCapture
import CANCore
import Foundation
import FleetSimulator
import Gateway
import Telemetry
import Testing

/// The daemon's reading thread: runs the gateway until its input stops, then closes the sinks.
private final class DaemonThread: @unchecked Sendable {
    let gateway: LiveGateway
    let sinks: SinkSet
    let input: DaemonMemoryInput
    let done = DispatchSemaphore(value: 0)
    var failure: (any Error)?

    init(gateway: LiveGateway, sinks: SinkSet, input: DaemonMemoryInput) {
        self.gateway = gateway
        self.sinks = sinks
        self.input = input
    }

    func main() {
        do {
            try gateway.run(input)
            try sinks.close()
        } catch { failure = error }
        done.signal()
    }
}

private func frames(of path: String) throws -> [CANFrame] {
    let reader = try CaptureReader(path: path)
    var out: [CANFrame] = []
    while let frame = try reader.next() { out.append(frame) }
    return out
}

@Suite struct RunGatewayTests {
    private static func bundle(_ name: String) throws -> SimulatedBundle {
        let options = SimulationOptions(
            vehicle: .van, cycle: .urban, durationSeconds: 30, seed: 5,
            faults: [try FaultSpec(parsing: "silent-ecu:MCU@10+5")])
        return try SimulatedBundle(options, name: name)
    }

    @Test func recordsEqualTheReplayPipelines() throws {
        let bundle = try Self.bundle("run-equal")
        let replayed = try bundle.replay()
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        var records: [TelemetryRecord] = []
        let gateway = LiveGateway(setup: setup, batchFrames: 1000) { records += $0 }
        let summaries = try gateway.run(FrameListInput(try frames(of: bundle.capture)))
        #expect(replayed.records.count > 1000)
        #expect(records == replayed.records)
        #expect(summaries == replayed.result.summaries)
        #expect(gateway.counts.frames == replayed.result.frames)
        #expect(gateway.counts.records == replayed.result.records)
        print("live gateway: \(gateway.counts.frames) frames, \(records.count) records, equal to replay")
    }

    @Test func stopDrainsFinishesAndFlushesTheStore() throws {
        let bundle = try Self.bundle("run-stop")
        let offline = bundle.directory + "/offline.db"
        let live = bundle.directory + "/live.db"
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        let offlineSinks = try SinkSet(SinkSettings(sqlitePath: offline))
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [bundle.capture])) { try offlineSinks.write($0) }
        try offlineSinks.close()

        let input = DaemonMemoryInput(try frames(of: bundle.capture), interfaces: [])
        let sinks = try SinkSet(SinkSettings(sqlitePath: live))
        let gateway = LiveGateway(setup: setup) { try sinks.write($0) }
        let daemon = DaemonThread(gateway: gateway, sinks: sinks, input: input)
        Thread { daemon.main() }.start()
        input.exhausted.wait()
        input.stop()  // what SIGTERM does
        daemon.done.wait()
        #expect(daemon.failure == nil)
        let rows = try StoreRows.dump(live)
        #expect(rows.count > 100)
        #expect(rows == (try StoreRows.dump(offline)))
    }
}
