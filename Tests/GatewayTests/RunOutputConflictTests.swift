import Foundation
@testable import Gateway
import Testing

/// `candor run` refuses a config whose outputs would overwrite or delete what it reads (the
/// config, a DBC), at start and on reload, with a config error at the output's key
/// (file:line:column). Before: `sinks: { jsonl: { path: van.dbc } }` started and appended
/// records to the DBC; the next start could not read it.
@Suite struct RunOutputConflictTests {
    /// A folder with van.dbc (one message) and `candor.yaml` = the minimal config plus `extra`.
    static func config(_ extra: String) throws -> (directory: String, path: String) {
        let directory = try TemporaryDirectory.make("run-outputs")
        try TestFile.write("VERSION \"\"\nBU_: ECU\nBO_ 256 M: 8 ECU\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" ECU\n", to: directory + "/van.dbc")
        try TestFile.write(ConfigTests.minimal + "\n" + extra, to: directory + "/candor.yaml")
        return (directory, directory + "/candor.yaml")
    }

    static func loadError(_ extra: String) throws -> ConfigError? {
        let (_, path) = try config(extra)
        do {
            _ = try ConfigReload.load(configFile: path, environment: [:])
            return nil
        } catch {
            return error
        }
    }

    @Test func outputsOverTheConfigOrItsDBCsAreConfigErrorsAtTheirKey() throws {
        // The minimal config is 5 lines; `extra` starts on line 6.
        let cases: [(String, line: Int, String)] = [
            ("sinks:\n  jsonl: { path: van.dbc }\n", 7, "sinks.jsonl.path: the output "),
            ("sinks:\n  line_protocol: { path: ./candor.yaml }\n", 7, "sinks.line_protocol.path: the output "),
            ("sinks:\n  sqlite: { path: van.dbc }\n", 7, "sinks.sqlite.path: the output "),
            // JSONL into the store's write-ahead log.
            ("sinks:\n  sqlite: { path: s.db }\n  jsonl: { path: s.db-wal }\n", 8, "sinks.jsonl.path: the outputs "),
            // The decoded-frame log's current file is the JSONL sink.
            ("sinks:\n  jsonl: { path: decoded.jsonl }\ndecoded_log:\n  directory: .\n", 9, "decoded_log.directory: the outputs "),
        ]
        for (extra, line, text) in cases {
            let error = try #require(try Self.loadError(extra), "\(extra) was accepted")
            print(error)
            #expect(error.line == line && error.column > 0, "\(error)")
            #expect(error.description.contains(text), "\(error)")
        }
        // Apart, the same outputs are fine.
        #expect(try Self.loadError("sinks:\n  sqlite: { path: s.db }\n  jsonl: { path: s.jsonl }\ndecoded_log:\n  directory: .\n") == nil)
    }

    @Test func aDBCNamedLikeARecordingInTheRecorderDirectoryIsRefused() throws {
        let (directory, path) = try Self.config("")
        let recording = "candor-20260312T140502.123456Z-000007.log"
        try FileManager.default.moveItem(atPath: directory + "/van.dbc", toPath: directory + "/" + recording)
        var text = String(decoding: try TestFile.read(path), as: UTF8.self)
        text = text.replacingOccurrences(of: "dbc: van.dbc", with: "dbc: \(recording)")
        try TestFile.write(text + "\nrecorder:\n  directory: \(directory)\n", to: path)
        #expect {
            _ = try ConfigReload.load(configFile: path, environment: [:])
        } throws: { error in
            let e = error as? ConfigError
            print(e.map(String.init(describing:)) ?? "\(error)")
            return (e?.line ?? 0) > 0 && e?.description.contains("recorder.prefix: the input \(directory)/\(recording) is named like one of the recordings") == true
        }
        // Another prefix: retention leaves the DBC alone.
        try TestFile.write(text + "\nrecorder:\n  directory: \(directory)\n  prefix: van\n", to: path)
        _ = try ConfigReload.load(configFile: path, environment: [:])
    }

    /// SIGHUP with such a config: rejected with the position, the running config kept.
    @Test func aReloadWithAnOutputOverItsDBCIsRejected() throws {
        let (directory, path) = try Self.config("")
        let running = try ConfigReload.load(configFile: path, environment: [:]).config
        try TestFile.write(ConfigTests.minimal + "\nsinks:\n  jsonl: { path: van.dbc }\n", to: directory + "/bad.yaml")
        let logged = LogCapture()
        let reload = ConfigReload(
            configFile: directory + "/bad.yaml", environment: [:], running: running, request: ReloadRequest(), notifier: nil,
            log: GatewayLog(label: "candor", format: .terminal, output: logged.append, clock: LoggingTests.fixedClock),
            openBuses: { _ in Issue.record("a rejected config opens no bus") }, closeBusesOtherThan: { _ in })
        reload.begin()
        #expect(!reload.isWaiting)
        let rejected = try #require(logged.all.first { $0.contains("reload rejected") })
        print(rejected, terminator: "")
        #expect(rejected.contains("reload rejected: \(directory)/bad.yaml:7:"))
        #expect(rejected.contains("sinks.jsonl.path: the output \(directory)/van.dbc is the input \(directory)/van.dbc"))
        let dbc = String(decoding: try TestFile.read(directory + "/van.dbc"), as: UTF8.self)
        #expect(dbc.hasPrefix("VERSION"))
    }
}
