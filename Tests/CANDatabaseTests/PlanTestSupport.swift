import CANCore
@testable import CANDatabase


/// The DBC bit numbering followed literally, one bit at a time: the oracle the compiled
/// plan is checked against.
enum NaiveBits {
    static func bit(_ bytes: [UInt8], _ position: Int) -> UInt64 {
        UInt64((bytes[position / 8] >> UInt8(position % 8)) & 1)
    }

    /// The raw value: bit `length - 1` is the most significant.
    static func raw(_ bytes: [UInt8], startBit: Int, length: Int, byteOrder: Signal.ByteOrder) -> UInt64 {
        var value: UInt64 = 0
        switch byteOrder {
        case .littleEndian:
            // Start bit is the LSB; later bits are more significant.
            for i in 0..<length { value |= bit(bytes, startBit + i) << UInt64(i) }
        case .bigEndian:
            // Start bit is the MSB; walk down, from bit 0 of a byte to bit 7 of the next.
            var position = startBit
            for i in 0..<length {
                value |= bit(bytes, position) << UInt64(length - 1 - i)
                position = position % 8 == 0 ? position + 15 : position - 1
            }
        }
        return value
    }

    static func signExtended(_ raw: UInt64, length: Int) -> Int64 {
        if length == 64 { return Int64(bitPattern: raw) }
        let signBit = UInt64(1) << UInt64(length - 1)
        return raw & signBit != 0 ? Int64(bitPattern: raw | ~((signBit << 1) &- 1)) : Int64(raw)
    }

    /// Physical value the way cantools computes it, written independently of the plan.
    static func physical(_ bytes: [UInt8], _ s: Signal) -> SignalValue {
        let raw = raw(bytes, startBit: s.startBit, length: s.length, byteOrder: s.byteOrder)
        switch s.valueType {
        case .float32:
            let x = Double(Float(bitPattern: UInt32(raw)))
            return .real(s.factor.doubleValue == 1 && s.offset.doubleValue == 0 ? x : x * s.factor.doubleValue + s.offset.doubleValue)
        case .float64:
            let x = Double(bitPattern: raw)
            return .real(s.factor.doubleValue == 1 && s.offset.doubleValue == 0 ? x : x * s.factor.doubleValue + s.offset.doubleValue)
        case .integer:
            break
        }
        let isIdentity = s.factor.doubleValue == 1 && s.offset.doubleValue == 0
        if case .integer(let f) = s.factor, case .integer(let o) = s.offset {
            if isIdentity { return s.isSigned ? .integer(signExtended(raw, length: s.length)) : .unsigned(raw) }
            let r: Int128 = s.isSigned ? Int128(signExtended(raw, length: s.length)) : Int128(raw)
            let v = r * Int128(f) + Int128(o)
            if let small = Int64(exactly: v) { return .integer(small) }
            if let big = UInt64(exactly: v) { return .unsigned(big) }
            return .wideInteger(WideInteger(v))
        }
        if isIdentity { return s.isSigned ? .integer(signExtended(raw, length: s.length)) : .unsigned(raw) }
        let r = s.isSigned ? Double(signExtended(raw, length: s.length)) : Double(raw)
        return .real(r * s.factor.doubleValue + s.offset.doubleValue)
    }
}

/// Random signal layouts that fit a payload of `frameLength` bytes.
enum RandomLayout {
    static let lengths = [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64]

    static func signal<G: RandomNumberGenerator>(
        named name: String, frameLength: Int, using g: inout G,
        valueType: Signal.ValueType = .integer
    ) -> Signal {
        let bits = frameLength * 8
        let length: Int
        switch valueType {
        case .float32: length = 32
        case .float64: length = 64
        case .integer: length = Int.random(in: 1...min(64, bits), using: &g)
        }
        let order: Signal.ByteOrder = Bool.random(using: &g) ? .littleEndian : .bigEndian
        let sequential = Int.random(in: 0...(bits - length), using: &g)
        let start = order == .littleEndian ? sequential : (sequential / 8) * 8 + 7 - sequential % 8
        return Signal(
            name: name, startBit: start, length: length, byteOrder: order,
            isSigned: valueType == .integer ? Bool.random(using: &g) : false, valueType: valueType)
    }

    static func bytes<G: RandomNumberGenerator>(_ count: Int, using g: inout G) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}

func frame(_ id: UInt32, _ bytes: [UInt8], extended: Bool = false, bus: String = "can0") -> CANFrame {
    CANFrame(timestamp: CANTimestamp(seconds: 1, nanoseconds: 0), bus: bus, id: id, isExtended: extended, bytes: bytes)
}

func decoded(_ plan: DecodePlan, _ f: CANFrame) -> (DecodeOutcome, [String: SignalValue]) {
    var values = DecodedSignals()
    let outcome = plan.decode(f, into: &values)
    var out: [String: SignalValue] = [:]
    if let m = outcome.messageIndex {
        let message = plan.message(at: m)
        for i in 0..<values.count { out[message.signals[values[i].signal].name] = values[i].value }
    }
    return (outcome, out)
}

func canonicalLine(_ plan: DecodePlan, _ f: CANFrame) -> String {
    var values = DecodedSignals()
    let outcome = plan.decode(f, into: &values)
    var buffer: [UInt8] = []
    CanonicalLine.append(frame: f, plan: plan, outcome: outcome, values: values, to: &buffer)
    return String(decoding: buffer, as: UTF8.self)
}
