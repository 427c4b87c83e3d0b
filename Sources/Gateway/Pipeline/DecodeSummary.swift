import CANCore
import CANDatabase

/// `candor decode --summary`: what the decode-only pipeline saw, per message of each bus's
/// plan, and the table that shows it (most frequent message first).
public struct DecodeSummary {
    /// The plans in `BusDecoder` order; `bus` names the bus a plan is for (nil: every other bus).
    public let plans: [(bus: String?, plan: DecodePlan)]
    /// Frames per message, per plan.
    public var perMessage: [[Int]] {
        plans.indices.map { Array(counts[firstMessage[$0]..<firstMessage[$0 + 1]]) }
    }
    /// Frames per message, plan after plan: plan `p`'s message `m` is
    /// `counts[firstMessage[p] + m]` (one flat array, so counting a frame checks the
    /// uniqueness of one buffer, not of an outer and an inner one).
    private var counts: [Int]
    private let firstMessage: [Int]
    public private(set) var unknownFrames = 0
    public private(set) var failedFrames = 0
    public var errorFrames = 0
    public var malformedLines = 0
    /// Frames the kernel dropped before they were read: the counts of a capture's DROPCOUNT
    /// lines, or a live socket's SO_RXQ_OVFL count.
    public var kernelDrops = 0
    /// Live frames candor's own reading queue dropped when it was full.
    public var queueDrops = 0
    /// Whether the input was live (the drop counts then name their live source).
    public var live = false

    public init(plans: [(bus: String?, plan: DecodePlan)]) {
        self.plans = plans
        var first = [0]
        for entry in plans { first.append(first[first.count - 1] + entry.plan.messageCount) }
        firstMessage = first
        counts = Array(repeating: 0, count: first[first.count - 1])
    }

    /// One decoded frame of plan `bus`.
    @inline(__always)
    public mutating func count(bus: Int, _ outcome: DecodeOutcome) {
        switch outcome {
        case .unknownMessage: unknownFrames += 1
        case .decoded(let m): counts[firstMessage[bus] &+ m] += 1
        case .failed(let m, _):
            counts[firstMessage[bus] &+ m] += 1
            failedFrames += 1
        }
    }

    /// The table: message, id, frames; then the totals line.
    public func table() -> String {
        var rows: [(String, String, Int)] = []
        for (p, entry) in plans.enumerated() {
            for index in 0..<entry.plan.messageCount where counts[firstMessage[p] + index] > 0 {
                let message = entry.plan.message(at: index)
                let id = message.isExtended ? Self.hex(message.id, width: 8) : Self.hex(message.id, width: 3)
                let name = entry.bus.map { "\($0): \(message.name)" } ?? message.name
                rows.append((name, id, counts[firstMessage[p] + index]))
            }
        }
        rows.sort { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }
        let nameWidth = max(7, rows.map(\.0.count).max() ?? 0)
        var text = Self.padded("message", nameWidth) + "  id        frames\n"
        for (name, id, count) in rows {
            text += Self.padded(name, nameWidth) + "  " + Self.padded(id, 8) + "  " + String(count) + "\n"
        }
        let decoded = perMessage.joined().reduce(0, +)
        text += "\n\(decoded) frames of \(rows.count) known messages"
        text += ", \(unknownFrames) with unknown ids, \(failedFrames) not decodable"
        text += ", \(errorFrames) error frames, \(malformedLines) malformed lines"
        if kernelDrops > 0 { text += ", \(kernelDrops) dropped by the kernel" + (live ? " (SO_RXQ_OVFL)" : " (DROPCOUNT lines)") }
        if queueDrops > 0 { text += ", \(queueDrops) dropped by the reading queue" }
        return text + "\n"
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
