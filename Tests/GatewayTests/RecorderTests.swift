import CANCapture
import CANCore
import Foundation
@testable import Gateway
import Testing

/// Deterministic frames of every kind the candump log holds (seeded, printed).
func recorderFrames(count: Int, seed: UInt64, start: Int64 = 1_700_000_000, stepMicros: Int64 = 1000) -> [CANFrame] {
    print("recorder frames: \(count), seed \(seed)")
    var state = seed
    func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    return (0..<count).map { i in
        let time = CANTimestamp(totalNanoseconds: (start * 1_000_000 + Int64(i) * stepMicros) * 1000, fractionDigits: 6)
        let pick = next() % 10
        let bus = pick % 2 == 0 ? "can0" : "vcan12"
        switch pick {
        case 0: return CANFrame(timestamp: time, bus: bus, id: UInt32(next() % 0x1FFF_FFFF), isExtended: true,
                                bytes: (0..<Int(next() % 9)).map { _ in UInt8(truncatingIfNeeded: next()) })
        case 1: return CANFrame(timestamp: time, bus: bus, id: UInt32(next() % 0x800),
                                bytes: (0..<[12, 16, 32, 64][Int(next() % 4)]).map { _ in UInt8(truncatingIfNeeded: next()) },
                                fd: true, fdFlags: .bitRateSwitch)
        case 2: return CANFrame(timestamp: time, bus: bus, id: UInt32(next() % 0x800), kind: .remote, length: Int(next() % 9))
        case 3: return CANFrame(timestamp: time, bus: bus, id: 0x123, length: 2, direction: .transmit, data: CANPayload([1, 2]))
        default: return CANFrame(timestamp: time, bus: bus, id: UInt32(next() % 0x800),
                                 bytes: (0..<Int(next() % 9)).map { _ in UInt8(truncatingIfNeeded: next()) })
        }
    }
}

func readFrames(_ path: String) throws -> [CANFrame] {
    let reader = try CaptureReader(path: path, strict: true)
    var frames: [CANFrame] = []
    while let frame = try reader.next() { frames.append(frame) }
    return frames
}

func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : -1
}

@Suite struct RecorderTests {
    @Test func lineLengthMatchesTheWriter() throws {
        let directory = try TemporaryDirectory.make("recorder-length")
        let frames = recorderFrames(count: 2000, seed: 7) + recorderFrames(count: 200, seed: 9, start: 5)
        let writer = try CaptureWriter(path: directory + "/all.log", format: .candumpLog, gzip: false)
        var scratch: [UInt8] = []
        var total = 0
        for frame in frames {
            try writer.write(frame)
            total += CandumpLineLength.of(frame, scratch: &scratch)
        }
        try writer.close()
        #expect(fileSize(directory + "/all.log") == total)
    }

    @Test func rotatesBySizeAtTheBoundaryAndKeepsEveryFrame() throws {
        let directory = try TemporaryDirectory.make("recorder-size")
        let options = RecorderOptions(directory: directory, maxFileBytes: 4096, maxFileAge: .seconds(1_000_000), retentionBytes: 0)
        let files = RotatingCaptureFiles(options: options)
        let frames = recorderFrames(count: 3000, seed: 1)
        try files.write(frames[...])
        try files.close()
        let recordings = RotatingCaptureFiles.recordings(in: directory, prefix: "candor")
        #expect(recordings.count == files.filesStarted && recordings.count > 10)
        var readBack: [CANFrame] = []
        var scratch: [UInt8] = []
        for (index, recording) in recordings.enumerated() {
            let path = directory + "/" + recording.name.text
            let inFile = try readFrames(path)
            #expect(recording.bytes <= 4096)
            #expect(recording.name.sequence == index + 1)
            #expect(recording.name.start == RecordingFileName.utcText(inFile[0].timestamp))
            if index + 1 < recordings.count {
                // The next frame would not have fitted.
                let next = frames[readBack.count + inFile.count]
                #expect(recording.bytes + CandumpLineLength.of(next, scratch: &scratch) > 4096)
            }
            readBack += inFile
        }
        #expect(readBack == frames)
    }

    @Test func rotatesByEventTimeAge() throws {
        let directory = try TemporaryDirectory.make("recorder-age")
        let options = RecorderOptions(directory: directory, maxFileAge: .seconds(10), retentionBytes: 0)
        let files = RotatingCaptureFiles(options: options)
        // One frame a second for 35 s: files start at 0, 10, 20, 30 s.
        let frames = recorderFrames(count: 35, seed: 2, stepMicros: 1_000_000)
        try files.write(frames[...])
        try files.close()
        let counts = try RotatingCaptureFiles.recordings(in: directory, prefix: "candor")
            .map { try readFrames(directory + "/" + $0.name.text).count }
        #expect(counts == [10, 10, 10, 5])
    }

    @Test func retentionDeletesTheOldestFiles() throws {
        let directory = try TemporaryDirectory.make("recorder-retention")
        let options = RecorderOptions(directory: directory, maxFileBytes: 2000, maxFileAge: .seconds(1_000_000), retentionBytes: 7000)
        let files = RotatingCaptureFiles(options: options)
        let frames = recorderFrames(count: 2000, seed: 3)
        for chunk in stride(from: 0, to: frames.count, by: 100) {
            try files.write(frames[chunk..<min(chunk + 100, frames.count)])
        }
        try files.close()
        let recordings = RotatingCaptureFiles.recordings(in: directory, prefix: "candor")
        let total = recordings.reduce(0) { $0 + $1.bytes }
        #expect(total <= 7000 && total > 7000 - 2000)
        #expect(files.filesDeleted == files.filesStarted - recordings.count && files.filesDeleted > 0)
        // What is left is the newest part of the recording, complete.
        let kept = try recordings.flatMap { try readFrames(directory + "/" + $0.name.text) }
        #expect(Array(frames.suffix(kept.count)) == kept)
        #expect(recordings.map(\.name.sequence) == Array((files.filesStarted - recordings.count + 1)...files.filesStarted))
    }

    @Test func gzipRecordingsReadBack() throws {
        let directory = try TemporaryDirectory.make("recorder-gzip")
        let options = RecorderOptions(directory: directory, maxFileBytes: 50_000, gzip: true)
        let recorder = Recorder(output: RotatingCaptureFiles(options: options), capacity: 512)
        let frames = recorderFrames(count: 3000, seed: 4)
        var accepted: [CANFrame] = []
        for frame in frames where recorder.record(frame) { accepted.append(frame) }
        try recorder.close()
        let recordings = RotatingCaptureFiles.recordings(in: directory, prefix: "candor")
        #expect(recordings.allSatisfy { $0.name.gzip && $0.name.text.hasSuffix(".log.gz") })
        let readBack = try recordings.flatMap { try readFrames(directory + "/" + $0.name.text) }
        #expect(readBack == accepted)
        #expect(recorder.statistics.written == UInt64(accepted.count))
        #expect(recorder.statistics.dropped == UInt64(frames.count - accepted.count))
    }

    @Test func flushWaitsUntilEveryQueuedFrameIsWritten() throws {
        // flush() returns only after the writer thread handed every frame queued before the
        // call to the output and flushed it (CaptureWriter.flush hands bytes to zlib; they
        // reach the disk at zlib's 256 KiB buffer or at close(), see the report).
        let output = CollectingOutput()
        let recorder = Recorder(output: output, capacity: 100_000)
        let frames = recorderFrames(count: 500, seed: 5)
        for frame in frames { #expect(recorder.record(frame)) }
        try recorder.flush()
        let (written, flushes) = output.snapshot()
        #expect(written.count == frames.count && written == frames)
        #expect(flushes >= 1)
        try recorder.close()
        #expect(!recorder.record(frames[0]))
        #expect(recorder.statistics == RecorderStatistics(written: 500, dropped: 1, writeFailures: 0))
        #expect(output.closed)
    }

    @Test func flushDoesNotWaitForFramesQueuedAfterIt() throws {
        // flush() waits for the frames queued before the call, not for an empty queue: a
        // producer that never pauses (a busy bus) does not hold it up.
        let output = CollectingOutput()
        let recorder = Recorder(output: output, capacity: 1 << 14)
        let frames = recorderFrames(count: 300, seed: 13)
        for frame in frames { #expect(recorder.record(frame)) }
        let producing = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        let stop = StopFlag()
        Thread {
            producing.signal()
            while !stop.isSet { recorder.record(frames[0]) }
            stopped.signal()
        }.start()
        producing.wait()
        try recorder.flush()
        let (written, flushes) = output.snapshot()
        #expect(Array(written.prefix(frames.count)) == frames)
        #expect(flushes >= 1)
        stop.set()
        stopped.wait()
        try recorder.close()
        let statistics = recorder.statistics
        #expect(statistics.written + statistics.dropped >= UInt64(frames.count) && statistics.writeFailures == 0)
        #expect(output.snapshot().0.count == Int(statistics.written))
    }

    @Test func stalledWriterDropsAndCountsWithoutBlockingIngest() throws {
        let output = StalledOutput()
        let recorder = Recorder(output: output, capacity: 64)
        let frames = recorderFrames(count: 200, seed: 6)
        #expect(recorder.record(frames[0]))
        output.entered.wait()  // the writer holds frame 0 and is stuck in write
        for frame in frames[1...64] { #expect(recorder.record(frame)) }
        for frame in frames[65...] { #expect(!recorder.record(frame)) }
        #expect(recorder.statistics.dropped == 135)
        output.release.signal()
        try recorder.close()
        #expect(output.written == Array(frames[0...64]))
        #expect(recorder.statistics == RecorderStatistics(written: 65, dropped: 135, writeFailures: 0))
    }

    @Test func failedWritesAreCountedAsDrops() throws {
        let output = FailingOutput()
        let recorder = Recorder(output: output, capacity: 16)
        for frame in recorderFrames(count: 10, seed: 8) { recorder.record(frame) }
        #expect(throws: CaptureError.self) { try recorder.flush() }
        try? recorder.close()
        #expect(recorder.statistics.dropped == 10 && recorder.statistics.written == 0)
        #expect(recorder.statistics.writeFailures >= 1)
    }

    @Test func fileNamesParseAndSort() {
        let early = RecordingFileName(prefix: "candor", start: CANTimestamp(seconds: 1_773_324_302, nanoseconds: 123_456_000), sequence: 7, gzip: false)
        #expect(early.text == "candor-20260312T140502.123456Z-000007.log")
        #expect(RecordingFileName(parsing: early.text, prefix: "candor") == early)
        #expect(RecordingFileName(parsing: "candor-x.log", prefix: "candor") == nil)
        #expect(RecordingFileName(parsing: early.text, prefix: "other") == nil)
        let later = RecordingFileName(prefix: "candor", start: CANTimestamp(seconds: 1_773_324_302, nanoseconds: 123_456_000), sequence: 8, gzip: true)
        #expect(early < later && later.text.hasSuffix("-000008.log.gz"))
    }
}

/// A flag one thread sets and another polls.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

final class StalledOutput: RecordingOutput, @unchecked Sendable {
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    private(set) var written: [CANFrame] = []
    private var first = true
    func write(_ frames: ArraySlice<CANFrame>) throws(CaptureError) {
        if first { first = false; entered.signal(); release.wait() }
        written += frames
    }
    func flush() throws(CaptureError) {}
    func close() throws(CaptureError) {}
}

final class FailingOutput: RecordingOutput {
    func write(_ frames: ArraySlice<CANFrame>) throws(CaptureError) { throw CaptureError(file: "disk", message: "full") }
    func flush() throws(CaptureError) {}
    func close() throws(CaptureError) {}
}

final class CollectingOutput: RecordingOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [CANFrame] = []
    private var flushes = 0
    private(set) var closed = false
    func write(_ batch: ArraySlice<CANFrame>) throws(CaptureError) { lock.withLock { frames += batch } }
    func flush() throws(CaptureError) { lock.withLock { flushes += 1 } }
    func close() throws(CaptureError) { lock.withLock { closed = true } }
    func snapshot() -> ([CANFrame], Int) { lock.withLock { (frames, flushes) } }
}

@Suite struct RecorderThroughput {
    /// Information only (no timed assertion): ingest-side cost of record() and the writer's
    /// rate into real rotating files, in this (usually debug) build.
    @Test func printsRecorderRates() throws {
        let directory = try TemporaryDirectory.make("recorder-rate")
        let frames = recorderFrames(count: 300_000, seed: 12)
        let options = RecorderOptions(directory: directory, maxFileBytes: 4 << 20, retentionBytes: 0)
        let recorder = Recorder(output: RotatingCaptureFiles(options: options), capacity: frames.count)
        var start = timespec(), queued = timespec(), written = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        for frame in frames { recorder.record(frame) }
        clock_gettime(CLOCK_MONOTONIC, &queued)
        try recorder.close()
        clock_gettime(CLOCK_MONOTONIC, &written)
        func seconds(_ a: timespec, _ b: timespec) -> Double { Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9 }
        print("recorder: record() \(Int(Double(frames.count) / seconds(start, queued))) frames/s on the ingest thread; "
            + "all \(frames.count) on disk after \(seconds(start, written)) s (\(Int(Double(frames.count) / seconds(start, written))) frames/s); dropped \(recorder.statistics.dropped)")
        #expect(recorder.statistics.written == UInt64(frames.count))
    }
}
