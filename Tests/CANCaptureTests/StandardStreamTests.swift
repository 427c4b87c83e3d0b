import CANCore
import Foundation
import Testing
@testable import CANCapture

#if canImport(Glibc)
import Glibc
#endif

/// `-` reads standard input and writes standard output. The reader and writer duplicate
/// the descriptor when they open, so the test swaps a file in only around `init`.
@Suite("standard input and output")
struct StandardStreamTests {
    /// Runs `body` with `descriptor` temporarily replaced by the file at `path`.
    static func withDescriptor<T>(_ descriptor: Int32, replacedBy path: String, flags: Int32, _ body: () throws -> T) throws -> T {
        let file = open(path, flags, 0o644)
        #expect(file >= 0)
        let saved = dup(descriptor)
        dup2(file, descriptor)
        defer {
            dup2(saved, descriptor)
            close(saved)
            close(file)
        }
        return try body()
    }

    @Test("reading '-' takes standard input, plain or gzip, and detects the format")
    func standardInput() throws {
        let dir = try makeScratchDirectory("stdin")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = SampleFrames.all()
        for name in ["in.log", "in.log.gz", "in.pcapng.gz", "in.asc"] {
            let path = dir.appendingPathComponent(name).path
            try writeAll(frames, to: path)
            let reader = try Self.withDescriptor(STDIN_FILENO, replacedBy: path, flags: O_RDONLY) {
                try CaptureReader(path: "-")
            }
            #expect(reader.format == CaptureFormat.fromExtension(of: name))
            var count = 0
            while try reader.next() != nil { count += 1 }
            #expect(count == frames.count, "\(name)")
        }
    }

    @Test("writing '-' goes to standard output")
    func standardOutput() throws {
        let dir = try makeScratchDirectory("stdout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.log").path
        let writer = try Self.withDescriptor(STDOUT_FILENO, replacedBy: path, flags: O_WRONLY | O_CREAT | O_TRUNC) {
            try CaptureWriter(path: "-")
        }
        #expect(writer.format == .candumpLog)
        try writer.write(CANFrame(timestamp: timestamp(1_700_000_000, 1000), bus: "can0", id: 0x123, bytes: [0xAB]))
        try writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("(1700000000.000001) can0 123#AB\n"))
    }
}

@Suite("pipes")
struct PipeTests {
    /// `candump -L can0 | candor decode -`: frames must come out as lines arrive, not when
    /// a buffer fills or the writer closes. The writer end stays open until the reader has
    /// its frames (or, as a safety net so a regression fails instead of hanging, 20 s).
    @Test("a frame is returned as soon as its line arrives through a pipe")
    func lineByLine() throws {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        writer.write(Data("(1700000000.000001) can0 123#11\n(1700000000.000002) can0 124#22\n".utf8))
        let done = DispatchSemaphore(value: 0)
        let closedEarly = ManagedFlag()
        let closer = Thread {
            if done.wait(timeout: .now() + 20) == .timedOut { closedEarly.set() }
            try? writer.close()
        }
        closer.start()
        let reader = try CaptureReader(path: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        let first = try reader.next()
        let second = try reader.next()
        let openWhileRead = !closedEarly.value
        done.signal()
        #expect(first?.id == 0x123 && second?.id == 0x124)
        #expect(openWhileRead, "the reader waited for the writer to close the pipe")
        #expect(try reader.next() == nil)
    }
}

final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
