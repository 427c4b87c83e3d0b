/// One signal's compiled decode step.
@usableFromInline
struct SignalStep: Sendable {
    /// Index into `message.signals`.
    @usableFromInline var signal: Int32
    /// Index into `MessagePlan.gates`, or -1 when the signal is always present.
    @usableFromInline var gate: Int32
    @usableFromInline var field: BitField
    @usableFromInline var recipe: ValueRecipe
}

/// A multiplexing condition compiled for one signal: present when switch `switchSlot` is
/// active and its value lies in one of `MessagePlan.gateRanges[first..<first + count]`.
@usableFromInline
struct MuxGate: Sendable {
    @usableFromInline var switchSlot: Int32
    @usableFromInline var first: Int32
    @usableFromInline var count: Int32
}

/// A multiplexer switch reachable from the message's root.
@usableFromInline
struct MuxSwitch: Sendable {
    /// Index into `MessagePlan.steps` of the switch signal.
    @usableFromInline var step: Int32
    /// The switch's own presence condition (-1: at the root).
    @usableFromInline var gate: Int32
    /// Values with a branch: the union of its children's conditions and the raw values of
    /// its value descriptions (cantools accepts both, and raises for anything else).
    @usableFromInline var defined: [ClosedRange<Int128>]
    @usableFromInline var name: String
}

/// A message compiled for decoding and encoding.
///
/// `steps` are in the order of the signal names (UTF-8 bytes, i.e. code points, as Python
/// sorts `str`) so that decoded values come out in the canonical line's key order.
/// `switches` are in depth-first order, children in file order — the order in which
/// cantools looks at multiplexers, so the same undefined value is reported first.
@usableFromInline
final class MessagePlan: Sendable {
    @usableFromInline let databaseIndex: Int
    @usableFromInline let length: Int
    /// The steps of a multiplexed message (its run of `DecodePlan.allSteps`), for the general
    /// path; empty for a plain message, whose steps are only in `allSteps` (one copy, not two:
    /// 64 bytes a signal).
    @usableFromInline let steps: [SignalStep]
    /// How many steps the message has (its run of `DecodePlan.allSteps`).
    let stepCount: Int
    /// `message.signals.count`.
    let signalCount: Int
    @usableFromInline let gates: [MuxGate]
    /// The value ranges of all gates, gate after gate.
    @usableFromInline let gateRanges: [ClosedRange<Int128>]
    @usableFromInline let switches: [MuxSwitch]
    /// `stepOfSignal[i]`: the step of `message.signals[i]`, or -1 when the signal is never
    /// decoded (its multiplexer is unreachable, or its layout does not fit 64 bytes). Kept
    /// where `steps` is (empty for a plain message); `EncodeTables` has every message's.
    @usableFromInline let stepOfSignal: [Int32]
    /// Some signal reaches past `length`: such frames are decoded from a copy with the
    /// bytes past `length` zeroed, so that excess frame bytes stay ignored.
    @usableFromInline let overhangs: Bool
    /// Two steps share a name (in different branches): when both are present, cantools keeps
    /// the one decoded later (the deeper branch), so decoding drops the other.
    @usableFromInline let duplicateNames: Bool

    /// Compiles `message`; its steps are appended to `allSteps` and its signals' entries
    /// (steps as indices into `allSteps`) to `allStepOfSignal`.
    init(message: Message, databaseIndex: Int, allSteps: inout [SignalStep], allStepOfSignal: inout [Int32]) {
        self.databaseIndex = databaseIndex
        self.length = message.length
        let signals = message.signals

        // Which signals cantools decodes: the root ones, then recursively the children of
        // each reachable multiplexer switch.
        var childrenOf: [String: [Int]] = [:]
        var roots: [Int] = []
        for (i, s) in signals.enumerated() {
            if let condition = s.multiplexer {
                childrenOf[condition.switchName, default: []].append(i)
            } else {
                roots.append(i)
            }
        }
        var reachable: [Int] = []        // in discovery order
        var switchOrder: [Int] = []      // depth-first
        var parentSwitch = [Int](repeating: -1, count: signals.count)
        var seen = Set<Int>()
        func definesValues(_ i: Int) -> Bool {
            !signals[i].valueDescriptions.isEmpty
                || (childrenOf[signals[i].name] ?? []).contains { !(signals[$0].multiplexer?.ranges.isEmpty ?? true) }
        }
        func visit(_ level: [Int], parent: Int) {
            for i in level where !seen.contains(i) {
                seen.insert(i)
                reachable.append(i)
                parentSwitch[i] = parent
            }
            // A switch that defines no value at all (no child conditions, no value
            // descriptions) is not a switch to cantools: it decodes as a plain signal and
            // never raises.
            for i in level where signals[i].isMultiplexer && parentSwitch[i] == parent && definesValues(i) {
                guard !switchOrder.contains(i) else { continue }
                switchOrder.append(i)
                visit(childrenOf[signals[i].name] ?? [], parent: i)
            }
        }
        // cantools keeps a message's signals sorted by start bit (Motorola by its sequential
        // number), stably; siblings are visited in that order.
        func cantoolsStart(_ i: Int) -> Int {
            let s = signals[i]
            return s.byteOrder == .bigEndian ? (s.startBit / 8) * 8 + 7 - s.startBit % 8 : s.startBit
        }
        func cantoolsOrder(_ list: [Int]) -> [Int] {
            list.enumerated().sorted { (cantoolsStart($0.element), $0.offset) < (cantoolsStart($1.element), $1.offset) }.map(\.element)
        }
        roots = cantoolsOrder(roots)
        for (name, list) in childrenOf { childrenOf[name] = cantoolsOrder(list) }
        visit(roots, parent: -1)

        // Steps, sorted by name bytes.
        // A signal whose layout does not fit 64 bytes is left out, and so is every signal
        // below a switch that was left out (parents are discovered before children).
        var compiled: [(index: Int, field: BitField, recipe: Signal)] = []
        var included = [Bool](repeating: false, count: signals.count)
        for i in reachable {
            let s = signals[i]
            guard parentSwitch[i] < 0 || included[parentSwitch[i]],
                let field = BitField(startBit: s.startBit, length: s.length, byteOrder: s.byteOrder)
            else { continue }
            included[i] = true
            compiled.append((i, field, s))
        }
        compiled = Self.mergingDuplicateNames(compiled, signals: signals, parentSwitch: parentSwitch, start: cantoolsStart)
        compiled.sort { a, b in
            let x = Array(signals[a.index].name.utf8), y = Array(signals[b.index].name.utf8)
            return x.lexicographicallyPrecedes(y) || (x == y && a.index < b.index)
        }
        var stepOfSignal = [Int32](repeating: -1, count: signals.count)
        for (k, c) in compiled.enumerated() { stepOfSignal[c.index] = Int32(k) }

        // Switch slots and gates.
        var slotOfSignal: [Int: Int32] = [:]
        var switches: [MuxSwitch] = []
        var gates: [MuxGate] = []
        var gateRanges: [ClosedRange<Int128>] = []
        func gate(for i: Int) -> Int32 {
            let parent = parentSwitch[i]
            guard parent >= 0, let slot = slotOfSignal[parent], let condition = signals[i].multiplexer else { return -1 }
            gates.append(MuxGate(switchSlot: slot, first: Int32(gateRanges.count), count: Int32(condition.ranges.count)))
            gateRanges.append(contentsOf: condition.ranges.map { Int128($0.lowerBound)...Int128($0.upperBound) })
            return Int32(gates.count - 1)
        }
        for i in switchOrder where stepOfSignal[i] >= 0 {
            let own = gate(for: i)
            var defined: [ClosedRange<Int128>] = []
            for child in childrenOf[signals[i].name] ?? [] {
                for r in signals[child].multiplexer?.ranges ?? [] {
                    defined.append(Int128(r.lowerBound)...Int128(r.upperBound))
                }
            }
            for d in signals[i].valueDescriptions { defined.append(Int128(d.value)...Int128(d.value)) }
            slotOfSignal[i] = Int32(switches.count)
            switches.append(MuxSwitch(step: stepOfSignal[i], gate: own, defined: defined, name: signals[i].name))
        }
        var steps: [SignalStep] = []
        steps.reserveCapacity(compiled.count)
        for c in compiled {
            steps.append(SignalStep(
                signal: Int32(c.index), gate: gate(for: c.index), field: c.field,
                recipe: ValueRecipe(signal: c.recipe)))
        }
        let first = Int32(allSteps.count)
        allSteps.append(contentsOf: steps)
        allStepOfSignal.append(contentsOf: stepOfSignal.lazy.map { $0 < 0 ? -1 : first + $0 })
        let duplicateNames = zip(compiled, compiled.dropFirst()).contains { signals[$0.index].name == signals[$1.index].name }
        let keepsSteps = !switches.isEmpty || duplicateNames
        self.steps = keepsSteps ? steps : []
        self.stepCount = steps.count
        self.signalCount = signals.count
        self.gates = gates
        self.gateRanges = gateRanges
        self.switches = switches
        self.stepOfSignal = keepsSteps ? stepOfSignal : []
        self.overhangs = compiled.contains { Int($0.field.byteEnd) > message.length }
        self.duplicateNames = duplicateNames
    }

    /// Two signals with the same name in the same branch (an invalid DBC that loads): cantools
    /// keeps one value under that name. Its raw bits come from the Intel signal that starts
    /// lowest, or with no Intel one, the Motorola signal that starts last (how its two
    /// bitstruct formats overwrite names); its conversion is that of the last of them in
    /// start-bit order. Same-named signals in different branches are left alone.
    static func mergingDuplicateNames(
        _ compiled: [(index: Int, field: BitField, recipe: Signal)], signals: [Signal], parentSwitch: [Int],
        start: (Int) -> Int
    ) -> [(index: Int, field: BitField, recipe: Signal)] {
        struct Key: Hashable {
            var name: String
            var parent: Int
            var ranges: [ClosedRange<UInt64>]
        }
        var groups: [Key: [Int]] = [:]
        for (k, c) in compiled.enumerated() {
            let key = Key(name: signals[c.index].name, parent: parentSwitch[c.index], ranges: signals[c.index].multiplexer?.ranges ?? [])
            groups[key, default: []].append(k)
        }
        var dropped = Set<Int>()
        var result = compiled
        for members in groups.values where members.count > 1 {
            let ordered = members.enumerated().sorted {
                (start(compiled[$0.element].index), compiled[$0.element].index) < (start(compiled[$1.element].index), compiled[$1.element].index)
            }.map(\.element)
            let intel = ordered.filter { signals[compiled[$0].index].byteOrder == .littleEndian }
            let rawSource = intel.first ?? ordered.last!
            let conversionSource = ordered.last!
            let w = signals[compiled[rawSource].index]
            var merged = signals[compiled[conversionSource].index]
            merged.startBit = w.startBit
            merged.length = w.length
            merged.byteOrder = w.byteOrder
            merged.isSigned = w.isSigned
            merged.valueType = w.valueType
            result[conversionSource] = (compiled[conversionSource].index, compiled[rawSource].field, merged)
            for m in members where m != conversionSource { dropped.insert(m) }
        }
        return result.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }

    /// The depth-first position of the branch a step belongs to (-1: the root); a later
    /// position is decoded later by cantools.
    func branchOrder(ofSignal signal: Int) -> Int {
        let step = stepOfSignal[signal]
        guard step >= 0 else { return -1 }
        let gate = steps[Int(step)].gate
        return gate < 0 ? -1 : Int(gates[Int(gate)].switchSlot)
    }

    /// Removes, among adjacent entries with the same name, all but the one cantools keeps
    /// (`key(i)`: signal `i`'s canonical key).
    func keepLastDecoded(_ values: inout DecodedSignals, key: (Int) -> ArraySlice<UInt8>) {
        var kept = 0
        for i in 0..<values.used {
            let signal = Int(values.signals[i])
            if kept > 0 && key(Int(values.signals[kept - 1])) == key(signal) {
                if branchOrder(ofSignal: signal) >= branchOrder(ofSignal: Int(values.signals[kept - 1])) {
                    values.signals[kept - 1] = values.signals[i]
                    values.values[kept - 1] = values.values[i]
                }
                continue
            }
            values.signals[kept] = values.signals[i]
            values.values[kept] = values.values[i]
            kept += 1
        }
        values.used = kept
    }

    /// Whether gate `gate` (≥ 0) admits switch value `value`.
    @inline(__always)
    func admits(_ gate: Int32, _ value: Int128) -> Bool {
        let g = gates[Int(gate)]
        return gateRanges.withUnsafeBufferPointer { ranges in
            for k in Int(g.first)..<Int(g.first + g.count) where ranges[k].contains(value) { return true }
            return false
        }
    }
}
