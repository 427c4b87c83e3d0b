import CANCore
import Foundation
import Testing
@testable import CANCapture

/// The sample captures in Fixtures/captures/formats, several written by other tools.
@Suite("fixture captures")
struct FixtureTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/captures/formats")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func sampleFrames() throws -> [CANFrame] { try readAll(path: path("sample.log"), strict: true) }

    @Test("sample.log reads strictly and is written back byte for byte")
    func canonicalLog() throws {
        let frames = try Self.sampleFrames()
        #expect(frames.count == 14)
        let dir = try makeScratchDirectory("fixture")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("again.log").path
        try writeAll(frames, to: out)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(contentsOf: URL(fileURLWithPath: Self.path("sample.log"))))
    }

    @Test("variants.log: 9 digits, DROPCOUNT, separators, one malformed line")
    func variants() throws {
        let reader = try CaptureReader(path: Self.path("variants.log"))
        var frames: [CANFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        let stats = reader.statistics
        #expect(frames.count == 4)
        #expect(stats.droppedByKernel == 4)
        #expect(stats.malformedLines == 1 && stats.firstMalformed?.line == 6)
        #expect(stats.nonFrameLines == 3)
        #expect(frames[0].bytes == [0xDE, 0xAD, 0xBE, 0xEF] && frames[0].bus == "vcan0")
        #expect(frames[0].timestamp.fractionDigits == 9)
        #expect(frames[1].bus == "vcan10" && frames[1].kind == .remote && frames[1].isExtended)
        #expect(frames[2].fdFlags == [.bitRateSwitch] && frames[2].direction == .receive)
        #expect(frames[3].timestamp == timestamp(1, 5000))
    }

    @Test("candump-ascii.txt")
    func candumpASCII() throws {
        let reader = try CaptureReader(path: Self.path("candump-ascii.txt"), strict: true)
        #expect(reader.format == .candumpASCII)
        var frames: [CANFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        #expect(frames.count == 9)
        #expect(reader.statistics.nonFrameLines == 1)
        #expect(frames[7].len8DLC == 0xC && frames[7].direction == .receive)
        #expect(frames[8].kind == .fd && frames[8].fdFlags == [.bitRateSwitch, .errorStateIndicator])
    }

    @Test("pcap and pcapng written by an independent Python writer", arguments: ["sample.pcap", "sample.pcapng"])
    func independentPcap(name: String) throws {
        let reader = try CaptureReader(path: Self.path(name), strict: true)
        var frames: [CANFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        let expected = try Self.sampleFrames().map { pcapView($0, bus: name.hasSuffix(".pcap") ? "can0" : nil) }
        #expect(frames == expected)
    }

    static func ascExpected(_ frames: [CANFrame]) -> [CANFrame] {
        let start = frames[0].timestamp.totalNanoseconds
        return frames.map { frame in
            var f = ASCTests.ascView(frame, channel: ["can0": "1", "can1": "2"], start: 0)
            f.timestamp = CANTimestamp(totalNanoseconds: frame.timestamp.totalNanoseconds - start, fractionDigits: 6)
            return f
        }
    }

    @Test("sample.asc from log2asc")
    func log2ascFixture() throws {
        let frames = try readAll(path: Self.path("sample.asc"), strict: true)
        #expect(frames == Self.ascExpected(try Self.sampleFrames()))
    }

    @Test("sample-canfd.asc from log2asc -f (error frames become data frames there)")
    func log2ascCANFDFixture() throws {
        let frames = try readAll(path: Self.path("sample-canfd.asc"), strict: true).filter { $0.id != 0x4 && $0.id != 0xC0 }
        let expected = Self.ascExpected(try Self.sampleFrames()).filter { $0.kind != .error }
        #expect(frames == expected)
    }

    @Test("sample-python-can.asc from python-can")
    func pythonCANFixture() throws {
        let frames = try readAll(path: Self.path("sample-python-can.asc"), strict: true)
        let kept = try Self.sampleFrames().filter { $0.len8DLC == 0 }
        let expected = Self.ascExpected(kept).enumerated().map { index, f -> CANFrame in
            let original = kept[index]
            // python-can reads candump error frames without the bus-error class as data frames.
            if original.kind == .error && !CANErrorClass(rawValue: original.id).contains(.busError) {
                var data = CANFrame(timestamp: f.timestamp, bus: f.bus, id: original.id, isExtended: true, bytes: original.bytes)
                data.direction = .receive
                return data
            }
            return f
        }
        #expect(frames == expected)
    }
}
