import Gateway
import Telemetry
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Opening a replay's sinks: a store that is not a candor database stops the replay before
/// anything is written, and leaves every file as it was.
@Suite struct ReplaySinkTests {
    @Test func storeThatIsNotCandorLeavesEveryFileUntouched() throws {
        let directory = try TemporaryDirectory.make("badstore")
        let garbage: [UInt8] = Array("this is not a database, it is a shopping list\n".utf8) + [UInt8](repeating: 0x5A, count: 4096)
        try TestFile.write(garbage, to: directory + "/metrics.db")
        try TestFile.write("previous run\n", to: directory + "/metrics.jsonl")
        #expect {
            _ = try SinkSet(SinkSettings(sqlitePath: directory + "/metrics.db", jsonlPath: directory + "/metrics.jsonl",
                                             lineProtocolPath: directory + "/metrics.lp"))
        } throws: { error in
            guard let error = error as? SinkError else { return false }
            print("refused: \(error)")
            return error.kind == .notCandorDatabase && error.description.hasPrefix(directory + "/metrics.db: ")
        }
        #expect(try TestFile.read(directory + "/metrics.db") == garbage)
        #expect(try TestFile.read(directory + "/metrics.jsonl") == Array("previous run\n".utf8), "not truncated")
        #expect(access(directory + "/metrics.lp", F_OK) != 0, "not created")
    }

    @Test func overridesReplaceOnlyTheirSink() {
        let config = SinkSettings(sqlitePath: "/a.db", jsonlPath: "/a.jsonl", lineProtocolPath: nil, prometheusListen: "127.0.0.1:1")
        let merged = config.overridden(sqlite: "/b.db", jsonl: nil, lineProtocol: "/b.lp")
        #expect(merged == SinkSettings(sqlitePath: "/b.db", jsonlPath: "/a.jsonl", lineProtocolPath: "/b.lp", prometheusListen: "127.0.0.1:1"))
    }
}
