import CANCapture
import Foundation
@testable import Gateway
import MQTT
import Telemetry
import Testing

/// `UplinkEncoder`'s shortcuts give what the plain way gives: the records picked through the
/// aggregator's window runs are those a look at every record picks; a batch's selection
/// (`uplinked`, queued by `select`) packed without looking at its records again
/// (`selected: true`) makes the messages the whole batch makes, and what the compressor kept
/// between messages (`DeflateCompressor`, libdeflate) packs, zlib inflates back.
@Suite struct UplinkEncoderTests {
    @Test func aSelectionPacksAsTheWholeBatchAndZlibInflatesWhatWasPacked() throws {
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
        var runs = 0
        var windows: Set<[Int64]> = []
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [bundle + "/capture.log.gz"])) { emitted in
            let records = emitted.records
            try Self.expectWindowRuns(emitted)
            runs += emitted.windowRuns?.count ?? 0
            for r in records { if let w = r.window { windows.insert([w.start, w.length]) } }
            let batch = RecordBatch(run: run, firstSequence: next, records: records, windowRuns: emitted.windowRuns)
            let plain = RecordBatch(run: run, firstSequence: next, records: records)
            next += UInt64(records.count)
            #expect(encoder.uplinked(batch) == encoder.uplinked(plain), "the window runs pick what a look at every record picks")
            let whole = encoder.messages(batch)
            let selected = batch.selecting(encoder.uplinked(batch)).map { encoder.messages($0, selected: true) } ?? []
            #expect(selected.map(\.label) == whole.map(\.label))
            #expect(selected.map(\.payload) == whole.map(\.payload))
            #expect(selected.map(\.records) == whole.map(\.records))
            for m in whole {
                // zlib's inflate (which checks the stream's Adler-32) is the oracle; a payload
                // is packed only when that makes it smaller, and it is one JSON object.
                let json = m.payload.first == 0x78 ? try #require(Deflate.decompress(m.payload, limit: 1 << 26)) : m.payload
                if m.payload.first == 0x78 { #expect(m.payload.count < json.count) }
                #expect(try JSONSerialization.jsonObject(with: Data(json)) is [String: Any])
                kinds.insert(String(m.label.split(separator: "|")[0].split(separator: "/").last!))
            }
            messages += whole.count
        }
        #expect(messages >= 4)
        #expect(kinds.isSuperset(of: ["signals", "health", "episodes", "operations"]), "\(kinds)")
        #expect(runs == windows.count && runs > 0, "one run per window closed: \(runs) runs, \(windows.count) windows")
    }

    /// The aggregator's window runs say where its window records are: in emission order,
    /// not overlapping, each holding only window records of its length, and every window
    /// record in one.
    static func expectWindowRuns(_ emitted: EmittedRecords) throws {
        let runs = try #require(emitted.windowRuns)
        var next = 0
        for run in runs {
            #expect(run.range.lowerBound >= next && !run.range.isEmpty && run.range.upperBound <= emitted.records.count)
            for i in next..<run.range.lowerBound { #expect(emitted.records[i].window == nil, "record \(i) between runs") }
            for i in run.range { #expect(emitted.records[i].window?.length == run.length, "record \(i) in a run of \(run.length)") }
            next = run.range.upperBound
        }
        for i in next..<emitted.records.count { #expect(emitted.records[i].window == nil, "record \(i) after the runs") }
    }

    /// One compressor, many inputs (empty, tiny, runs, noise that does not compress): each
    /// comes out a zlib stream of its own, which zlib inflates back to exactly the input.
    @Test func theKeptCompressorPacksEachInputAlone() {
        for level: Int32 in [0, 1, 6, 12] {
            let compressor = DeflateCompressor(level: level)
            let inputs: [[UInt8]] = [[], Array("{}".utf8), Array(repeating: 0x61, count: 100_000),
                                     (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }, Array("{\"a\":1}".utf8)]
            for input in inputs {
                let packed = compressor.compress(input)
                #expect(packed.first == 0x78, "zlib-framed, a 32 KiB window")
                #expect(Deflate.decompress(packed, limit: 1 << 20) == input, "level \(level), \(input.count) bytes")
            }
        }
    }
}

private extension TelemetryRecord {
    /// A window record's window (start and length, ns); nil for the episodes and operations.
    var window: (start: Int64, length: Int64)? {
        switch self {
        case .signalWindow(let r): (r.windowStart, r.windowLength)
        case .messageHealth(let r): (r.windowStart, r.windowLength)
        case .busHealth(let r): (r.windowStart, r.windowLength)
        case .silentEpisode, .faultEpisode, .operations: nil
        }
    }
}
