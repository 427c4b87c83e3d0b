/// The JSON text of every message name and signal key of the canonical line, escaped once
/// when the plan is compiled (`CanonicalLine`): all names back to back in one array, all
/// `"NAME":` keys in another, so a line reads them without reference counting, and a large
/// DBC pays no array per message or signal (some 50 to 70 bytes each).
struct CanonicalKeys: Sendable {
    /// Message `m`'s quoted name is `names[nameOffsets[m] ..< nameOffsets[m + 1]]`.
    private(set) var names: [UInt8] = []
    private(set) var nameOffsets: [Int32] = [0]
    /// Key `k` (`"NAME":`) is `keys[keyOffsets[k] ..< keyOffsets[k + 1]]`; message `m`'s
    /// signal `i` is key `firstKey[m] + i`.
    private(set) var keys: [UInt8] = []
    private(set) var keyOffsets: [Int32] = [0]
    private(set) var firstKey: [Int32] = []
    /// The most bytes message `m`'s part of a decoded line takes: its quoted name, and per
    /// signal its key, a comma and the widest value (`CanonicalLine.maxValueLength`), so a
    /// line is bounded without a pass over its signals.
    private(set) var lineBounds: [Int32] = []

    init(_ messages: [Message]) {
        nameOffsets.reserveCapacity(messages.count + 1)
        firstKey.reserveCapacity(messages.count)
        lineBounds.reserveCapacity(messages.count)
        keyOffsets.reserveCapacity(messages.reduce(1) { $0 + $1.signals.count })
        for message in messages {
            let nameStart = names.count
            JSONText.appendQuoted(message.name, to: &names)
            nameOffsets.append(Int32(names.count))
            firstKey.append(Int32(keyOffsets.count - 1))
            let keysStart = keys.count
            for signal in message.signals {
                JSONText.appendQuoted(signal.name, to: &keys)
                keys.append(UInt8(ascii: ":"))
                keyOffsets.append(Int32(keys.count))
            }
            let bound = names.count - nameStart + keys.count - keysStart
                + message.signals.count * (1 + CanonicalLine.maxValueLength)
            lineBounds.append(Int32(clamping: bound))
        }
    }

    /// Where message `m`'s quoted name is in `names`.
    func name(_ m: Int) -> Range<Int> { Int(nameOffsets[m])..<Int(nameOffsets[m + 1]) }

    /// Message `m`'s signal `i`'s key (`"NAME":`).
    func key(message m: Int, signal i: Int) -> ArraySlice<UInt8> {
        let k = Int(firstKey[m]) + i
        return keys[Int(keyOffsets[k])..<Int(keyOffsets[k + 1])]
    }
}
