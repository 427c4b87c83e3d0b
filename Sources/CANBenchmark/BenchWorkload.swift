import CANCore

/// A synthetic but realistic workload: a passenger-car-sized DBC (363 signals over 40
/// classic messages plus 4 CAN FD messages) and frames with random payloads for it.
///
/// Everything is derived from `seed`, so the same seed gives the same DBC and capture.
public struct BenchWorkload: Sendable {
    public let seed: UInt64
    public let dbcText: String
    /// (id, length, isFD) for every message, in DBC order.
    public let messages: [(id: UInt32, length: Int, isFD: Bool)]
    public let signalCount: Int

    public init(seed: UInt64 = 42) {
        self.seed = seed
        var rng = SplitMix64(seed: seed)
        var text = """
            VERSION "candor bench"

            NS_ :

            BS_:

            BU_: ECU1 ECU2 ECU3 GW


            """
        var messages: [(UInt32, Int, Bool)] = []
        var totalSignals = 0
        for m in 0..<44 {
            let isFD = m >= 40
            let length = isFD ? 64 : 8
            let id = isFD ? UInt32(0x600 + m) : UInt32(0x100 + m * 7)
            messages.append((id, length, isFD))
            text += "BO_ \(id) MSG_\(m): \(length) ECU\(m % 3 + 1)\n"
            // Pack signals left to right: lengths 1...12, Intel or Motorola, some signed.
            var bit = 0
            var s = 0
            let target = isFD ? 14 : Int(10 + rng.next() % 4)  // about 9 signals per message after packing
            while bit < length * 8 && s < target {
                let remaining = length * 8 - bit
                var size = Int(1 + rng.next() % 12)
                if s == target - 1 || size > remaining { size = min(remaining, max(size, 8)) }
                size = min(size, remaining)
                let motorola = rng.next() % 3 == 0 && size > 1
                let signed = rng.next() % 4 == 0 && size > 1
                let factorChoice = rng.next() % 4
                let factor = ["1", "0.1", "0.01", "0.5"][Int(factorChoice)]
                let offset = factorChoice == 0 ? "0" : ["0", "-40", "100.5"][Int(rng.next() % 3)]
                // Intel signals take bits bit..<bit+size (LSB first). A Motorola signal takes a
                // whole-byte region starting at the next byte boundary, right-aligned in it; its
                // start bit is the MSB in sawtooth numbering.
                let start: Int
                if motorola {
                    let first = (bit + 7) / 8 * 8
                    let regionBits = (size + 7) / 8 * 8
                    guard first + regionBits <= length * 8 else { break }
                    let msbLinear = first + regionBits - size  // big-endian linear position
                    start = (msbLinear / 8) * 8 + (7 - msbLinear % 8)
                    bit = first + regionBits
                } else {
                    start = bit
                    bit += size
                }
                text += " SG_ S\(m)_\(s) : \(start)|\(size)@\(motorola ? 0 : 1)\(signed ? "-" : "+") (\(factor),\(offset)) [0|0] \"\" GW\n"
                s += 1
            }
            totalSignals += s
            text += "\n"
        }
        text += "BA_DEF_ BO_ \"GenMsgCycleTime\" INT 0 10000;\nBA_DEF_DEF_ \"GenMsgCycleTime\" 0;\n"
        for (m, message) in messages.enumerated() {
            text += "BA_ \"GenMsgCycleTime\" BO_ \(message.0) \(m % 2 == 0 ? 10 : 100);\n"
        }
        self.dbcText = text
        self.messages = messages
        self.signalCount = totalSignals
    }

    /// `count` frames, messages in round-robin order, random payloads, 100 µs apart.
    public func frames(count: Int, bus: String = "can0") -> FrameSequence {
        FrameSequence(workload: self, count: count, bus: bus)
    }

    /// Generates frames lazily: constant memory whatever the count.
    public struct FrameSequence: Sequence, IteratorProtocol {
        let messages: [(id: UInt32, length: Int, isFD: Bool)]
        let count: Int
        let bus: String
        var index = 0
        var rng: SplitMix64

        init(workload: BenchWorkload, count: Int, bus: String) {
            self.messages = workload.messages
            self.count = count
            self.bus = bus
            self.rng = SplitMix64(seed: workload.seed ^ 0x5EED)
        }

        public mutating func next() -> CANFrame? {
            guard index < count else { return nil }
            let message = messages[index % messages.count]
            var payload = CANPayload()
            payload.withUnsafeMutableBytes { raw in
                var i = 0
                while i < message.length {
                    var word = rng.next()
                    withUnsafeBytes(of: &word) { w in
                        for k in 0..<8 where i + k < message.length { raw[i + k] = w[k] }
                    }
                    i += 8
                }
            }
            let nanos = Int64(1_700_000_000) * 1_000_000_000 + Int64(index) * 100_000
            let frame = CANFrame(
                timestamp: CANTimestamp(totalNanoseconds: nanos, fractionDigits: 6),
                bus: bus, id: message.id, isExtended: false,
                kind: message.isFD ? .fd : .classic, fdFlags: message.isFD ? [.fdFormat, .bitRateSwitch] : [],
                length: message.length, data: payload)
            index += 1
            return frame
        }
    }
}

