import CANCapture
import Foundation
@testable import Gateway
import MQTT
import Telemetry
import Testing

/// `UplinkEncoder`'s shortcuts give what the plain way gives: a batch's selection
/// (`uplinked`, queued by `select`) packed without looking at its records again
/// (`selected: true`) makes the messages the whole batch makes, and the zlib stream kept
/// between messages (`DeflateStream`) compresses to `compress2`'s bytes.
@Suite struct UplinkEncoderTests {
    @Test func aSelectionPacksAsTheWholeBatchAndTheKeptStreamAsCompress2() throws {
        let bundle = RecordJSONRoundTripTests.fleet + "van-urban-faults"
        let setup = try GatewaySetup.load(configFile: bundle + "/candor.yaml", environment: [:])
        var settings = UplinkSettings(broker: MQTTClientOptions(host: "127.0.0.1", port: 1883, clientID: "t"), fleet: "t", outboxPath: "/nonexistent")
        settings.windowLengths = [60_000_000_000]
        for v in setup.config.vehicles {
            for r in v.rules.signals.references + v.rules.temperatures.map(\.reference) {
                settings.mappedSignals.insert(SignalKey(vehicle: v.name, bus: r.bus, message: r.message, signal: r.signal))
            }
        }
        let encoder = UplinkEncoder(settings)
        let run = RunID(high: 0x0123_4567_89ab_4def, low: 0x8123_4567_89ab_cdef)
        var next: UInt64 = 1
        var messages = 0
        var kinds: Set<String> = []
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [bundle + "/capture.log.gz"])) { records in
            let batch = RecordBatch(run: run, firstSequence: next, records: records)
            next += UInt64(records.count)
            let whole = encoder.messages(batch)
            let selected = batch.selecting(encoder.uplinked(batch)).map { encoder.messages($0, selected: true) } ?? []
            #expect(selected.map(\.label) == whole.map(\.label))
            #expect(selected.map(\.payload) == whole.map(\.payload))
            #expect(selected.map(\.records) == whole.map(\.records))
            for m in whole {
                let json = m.payload.first == 0x78 ? Deflate.decompress(m.payload, limit: 1 << 26)! : m.payload
                if m.payload.first == 0x78 { #expect(m.payload == Deflate.compress(json, level: UplinkEncoder.compressionLevel)) }
                kinds.insert(String(m.label.split(separator: "|")[0].split(separator: "/").last!))
            }
            messages += whole.count
        }
        #expect(messages >= 4)
        #expect(kinds.isSuperset(of: ["signals", "health", "episodes", "operations"]), "\(kinds)")
    }

    @Test func theKeptStreamCompressesEachInputAlone() {
        let stream = DeflateStream(level: 3)
        let inputs: [[UInt8]] = [[], Array("{}".utf8), Array(repeating: 0x61, count: 100_000),
                                 (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }, Array("{\"a\":1}".utf8)]
        for input in inputs {
            let packed = stream.compress(input)
            #expect(packed == Deflate.compress(input, level: 3))
            #expect(Deflate.decompress(packed, limit: 1 << 20) == input)
        }
    }
}
