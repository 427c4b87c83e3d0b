import CANCore
import CANDatabase

/// A benchmark workload: a DBC and seeded frames for it.
///
/// Two kinds, both deterministic for a seed:
/// - `BenchWorkload(seed:)`, generated: a passenger-car-sized DBC (363 signals over 40 classic
///   messages plus 4 CAN FD messages), frames in round-robin order 100 µs apart;
/// - `BenchWorkload(name:dbcPath:seed:)`, a DBC file (e.g. opendbc's
///   `toyota_nodsu_pt_generated.dbc`): every message at its own rate, as on a car's bus —
///   its `GenMsgCycleTime` when the DBC has one, else a period drawn (seeded) from 10, 20,
///   50, 100, 200 and 1000 ms; first frames spread over the first period.
/// Payloads are random, the message's length (CAN FD lengths rounded up to a valid one).
public struct BenchWorkload: Sendable {
    public let name: String
    public let seed: UInt64
    /// The generated DBC's text; empty for a DBC file.
    public let dbcText: String
    /// The DBC file; nil for the generated DBC (the runner writes it).
    public let dbcPath: String?
    public let database: Database
    public let messageCount: Int
    public let signalCount: Int
    let senders: [Sender]

    struct Sender: Sendable {
        var id: UInt32
        var isExtended: Bool
        var isFD: Bool
        var length: Int
        /// Nanoseconds between frames, and of the first frame after the start.
        var period: Int64
        var offset: Int64
    }

    /// The generated workload.
    public init(seed: UInt64 = 42) {
        self.name = "generated"
        self.seed = seed
        let generated = GeneratedDBC(seed: seed)
        self.dbcText = generated.text
        self.dbcPath = nil
        self.database = DBCParser.parse(Array(generated.text.utf8), file: "bench.dbc").database
        self.messageCount = generated.messages.count
        self.signalCount = generated.signalCount
        // Round robin, 100 µs apart: message i at i × 100 µs + k × (count × 100 µs).
        let count = Int64(generated.messages.count)
        self.senders = generated.messages.enumerated().map { i, m in
            Sender(id: m.id, isExtended: false, isFD: m.isFD, length: m.length, period: count * 100_000, offset: Int64(i) * 100_000)
        }
    }

    /// A workload on a DBC file, every message at its own rate.
    public init(name: String, dbcPath: String, seed: UInt64 = 42) throws {
        self.name = name
        self.seed = seed
        self.dbcText = ""
        self.dbcPath = dbcPath
        let database = try DBCFile.load(path: dbcPath).database
        self.database = database
        self.messageCount = database.messages.count
        self.signalCount = database.messages.reduce(0) { $0 + $1.signals.count }
        var rng = SplitMix64(seed: seed)
        let periodsMs: [Int64] = [10, 20, 20, 50, 100, 100, 200, 1000]
        let fdLengths = [8, 12, 16, 20, 24, 32, 48, 64]
        self.senders = database.messages.map { m in
            let ms = m.cycleTime.flatMap { $0 > 0 ? Int64($0) : nil } ?? periodsMs[Int(rng.next() % UInt64(periodsMs.count))]
            let period = ms * 1_000_000
            let isFD = m.isFD || m.length > 8
            let length = isFD ? fdLengths.first { $0 >= m.length } ?? 64 : max(0, min(m.length, 8))
            return Sender(id: m.id, isExtended: m.isExtended, isFD: isFD, length: length, period: period,
                          offset: Int64(rng.next() % UInt64(period)))
        }
    }

    /// `count` frames in time order.
    public func frames(count: Int, bus: String = "can0") -> FrameSequence {
        FrameSequence(workload: self, count: count, bus: bus)
    }

    /// Generates frames lazily: constant memory whatever the count.
    public struct FrameSequence: Sequence, IteratorProtocol {
        var senders: [Sender]
        var due: [Int64]
        let count: Int
        let bus: String
        var index = 0
        var rng: SplitMix64

        init(workload: BenchWorkload, count: Int, bus: String) {
            self.senders = workload.senders
            self.due = workload.senders.map(\.offset)
            self.count = workload.senders.isEmpty ? 0 : count
            self.bus = bus
            self.rng = SplitMix64(seed: workload.seed ^ 0x5EED)
        }

        public mutating func next() -> CANFrame? {
            guard index < count else { return nil }
            var k = 0
            for i in 1..<due.count where due[i] < due[k] { k = i }
            let sender = senders[k]
            let at = due[k]
            due[k] += sender.period
            var payload = CANPayload()
            payload.withUnsafeMutableBytes { raw in
                var i = 0
                while i < sender.length {
                    var word = rng.next()
                    withUnsafeBytes(of: &word) { w in
                        for j in 0..<8 where i + j < sender.length { raw[i + j] = w[j] }
                    }
                    i += 8
                }
            }
            index += 1
            return CANFrame(
                timestamp: CANTimestamp(totalNanoseconds: 1_700_000_000_000_000_000 + at, fractionDigits: 6),
                bus: bus, id: sender.id, isExtended: sender.isExtended,
                kind: sender.isFD ? .fd : .classic, fdFlags: sender.isFD ? [.fdFormat, .bitRateSwitch] : [],
                length: sender.length, data: payload)
        }
    }
}

/// The generated DBC of `BenchWorkload(seed:)`.
struct GeneratedDBC {
    let text: String
    /// (id, length, isFD) for every message, in DBC order.
    let messages: [(id: UInt32, length: Int, isFD: Bool)]
    let signalCount: Int

    init(seed: UInt64) {
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
        self.text = text
        self.messages = messages
        self.signalCount = totalSignals
    }
}
