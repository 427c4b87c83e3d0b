import CANCore
import Testing
@testable import CANDatabase

@Suite struct PlanPropertyTests {
    @Test func compiledPlanMatchesBitByBitReference() {
        let seed: UInt64 = 0x00C0_FFEE_2026_1125
        print("PlanPropertyTests.compiledPlanMatchesBitByBitReference seed 0x\(String(seed, radix: 16))")
        var g = SplitMix64(seed: seed)
        var compared = 0
        for round in 0..<400 {
            let frameLength = RandomLayout.lengths.randomElement(using: &g)!
            var signals: [Signal] = []
            for k in 0..<12 {
                let type: Signal.ValueType
                switch Int.random(in: 0..<10, using: &g) {
                case 0 where frameLength >= 4: type = .float32
                case 1 where frameLength >= 8: type = .float64
                default: type = .integer
                }
                var s = RandomLayout.signal(named: "S\(k)", frameLength: frameLength, using: &g, valueType: type)
                switch Int.random(in: 0..<4, using: &g) {
                case 0: s.factor = .integer(Int64.random(in: -5...5, using: &g)); s.offset = .integer(Int64.random(in: -100...100, using: &g))
                case 1: s.factor = .real([0.1, -0.5, 0.01, 1e-5, 3.25].randomElement(using: &g)!); s.offset = .real(Double(Int.random(in: -40...40, using: &g)) / 4)
                default: break
                }
                signals.append(s)
            }
            let message = Message(id: UInt32(round % 2048), name: "M", length: frameLength, signals: signals, isFD: frameLength > 8)
            let plan = DecodePlan(Database(messages: [message]))
            var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
            for _ in 0..<25 {
                let bytes = RandomLayout.bytes(frameLength, using: &g)
                let outcome = plan.decode(frame(message.id, bytes), into: &values)
                #expect(outcome == .decoded(message: 0))
                #expect(values.count == signals.count)
                for i in 0..<values.count {
                    let (index, value) = values[i]
                    let s = signals[index]
                    let expected = NaiveBits.physical(bytes, s)
                    let same: Bool
                    if case .real(let a) = value, case .real(let b) = expected {
                        same = a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
                    } else {
                        same = value == expected
                    }
                    #expect(same, "seed 0x\(String(seed, radix: 16)) round \(round): \(s) bytes \(bytes): got \(value), expected \(expected)")
                    compared += 1
                }
            }
        }
        print("compared \(compared) signal values")
    }

    @Test func encodeThenDecodeRoundTrips() {
        let seed: UInt64 = 0x5EED_0000_0000_0042
        print("PlanPropertyTests.encodeThenDecodeRoundTrips seed 0x\(String(seed, radix: 16))")
        var g = SplitMix64(seed: seed)
        for round in 0..<300 {
            let frameLength = RandomLayout.lengths.randomElement(using: &g)!
            // Non-overlapping signals: carve the sequential bit range into pieces.
            var signals: [Signal] = []
            var cursor = 0
            let bits = frameLength * 8
            var k = 0
            while cursor < bits, k < 10 {
                let length = Int.random(in: 1...min(64, bits - cursor), using: &g)
                let order: Signal.ByteOrder = Bool.random(using: &g) ? .littleEndian : .bigEndian
                // Intel fields are contiguous in sequential LSB-first numbering only inside
                // one byte order family; use byte-aligned starts for mixing.
                let start = order == .littleEndian ? cursor : (cursor / 8) * 8 + 7 - cursor % 8
                var s = Signal(name: "S\(k)", startBit: start, length: length, byteOrder: order, isSigned: Bool.random(using: &g))
                if Bool.random(using: &g) { s.factor = .real(0.25); s.offset = .real(-3.5) }
                if length == 32 && Int.random(in: 0..<3, using: &g) == 0 { s.valueType = .float32; s.isSigned = false }
                signals.append(s)
                cursor = ((cursor + length + 7) / 8) * 8  // next byte boundary keeps fields apart
                k += 1
            }
            let message = Message(id: 0x100, name: "M", length: frameLength, signals: signals, isFD: frameLength > 8)
            let plan = DecodePlan(Database(messages: [message]))
            var physical: [Double] = []
            var raws: [UInt64] = []
            for s in signals {
                let raw = UInt64.random(in: 0...UInt64.max, using: &g) & (s.length == 64 ? ~0 : (UInt64(1) << UInt64(s.length)) - 1)
                raws.append(raw)
                let v = NaiveBits.physical(Array(repeating: 0, count: 0) + rawBytes(raw, s, frameLength), s)
                physical.append(v.doubleValue)
            }
            var payload = CANPayload()
            plan.encode(messageIndex: 0, rawInSignalOrder: raws, into: &payload)
            let bytes = payload.bytes(count: frameLength)
            for (i, s) in signals.enumerated() {
                #expect(NaiveBits.raw(bytes, startBit: s.startBit, length: s.length, byteOrder: s.byteOrder) == raws[i],
                        "seed 0x\(String(seed, radix: 16)) round \(round) raw encode \(s)")
            }
            var again = CANPayload()
            plan.encode(messageIndex: 0, physicalInSignalOrder: physical, into: &again)
            // Values up to 2^53 survive physical -> raw exactly; compare decoded physical values.
            let (outcome, values) = decoded(plan, frame(0x100, again.bytes(count: frameLength)))
            #expect(outcome == .decoded(message: 0))
            for (i, s) in signals.enumerated() where s.length <= 53 {
                let got = values[s.name]?.doubleValue
                let same = got == physical[i] || (got?.isNaN == true && physical[i].isNaN)
                #expect(same, "seed 0x\(String(seed, radix: 16)) round \(round) \(s): \(String(describing: got)) vs \(physical[i])")
            }
        }
    }

    /// A payload holding only `raw` at the place of `s`, built bit by bit.
    func rawBytes(_ raw: UInt64, _ s: Signal, _ frameLength: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: frameLength)
        var position = s.startBit
        for i in 0..<s.length {
            let bitValue: UInt64
            switch s.byteOrder {
            case .littleEndian:
                bitValue = (raw >> UInt64(i)) & 1
                position = s.startBit + i
            case .bigEndian:
                bitValue = (raw >> UInt64(s.length - 1 - i)) & 1
            }
            if bitValue == 1 { bytes[position / 8] |= UInt8(1) << UInt8(position % 8) }
            if s.byteOrder == .bigEndian { position = position % 8 == 0 ? position + 15 : position - 1 }
        }
        return bytes
    }
}
