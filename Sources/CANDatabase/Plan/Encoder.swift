import CANCore

/// Why `DecodePlan.encode(messageIndex:physical:)` refused.
public enum EncodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A signal of the active multiplex branch has no value.
    case missingSignal(message: String, signal: String)
    /// A multiplexer switch value selects no branch the DBC defines.
    case undefinedMultiplexerValue(switchName: String, value: Int64)
    /// NaN for an integer signal.
    case notANumber(signal: String)

    public var description: String {
        switch self {
        case .missingSignal(let m, let s): return "message \(m): no value for signal \(s)"
        case .undefinedMultiplexerValue(let s, let v): return "undefined multiplexer value \(v) for \(s)"
        case .notANumber(let s): return "signal \(s): NaN for an integer signal"
        }
    }
}

/// The encoder: physical (or raw) values to payload bytes, the inverse of `decode`.
///
/// Physical → raw as cantools does it: `round((physical - offset) / factor)` with Python's
/// rounding (half to even), clamped to the raw range of the signal's bits; float signals
/// store the IEEE bits of `(physical - offset) / factor`. Only the signals of the active
/// multiplex branches are written; a switch selects the branch `int(physical)`.
extension DecodePlan {
    /// A whole frame for message `messageIndex`: identifier, format, kind (`.fd` for FD
    /// messages or lengths over 8; FD lengths padded up to a valid one; the BRS flag when the
    /// DBC sets `CANFD_BRS`) and length. The timestamp and bus are left for the caller.
    /// Signals not in the active branches may be missing from `physical`.
    public func encode(messageIndex: Int, physical: [String: Double]) throws(EncodeError) -> CANFrame {
        let message = database.messages[messageIndex]
        let plan = plans[messageIndex]
        var ordered = [Double](repeating: 0, count: message.signals.count)
        var given = [Bool](repeating: false, count: message.signals.count)
        for (i, s) in message.signals.enumerated() {
            if let v = physical[s.name] {
                ordered[i] = v
                given[i] = true
            }
        }
        var numbers = [Int128](repeating: MessagePlan.inactive, count: plan.switches.count)
        for (slot, muxSwitch) in plan.switches.enumerated() {
            guard numbers.withUnsafeMutableBufferPointer({ plan.isOpen(muxSwitch.gate, $0) }) else { continue }
            let signal = Int(plan.steps[Int(muxSwitch.step)].signal)
            guard given[signal] else { throw .missingSignal(message: message.name, signal: message.signals[signal].name) }
            let number = MessagePlan.multiplexerNumber(.real(ordered[signal]))
            guard muxSwitch.defined.contains(where: { $0.contains(number) }) else {
                throw .undefinedMultiplexerValue(switchName: muxSwitch.name, value: Int64(truncatingIfNeeded: number))
            }
            numbers[slot] = number
        }
        for step in steps(ofMessage: messageIndex)
        where numbers.withUnsafeMutableBufferPointer({ plan.isOpen(step.gate, $0) }) {
            let i = Int(step.signal)
            guard given[i] else { throw .missingSignal(message: message.name, signal: message.signals[i].name) }
            if ordered[i].isNaN && !step.recipe.isFloat { throw .notANumber(signal: message.signals[i].name) }
        }
        let isFD = message.isFD || message.length > 8
        let declared = max(0, min(message.length, 64))
        let length = isFD ? CANDLC.fdLength(forDLC: CANDLC.dlc(forFDLength: declared)) : min(declared, 8)
        var frame = CANFrame(
            id: message.id, isExtended: message.isExtended, kind: isFD ? .fd : .classic,
            fdFlags: isFD && message.bitRateSwitch == true ? [.bitRateSwitch] : [],
            length: length)
        ordered.withUnsafeBufferPointer { encode(messageIndex: messageIndex, physicalInSignalOrder: $0, into: &frame.data) }
        frame.data.clear(from: length)
        return frame
    }

    /// The fast path (no allocation, no reference counting): `values[i]` is the physical
    /// value of `message.signals[i]`. `payload` is replaced; bytes past the message length are
    /// zero. Only the active branch is written; a switch value without a branch is written
    /// as given, with no branch signals.
    public func encode(messageIndex: Int, physicalInSignalOrder values: UnsafeBufferPointer<Double>, into payload: inout CANPayload) {
        writeSteps(messageIndex: messageIndex, valueCount: values.count, into: &payload) { step in
            step.recipe.raw(physical: values[Int(step.signal)], length: Int(step.field.length))
        } number: { step in
            MessagePlan.multiplexerNumber(.real(values[Int(step.signal)]))
        }
    }

    /// `encode(messageIndex:physicalInSignalOrder:into:)` for an array.
    public func encode(messageIndex: Int, physicalInSignalOrder values: [Double], into payload: inout CANPayload) {
        values.withUnsafeBufferPointer { encode(messageIndex: messageIndex, physicalInSignalOrder: $0, into: &payload) }
    }

    /// Raw values (bit patterns; two's complement for signed signals, IEEE bits for float
    /// signals) in signal order: for counters and checksums. No allocation.
    public func encode(messageIndex: Int, rawInSignalOrder values: UnsafeBufferPointer<UInt64>, into payload: inout CANPayload) {
        writeSteps(messageIndex: messageIndex, valueCount: values.count, into: &payload) { step in
            values[Int(step.signal)]
        } number: { step in
            MessagePlan.multiplexerNumber(step.recipe.value(raw: values[Int(step.signal)] & step.field.mask))
        }
    }

    /// `encode(messageIndex:rawInSignalOrder:into:)` for an array.
    public func encode(messageIndex: Int, rawInSignalOrder values: [UInt64], into payload: inout CANPayload) {
        values.withUnsafeBufferPointer { encode(messageIndex: messageIndex, rawInSignalOrder: $0, into: &payload) }
    }

    /// Overwrites one signal's bits in an encoded payload (e.g. a counter or checksum),
    /// leaving the other bits alone. Traps when the signal is never decoded.
    public func setRaw(_ raw: UInt64, signal: Int, messageIndex: Int, in payload: inout CANPayload) {
        let span = encoding.spans[messageIndex]
        precondition(signal >= 0 && signal < Int(span.signalCount), "no such signal")
        let step = encoding.stepOfSignal[Int(span.signalFirst) + signal]
        precondition(step >= 0, "signal has no place in the payload")
        let field = allSteps[Int(step)].field
        payload.withUnsafeMutableBytes { field.insert(raw, into: $0.baseAddress!) }
        payload.clear(from: Int(span.length))
    }

    /// The raw bits of one signal in a payload.
    public func raw(signal: Int, messageIndex: Int, in payload: CANPayload) -> UInt64? {
        let span = encoding.spans[messageIndex]
        precondition(signal >= 0 && signal < Int(span.signalCount), "no such signal")
        let step = encoding.stepOfSignal[Int(span.signalFirst) + signal]
        guard step >= 0 else { return nil }
        let field = allSteps[Int(step)].field
        return payload.withUnsafeBytes { field.extract($0.baseAddress!) }
    }

    /// The encoder's loop over the flat step arrays: every step of a plain message, the
    /// selected branch of a simple multiplexed one, the gated steps otherwise.
    @inline(__always)
    func writeSteps(
        messageIndex: Int, valueCount: Int, into payload: inout CANPayload,
        raw: (SignalStep) -> UInt64, number: (SignalStep) -> Int128
    ) {
        let span = encoding.spans[messageIndex]
        precondition(valueCount >= Int(span.signalCount), "one value per signal")
        if span.layout == .general {
            write(plans[messageIndex], into: &payload, raw: raw, number: number)
            return
        }
        payload = CANPayload()
        payload.withUnsafeMutableBytes { bytes in
            let base = bytes.baseAddress!
            allSteps.withUnsafeBufferPointer { all in
                if span.layout == .plain {
                    for k in Int(span.first)..<Int(span.first + span.count) {
                        let step = all[k]
                        step.field.insert(raw(step), into: base)
                    }
                    return
                }
                guard let branch = encoding.branch(span, for: number(all[Int(span.switchStep)])) else {
                    // No branch for this value: the root signals (the switch among them).
                    for k in Int(span.first)..<Int(span.first + span.count) where all[k].gate < 0 {
                        let step = all[k]
                        step.field.insert(raw(step), into: base)
                    }
                    return
                }
                encoding.branchSteps.withUnsafeBufferPointer { list in
                    for k in Int(branch.first)..<Int(branch.first + branch.count) {
                        let step = all[Int(list[k])]
                        step.field.insert(raw(step), into: base)
                    }
                }
            }
        }
        payload.clear(from: Int(span.length))
    }

    /// The general path: switches first (depth-first), then every step whose gate is open.
    func write(
        _ plan: MessagePlan, into payload: inout CANPayload,
        raw: (SignalStep) -> UInt64, number: (SignalStep) -> Int128
    ) {
        payload = CANPayload()
        payload.withUnsafeMutableBytes { bytes in
            let base = bytes.baseAddress!
            withUnsafeTemporaryAllocation(of: Int128.self, capacity: plan.switches.count) { numbers in
                for (slot, muxSwitch) in plan.switches.enumerated() {
                    numbers[slot] = plan.isOpen(muxSwitch.gate, numbers)
                        ? number(plan.steps[Int(muxSwitch.step)]) : MessagePlan.inactive
                }
                for step in plan.steps where plan.isOpen(step.gate, numbers) {
                    step.field.insert(raw(step), into: base)
                }
            }
        }
        payload.clear(from: plan.length)
    }
}
