import CANCapture
import Foundation
@testable import Collector
@testable import Gateway
import MQTT
import Telemetry
import Testing

/// The seeds of the `FuzzCollector` target (Tests/Fuzz/seeds/FuzzCollector/) are real uplink
/// messages: `UplinkEncoder`'s, from a fixture bundle's records, each file the topic, a newline
/// and the payload (fleet `fuzz`), plain JSON and zlib. `CANDOR_FUZZ_SEEDS=1` writes them
/// again; every run checks that the collector accepts each one.
@Suite struct CollectorFuzzSeedTests {
    static let directory = Repository.root + "/Tests/Fuzz/seeds/FuzzCollector"

    @Test func theSeedsAreUplinkMessagesTheCollectorAccepts() throws {
        if ProcessInfo.processInfo.environment["CANDOR_FUZZ_SEEDS"] == "1" { try Self.write() }
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory).sorted()
        #expect(names.count >= 8, "\(names)")
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + name)))
            let newline = try #require(bytes.firstIndex(of: 0x0A))
            let message = MQTTIncoming(topic: String(decoding: bytes[..<newline], as: UTF8.self), payload: Array(bytes[(newline + 1)...]))
            let payload = try UplinkPayload(message, fleet: "fuzz")
            #expect(payload.state != nil || !payload.records.isEmpty, "\(name)")
        }
    }

    /// A few records of each kind of the van with faults, as the uplink packs them.
    static func write() throws {
        let bundle = Repository.bundle("van-urban-faults")
        let setup = try GatewaySetup.load(configFile: bundle + "/candor.yaml", environment: [:])
        var picked: [String: [TelemetryRecord]] = [:]
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [bundle + "/capture.log.gz"])) { batch in
            for record in batch {
                let kind = String(JSONLinesFormat.line(record).split(separator: "\"kind\":\"")[1].prefix { $0 != "\"" })
                if picked[kind, default: []].count < 6 { picked[kind, default: []].append(record) }
            }
        }
        var settings = UplinkSettings(broker: MQTTClientOptions(host: "127.0.0.1", port: 1883, clientID: "fuzz"), fleet: "fuzz", outboxPath: "/nonexistent")
        settings.allSignals = true
        settings.windowLengths = [1_000_000_000, 60_000_000_000]
        let encoder = UplinkEncoder(settings)
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let records = picked.keys.sorted().flatMap { picked[$0]! }
        let compressor = DeflateCompressor()
        for (i, m) in encoder.messages(RecordBatch(run: RunID(high: 0x0123_4567_89ab_4def, low: 0x8123_4567_89ab_cdef), firstSequence: 1, records: records)).enumerated() {
            let topic = Array(m.label.split(separator: "|")[0].utf8) + [0x0A]
            let kind = m.label.split(separator: "|")[0].split(separator: "/").last!
            let json = m.payload.first == 0x78 ? Deflate.decompress(m.payload, limit: 1 << 24)! : m.payload
            try Data(topic + json).write(to: URL(fileURLWithPath: "\(directory)/\(i)-\(kind).json"))
            try Data(topic + compressor.compress(json)).write(to: URL(fileURLWithPath: "\(directory)/\(i)-\(kind).zlib"))
        }
        let status = Array("candor/v1/fuzz/van02/status\n".utf8) + UplinkLink.status("online", settings).payload
        try Data(status).write(to: URL(fileURLWithPath: "\(directory)/status.json"))
    }
}
