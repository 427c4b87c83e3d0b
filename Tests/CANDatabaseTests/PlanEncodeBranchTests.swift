import Testing
import CANCore
@testable import CANDatabase

/// The encoder writes only the branch the switch value selects, over the flat step arrays.
@Suite struct PlanEncodeBranchTests {
    /// A plain message first (so the multiplexed one's steps do not start at 0), then a
    /// group-cycling message: GROUP (M) 0…7 selects two 12-bit cells that every group puts
    /// at the same bits; STATUS is always there; GROUP 9 has a value description only.
    static let groups: Database = {
        var signals = [
            Signal(name: "STATUS", startBit: 56, length: 8),
            Signal(name: "GROUP", startBit: 0, length: 8, isMultiplexer: true,
                   valueDescriptions: [ValueDescription(value: 9, label: "IDLE")]),
        ]
        for g in 0..<8 {
            for c in 0..<2 {
                signals.append(Signal(
                    name: "CELL_\(String(g * 2 + c + 100))", startBit: 8 + 12 * c, length: 12,
                    factor: .real(0.001), multiplexer: .init(switchName: "GROUP", ranges: [UInt64(g)...UInt64(g)])))
            }
        }
        return Database(messages: [
            Message(id: 0x100, name: "PLAIN", length: 2, signals: [Signal(name: "P", startBit: 0, length: 16)]),
            Message(id: 0x200, name: "CELLS", length: 8, signals: signals),
        ])
    }()

    /// Physical values in signal order: group `g`, status 7, every cell a distinct voltage.
    static func values(group: Int) -> [Double] {
        [7, Double(group)] + (0..<16).map { 3.2 + Double($0) * 0.011 }
    }

    @Test func multiplexedMessageEncodesOnlyItsBranchAndRoundTrips() {
        let plan = DecodePlan(Self.groups)
        let message = plan.message(at: 1)
        for group in 0..<8 {
            let values = Self.values(group: group)
            var payload = CANPayload()
            plan.encode(messageIndex: 1, physicalInSignalOrder: values, into: &payload)
            // Byte for byte: GROUP, then the branch's two cells (raw mV), STATUS; nothing else.
            let first = Int((values[2 + 2 * group] * 1000).rounded()), second = Int((values[3 + 2 * group] * 1000).rounded())
            let expected: [UInt8] = [
                UInt8(group), UInt8(first & 0xFF), UInt8(first >> 8 | (second & 0x0F) << 4), UInt8(second >> 4),
                0, 0, 0, 7,
            ]
            let f = CANFrame(timestamp: CANTimestamp(seconds: 1, nanoseconds: 0), bus: "can0", id: 0x200, isExtended: false, bytes: payload.bytes(count: 8))
            #expect(payload.bytes(count: 8) == expected, "group \(group)")
            #expect(payload.bytes(count: 64).dropFirst(8).allSatisfy { $0 == 0 })
            // Round trip: exactly GROUP, STATUS and this group's cells, with their values.
            let (outcome, signals) = decoded(plan, f)
            #expect(outcome == .decoded(message: 1))
            #expect(Set(signals.keys) == ["GROUP", "STATUS", message.signals[2 + 2 * group].name, message.signals[3 + 2 * group].name])
            for s in [2 + 2 * group, 3 + 2 * group] {
                #expect(abs(signals[message.signals[s].name]!.doubleValue - values[s]) < 0.0005)
            }
            // The raw variant writes the same bytes.
            var raws = [UInt64](repeating: 0xFFF, count: message.signals.count)
            raws[0] = 7
            raws[1] = UInt64(group)
            raws[2 + 2 * group] = UInt64(first)
            raws[3 + 2 * group] = UInt64(second)
            var rawPayload = CANPayload()
            plan.encode(messageIndex: 1, rawInSignalOrder: raws, into: &rawPayload)
            #expect(rawPayload == payload, "group \(group)")
            #expect(plan.raw(signal: 3 + 2 * group, messageIndex: 1, in: payload) == UInt64(second))
        }
    }

    @Test func switchValueWithoutBranchWritesTheRootSignals() {
        let plan = DecodePlan(Self.groups)
        for group in [9, 12] {
            var payload = CANPayload()
            plan.encode(messageIndex: 1, physicalInSignalOrder: Self.values(group: group), into: &payload)
            #expect(payload.bytes(count: 8) == [UInt8(group), 0, 0, 0, 0, 0, 0, 7])
        }
    }

    @Test func setRawAndRawFindTheirSignalPastOtherMessages() {
        let plan = DecodePlan(Self.groups)
        var payload = CANPayload()
        plan.encode(messageIndex: 1, physicalInSignalOrder: Self.values(group: 3), into: &payload)
        plan.setRaw(0xA5, signal: 0, messageIndex: 1, in: &payload)
        #expect(payload[7] == 0xA5)
        #expect(plan.raw(signal: 0, messageIndex: 1, in: payload) == 0xA5)
        var plain = CANPayload()
        plan.encode(messageIndex: 0, physicalInSignalOrder: [0x1234], into: &plain)
        #expect(plain.bytes(count: 3) == [0x34, 0x12, 0])
        #expect(plan.raw(signal: 0, messageIndex: 0, in: plain) == 0x1234)
    }
}
