/// Messages and their signals: the model of a `BO_` as it is read (`startMessage`), completed
/// with what the rest of the file says about it once all is read (`finishMessages`).
extension DatabaseBuilder {
    mutating func startMessage(_ m: MessageSyntax) {
        if m.name == "VECTOR__INDEPENDENT_SIG_MSG" {
            // Vector's holder of signals that belong to no message: dropped, as in cantools.
            report(.note, at: m.location, "VECTOR__INDEPENDENT_SIG_MSG (signals not assigned to any message) skipped")
            pendingMessages.append(PendingMessage(rawID: m.rawID, sender: m.sender, model: nil, simpleSwitch: nil, hasSwitch: false, mux: []))
            return
        }
        let raw = m.rawID
        var (id, isExtended) = Self.frameID(raw)
        if raw & 0x8000_0000 != 0 {
            if raw & 0x6000_0000 != 0 {
                report(.warning, at: m.location, "extended id \(raw) has bits 29-30 set; read as 0x\(hex(id))")
            }
        } else if raw > 0x7FF {
            report(.warning, at: m.location, "standard id \(raw) (0x\(hex(UInt32(truncatingIfNeeded: raw)))) does not fit 11 bits; loaded as the extended id 0x\(hex(id)) (opendbc style; cantools refuses it)")
        } else {
            (id, isExtended) = (UInt32(raw), false)
        }

        var length = Int(m.length)
        if length < 0 || length > 64 {
            let clamped = max(0, min(64, length))
            report(.warning, at: m.location, "message length \(m.length) is outside 0...64 bytes; read as \(clamped)")
            length = clamped
        } else if length > 8, ![12, 16, 20, 24, 32, 48, 64].contains(length) {
            report(.warning, at: m.location, "message length \(length) is not a CAN FD frame length (12, 16, 20, 24, 32, 48, 64)")
        }

        var signals: [Signal] = []
        signals.reserveCapacity(m.signals.count)
        var mux: [SignalSyntax.MuxIndicator] = []
        for s in m.signals {
            guard s.length >= 1, s.length <= 64, s.startBit >= 0, s.startBit <= 511 else {
                report(.error, at: s.location, "signal '\(s.name)' has start bit \(s.startBit) and length \(s.length); expected a start bit in 0...511 and a length in 1...64; signal skipped")
                continue
            }
            var signal = Signal(
                name: s.name, startBit: Int(s.startBit), length: Int(s.length),
                byteOrder: s.byteOrder, isSigned: s.isSigned,
                factor: number(s.factor, what: "factor"), offset: number(s.offset, what: "offset"),
                unit: s.unit,
                receivers: interned(receivers: s.receivers.filter { $0 != "Vector__XXX" }),
                isMultiplexer: s.mux.isSwitch, location: s.location)
            // `[0|0]` means "not given": cantools compares the text, so `[0.0|0]` is a range.
            if !(s.minimum.text == "0" && s.maximum.text == "0") {
                signal.minimum = s.minimum.doubleValue
                signal.maximum = s.maximum.doubleValue
            }
            signals.append(signal)
            mux.append(s.mux)
        }
        if mux.allSatisfy({ $0 == .none }) { mux = [] }
        messages.append(Message(
            id: id, isExtended: isExtended, name: m.name, length: length, signals: signals, location: m.location))
        pendingMessages.append(PendingMessage(
            rawID: raw, sender: m.sender, model: messages.count - 1, simpleSwitch: Self.simpleSwitch(m.signals),
            hasSwitch: m.signals.contains { $0.mux.isSwitch }, mux: mux))
    }

    /// Every message completed, in file order (which decides who takes a value claimed once).
    mutating func finishMessages() -> [Message] {
        var built = messages
        messages = []
        let pending = pendingMessages
        pendingMessages = []
        let longNodeNames = nodeAttributes.values.contains { $0["SystemNodeLongSymbol"] != nil }
        for p in pending {
            guard let index = p.model else {
                claimAll(rawID: p.rawID)
                continue
            }
            finish(&built[index], p, longNodeNames: longNodeNames)
        }
        return built
    }

    /// Marks everything filed under a message id as used (for a message that is dropped on purpose).
    mutating func claimAll(rawID: UInt64) {
        for key in signalValueDescriptions.keys where key.rawID == rawID { signalValueDescriptions[key]?.claimed = true }
        for key in signalValueTypes.keys where key.rawID == rawID { signalValueTypes[key]?.claimed = true }
        extraSenders[rawID]?.claimed = true
        if var switches = multiplexValues[rawID] {
            for i in switches.indices {
                for name in switches[i].signals.keys { switches[i].signals[name]?.claimed = true }
            }
            multiplexValues[rawID] = switches
        }
    }

    /// Senders, comment, attributes and what they mean, long names; each signal's multiplexing,
    /// value type, value descriptions, comment, attributes and long name.
    mutating func finish(_ message: inout Message, _ p: PendingMessage, longNodeNames: Bool) {
        let raw = p.rawID
        var senders = [longName(node: p.sender)]
        if let extra = extraSenders[raw] {
            extraSenders[raw]?.claimed = true
            for s in extra.value.map({ longName(node: $0) }) where !senders.contains(s) { senders.append(s) }
        }
        senders.removeAll { $0 == "Vector__XXX" }
        let format = frameFormat(rawID: raw, at: message.location)
        let isFD = (format?.hasSuffix("CAN_FD") ?? busIsFD) || message.length > 8
        message.name = longName(message: message.name, rawID: raw)
        message.senders = senders
        message.comment = messageComments[raw]
        message.cycleTime = cycleTime(rawID: raw)
        message.isFD = isFD
        message.bitRateSwitch = isFD ? bitRateSwitch(rawID: raw) : nil
        message.attributes = messageAttributes[raw] ?? [:]

        var switchOfSignal: [String: String] = [:]
        for entry in multiplexValues[raw] ?? [] {
            for name in entry.signals.keys { switchOfSignal[name] = entry.switchName }
        }
        for i in message.signals.indices {
            let short = message.signals[i].name
            let location = message.signals[i].location ?? SourceLocation(file: file, line: 1, column: 1)
            let key = SignalKey(rawID: raw, name: short)
            message.signals[i].multiplexer = multiplexCondition(
                short, p.mux.isEmpty ? .none : p.mux[i], at: location, rawID: raw, pending: p, switchOfSignal: switchOfSignal)
            let attributes = signalAttributes[key] ?? [:]
            message.signals[i].valueType = valueType(key, length: Int64(message.signals[i].length), at: location)
            message.signals[i].comment = signalComments[key]
            message.signals[i].startValue = startValue(attributes, of: short, at: location)
            if case .string(let long)? = attributes["SystemSignalLongSymbol"] { message.signals[i].name = long }
            message.signals[i].attributes = attributes
            if longNodeNames {
                message.signals[i].receivers = interned(receivers: message.signals[i].receivers.map { longName(node: $0) })
            }
            if let d = signalValueDescriptions[key], !d.claimed {
                message.signals[i].valueDescriptions = d.value
                signalValueDescriptions[key]?.claimed = true
            }
        }
    }

    func hex(_ v: UInt32) -> String { String(v, radix: 16, uppercase: true) }

    /// One shared array per distinct receiver list: most signals of a DBC name the same one or
    /// two nodes, and a separate array each cost some 50 bytes per signal.
    mutating func interned(receivers: [String]) -> [String] {
        if receivers.isEmpty { return [] }
        if let shared = receiverLists[receivers] { return shared }
        receiverLists[receivers] = receivers
        return receivers
    }

    /// The message's one multiplexer switch, as cantools decides it: the signal marked `M` or
    /// `m<n>M` when there is exactly one such signal, else none (extended multiplexing, which
    /// then relies on `SG_MUL_VAL_` alone).
    static func simpleSwitch(_ signals: [SignalSyntax]) -> String? {
        var found: String?
        for s in signals where s.mux.isSwitch {
            if found != nil { return nil }
            found = s.name
        }
        return found
    }

    /// cantools' `num()`: an integer literal stays an integer.
    mutating func number(_ n: NumberSyntax, what: String) -> Signal.Number {
        let value = n.number
        if n.isIntegerLiteral, case .real = value {
            report(.warning, at: n.location, "\(what) \(n.text) does not fit 64 bits; read as a real number")
        }
        return value
    }

    /// `SIG_VALTYPE_` for the signal; taken once, as cantools does. As in cantools, the code
    /// only says "float" and the signal length picks the format: 64 bits double, 32 single,
    /// 16 IEEE half (read as `.float32`; the decode plan takes the width from the length).
    mutating func valueType(_ key: SignalKey, length: Int64, at location: SourceLocation) -> Signal.ValueType {
        guard let t = signalValueTypes[key], !t.claimed else { return .integer }
        signalValueTypes[key]?.claimed = true
        guard t.value == 1 || t.value == 2 else {
            if t.value != 0 {
                report(.warning, at: t.location, "SIG_VALTYPE_ \(t.value) for '\(key.name)' is not 0, 1 or 2; read as an integer")
            }
            return .integer
        }
        switch length {
        case 64:
            if t.value == 1 { report(.warning, at: t.location, "SIG_VALTYPE_ 1 (single) on the 64-bit signal '\(key.name)'; decoded as a double, as cantools does") }
            return .float64
        case 32:
            if t.value == 2 { report(.warning, at: t.location, "SIG_VALTYPE_ 2 (double) on the 32-bit signal '\(key.name)'; decoded as a single, as cantools does") }
            return .float32
        case 16:
            report(.warning, at: t.location, "SIG_VALTYPE_ \(t.value) on the 16-bit signal '\(key.name)'; decoded as an IEEE half, as cantools does")
            return .float32
        default:
            report(.error, at: t.location, "SIG_VALTYPE_ \(t.value) needs a 16, 32 or 64-bit signal, but '\(key.name)' has \(length) bits; read as an integer (cantools fails every frame)")
            return .integer
        }
    }

    /// When the signal is present, exactly as cantools decides it.
    mutating func multiplexCondition(
        _ name: String, _ indicator: SignalSyntax.MuxIndicator, at location: SourceLocation, rawID: UInt64,
        pending p: PendingMessage, switchOfSignal: [String: String]
    ) -> Signal.MultiplexCondition? {
        let simpleSwitch = p.simpleSwitch
        var ranges: [ClosedRange<UInt64>] = []
        let switchForRanges: String?
        if let simpleSwitch {
            if case .multiplexed(let n) = indicator { ranges.append(n...n) }
            switchForRanges = simpleSwitch
        } else {
            switchForRanges = switchOfSignal[name]
        }
        if let switchForRanges,
           let i = multiplexValues[rawID]?.firstIndex(where: { $0.switchName == switchForRanges }),
           let entry = multiplexValues[rawID]?[i].signals[name] {
            ranges += entry.value
            multiplexValues[rawID]?[i].signals[name]?.claimed = true
        }

        // The switch this signal depends on (cantools' `multiplexer_signal`).
        let switchName: String?
        switch indicator {
        case .none:
            switchName = nil
            if !ranges.isEmpty {
                report(.warning, at: location, "SG_MUL_VAL_ names signal '\(name)', which has no multiplexer indicator; it is always present (as in cantools)")
            }
        case .multiplexer:
            switchName = simpleSwitch == nil ? switchOfSignal[name] : nil
        case .multiplexedMultiplexer(let n):
            if simpleSwitch != nil {
                switchName = nil
                report(.warning, at: location, "signal '\(name)' is marked m\(n)M, but it is the message's only switch and no SG_MUL_VAL_ places it; read as a plain switch 'M' (as in cantools)")
            } else {
                switchName = switchOfSignal[name]
            }
        case .multiplexed(let n):
            if let simpleSwitch {
                switchName = name == simpleSwitch ? nil : simpleSwitch
            } else {
                switchName = switchOfSignal[name]
                if switchName == nil {
                    let why = p.hasSwitch
                        ? "the message has several multiplexer switches and no SG_MUL_VAL_ places this signal"
                        : "the message has no multiplexer switch 'M'"
                    report(.warning, at: location, "signal '\(name)' is marked m\(n), but \(why); it is always present (as in cantools)")
                }
            }
        }
        guard let switchName, !ranges.isEmpty else { return nil }
        return Signal.MultiplexCondition(switchName: longName(signal: switchName, rawID: rawID), ranges: Self.merged(ranges))
    }

    /// Sorted, with overlapping and adjacent ranges joined.
    static func merged(_ ranges: [ClosedRange<UInt64>]) -> [ClosedRange<UInt64>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var result: [ClosedRange<UInt64>] = []
        for r in sorted {
            if let last = result.last, last.upperBound == .max || r.lowerBound <= last.upperBound + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                result.append(r)
            }
        }
        return result
    }
}
