import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `candor collect --captures DIR` against a real mosquitto: the van-urban-faults bundle replayed
/// with a level-3 fault trigger (its over-temperature alarm); the collector writes the capture's
/// index and its joined chunks, and Python checks the file (CRC-32, gzip, python-can) against
/// the bundle's frames of the index's window — the same oracle as the uplink's capture tests.
/// The gateway keeps each message until the collector confirms it (`confirm: collector`):
/// capture chunks and the index are confirmed by their capture identity, so the replay ends
/// with nothing left in its outbox.
@Suite(.serialized) struct CollectorCaptureTests {
    @Test(.enabled(if: PythonOracle.shouldRun(importing: ["can"])))
    func collectWritesEachCaptureWholeUnderItsDirectory() throws {
        let python = try #require(PythonOracle.find(importing: ["can"]))
        let scratch = try Scratch("captures")
        let broker = try MosquittoBroker(name: "collect-captures", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        try broker.start()
        defer { broker.stop() }
        let directory = scratch.path + "/captures"
        let collector = try Child(["collect", "--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--fleet", "testfleet", "--sqlite", scratch.path + "/fleet.db",
                                   "--captures", directory, "--client-id", "collect-captures"], log: scratch.path + "/collect.log")
        #expect(eventually(seconds: 30) { collector.output.contains("subscribed") }, "the collector did not subscribe")
        let gateway = try GatewayBundle("van-urban-faults", in: scratch, port: broker.port, extra: [
            "captures:", "  before: 5s", "  after: 10s", "  chunk_bytes: 16384", "  triggers:", "    - { kind: fault, level: 3 }",
        ], outbox: ["confirm: collector"])
        let replay = try Child(gateway.replayArguments(), log: gateway.directory + "/replay.log")
        #expect(try replay.wait() == 0, "\(replay.output)")
        #expect(replay.output.contains("captures: 1 taken, 1 stored"), "\(replay.output)")
        #expect(replay.output.contains("0 not delivered") && replay.output.contains("confirmed by a collector"), "\(replay.output)")
        // The bundle's van is renamed van02 (GatewayBundle); the collector writes asynchronously: await the file.
        let vehicle = directory + "/van02"
        let files = { ((try? FileManager.default.contentsOfDirectory(atPath: vehicle)) ?? []).sorted() }
        #expect(eventually(seconds: 60) { files().contains { $0.hasSuffix(".log.gz") } }, "no capture under \(vehicle): \(collector.output)")
        collector.signal(SIGTERM)
        #expect(try collector.wait() == 0, "\(collector.output)")
        let written = files()
        print("CollectorCaptureTests: \(written)")
        print("CollectorCaptureTests: \(replay.output.split(separator: "\n").first { $0.contains("uplink: ") } ?? "")")
        try #require(written.count == 2, "one capture: its index and its log, no part left: \(written)")
        let stem = String(written[0].dropLast(".json".count))
        #expect(written == [stem + ".json", stem + ".log.gz"] && stem.hasSuffix("-1"))
        let index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: vehicle + "/" + written[0]))) as? [String: Any])
        #expect(index["vehicle"] as? String == "van02" && (index["chunks"] as? Int ?? 0) > 1)
        let verdict = try CaptureLogOracle.verdict(python: python, capture: vehicle + "/" + stem + ".log.gz", bundle: Repository.bundle("van-urban-faults") + "/capture.log.gz",
                                                   from: (index["from"] as! NSNumber).int64Value, to: (index["to"] as! NSNumber).int64Value,
                                                   crc32: index["crc32"] as! String)
        print("CollectorCaptureTests: python: \(verdict)")
        #expect(verdict == "frames \(index["frames"] as? Int ?? -1)")
        #expect(collector.output.contains("capture written"), "\(collector.output)")
    }
}
