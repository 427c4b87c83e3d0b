import Foundation
import Gateway
import Testing

/// A replay rewrites its JSON lines and line protocol files (same inputs, same bytes); the
/// live daemon appends to them, so that a restart keeps what it wrote before.
@Suite struct SinkSetFileModeTests {
    func scratch(_ name: String) -> String {
        NSTemporaryDirectory() + "candor-sink-mode-\(name)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    }

    func contents(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    @Test func replayTruncatesAndTheDaemonAppends() throws {
        for (mode, expected) in [(FileSinkMode.truncate, ""), (.append, "earlier\n")] {
            let jsonl = scratch("jsonl")
            let lines = scratch("lp")
            defer {
                try? FileManager.default.removeItem(atPath: jsonl)
                try? FileManager.default.removeItem(atPath: lines)
            }
            for path in [jsonl, lines] {
                try Data("earlier\n".utf8).write(to: URL(fileURLWithPath: path))
            }
            let sinks = try SinkSet(SinkSettings(jsonlPath: jsonl, lineProtocolPath: lines), fileMode: mode)
            try sinks.write([])
            try sinks.close()
            #expect(try contents(jsonl) == expected, "\(mode)")
            #expect(try contents(lines) == expected, "\(mode)")
        }
    }
}
