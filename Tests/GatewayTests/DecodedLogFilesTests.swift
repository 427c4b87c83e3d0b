import CANCore
import Foundation
import TestSupport
@testable import Gateway
import Testing

/// Canonical-looking lines with seeded lengths, `stepMicros` apart from `start` seconds.
func decodedLogLines(count: Int, seed: UInt64, start: Int64 = 1_700_000_000, stepMicros: Int64 = 1000) -> [(time: Int64, line: String)] {
    print("decoded log lines: \(count), seed \(seed)")
    var state = seed
    func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    return (0..<count).map { i in
        let time = (start * 1_000_000 + Int64(i) * stepMicros) * 1000
        let stamp = CANTimestamp(totalNanoseconds: time, fractionDigits: 6)
        var text: [UInt8] = []
        stamp.write(to: &text)
        let signals = (0..<Int(next() % 12)).map { "\"S\($0)\":\(next() % 100_000)" }.joined(separator: ",")
        let line = "{\"bus\":\"can\(next() % 2)\",\"ext\":false,\"id\":\(next() % 2048),\"msg\":\"M\",\"signals\":{\(signals)},\"t\":\(String(decoding: text, as: UTF8.self))}"
        return (time, line)
    }
}

func batch(_ lines: some Sequence<(time: Int64, line: String)>) -> DecodedLogBatch {
    var batch = DecodedLogBatch()
    for (time, line) in lines { batch.append(Array(line.utf8), time: time) }
    return batch
}

/// The file's lines (each without its newline); fails when the file does not end with one.
func linesOfFile(_ path: String) throws -> [String] {
    let bytes = try TestFile.read(path)
    guard !bytes.isEmpty else { return [] }
    #expect(bytes.last == UInt8(ascii: "\n"), "\(path) does not end with a newline")
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

/// `gzip -dc FILE`: the system's gzip as the oracle for compressed files.
func gunzipLines(_ path: String) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "gzip -dc \"$0\"", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let deadline = ProcessDeadline(process, seconds: 60)
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try deadline.check()
    #expect(process.terminationStatus == 0, "gzip -dc \(path) failed")
    #expect(data.last == UInt8(ascii: "\n"))
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}

@Suite struct DecodedLogFilesTests {
    @Test func rotatesBySizeWithWholeLinesAndLosesNone() throws {
        let directory = try TemporaryDirectory.make("decodedlog-size")
        let options = DecodedLogOptions(directory: directory, maxFileBytes: 4096, maxFileAge: .seconds(1_000_000), retentionBytes: 0)
        let files = try RotatingLineFiles(options: options)
        let lines = decodedLogLines(count: 3000, seed: 1)
        // In uneven batches, as the writer thread hands them over.
        var offset = 0
        for size in [1, 7, 500, 1, 2000, 491] {
            let result = files.write(batch(lines[offset..<offset + size]))
            #expect(result.written == size && result.failure == nil)
            offset += size
        }
        try files.close()
        let rotated = files.rotatedFiles
        #expect(rotated.count == files.filesRotated && rotated.count > 10)
        var readBack: [String] = []
        for (index, file) in rotated.enumerated() {
            let inFile = try linesOfFile(directory + "/" + file.name.text)
            #expect(file.bytes <= 4096 && !inFile.isEmpty)
            #expect(file.name.text.hasPrefix("decoded-") && file.name.text.hasSuffix(".jsonl"))
            #expect(file.name.sequence == index + 1)
            // Named after its first line's time; the next line would not have fitted.
            let first = lines[readBack.count]
            #expect(file.name.start == RecordingFileName.utcText(CANTimestamp(totalNanoseconds: first.time)))
            let next = lines[readBack.count + inFile.count]
            #expect(file.bytes + next.line.utf8.count + 1 > 4096)
            readBack += inFile
        }
        readBack += try linesOfFile(options.currentPath)
        #expect(readBack == lines.map(\.line))
    }

    @Test func rotatesByEventTimeAge() throws {
        let directory = try TemporaryDirectory.make("decodedlog-age")
        let options = DecodedLogOptions(directory: directory, maxFileAge: .seconds(10), retentionBytes: 0)
        let files = try RotatingLineFiles(options: options)
        // One line a second for 35 s: files start at 0, 10, 20 and 30 s.
        let lines = decodedLogLines(count: 35, seed: 2, stepMicros: 1_000_000)
        _ = files.write(batch(lines))
        try files.close()
        let counts = try files.rotatedFiles.map { try linesOfFile(directory + "/" + $0.name.text).count }
        #expect(counts == [10, 10, 10])
        let current = try linesOfFile(options.currentPath)
        #expect(current.count == 5)
    }

    @Test func retentionDeletesTheOldestRotatedFiles() throws {
        let directory = try TemporaryDirectory.make("decodedlog-retention")
        let options = DecodedLogOptions(directory: directory, maxFileBytes: 2000, maxFileAge: .seconds(1_000_000), retentionBytes: 7000)
        let files = try RotatingLineFiles(options: options)
        let lines = decodedLogLines(count: 2000, seed: 3)
        for chunk in stride(from: 0, to: lines.count, by: 100) { _ = files.write(batch(lines[chunk..<chunk + 100])) }
        try files.close()
        let rotated = files.rotatedFiles
        let current = try linesOfFile(options.currentPath)
        let total = rotated.reduce(fileSize(options.currentPath)) { $0 + $1.bytes }
        #expect(files.filesDeleted > 0 && files.filesDeleted == files.filesRotated - rotated.count)
        // Retention runs at each rotation, so the current file may have grown since: at most
        // one file's worth over the budget.
        #expect(total <= 7000 + 2000)
        let kept = try rotated.flatMap { try linesOfFile(directory + "/" + $0.name.text) } + current
        #expect(Array(lines.map(\.line).suffix(kept.count)) == kept)
        #expect(rotated.map(\.name.sequence) == Array((files.filesRotated - rotated.count + 1)...files.filesRotated))
    }

    @Test func gzippedRotatedFilesDecompressToTheSameLines() throws {
        let directory = try TemporaryDirectory.make("decodedlog-gzip")
        let options = DecodedLogOptions(directory: directory, maxFileBytes: 50_000, gzip: true)
        let log = DecodedFrameLog(output: try RotatingLineFiles(options: options), options: options)
        let lines = decodedLogLines(count: 3000, seed: 4)
        for (time, line) in lines { #expect(log.append(Array(line.utf8), time: CANTimestamp(totalNanoseconds: time))) }
        try log.close()
        let rotated = RotatedFiles.list(in: directory, prefix: "decoded", fileExtension: "jsonl")
        #expect(rotated.count > 3)
        #expect(rotated.allSatisfy { $0.name.gzip && $0.name.text.hasSuffix(".jsonl.gz") })
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(!names.contains { $0.hasSuffix(".tmp") || ($0.hasSuffix(".jsonl") && $0 != "decoded.jsonl") })
        let readBack = try rotated.flatMap { try gunzipLines(directory + "/" + $0.name.text) } + linesOfFile(options.currentPath)
        #expect(readBack == lines.map(\.line))
        #expect(log.statistics == DecodedLogStatistics(written: 3000, dropped: 0, writeFailures: 0))
    }

    @Test func aFollowerOfTheOldFileReadsItToItsEnd() throws {
        // What `tail -F` relies on: rotation renames, so a reader holding the file open keeps
        // reading the same file, which gets every line written before the rotation.
        let directory = try TemporaryDirectory.make("decodedlog-follow")
        let options = DecodedLogOptions(directory: directory, maxFileBytes: 3000, retentionBytes: 0)
        let files = try RotatingLineFiles(options: options)
        let lines = decodedLogLines(count: 40, seed: 5)
        _ = files.write(batch(lines.prefix(3)))
        let follower = try #require(FileHandle(forReadingAtPath: options.currentPath))
        let early = follower.readDataToEndOfFile()
        _ = files.write(batch(lines.dropFirst(3)))
        try files.close()
        let rest = follower.readDataToEndOfFile()
        let firstFile = try #require(files.rotatedFiles.first)
        #expect(early + rest == Data(try TestFile.read(directory + "/" + firstFile.name.text)))
    }

    @Test func aRestartContinuesTheCurrentFileAndMendsAHalfLine() throws {
        let directory = try TemporaryDirectory.make("decodedlog-restart")
        let lines = decodedLogLines(count: 30, seed: 6, stepMicros: 1_000_000)
        // A previous run wrote 4 lines and died in the middle of the fifth.
        let before = lines.prefix(4).map { $0.line + "\n" }.joined() + String(lines[4].line.prefix(20))
        try TestFile.write(before, to: directory + "/decoded.jsonl")
        let options = DecodedLogOptions(directory: directory, maxFileAge: .seconds(10), retentionBytes: 0)
        let files = try RotatingLineFiles(options: options)
        _ = files.write(batch(lines[5...]))
        try files.close()
        // The old file started at line 0: it is rotated at line 10, named after line 0.
        let rotated = files.rotatedFiles
        let first = try #require(rotated.first)
        #expect(first.name.start == RecordingFileName.utcText(CANTimestamp(totalNanoseconds: lines[0].time)))
        let inFirst = try linesOfFile(directory + "/" + first.name.text)
        #expect(inFirst == lines[0..<4].map(\.line) + [String(lines[4].line.prefix(20))] + lines[5..<10].map(\.line))
        let current = try linesOfFile(options.currentPath)
        #expect(rotated.count == 2 && current == lines[20...].map(\.line))
    }

    @Test func theTimeOfALineIsReadBackFromItsText() {
        func time(_ text: String) -> Int64? { DecodedLineTime.of(line: ArraySlice(Array(text.utf8))) }
        #expect(time(#"{"bus":"can0","ext":false,"id":1,"msg":null,"signals":{},"t":1700000000.123456}"#) == 1_700_000_000_123_456_000)
        #expect(time(#"{"bus":"x","error":"remote frame","ext":false,"id":36,"msg":"K","t":1.5}"#) == 1_500_000_000)
        #expect(time(#"{"signals":{"t":3},"t":12}"#) == 12_000_000_000)
        #expect(time(#"{"t":1700000000.123456789}"#) == 1_700_000_000_123_456_789)
        #expect(time("not a line") == nil)
    }
}
