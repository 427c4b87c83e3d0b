import Foundation
import Testing
@testable import Outbox

/// What a crash, a power loss or a bad disk leaves behind, made by hand.
@Suite struct OutboxDamageTests {
    private func filled(_ name: String, count: UInt64, segmentBytes: Int = 4096) throws -> String {
        let dir = OutboxFixtures.directory(name)
        let outbox = try Outbox(directory: dir, options: OutboxOptions(segmentBytes: segmentBytes))
        for s in 0..<count { try outbox.append(label: "t", payload: OutboxFixtures.payload(s % 7), class: .signals) }
        try outbox.close()
        return dir
    }

    private func options() -> OutboxOptions { OutboxOptions(segmentBytes: 4096) }

    @Test func aPartialLastRecordIsCutBack() throws {
        let dir = try filled("torn", count: 5, segmentBytes: 1 << 20)
        let segment = dir + "/" + OutboxFixtures.segmentFiles(dir).last!
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        // A header that promises 500 bytes, then 20 of them.
        handle.write(Data([0x43, 0x42, 0x58, 0x31, 0xF4, 0x01, 0, 0, 1, 2, 3, 4] + [UInt8](repeating: 9, count: 20)))
        try handle.close()
        let outbox = try Outbox(directory: dir, options: options())
        #expect(outbox.takeEvents() == [.tornTail(path: segment, bytes: 32)])
        #expect(try outbox.next(limit: 99).map(\.sequence) == [0, 1, 2, 3, 4])
        #expect(try outbox.append(label: "t", payload: [1], class: .signals) == 5)
        try outbox.close()
        let again = try Outbox(directory: dir, options: options())
        #expect(again.takeEvents().isEmpty)
        #expect(try again.next(limit: 99).map(\.sequence) == [0, 1, 2, 3, 4, 5])
    }

    @Test func zerosAfterTheLastRecordAreATornTail() throws {
        let dir = try filled("zeros", count: 3, segmentBytes: 1 << 20)
        let segment = dir + "/" + OutboxFixtures.segmentFiles(dir).last!
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data(count: 4096))
        try handle.close()
        let outbox = try Outbox(directory: dir, options: options())
        #expect(outbox.takeEvents() == [.tornTail(path: segment, bytes: 4096)])
        #expect(try outbox.next(limit: 99).count == 3)
    }

    @Test func aCorruptSegmentIsMovedAsideAndCounted() throws {
        let dir = try filled("corrupt", count: 40)
        let segments = OutboxFixtures.segmentFiles(dir)
        #expect(segments.count >= 3)
        let victim = dir + "/" + segments[1]
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: victim)))
        let before = try Outbox(directory: dir, options: options())
        let all = try before.next(limit: 999).map(\.sequence)
        try before.close()
        bytes[bytes.count / 2] ^= 0x40  // one flipped bit in the middle of the file
        try Data(bytes).write(to: URL(fileURLWithPath: victim))
        let outbox = try Outbox(directory: dir, options: options())
        let events = outbox.takeEvents()
        guard case .corruptSegment(let path, let moved, let messages, let lostBytes)? = events.first else {
            Issue.record("expected a corrupt-segment event, got \(events)")
            return
        }
        #expect(path == victim && moved == victim + ".corrupt")
        #expect(FileManager.default.fileExists(atPath: moved) && !FileManager.default.fileExists(atPath: victim))
        let left = try outbox.next(limit: 999).map(\.sequence)
        // What was lost is exactly what the event counts: the readable messages before the
        // damage and the bytes from it.
        #expect(left.count + messages + (lostBytes > 0 ? 1 : 0) <= all.count)
        #expect(left == left.sorted())
        #expect(outbox.currentStatistics.corruptMessages == UInt64(messages))
        #expect(outbox.currentStatistics.corruptBytes == UInt64(lostBytes))
        let lostSequences = Set(all).subtracting(left)
        #expect(lostSequences.count >= messages)
        #expect(try outbox.append(label: "t", payload: [1], class: .signals) == UInt64(all.count))
    }

    @Test func anUnreadableCursorSendsEverythingAgain() throws {
        let dir = try filled("cursor", count: 6, segmentBytes: 1 << 20)
        do {
            let outbox = try Outbox(directory: dir, options: options())
            for m in try outbox.next(limit: 4) { try outbox.acknowledge(m.sequence) }
            try outbox.close()
        }
        try Data([UInt8](repeating: 0xAB, count: 128)).write(to: URL(fileURLWithPath: dir + "/cursor"))
        let outbox = try Outbox(directory: dir, options: options())
        #expect(outbox.takeEvents() == [.cursorReset(path: dir + "/cursor")])
        #expect(try outbox.next(limit: 99).map(\.sequence) == [0, 1, 2, 3, 4, 5])
        #expect(try outbox.append(label: "t", payload: [1], class: .signals) == 6)
    }

    @Test func aTornCursorSlotFallsBackToThePreviousOne() throws {
        let dir = try filled("slot", count: 6, segmentBytes: 1 << 20)
        do {
            let outbox = try Outbox(directory: dir, options: options())
            for m in try outbox.next(limit: 3) { try outbox.acknowledge(m.sequence) }
            try outbox.close()
        }
        // Damage the slot written last; the other one holds an earlier cursor.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/cursor")))
        let generations = [0, 64].map { slot in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[slot + 4 + $1]) << (8 * UInt64($1)) } }
        let newest = generations[0] > generations[1] ? 0 : 64
        bytes[newest + 20] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/cursor"))
        let outbox = try Outbox(directory: dir, options: options())
        #expect(outbox.takeEvents().isEmpty)
        let first = try #require(try outbox.next(limit: 99).first?.sequence)
        #expect(first <= 3)
    }
}
