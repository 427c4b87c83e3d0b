import CANCapture
import CANCore
import CANDatabase
import FleetSimulator
import Gateway
import Telemetry
import Testing

/// The one frame pipeline: the records do not depend on how they are batched, the replay is
/// that pipeline with a capture in front, and a bus the layout lacks goes no further.
@Suite struct FramePipelineTests {
    @Test func recordsAreTheSameWhateverTheBatchSize() throws {
        let bundle = try SimulatedBundle(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 20, seed: 8), name: "pipeline-batches")
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        let (_, replayed) = try bundle.replay()
        var frames: [CANFrame] = []
        let reader = try CaptureReader(path: bundle.capture)
        while let frame = try reader.next() { frames.append(frame) }
        frames.append(CANFrame(timestamp: frames.last!.timestamp, bus: "vcan9", id: 0x123, bytes: [1]))
        for batchFrames in [1, 7, 4096, 1 << 30] {
            var records: [TelemetryRecord] = []
            var batches = 0
            var pipeline = FramePipeline(setup: setup, batchFrames: batchFrames) {
                records += $0
                batches += 1
            }
            var unknown = 0
            for frame in frames where try pipeline.ingest(frame) == nil { unknown += 1 }
            try pipeline.finish()
            #expect(unknown == 1)
            #expect(records == replayed, "batches of \(batchFrames) frames")
            #expect(pipeline.records == records.count)
            if batchFrames == 1 << 30 { #expect(batches == 1) }
        }
        print("frame pipeline: \(frames.count) frames, \(replayed.count) records, equal at every batch size")
    }

    @Test func theDecodeOnlyFormRoutesEachBusToItsPlan() throws {
        let bundle = try SimulatedBundle(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 2, seed: 3), name: "pipeline-decoder")
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        var decoder = BusDecoder(plans: setup.plans, route: { setup.layout.busIndex(interface: $0) })
        let reader = try CaptureReader(path: bundle.capture)
        var decoded = 0
        while let frame = try reader.next() {
            guard frame.kind != .error, let (bus, outcome) = decoder.decode(frame) else { continue }
            #expect(bus == 0)
            var values = DecodedSignals(capacity: 64)
            #expect(outcome == setup.plans[0].decode(frame, into: &values))
            decoded += 1
        }
        #expect(decoded > 100)
        #expect(decoder.decode(CANFrame(bus: "other", id: 1, bytes: [])) == nil)
    }
}
