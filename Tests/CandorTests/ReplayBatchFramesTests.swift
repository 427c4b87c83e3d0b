import Foundation
import Testing

/// `candor replay --batch-frames`: how often records are handed out changes nothing in them.
@Suite struct ReplayBatchFramesTests {
    @Test func theRecordsAreTheSameWhateverTheBatch() throws {
        let candor = CandorExecutable.located()
        let bundle = FixturePaths.root.appendingPathComponent("Fixtures/captures/fleet/van-urban-faults").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [Int: (jsonl: Data, table: String)] = [:]
        for batch in [65_536, 4096, 1] {
            let jsonl = folder.appendingPathComponent("\(batch).jsonl").path
            let run = try candor.run(["replay", "--config", bundle + "/candor.yaml", bundle + "/capture.log.gz", "--jsonl", jsonl,
                                      "--batch-frames", String(batch)])
            #expect(run.status == 0, "--batch-frames \(batch): \(run.stderr)")
            outputs[batch] = (try Data(contentsOf: URL(fileURLWithPath: jsonl)), run.stdout)
        }
        let reference = try #require(outputs[65_536])
        #expect(reference.jsonl.count > 100_000)
        for batch in [4096, 1] {
            #expect(outputs[batch]?.jsonl == reference.jsonl, "--batch-frames \(batch): other JSON lines")
            #expect(outputs[batch]?.table == reference.table, "--batch-frames \(batch): another table")
        }
    }

    @Test func aBatchOfNoFramesIsAUsageError() throws {
        let bundle = FixturePaths.root.appendingPathComponent("Fixtures/captures/fleet/van-urban-faults").path
        let run = try CandorExecutable.located().run(["replay", "--config", bundle + "/candor.yaml", bundle + "/capture.log.gz", "--batch-frames", "0"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--batch-frames must be a positive number of frames"), "\(run.stderr)")
    }
}
