import Foundation
import TestSupport
import Testing

/// One expected-output fixture: `Fixtures/expected/<name>.jsonl` is what cantools decodes from
/// `Fixtures/captures/corner/<name>.log` with `Fixtures/dbc/corner/<name>.dbc`
/// (`<name>.j1939.jsonl`: the same, decoded with `--j1939`). Regenerate with
/// `Fixtures/tools/cantools_expected.py`; these tests need no Python.
struct DecodeFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var j1939: Bool

    var testDescription: String { j1939 ? "\(name) --j1939" : name }

    var dbc: URL { FixturePaths.cornerDBCs.appendingPathComponent("\(name).dbc") }
    var capture: URL { FixturePaths.cornerCaptures.appendingPathComponent("\(name).log") }
    var expected: URL {
        FixturePaths.expected.appendingPathComponent(j1939 ? "\(name).j1939.jsonl" : "\(name).jsonl")
    }

    static let all: [DecodeFixture] = FixturePaths.files(in: FixturePaths.expected, suffix: ".jsonl").map { file in
        let stem = String(file.dropLast(".jsonl".count))
        if stem.hasSuffix(".j1939") {
            return DecodeFixture(name: String(stem.dropLast(".j1939".count)), j1939: true)
        }
        return DecodeFixture(name: stem, j1939: false)
    }
}

@Suite struct DecodeFixtureTests {
    @Test func fixturesArePresent() {
        #expect(DecodeFixture.all.count >= 60, "expected files under \(FixturePaths.expected.path)")
    }

    @Test(arguments: DecodeFixture.all)
    func decodeMatchesCantools(_ fixture: DecodeFixture) throws {
        var arguments = ["decode", "--dbc", fixture.dbc.path, "--format", "jsonl"]
        if fixture.j1939 { arguments.append("--j1939") }
        arguments.append(fixture.capture.path)
        let result = try CandorExecutable.located().run(arguments)
        #expect(!result.crashed, "candor crashed: \(result.stderr)")
        #expect(result.status == 0, "candor \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")

        let want = try String(contentsOf: fixture.expected, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let got = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        if let first = zip(want, got).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("""
                \(fixture.testDescription): line \(first.offset + 1) differs
                  cantools: \(first.element.0)
                  candor:   \(first.element.1)
                """)
        } else if want.count != got.count {
            Issue.record("\(fixture.testDescription): cantools has \(want.count - 1) lines, candor \(got.count - 1)")
        }
    }
}

/// `--format text` (for people) on every fixture: it must not fail where jsonl succeeds.
@Suite struct DecodeTextFormatTests {
    @Test(arguments: DecodeFixture.all.filter { !$0.j1939 })
    func textFormatDecodes(_ fixture: DecodeFixture) throws {
        let result = try CandorExecutable.located().run(
            ["decode", "--dbc", fixture.dbc.path, "--format", "text", fixture.capture.path])
        #expect(!result.crashed, "candor crashed: \(result.stderr)")
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(!result.stdout.isEmpty)
    }
}

/// Standard input, gzip and `--strict`, on the capture that carries the candump grammar corners.
@Suite struct DecodeInputModeTests {
    static let fixture = DecodeFixture(name: "runtime_dlc", j1939: false)

    @Test func standardInputDecodesLikeAFile() throws {
        let f = Self.fixture
        let result = try CandorExecutable.located().run(
            ["decode", "--dbc", f.dbc.path, "--format", "jsonl", "-"], stdin: f.capture)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout == (try String(contentsOf: f.expected, encoding: .utf8)))
    }

    /// A gzip-compressed capture decodes to the same lines (gzip is part of every Debian).
    @Test func gzipCaptureDecodesLikeThePlainFile() throws {
        let f = Self.fixture
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("runtime_dlc.log")
        try FileManager.default.copyItem(at: f.capture, to: copy)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-n", copy.path]
        try gzip.run()
        let deadline = ProcessDeadline(gzip, seconds: 60)
        gzip.waitUntilExit()
        try deadline.check()
        try #require(gzip.terminationStatus == 0)
        let result = try CandorExecutable.located().run(
            ["decode", "--dbc", f.dbc.path, "--format", "jsonl", copy.path + ".gz"])
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout == (try String(contentsOf: f.expected, encoding: .utf8)))
    }

    /// Error frames and non-frame lines are skipped silently by default; `--strict` makes the
    /// first one an input error (exit 2) that names the file and line.
    @Test func strictStopsAtTheFirstLineThatIsNotADataFrame() throws {
        let f = Self.fixture
        let lines = try String(contentsOf: f.capture, encoding: .utf8).split(separator: "\n")
        let firstSkipped = try #require(lines.firstIndex { line in
            line.hasPrefix("DROPCOUNT") || line.split(separator: " ").dropFirst(2).first.map { frame in
                let id = frame.prefix { $0 != "#" }
                return id.count == 8 && (UInt32(id, radix: 16) ?? 0) & 0x2000_0000 != 0
            } == true
        })
        let result = try CandorExecutable.located().run(
            ["decode", "--dbc", f.dbc.path, "--format", "jsonl", "--strict", f.capture.path])
        #expect(!result.crashed)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("runtime_dlc.log:\(firstSkipped + 1)"), "stderr: \(result.stderr)")
    }
}

/// `candor dbc check FILE`: exit 0 when the file has no error diagnostics (warnings and notes
/// allowed: every corner file cantools refuses is still read), 2 when information was lost:
/// files named `broken_*.dbc`, and `hex_message_id.dbc` (`BO_ 0x123` is not DBC syntax, so the
/// message cannot be read).
@Suite struct DBCCheckExitCodeTests {
    static let unreadable: Set<String> = ["hex_message_id.dbc"]

    static let files = FixturePaths.files(in: FixturePaths.cornerDBCs, suffix: ".dbc")

    @Test(arguments: files)
    func exitCode(_ file: String) throws {
        let path = FixturePaths.cornerDBCs.appendingPathComponent(file).path
        let result = try CandorExecutable.located().run(["dbc", "check", path])
        let expected: Int32 = file.hasPrefix("broken_") || Self.unreadable.contains(file) ? 2 : 0
        #expect(!result.crashed, "candor crashed: \(result.stderr)")
        #expect(result.status == expected, "candor dbc check \(file) exited \(result.status), expected \(expected):\n\(result.stdout)\(result.stderr)")
    }
}
