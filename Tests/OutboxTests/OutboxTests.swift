import Foundation
import Testing
@testable import Outbox

@Suite struct OutboxTests {
    @Test func crcCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    /// Eight bytes a step gives what a bit at a time gives, for every length and start
    /// (unaligned loads, tails of 0–7 bytes), through each way it is called.
    @Test func crcSlicedEqualsBitwise() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return crc ^ 0xFFFF_FFFF
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // fixed seed
        let bytes: [UInt8] = (0..<300).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for start in 0..<9 {
            for end in start...bytes.count where end - start < 40 || end == bytes.count {
                let expected = bitwise(bytes[start..<end])
                #expect(CRC32C.checksum(bytes[start..<end]) == expected)
                #expect(bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<end])) } == expected)
                #expect(bytes.withUnsafeBytes { CRC32C.checksum($0[start..<end]) } == expected)
            }
        }
    }

    @Test func storedMessagesComeBackInOrderAndAcknowledgedOnesStayGone() throws {
        let dir = OutboxFixtures.directory("order")
        do {
            let outbox = try Outbox(directory: dir)
            for s in 0..<30 as Range<UInt64> {
                #expect(try outbox.append(label: "t/\(s)", payload: OutboxFixtures.payload(s), class: OutboxFixtures.outboxClass(s)) == s)
            }
            let sent = try outbox.next(limit: 10)
            #expect(sent.map(\.sequence) == Array(0..<10))
            #expect(sent.allSatisfy { $0.payload == OutboxFixtures.payload($0.sequence) && $0.label == "t/\($0.sequence)" })
            for s in [0, 1, 2, 3, 5, 7] as [UInt64] { try outbox.acknowledge(s) }
            #expect(outbox.currentStatistics.acknowledged == 6)
            #expect(outbox.currentStatistics.messages == 24)
            try outbox.close()
        }
        let reopened = try Outbox(directory: dir)
        let again = try OutboxFixtures.drain(reopened)
        // Acknowledged ones before the first gap of their class are gone; later ones may come again.
        #expect(again.first?.sequence == 4)
        #expect(again.map(\.sequence) == again.map(\.sequence).sorted())
        #expect(Set(again.map(\.sequence)).isSuperset(of: Set(4..<30).subtracting([5, 7])))
        #expect(again.allSatisfy { $0.payload == OutboxFixtures.payload($0.sequence) })
        #expect(try reopened.append(label: "x", payload: [1], class: .signals) == 30)
        #expect(reopened.takeEvents().isEmpty)
    }

    @Test func inFlightMessagesAreResentAfterRewind() throws {
        let outbox = try Outbox(directory: OutboxFixtures.directory("rewind"))
        for s in 0..<5 as Range<UInt64> { try outbox.append(label: "t", payload: [UInt8(s)], class: .health) }
        #expect(try outbox.next(limit: 3).map(\.sequence) == [0, 1, 2])
        try outbox.acknowledge(1)
        #expect(try outbox.next(limit: 10).map(\.sequence) == [3, 4])
        outbox.resend()
        #expect(try outbox.next(limit: 10).map(\.sequence) == [0, 2, 3, 4])
    }

    @Test func importantClassesGoFirstWhenAsked() throws {
        let outbox = try Outbox(directory: OutboxFixtures.directory("priority"))
        for s in 0..<9 as Range<UInt64> { try outbox.append(label: "t", payload: [0], class: OutboxFixtures.outboxClass(s)) }
        #expect(try outbox.next(limit: 9, importantFirst: true).map(\.sequence) == [2, 5, 8, 1, 4, 7, 0, 3, 6])
    }

    @Test func aFullOutboxEvictsSignalsFirstAndEssentialsLast() throws {
        let record = 12 + 19 + 1 + 100  // header, fixed body, label "t", payload
        let outbox = try Outbox(directory: OutboxFixtures.directory("full"), options: OutboxOptions(maxBytes: 10 * record))
        let payload = [UInt8](repeating: 7, count: 100)
        for _ in 0..<4 { try outbox.append(label: "t", payload: payload, class: .signals) }
        for _ in 0..<3 { try outbox.append(label: "t", payload: payload, class: .health) }
        for _ in 0..<3 { try outbox.append(label: "t", payload: payload, class: .essential) }
        #expect(outbox.currentStatistics.bytes == 10 * record)
        // Essential pushes out the oldest signals, then health.
        for _ in 0..<6 { try outbox.append(label: "t", payload: payload, class: .essential) }
        var stats = outbox.currentStatistics
        #expect(stats.evictedByClass == [.signals: 4, .health: 2])
        #expect(stats.evicted == [.full: 6])
        #expect(try outbox.next(limit: 100).map(\.sequence) == [6] + Array(7..<16))
        // A signal window finds nothing less important to push out: it is dropped.
        #expect(try outbox.append(label: "t", payload: payload, class: .signals) == nil)
        stats = outbox.currentStatistics
        #expect(stats.evicted[.rejected] == 1)
        #expect(stats.bytes <= 10 * record)
        // A message larger than the whole outbox is refused too.
        #expect(try outbox.append(label: "t", payload: [UInt8](repeating: 0, count: 11 * record), class: .essential) == nil)
    }

    @Test func oldMessagesAreEvictedByAge() throws {
        let clock = OutboxFixtures.Clock()
        let outbox = try Outbox(directory: OutboxFixtures.directory("age"), options: OutboxOptions(maxAgeMillis: 60_000), clock: clock.read)
        try outbox.append(label: "a", payload: [1], class: .essential)
        clock.now += 30_000
        try outbox.append(label: "b", payload: [2], class: .signals)
        #expect(outbox.currentStatistics.oldestStoredMillis == clock.now - 30_000)
        clock.now += 40_000
        try outbox.evictExpired(now: clock.now)
        #expect(outbox.currentStatistics.evicted == [.age: 1])
        #expect(try outbox.next(limit: 9).map(\.label) == ["b"])
    }

    @Test func segmentsAreDeletedOnceDeliveredAndTheDiskStaysBounded() throws {
        let dir = OutboxFixtures.directory("segments")
        let options = OutboxOptions(maxBytes: 1 << 20, segmentBytes: 4096)
        let outbox = try Outbox(directory: dir, options: options)
        for s in 0..<2000 as Range<UInt64> {
            try outbox.append(label: "t", payload: [UInt8](repeating: 1, count: 200), class: OutboxFixtures.outboxClass(s))
            for m in try outbox.next(limit: 10) where m.sequence + 20 < s || m.sequence % 2 == 0 { try outbox.acknowledge(m.sequence) }
            if s % 64 == 0 { outbox.resend() }
        }
        let stats = outbox.currentStatistics
        #expect(stats.diskBytes <= stats.bytes + 3 * options.segmentBytes)
        #expect(OutboxFixtures.segmentFiles(dir).count <= 3 + (stats.bytes / 4096) + 3)
    }
}
