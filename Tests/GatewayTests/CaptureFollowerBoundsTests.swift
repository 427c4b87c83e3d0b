import CANCapture
import CANCore
import Foundation
@testable import Gateway
import Testing

/// `candor tail --follow` reads like the other readers (issue 10, item 13): bounded on a
/// non-capture, gzip read up to the last complete member, skipped lines counted.
@Suite struct CaptureFollowerBoundsTests {
    @Test func aNonCaptureFailsAtOnceInsteadOfGrowing() throws {
        let follower = try CaptureFollower(path: "/dev/urandom")
        #expect {
            _ = try follower.poll()
        } throws: { error in
            let message = (error as! CaptureError).message
            return message.contains("binary data") || message.contains("no line end")
        }
        let directory = try TemporaryDirectory.make("follow-long-line")
        let path = directory + "/long.log"
        try appendText(String(repeating: "x", count: 100_000), to: path)
        #expect {
            _ = try CaptureFollower(path: path).poll()
        } throws: { error in
            (error as! CaptureError).message.contains("no line end in 65536 bytes")
        }
    }

    @Test func gzipIsFollowedUpToItsLastCompleteMember() throws {
        let directory = try TemporaryDirectory.make("follow-gzip")
        func member(_ text: String) throws -> [UInt8] {
            let scratch = directory + "/member.log.gz"
            let writer = try CaptureWriter(path: scratch, format: .candumpLog, gzip: true)
            let reader = try CaptureReader(bytes: Array(text.utf8), name: "m.log", format: .candumpLog, strict: true)
            while let frame = try reader.next() { try writer.write(frame) }
            try writer.close()
            return Array(try Data(contentsOf: URL(fileURLWithPath: scratch)))
        }
        let first = try member("(1.000000) can0 123#01\n(1.100000) can0 124#02\n")
        let second = try member("(2.000000) can0 125#03\n")
        // A complete recording written with `gzip: true` (once "truncated gzip data").
        let complete = directory + "/whole.log.gz"
        _ = FileManager.default.createFile(atPath: complete, contents: Data(first + second))
        #expect(try CaptureFollower(path: complete).poll().map(\.id) == [0x123, 0x124, 0x125])
        // Growing: the second member arrives in two pieces.
        let growing = directory + "/growing.log.gz"
        _ = FileManager.default.createFile(atPath: growing, contents: Data(first + second.prefix(10)))
        let follower = try CaptureFollower(path: growing)
        #expect(try follower.poll().map(\.id) == [0x123, 0x124])
        #expect(try follower.poll().isEmpty)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: growing))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(second.dropFirst(10)))
        try handle.close()
        #expect(try follower.poll().map(\.id) == [0x125])
    }

    @Test func skippedLinesAreCountedWithTheirLineInTheFile() throws {
        let directory = try TemporaryDirectory.make("follow-count")
        let path = directory + "/odd.log"
        try appendText("(1.000000) can0 123#01\n", to: path)
        let follower = try CaptureFollower(path: path)
        #expect(try follower.poll().count == 1)
        try appendText("garbage\n(1.100000) can0 124#00112233445566778899\n", to: path)
        #expect(try follower.poll().count == 1)
        #expect(follower.statistics.malformedLines == 1 && follower.statistics.firstMalformed?.line == 2)
        #expect(follower.statistics.bentRecords == 1 && follower.statistics.firstBent?.line == 3)
    }
}
