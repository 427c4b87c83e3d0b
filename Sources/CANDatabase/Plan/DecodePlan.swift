import CANCore

/// A `Database` compiled for decoding and encoding frames.
///
/// Built once from a DBC, immutable and shareable between threads. Per message and per
/// signal, the byte window, shift, mask, sign extension and conversion are chosen up front
/// (`BitField`, `ValueRecipe`); `decode` then allocates nothing per frame.
///
/// Message indices are indices into `database.messages` (file order). Frames are matched
/// as cantools matches them:
/// - an extended frame matches the extended message with that identifier (or, with
///   `DecodeOptions.matchJ1939ByPGN`, the same J1939 PGN), else falls back to the standard
///   message with that identifier;
/// - a standard frame matches the standard message with that identifier;
/// - when a DBC defines an identifier twice, the last definition wins;
/// - error frames match nothing.
public final class DecodePlan: Sendable {
    public let database: Database
    public let options: DecodeOptions
    @usableFromInline let plans: [MessagePlan]
    /// Every message's steps back to back, and where each message's run is: the hot path
    /// touches only these two arrays of plain values (no reference counting per frame).
    let allSteps: [SignalStep]
    let spans: [MessageSpan]
    /// Branch tables of simple multiplexed messages (`MessageSpan.branchTable`), flattened
    /// like the steps: each head's branches are a run of `allBranches`, each branch's
    /// present steps a run of `allBranchSteps`.
    let branchHeads: [BranchHead]
    let allBranches: [BranchTable.Branch]
    let allBranchSteps: [Int32]
    /// The same steps seen by the encoder: per-signal and per-branch indices (`EncodeTables`).
    let encoding: EncodeTables
    /// Message names and signal keys of the canonical line, JSON-escaped.
    let canonicalKeys: CanonicalKeys
    @usableFromInline let table: MessageTable
    let indexByName: [String: Int]
    /// The most signals any message decodes; `DecodedSignals(capacity:)` of this never grows.
    public let maxSignalsPerMessage: Int

    public init(_ database: Database, options: DecodeOptions = .init()) {
        self.database = database
        self.options = options
        var plans: [MessagePlan] = []
        plans.reserveCapacity(database.messages.count)
        var standard: [(UInt32, Int)] = []
        var extended: [(UInt32, Int)] = []
        var names: [String: Int] = [:]
        // Each message's steps go straight into the flat arrays the hot paths read.
        let signalCount = database.messages.reduce(0) { $0 + $1.signals.count }
        var allSteps: [SignalStep] = []
        var stepOfSignal: [Int32] = []
        allSteps.reserveCapacity(signalCount)
        stepOfSignal.reserveCapacity(signalCount)
        for (index, message) in database.messages.enumerated() {
            plans.append(MessagePlan(message: message, databaseIndex: index, allSteps: &allSteps, allStepOfSignal: &stepOfSignal))
            if message.isExtended {
                extended.append((options.matchJ1939ByPGN ? J1939.matchKey(message.id) : message.id, index))
            } else {
                standard.append((message.id, index))
            }
            names[message.name] = index
        }
        self.plans = plans
        var spans: [MessageSpan] = []
        var branchHeads: [BranchHead] = []
        var allBranches: [BranchTable.Branch] = []
        var allBranchSteps: [Int32] = []
        var branchTables: [BranchTable] = []
        spans.reserveCapacity(plans.count)
        var first = 0
        for plan in plans {
            var table: Int32 = -1
            if let branches = BranchTable(plan) {
                table = Int32(branchHeads.count)
                branchTables.append(branches)
                branchHeads.append(BranchHead(
                    switchStep: branches.switchStep, firstBranch: Int32(allBranches.count),
                    branchCount: Int32(branches.branches.count)))
                let base = Int32(allBranchSteps.count)
                for var branch in branches.branches {
                    branch.first += base
                    allBranches.append(branch)
                }
                allBranchSteps.append(contentsOf: branches.steps)
            }
            spans.append(MessageSpan(
                first: Int32(first), count: Int32(plan.stepCount), length: Int32(plan.length),
                isMultiplexed: !plan.switches.isEmpty, overhangs: plan.overhangs, branchTable: table,
                duplicateNames: plan.duplicateNames))
            first += plan.stepCount
        }
        self.allSteps = allSteps
        self.spans = spans
        self.branchHeads = branchHeads
        self.allBranches = allBranches
        self.allBranchSteps = allBranchSteps
        self.encoding = EncodeTables(plans: plans, spans: spans, branchTables: branchTables, stepOfSignal: stepOfSignal)
        self.canonicalKeys = CanonicalKeys(database.messages)
        self.table = MessageTable(standard: standard, extended: extended)
        self.indexByName = names
        self.maxSignalsPerMessage = plans.map(\.stepCount).max() ?? 0
    }

    /// Number of messages (`database.messages.count`).
    public var messageCount: Int { plans.count }

    /// The message at a plan index.
    public func message(at index: Int) -> Message { database.messages[index] }

    /// The message a frame decodes with, by the rules above; `nil` for error frames and
    /// unknown identifiers.
    @inlinable
    public func messageIndex(for frame: CANFrame) -> Int? {
        switch frame.kind {
        case .error:
            return nil
        default:
            if frame.isExtended {
                let key = options.matchJ1939ByPGN ? J1939.matchKey(frame.id) : frame.id
                if let index = table.extendedMessage(key) { return index }
            }
            return table.standardMessage(frame.id)
        }
    }

    /// The message with this name (the last definition wins).
    public func messageIndex(named name: String) -> Int? { indexByName[name] }

    /// Indices into `message(at:).signals` in the order `decode` emits them (by name),
    /// leaving out signals that are never decoded.
    public func decodedSignalOrder(messageIndex: Int) -> [Int] {
        steps(ofMessage: messageIndex).map { Int($0.signal) }
    }

    /// Message `index`'s run of `allSteps`, in decode (name) order.
    func steps(ofMessage index: Int) -> ArraySlice<SignalStep> {
        let span = spans[index]
        return allSteps[Int(span.first)..<Int(span.first + span.count)]
    }

    /// Decodes `frame` into `values` (emptied first). On `.decoded`, `values` holds one
    /// entry per present signal, in name order; otherwise it is empty.
    public func decode(_ frame: CANFrame, into values: inout DecodedSignals) -> DecodeOutcome {
        values.used = 0
        guard let index = messageIndex(for: frame) else { return .unknownMessage }
        if frame.kind == .remote { return .failed(message: index, .remoteFrame) }
        let span = spans[index]
        let got = Int(frame.length)
        let length = Int(span.length)
        if got < length {
            return .failed(message: index, .shortPayload(got: got, expected: length))
        }
        values.reserve(Int(span.count))
        var payload = frame.data
        if span.overhangs && got > length { payload.clear(from: length) }
        if !span.isMultiplexed {
            values.used = payload.withUnsafeBytes { bytes in
                allSteps.withUnsafeBufferPointer { steps in
                    Self.decodeAll(
                        UnsafeBufferPointer(rebasing: steps[Int(span.first)..<Int(span.first + span.count)]),
                        from: bytes.baseAddress!, into: &values)
                }
            }
            return .decoded(message: index)
        }
        let failure = payload.withUnsafeBytes { bytes in
            span.branchTable >= 0
                ? decodeBranch(span, from: bytes.baseAddress!, into: &values)
                : Self.decodeMultiplexed(plans[index], from: bytes.baseAddress!, into: &values)
        }
        if let failure, span.branchTable >= 0, case .undefinedMultiplexerValue(_, let value) = failure {
            return .failed(message: index, .undefinedMultiplexerValue(switchName: plans[index].switches[0].name, value: value))
        }
        if let failure { return .failed(message: index, failure) }
        if span.duplicateNames { plans[index].keepLastDecoded(&values) { canonicalKeys.key(message: index, signal: $0) } }
        return .decoded(message: index)
    }

    /// Every step present: the common case, a straight loop.
    @inline(__always)
    static func decodeAll(_ steps: UnsafeBufferPointer<SignalStep>, from base: UnsafeRawPointer, into values: inout DecodedSignals) -> Int {
        values.signals.withUnsafeMutableBufferPointer { signalOut in
            values.values.withUnsafeMutableBufferPointer { valueOut in
                for k in 0..<steps.count {
                    let step = steps[k]
                    signalOut[k] = step.signal
                    valueOut[k] = step.recipe.value(raw: step.field.extract(base))
                }
                return steps.count
            }
        }
    }

    /// A simple multiplexed message: the switch value picks a precomputed branch. An
    /// undefined value comes back without the switch name (the caller adds it). Touches
    /// only the flat arrays (no reference counting per frame).
    @inline(__always)
    func decodeBranch(_ span: MessageSpan, from base: UnsafeRawPointer, into values: inout DecodedSignals) -> DecodeFailure? {
        let head = branchHeads[Int(span.branchTable)]
        return allSteps.withUnsafeBufferPointer { all in
            let steps = UnsafeBufferPointer(rebasing: all[Int(span.first)..<Int(span.first + span.count)])
            let switchStep = steps[Int(head.switchStep)]
            let number = MessagePlan.multiplexerNumber(switchStep.recipe.value(raw: switchStep.field.extract(base)))
            let found = allBranches.withUnsafeBufferPointer { branches in
                BranchTable.branch(
                    for: number,
                    in: UnsafeBufferPointer(rebasing: branches[Int(head.firstBranch)..<Int(head.firstBranch + head.branchCount)]))
            }
            guard let branch = found else {
                return .undefinedMultiplexerValue(switchName: "", value: number)
            }
            allBranchSteps.withUnsafeBufferPointer { present in
                values.signals.withUnsafeMutableBufferPointer { signalOut in
                    values.values.withUnsafeMutableBufferPointer { valueOut in
                        for k in 0..<Int(branch.count) {
                            let step = steps[Int(present[Int(branch.first) + k])]
                            signalOut[k] = step.signal
                            valueOut[k] = step.recipe.value(raw: step.field.extract(base))
                        }
                    }
                }
            }
            values.used = Int(branch.count)
            return nil
        }
    }

    /// Multiplexed messages: switch values first (depth-first, as cantools), then every
    /// step whose gate admits the value of its switch.
    static func decodeMultiplexed(_ plan: MessagePlan, from base: UnsafeRawPointer, into values: inout DecodedSignals) -> DecodeFailure? {
        withUnsafeTemporaryAllocation(of: Int128.self, capacity: plan.switches.count) { numbers in
            for (slot, muxSwitch) in plan.switches.enumerated() {
                guard plan.isOpen(muxSwitch.gate, numbers) else {
                    numbers[slot] = MessagePlan.inactive
                    continue
                }
                let step = plan.steps[Int(muxSwitch.step)]
                let number = MessagePlan.multiplexerNumber(step.recipe.value(raw: step.field.extract(base)))
                guard muxSwitch.defined.contains(where: { $0.contains(number) }) else {
                    return .undefinedMultiplexerValue(switchName: muxSwitch.name, value: number)
                }
                numbers[slot] = number
            }
            var used = 0
            for step in plan.steps where plan.isOpen(step.gate, numbers) {
                values.signals[used] = step.signal
                values.values[used] = step.recipe.value(raw: step.field.extract(base))
                used += 1
            }
            values.used = used
            return nil
        }
    }
}

/// Where a message's steps are in `DecodePlan.allSteps`, and what decoding it needs.
struct MessageSpan: Sendable {
    var first: Int32
    var count: Int32
    var length: Int32
    var isMultiplexed: Bool
    var overhangs: Bool
    /// Index into `DecodePlan.branchHeads`, or -1 (not multiplexed, or the general path).
    var branchTable: Int32
    /// `MessagePlan.duplicateNames`, here so that the hot path need not touch the plan.
    var duplicateNames: Bool
}

/// Where a simple multiplexed message's branches are in `DecodePlan.allBranches`.
struct BranchHead: Sendable {
    /// Index into the message's steps of the switch.
    var switchStep: Int32
    var firstBranch: Int32
    var branchCount: Int32
}

extension MessagePlan {
    /// Marks a switch whose own condition is not met.
    static let inactive = Int128.min

    /// Whether gate `gate` (-1: none) admits the current switch values.
    @inline(__always)
    func isOpen(_ gate: Int32, _ numbers: UnsafeMutableBufferPointer<Int128>) -> Bool {
        guard gate >= 0 else { return true }
        let number = numbers[Int(gates[Int(gate)].switchSlot)]
        return number != Self.inactive && admits(gate, number)
    }

    /// The branch a switch selects, as cantools computes it: `int()` of the physical value
    /// (labels are not applied), i.e. truncated toward zero.
    static func multiplexerNumber(_ value: SignalValue) -> Int128 {
        switch value {
        case .integer(let v): return Int128(v)
        case .unsigned(let v): return Int128(v)
        case .wideInteger(let v): return v.value
        case .real(let x):
            guard x.isFinite else { return inactive + 1 }
            let t = x.rounded(.towardZero)
            if t <= -0x1p126 || t >= 0x1p126 { return inactive + 1 }
            return Int128(t)
        }
    }
}
