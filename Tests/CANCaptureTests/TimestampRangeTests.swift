import CANCore
import Foundation
import Testing
@testable import CANCapture

/// Times past what a 64-bit nanosecond count holds, or outside what a format can write:
/// a counted malformed line when read, a clear error when written (issue 10, item 1).
@Suite("timestamps out of range")
struct TimestampRangeTests {
    @Test("candump -tA dates past 2255 or before 1685 are malformed lines, not a trap")
    func farDates() throws {
        let text = """
             (2263-01-01 00:00:00.000001)  can0  101   [8]  01 02 03 04 05 06 07 08
             (1600-01-01 00:00:00.000001)  can0  101   [1]  01
             (2023-11-14 22:13:20.000001)  can0  101   [1]  02

            """
        let (frames, statistics) = try readAll(text, name: "far.txt", format: .candumpASCII)
        #expect(frames.count == 1)
        #expect(frames.first?.timestamp.seconds == 1_700_000_000)
        #expect(statistics.malformedLines == 2)
        #expect(statistics.firstMalformed?.line == 1)
        #expect(statistics.firstMalformed?.reason.contains("2255") == true)
        for frame in frames { _ = frame.timestamp.totalNanoseconds }
        #expect(throws: CaptureError.self) {
            _ = try readAll(text, name: "far.txt", format: .candumpASCII, strict: true)
        }
    }

    @Test("writing a time a format cannot hold throws, naming the frame and the range")
    func unwritableTimes() throws {
        let dir = try makeScratchDirectory("time-range")
        defer { try? FileManager.default.removeItem(at: dir) }
        var early = CANFrame(id: 0x123, length: 1)
        early.timestamp = CANTimestamp(seconds: -5, nanoseconds: 0)
        var late = CANFrame(id: 0x123, length: 1)
        late.timestamp = CANTimestamp(seconds: 5_000_000_000, nanoseconds: 0)
        let cases: [(CaptureFormat, CANFrame, Bool)] = [
            (.pcap, early, false), (.pcap, late, false), (.pcapng, early, false), (.pcapng, late, true),
            (.candumpLog, early, false), (.candumpLog, late, true), (.asc, early, true), (.candumpASCII, early, true),
        ]
        for (format, frame, writable) in cases {
            let path = dir.appendingPathComponent("out.\(format.fileExtension)").path
            let writer = try CaptureWriter(path: path, format: format)
            if writable {
                try writer.write(frame)
                try writer.close()
                let back = try readAll(path: path, format: format)
                #expect(back.count == 1, "\(format)")
                if format != .asc { #expect(back.first?.timestamp == frame.timestamp, "\(format)") }
            } else {
                #expect("\(format) \(frame.timestamp.seconds)") {
                    try writer.write(frame)
                } throws: { error in
                    let e = error as! CaptureError
                    return e.line == 1 && e.message.contains("holds times from") && e.file == path
                }
            }
        }
    }
}
