import CANCapture
import CANCore
import Foundation
@testable import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hostile file systems for candor's outputs (issue 10, items 10 and 12): a symlink planted at
/// an output path is refused, never written through; prefixes cannot leave their directory;
/// retention deletes only regular files; a file sink continued after a crash mid-line starts
/// its first record on a new line.
@Suite struct OutputFileSafetyTests {
    func contents(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    /// A directory with `target.txt` ("precious\n") and a symlink `name` pointing at it.
    func plantedLink(_ test: String, name: String) throws -> (directory: String, link: String, target: String) {
        let directory = try TemporaryDirectory.make(test)
        let target = directory + "/target.txt"
        try TestFile.write("precious\n", to: target)
        let link = directory + "/" + name
        guard symlink(target, link) == 0 else { throw TestFailure("symlink: errno \(errno)") }
        return (directory, link, target)
    }

    @Test func theDecodedLogDoesNotAppendThroughASymlink() throws {
        let (directory, _, target) = try plantedLink("link-decoded", name: "decoded.jsonl")
        #expect {
            _ = try RotatingLineFiles(options: DecodedLogOptions(directory: directory))
        } throws: { error in
            "\(error)".contains("symbolic link")
        }
        #expect(try contents(target) == "precious\n")
    }

    @Test func fileSinksDoNotWriteThroughASymlink() throws {
        for mode in [FileSinkMode.append, .truncate] {
            let (_, link, target) = try plantedLink("link-sink", name: "out.jsonl")
            #expect(throws: SinkError.self) { _ = try JSONLinesSink(path: link, mode: mode) }
            #expect(throws: SinkError.self) { _ = try LineProtocolSink(path: link, mode: mode) }
            #expect(try contents(target) == "precious\n")
        }
    }

    @Test func aRecordingIsNotWrittenThroughASymlink() throws {
        let frames = recorderFrames(count: 10, seed: 3)
        let name = RecordingFileName(prefix: "candor", start: frames[0].timestamp, sequence: 1, gzip: true)
        let (directory, _, target) = try plantedLink("link-recording", name: name.text)
        let files = RotatingCaptureFiles(options: RecorderOptions(directory: directory, gzip: true))
        #expect {
            try files.write(frames[...])
        } throws: { error in
            "\(error)".contains("symbolic link")
        }
        #expect(try contents(target) == "precious\n")
    }

    @Test func theGzipTemporaryFileIsNotWrittenThroughASymlink() throws {
        let (directory, link, target) = try plantedLink("link-gzip", name: "rotated.jsonl.gz.tmp")
        try TestFile.write("{\"t\":1}\n", to: directory + "/rotated.jsonl")
        #expect(throws: CaptureError.self) { try GzipFileCompression.compress(directory + "/rotated.jsonl", to: link) }
        #expect(try contents(target) == "precious\n")
    }

    @Test func prefixesCannotLeaveTheirDirectory() throws {
        func decode(_ section: String) throws(ConfigError) -> GatewayConfig {
            try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + section, file: "c.yaml", environment: [:])
        }
        for prefix in ["../../escaped", "a/b", "..", "x..y", "\"\""] {
            #expect(throws: ConfigError.self, "recorder.prefix \(prefix)") { try decode("recorder: { directory: /var/lib/candor, prefix: \(prefix) }") }
            #expect(throws: ConfigError.self, "decoded_log.prefix \(prefix)") { try decode("decoded_log: { directory: /var/lib/candor, prefix: \(prefix) }") }
        }
        #expect(try decode("recorder: { directory: /var/lib/candor, prefix: van01.can0 }").recorder?.rotation.prefix == "van01.can0")
    }

    @Test func retentionCountsAndDeletesOnlyRegularFiles() throws {
        let directory = try TemporaryDirectory.make("retention-links")
        let outside = try TemporaryDirectory.make("retention-outside")
        try TestFile.write(String(repeating: "x", count: 5000) + "\n", to: outside + "/victim.log")
        let old = RecordingFileName(prefix: "candor", start: CANTimestamp(seconds: 1_000_000_000, nanoseconds: 0), sequence: 1, gzip: false)
        #expect(symlink(outside + "/victim.log", directory + "/" + old.text) == 0)
        #expect(RotatingCaptureFiles.recordings(in: directory, prefix: "candor").isEmpty)
        let files = RotatingCaptureFiles(options: RecorderOptions(directory: directory, maxFileBytes: 2000, retentionBytes: 3000))
        try files.write(recorderFrames(count: 300, seed: 5)[...])
        try files.close()
        #expect(files.filesDeleted > 0)
        #expect(try contents(outside + "/victim.log").count == 5001)
        var info = stat()
        #expect(lstat(directory + "/" + old.text, &info) == 0)  // the link itself is not the recorder's
    }

    /// Before: after a disk-full exit the JSONL sink appended onto the partial last line.
    @Test func fileSinksStartOnANewLineAfterAPartialLastLine() throws {
        let directory = SinksFixtures.directory("partial")
        let records = SinksFixtures.all()
        for (name, open) in [
            ("jsonl", { (path: String, mode: FileSinkMode) throws -> any MetricSink in try JSONLinesSink(path: path, mode: mode) }),
            ("lp", { (path: String, mode: FileSinkMode) throws -> any MetricSink in try LineProtocolSink(path: path, mode: mode) }),
        ] {
            let fresh = directory + "/fresh." + name
            let sink = try open(fresh, .truncate)
            try sink.write(records)
            try sink.close()
            let continued = directory + "/continued." + name
            try TestFile.write("{\"cut\":\"short", to: continued)
            let again = try open(continued, .append)
            try again.write(records)
            try again.close()
            #expect(try contents(continued) == "{\"cut\":\"short\n" + contents(fresh), "\(name)")
            // A file that ends with a newline gets none added.
            let whole = try open(continued, .append)
            try whole.write(records)
            try whole.close()
            #expect(try contents(continued) == "{\"cut\":\"short\n" + contents(fresh) + contents(fresh), "\(name)")
        }
        let jsonLines = try contents(directory + "/continued.jsonl").split(separator: "\n").dropFirst()
        #expect(jsonLines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }
}

/// Drops and write failures logged while running (issue 10, items 4 and 12).
@Suite struct DropReporterTests {
    final class FakeClock: @unchecked Sendable {
        var nanoseconds: Int64 = 1_000_000_000
    }

    @Test func theFirstDropIsLoggedAtOnceThenAtMostOncePerInterval() {
        let capture = LogCapture()
        let clock = FakeClock()
        let drops = DropReporter(
            log: GatewayLog(label: "drops", format: .terminal, output: capture.append, clock: LoggingTests.fixedClock),
            interval: .seconds(10), now: { clock.nanoseconds })
        drops.observe(stage: "recorder", total: 0)
        #expect(capture.all.isEmpty)
        drops.observe(stage: "recorder", total: 12)
        #expect(capture.all.count == 1)
        #expect(capture.all.last?.contains("stage recorder started dropping stage=recorder dropped=12 total=12") == true)
        for second in 1...9 {
            clock.nanoseconds += 1_000_000_000
            drops.observe(stage: "recorder", total: UInt64(12 + second * 100))
        }
        #expect(capture.all.count == 1)
        drops.observe(stage: "tail", total: 5)  // another stage has its own throttle
        #expect(capture.all.count == 2)
        clock.nanoseconds += 1_000_000_000
        drops.observe(stage: "recorder", total: 1000)
        #expect(capture.all.count == 3)
        #expect(capture.all.last?.contains("still dropping stage=recorder dropped=988 total=1000") == true)
        drops.observeWriteFailures(stage: "recorder", total: 3, lastError: "x.log: write failed: No space left on device")
        #expect(capture.all.last?.contains("error drops: recorder: writes failing") == true)
        #expect(capture.all.last?.contains("No space left on device") == true)
    }
}
