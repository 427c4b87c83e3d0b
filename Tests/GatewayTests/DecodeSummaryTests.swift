import CANDatabase
import Testing
@testable import Gateway

/// decode --summary's totals line names where lost frames were lost: a capture's DROPCOUNT
/// lines, or a live socket's kernel count and candor's own queue, each on its own.
@Suite struct DecodeSummaryTests {
    static func summary() -> DecodeSummary {
        let message = Message(id: 0x123, name: "M", length: 8, signals: [Signal(name: "S", startBit: 0, length: 8)])
        var summary = DecodeSummary(plans: [(bus: nil, plan: DecodePlan(Database(messages: [message])))])
        summary.count(bus: 0, .decoded(message: 0))
        return summary
    }

    @Test func noDropsNoDropWords() {
        let table = Self.summary().table()
        #expect(table.hasSuffix("1 frames of 1 known messages, 0 with unknown ids, 0 not decodable, 0 error frames, 0 malformed lines\n"))
    }

    @Test func aCapturesDropsAreItsDropcountLines() {
        var summary = Self.summary()
        summary.kernelDrops = 7
        #expect(summary.table().hasSuffix(", 7 dropped by the kernel (DROPCOUNT lines)\n"))
    }

    @Test func liveDropsAreTheKernelsAndTheQueuesEachNamed() {
        var summary = Self.summary()
        summary.live = true
        summary.kernelDrops = 3
        summary.queueDrops = 5
        #expect(summary.table().hasSuffix(", 3 dropped by the kernel (SO_RXQ_OVFL), 5 dropped by the reading queue\n"))
        summary.kernelDrops = 0
        #expect(summary.table().hasSuffix("0 malformed lines, 5 dropped by the reading queue\n"))
    }
}
