/// Warnings about things that load but are off: references to objects that do not exist,
/// duplicate ids and names, signals that overlap or reach past the message, scaling that
/// makes nonsense, multiplexer switches that depend on each other.
extension DatabaseBuilder {
    mutating func reportUnclaimed() {
        var found: [(SourceLocation, String)] = []
        for (key, d) in signalValueDescriptions where !d.claimed {
            found.append((d.location, "VAL_ for signal '\(key.name)' of message id \(key.rawID), which no BO_/SG_ defines; ignored (cantools refuses the file)"))
        }
        for (name, d) in environmentVariableValueDescriptions where !d.claimed {
            found.append((d.location, "VAL_ for '\(name)', which is neither a message id nor an environment variable; ignored"))
        }
        for (key, t) in signalValueTypes where !t.claimed {
            found.append((t.location, "SIG_VALTYPE_ for signal '\(key.name)' of message id \(key.rawID), which no BO_/SG_ defines; ignored (cantools refuses the file)"))
        }
        for (id, s) in extraSenders where !s.claimed {
            found.append((s.location, "BO_TX_BU_ for message id \(id), which no BO_ defines; ignored"))
        }
        for (id, switches) in multiplexValues {
            for entry in switches {
                for (name, r) in entry.signals where !r.claimed {
                    found.append((r.location, "SG_MUL_VAL_ for signal '\(name)' (switch '\(entry.switchName)') of message id \(id) does not apply to any multiplexed signal; ignored"))
                }
            }
        }
        for (location, message) in found.sorted(by: { $0.0 < $1.0 }) {
            report(.warning, at: location, message)
        }
    }

    mutating func checkMessages(_ messages: [Message]) {
        // The first message with each id and name, by index (not a copy of each message).
        var firstByID: [UInt64: Int] = [:]
        var firstByName: [String: Int] = [:]
        for (index, message) in messages.enumerated() {
            let key = UInt64(message.id) | (message.isExtended ? 1 << 32 : 0)
            if let first = firstByID[key].map({ messages[$0] }) {
                report(.warning, at: message.location, "message id 0x\(hex(message.id))\(message.isExtended ? " (extended)" : "") is defined again ('\(message.name)'; first '\(first.name)' at line \(first.location?.line ?? 0)); the last definition wins")
            } else {
                firstByID[key] = index
            }
            if let first = firstByName[message.name].map({ messages[$0] }) {
                report(.warning, at: message.location, "message name '\(message.name)' is used again (first at line \(first.location?.line ?? 0))")
            } else {
                firstByName[message.name] = index
            }
            checkSignals(of: message)
            checkMultiplexerCycles(of: message)
        }
    }

    mutating func checkSignals(of message: Message) {
        var names: Set<String> = []
        var overlaps = OverlapIndex()
        for (index, signal) in message.signals.enumerated() {
            if !names.insert(signal.name).inserted {
                report(.warning, at: signal.location, "signal name '\(signal.name)' is used twice in message '\(message.name)'")
            }
            let footprint = SignalFootprint(signal)
            if footprint.highestByte >= message.length {
                report(.warning, at: signal.location, "signal '\(signal.name)' reaches byte \(footprint.highestByte), past the message length of \(message.length) bytes")
            }
            checkScaling(of: signal)
            // One warning per signal that overlaps earlier ones (that can be in the same frame).
            let earlier = overlaps.earliestOverlapping(signal, bits: footprint.bits, in: message.signals, limit: 4)
            overlaps.insert(index, signal, bits: footprint.bits)
            guard !earlier.isEmpty else { continue }
            let named = earlier.prefix(3).map { "'\(message.signals[$0].name)'" }.joined(separator: ", ")
            report(.warning, at: signal.location, "signal '\(signal.name)' overlaps \(named)\(earlier.count > 3 ? " and others" : "") in message '\(message.name)'")
        }
    }

    /// Scaling that loads but makes nonsense: decoded as cantools does (a factor of 0 gives the
    /// offset for every raw value; an infinite factor or offset gives ±infinity or NaN).
    mutating func checkScaling(of signal: Signal) {
        let factor = signal.factor.doubleValue
        let offset = signal.offset.doubleValue
        if factor == 0 {
            report(.warning, at: signal.location, "signal '\(signal.name)' has factor 0: every raw value decodes to the offset \(signal.offset)")
        } else if !factor.isFinite {
            report(.warning, at: signal.location, "signal '\(signal.name)' has a factor too large for a double (\(factor)): values decode to ±infinity or NaN")
        }
        if !offset.isFinite {
            report(.warning, at: signal.location, "signal '\(signal.name)' has an offset too large for a double (\(offset)): values decode to ±infinity or NaN")
        }
    }

    /// Switches that depend on each other (`SG_MUL_VAL_ m A B` and `SG_MUL_VAL_ m B A`, or a
    /// longer loop): no value can ever select them, so neither they nor the signals they
    /// switch are decoded (as in cantools). One warning per loop, at its first signal.
    mutating func checkMultiplexerCycles(of message: Message) {
        var switchOf: [String: String] = [:]
        for signal in message.signals {
            if let condition = signal.multiplexer, switchOf[signal.name] == nil { switchOf[signal.name] = condition.switchName }
        }
        var reported: Set<String> = []
        for signal in message.signals where switchOf[signal.name] != nil && !reported.contains(signal.name) {
            var path: [String] = [signal.name]
            var seen: Set<String> = [signal.name]
            var current = signal.name
            while let next = switchOf[current], !reported.contains(next) {
                if next == signal.name {
                    reported.formUnion(path)
                    let loop = (path + [signal.name]).map { "'\($0)'" }.joined(separator: " → ")
                    report(.warning, at: signal.location, "multiplexer switches depend on each other in message '\(message.name)' (\(loop)): none of them, nor the signals they switch, is ever decoded")
                    break
                }
                guard seen.insert(next).inserted else { break }  // a loop that does not include this signal
                path.append(next)
                current = next
            }
        }
    }

    /// Two signals can be in the same frame: neither is multiplexed, only one is, or both
    /// depend on the same switch with a common value.
    static func canCoexist(_ a: Signal, _ b: Signal) -> Bool {
        guard let ma = a.multiplexer, let mb = b.multiplexer else { return true }
        guard ma.switchName == mb.switchName else { return false }
        return ma.ranges.contains { ra in mb.ranges.contains { ra.overlaps($0) } }
    }
}

/// The signals of one message seen so far, by the payload bits they cover, so that finding
/// the earliest signals a new one overlaps costs a few lookups per bit, not a comparison with
/// every earlier signal (100,000 signals in one message took 41 s that way).
///
/// Each bit has lists of signal indices in signal order: every signal, the plain (not
/// multiplexed) ones, the multiplexed ones by (switch, value) — for a signal whose switch
/// values are few — and the rest by switch ("wide": value ranges too long to spell out,
/// checked one by one with `canCoexist`). A list's first entries are its earliest signals, so
/// the first `limit` entries of each list a signal can coexist with contain the earliest
/// `limit` overlapping signals overall.
struct OverlapIndex {
    private struct MuxKey: Hashable {
        var switchName: String
        var value: UInt64
    }
    /// Switch values spelled out per signal at most; beyond, the signal is "wide".
    static let maxValues: UInt64 = 64
    private var every: [Int: [Int]] = [:]
    private var plain: [Int: [Int]] = [:]
    private var byValue: [MuxKey: [Int: [Int]]] = [:]
    private var wideBySwitch: [String: [Int: [Int]]] = [:]
    private var bySwitch: [String: [Int: [Int]]] = [:]

    private static func values(_ condition: Signal.MultiplexCondition) -> [UInt64]? {
        var total: UInt64 = 0
        for range in condition.ranges {
            total += min(range.upperBound - range.lowerBound, maxValues) + 1
            if total > maxValues { return nil }
        }
        return condition.ranges.flatMap { Array($0) }
    }

    mutating func insert(_ index: Int, _ signal: Signal, bits: [Int]) {
        for bit in bits { every[bit, default: []].append(index) }
        guard let condition = signal.multiplexer else {
            for bit in bits { plain[bit, default: []].append(index) }
            return
        }
        for bit in bits { bySwitch[condition.switchName, default: [:]][bit, default: []].append(index) }
        if let values = Self.values(condition) {
            for value in values {
                for bit in bits { byValue[MuxKey(switchName: condition.switchName, value: value), default: [:]][bit, default: []].append(index) }
            }
        } else {
            for bit in bits { wideBySwitch[condition.switchName, default: [:]][bit, default: []].append(index) }
        }
    }

    /// The earliest (at most `limit`) signals inserted so far that share a bit with `signal`
    /// and can be in the same frame, in signal order.
    func earliestOverlapping(_ signal: Signal, bits: [Int], in signals: [Signal], limit: Int) -> [Int] {
        var found: Set<Int> = []
        func take(_ list: [Int]?, where admits: (Int) -> Bool = { _ in true }) {
            var taken = 0
            for index in list ?? [] where admits(index) {
                found.insert(index)
                taken += 1
                if taken == limit { break }
            }
        }
        for bit in bits {
            guard let condition = signal.multiplexer else {
                take(every[bit])
                continue
            }
            take(plain[bit])
            if let values = Self.values(condition) {
                for value in values { take(byValue[MuxKey(switchName: condition.switchName, value: value)]?[bit]) }
                take(wideBySwitch[condition.switchName]?[bit]) { DatabaseBuilder.canCoexist(signals[$0], signal) }
            } else {
                take(bySwitch[condition.switchName]?[bit]) { DatabaseBuilder.canCoexist(signals[$0], signal) }
            }
        }
        return Array(found.sorted().prefix(limit))
    }
}

/// The payload bits a signal covers (DBC bit numbering, within the 512 bits of a CAN FD
/// payload), and the highest byte it touches.
struct SignalFootprint {
    var bits: [Int] = []
    /// The highest byte index the signal touches (may be past 63 for a bad signal).
    var highestByte = 0

    /// Intel counts up from the start bit; Motorola walks from its start (the most significant
    /// bit) towards bit 0 of the byte, then continues at bit 7 of the next byte.
    init(_ signal: Signal) {
        var bit = signal.startBit
        bits.reserveCapacity(min(signal.length, 512))
        for _ in 0..<signal.length {
            highestByte = max(highestByte, bit / 8)
            if bit >= 0, bit < 512 { bits.append(bit) }
            if signal.byteOrder == .littleEndian {
                bit += 1
            } else {
                bit = bit % 8 == 0 ? bit + 15 : bit - 1
            }
        }
    }
}
