import Foundation
import Testing
@testable import Outbox

/// Messages the next hop has (`markDelivered`) and the end receiver has not confirmed: they
/// stay live under the outbox's bounds, are handed out again when asked, and leave only on
/// `acknowledge` or eviction.
@Suite struct OutboxConfirmationTests {
    @Test func deliveredMessagesStayUntilAcknowledgedAndComeBackWhenAsked() throws {
        let outbox = try Outbox(directory: OutboxFixtures.directory("delivered"))
        for s in 0..<6 as Range<UInt64> { try outbox.append(label: "t", payload: [UInt8(s)], class: .signals) }
        let first = try outbox.next(limit: 4)
        #expect(first.map(\.sequence) == [0, 1, 2, 3] && first.allSatisfy { !$0.resent })
        for s in [0, 1, 2] as [UInt64] { #expect(outbox.markDelivered(s)) }
        #expect(!outbox.markDelivered(2), "already delivered")
        #expect(!outbox.markDelivered(4), "not handed out")
        var s = outbox.currentStatistics
        #expect(s.messages == 6 && s.awaitingConfirmation == 3 && s.acknowledged == 0)
        #expect(try outbox.acknowledge(1))
        #expect(try !outbox.acknowledge(1), "gone")
        #expect(outbox.awaitingConfirmation == 2 && outbox.currentStatistics.messages == 5)
        // A reconnect with the session kept: only what was in flight (3) comes again.
        outbox.resend(delivered: false)
        let again = try outbox.next(limit: 10)
        #expect(again.map(\.sequence) == [3, 4, 5])
        #expect(again.map(\.resent) == [true, false, false])
        #expect(outbox.awaitingConfirmation == 2)
        // An overdue confirmation: 2 again (0 is delivered too, 1 is gone, 4 is in flight).
        #expect(outbox.resend([2, 1, 4]) == [2])
        #expect(outbox.awaitingConfirmation == 1)
        let overdue = try outbox.next(limit: 10)
        #expect(overdue.map(\.sequence) == [2] && overdue[0].resent)
        // Without the session: everything delivered and in flight comes again, in order.
        #expect(outbox.markDelivered(2))
        outbox.resend()
        #expect(outbox.awaitingConfirmation == 0)
        #expect(try outbox.next(limit: 10).map(\.sequence) == [0, 2, 3, 4, 5])
        for q in [0, 2, 3, 4, 5] as [UInt64] { try outbox.acknowledge(q) }
        s = outbox.currentStatistics
        #expect(s.messages == 0 && s.acknowledged == 6 && s.awaitingConfirmation == 0)
        #expect(!outbox.holds(3))
    }

    @Test func deliveredMessagesAreEvictedAndCountedLikeAnyOther() throws {
        let clock = OutboxFixtures.Clock()
        let outbox = try Outbox(directory: OutboxFixtures.directory("delivered-evict"),
                                options: OutboxOptions(maxBytes: 4096, maxAgeMillis: 60_000), clock: clock.read)
        let payload = [UInt8](repeating: 7, count: 900)
        for _ in 0..<3 { try outbox.append(label: "t", payload: payload, class: .signals) }
        _ = try outbox.next(limit: 3)
        for q in 0..<3 as Range<UInt64> { outbox.markDelivered(q) }
        // Room for about four: two more push out the oldest delivered one.
        for _ in 0..<2 { try outbox.append(label: "t", payload: payload, class: .signals) }
        var s = outbox.currentStatistics
        #expect(s.evicted[.full] == 1 && s.awaitingConfirmation == 2 && !outbox.holds(0) && outbox.holds(1))
        #expect(outbox.resend([0, 1]) == [1])
        clock.now += 61_000
        try outbox.evictExpired(now: clock.now)
        s = outbox.currentStatistics
        #expect(s.messages == 0 && s.awaitingConfirmation == 0 && s.evicted[.age] == 4)
    }

    @Test func aReopenedOutboxSendsDeliveredMessagesAgain() throws {
        let dir = OutboxFixtures.directory("delivered-reopen")
        do {
            let outbox = try Outbox(directory: dir)
            for s in 0..<4 as Range<UInt64> { try outbox.append(label: "t", payload: [UInt8(s)], class: .essential) }
            _ = try outbox.next(limit: 4)
            for q in 0..<4 as Range<UInt64> { outbox.markDelivered(q) }
            try outbox.acknowledge(1)
            try outbox.close()
        }
        // Only acknowledgements are kept: the three not confirmed come back.
        let reopened = try Outbox(directory: dir)
        let back = try OutboxFixtures.drain(reopened)
        #expect(back.map(\.sequence).filter { $0 != 1 } == [0, 2, 3])
        #expect(reopened.awaitingConfirmation == 0)
    }
}
