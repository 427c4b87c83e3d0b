import CANCore
import Testing
@testable import CANDatabase

/// Whatever a tolerant parser lets through, compiling and decoding must not trap.
@Suite struct PlanRobustnessTests {
    @Test func oddDatabasesAndFramesNeverTrap() throws {
        let seed: UInt64 = 0xBAD0_DBC0_0000_0005
        print("PlanRobustnessTests.oddDatabasesAndFramesNeverTrap seed 0x\(String(seed, radix: 16))")
        var g = SplitMix64(seed: seed)
        let names = ["A", "B", "C", "SW", "SW2", "NOPE"]
        for _ in 0..<200 {
            var messages: [Message] = []
            for m in 0..<Int.random(in: 1...6, using: &g) {
                var signals: [Signal] = []
                for k in 0..<Int.random(in: 0...8, using: &g) {
                    var s = Signal(
                        name: names[k % names.count] + (Bool.random(using: &g) ? "" : "\(k)"),
                        startBit: Int.random(in: -8...520, using: &g), length: Int.random(in: -1...70, using: &g),
                        byteOrder: Bool.random(using: &g) ? .littleEndian : .bigEndian, isSigned: Bool.random(using: &g),
                        valueType: [.integer, .integer, .float32, .float64].randomElement(using: &g)!,
                        factor: [.integer(0), .integer(-3), .real(.nan), .real(.infinity), .real(1e300), .real(0.1), .integer(.max)].randomElement(using: &g)!,
                        offset: [.integer(.min), .real(-0.0), .real(2.5), .integer(7)].randomElement(using: &g)!,
                        isMultiplexer: Int.random(in: 0..<3, using: &g) == 0)
                    if Bool.random(using: &g) {
                        let lower = UInt64.random(in: 0...20, using: &g)
                        s.multiplexer = .init(switchName: names.randomElement(using: &g)!, ranges: [lower...(lower + UInt64.random(in: 0...3, using: &g)), UInt64.max...UInt64.max])
                    }
                    if Bool.random(using: &g) { s.valueDescriptions = [ValueDescription(value: -1, label: "x"), ValueDescription(value: 3, label: "y")] }
                    signals.append(s)
                }
                messages.append(Message(
                    id: UInt32.random(in: 0...0x1FFF_FFFF, using: &g) & (Bool.random(using: &g) ? 0x7FF : 0x1FFF_FFFF),
                    isExtended: Bool.random(using: &g), name: "M\(m)", length: Int.random(in: -2...70, using: &g),
                    signals: signals, isFD: Bool.random(using: &g)))
            }
            let plan = DecodePlan(Database(messages: messages), options: DecodeOptions(matchJ1939ByPGN: Bool.random(using: &g)))
            var values = DecodedSignals()
            for _ in 0..<30 {
                let message = messages.randomElement(using: &g)!
                let length = Int.random(in: 0...64, using: &g)
                let kind = [CANFrame.Kind.classic, .fd, .remote, .error].randomElement(using: &g)!
                let f = CANFrame(
                    bus: "can0", id: Bool.random(using: &g) ? message.id : UInt32.random(in: 0...0x7FF, using: &g),
                    isExtended: Bool.random(using: &g) ? message.isExtended : !message.isExtended, kind: kind,
                    length: length, data: CANPayload(RandomLayout.bytes(64, using: &g)))
                let outcome = plan.decode(f, into: &values)
                var line: [UInt8] = []
                CanonicalLine.append(frame: f, plan: plan, outcome: outcome, values: values, to: &line)
                DecodedText.append(frame: f, plan: plan, outcome: outcome, values: values, to: &line)
                #expect(kind == .error ? line.isEmpty : !line.isEmpty)
                let index = messages.firstIndex(of: message)!
                var physical = [Double](repeating: Double(Int.random(in: -5...30, using: &g)), count: message.signals.count)
                physical.append(.nan)
                var payload = CANPayload()
                plan.encode(messageIndex: index, physicalInSignalOrder: physical, into: &payload)
                plan.encode(messageIndex: index, rawInSignalOrder: physical.map { UInt64(bitPattern: Int64(exactly: $0) ?? -1) }, into: &payload)
                _ = try? plan.encode(messageIndex: index, physical: Dictionary(message.signals.map { ($0.name, 1.0) }, uniquingKeysWith: { a, _ in a }))
            }
        }
    }
}
