import CANCore
import Foundation
import Testing
@testable import CANCapture

@Suite("bad input gives a clear error, never a crash")
struct BadInputTests {
    @Test("missing file")
    func missing() {
        #expect {
            _ = try CaptureReader(path: "/nonexistent/candor/none.log")
        } throws: { error in
            let e = error as! CaptureError
            return e.file == "/nonexistent/candor/none.log" && e.message.contains("No such file")
        }
    }

    @Test("a directory")
    func directory() {
        #expect(throws: CaptureError.self) { _ = try CaptureReader(path: "/tmp") }
    }

    @Test("empty file")
    func empty() throws {
        let dir = try makeScratchDirectory("empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("empty.log").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        #expect {
            _ = try CaptureReader(path: path)
        } throws: { error in
            (error as! CaptureError).message.contains("empty")
        }
        #expect(throws: CaptureError.self) {
            _ = try CaptureReader(bytes: [], name: "x.log", format: .candumpLog, strict: false)
        }
    }

    @Test("binary data given as a text format")
    func binaryAsText() throws {
        var pcapHeader: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + [UInt8](repeating: 0, count: 8)
        pcapHeader += [0xFF, 0xFF, 0, 0, 227, 0, 0, 0]
        #expect {
            _ = try CaptureReader(bytes: pcapHeader, name: "x.log", format: .candumpLog, strict: false)
        } throws: { error in
            let e = error as! CaptureError
            return e.message.contains("binary") && e.message.contains("pcap")
        }
        // NUL bytes further in are reported on their line.
        var text = Array(String(repeating: "(1.000000) can0 123#11\n", count: 400).utf8)
        text += [0, 1, 2, 0x0A]
        let reader = try CaptureReader(bytes: text, name: "late.log", format: nil, strict: false)
        #expect {
            while try reader.next() != nil {}
        } throws: { error in
            let e = error as! CaptureError
            return e.line == 401 && e.message.contains("binary")
        }
    }

    @Test("a 10 MB line is skipped as malformed, in bounded memory")
    func hugeLine() throws {
        var text = Array("(1.000000) can0 001#01\n".utf8)
        text += [UInt8](repeating: UInt8(ascii: "A"), count: 10 * 1024 * 1024)
        text += Array("\n(1.000001) can0 002#02\n".utf8)
        let (frames, stats) = try readAll(bytes: text, name: "huge.log")
        #expect(frames.map(\.id) == [1, 2])
        #expect(stats.malformedLines == 1)
        #expect(stats.firstMalformed?.line == 2)
        #expect(stats.firstMalformed?.reason.contains("longer than") == true)

        let strict = try CaptureReader(bytes: text, name: "huge.log", format: nil, strict: true)
        _ = try strict.next()
        #expect { _ = try strict.next() } throws: { error in
            (error as! CaptureError).line == 2
        }
    }

    @Test("a huge last line without a newline")
    func hugeLastLine() throws {
        var text = Array("(1.000000) can0 001#01\n".utf8)
        text += [UInt8](repeating: UInt8(ascii: "7"), count: 3 * 1024 * 1024)
        let (frames, stats) = try readAll(bytes: text, name: "huge.log")
        #expect(frames.count == 1)
        #expect(stats.malformedLines == 1)
    }

    @Test("truncated gzip, from a file and from memory")
    func truncatedGzip() throws {
        let dir = try makeScratchDirectory("trunc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = dir.appendingPathComponent("full.log.gz").path
        var frames: [CANFrame] = []
        for i in 0..<20_000 {
            frames.append(CANFrame(
                timestamp: timestamp(1_700_000_000 + Int64(i / 1000), UInt32(i % 1000) * 1000), bus: "can0",
                id: UInt32(i % 0x7FF), bytes: [UInt8(i & 0xFF), UInt8(i >> 8 & 0xFF), 0x5A, 0xC3]))
        }
        try writeAll(frames, to: full)
        let data = try Data(contentsOf: URL(fileURLWithPath: full))
        let cut = Array(data.prefix(data.count * 2 / 3))
        let truncated = dir.appendingPathComponent("cut.log.gz").path
        _ = FileManager.default.createFile(atPath: truncated, contents: Data(cut))

        for make in [
            { () throws -> CaptureReader in try CaptureReader(path: truncated) },
            { () throws -> CaptureReader in try CaptureReader(bytes: cut, name: "cut.log.gz", format: nil, strict: false) },
        ] {
            let reader = try make()
            var count = 0
            #expect {
                while try reader.next() != nil { count += 1 }
            } throws: { error in
                (error as! CaptureError).message.contains("truncated")
            }
            #expect(count > 0 && count < frames.count)
        }
    }

    @Test("corrupt gzip data: a clear error, from a file and from memory")
    func corruptGzip() throws {
        let dir = try makeScratchDirectory("corrupt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = dir.appendingPathComponent("full.log.gz").path
        let frames = (0..<5000).map { i in
            CANFrame(timestamp: timestamp(1_700_000_000, UInt32(i) * 1000), bus: "can0", id: UInt32(i % 0x7FF), bytes: [UInt8(i & 0xFF)])
        }
        try writeAll(frames, to: full)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: full)))
        for i in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[i] ^= 0x5A }
        let damaged = dir.appendingPathComponent("damaged.log.gz").path
        _ = FileManager.default.createFile(atPath: damaged, contents: Data(bytes))
        for make in [
            { () throws -> CaptureReader in try CaptureReader(path: damaged) },
            { () throws -> CaptureReader in try CaptureReader(bytes: bytes, name: "damaged.log.gz", format: nil, strict: false) },
        ] {
            #expect {
                let reader = try make()
                while try reader.next() != nil {}
            } throws: { error in
                let message = (error as! CaptureError).message
                return message.contains("corrupt") || message.contains("truncated")
            }
        }
    }

    @Test("text that is no capture at all")
    func unknownFormat() {
        #expect {
            _ = try CaptureReader(bytes: Array("hello world\n".utf8), name: "notes.md", format: nil, strict: false)
        } throws: { error in
            (error as! CaptureError).message.contains("cannot tell")
        }
    }
}
