/// The encoder's view of a compiled plan: plain values in flat arrays, like `decode`'s
/// `allSteps` and `spans`, so that encoding a frame touches no reference-counted object.
///
/// A simple multiplexed message (one switch at the root, the messages `BranchTable` covers)
/// keeps, per switch value, the list of steps of that branch: encoding writes the switch,
/// looks its value up and writes that branch only. Nested switches keep the general path
/// over `MessagePlan` (gates per step).
struct EncodeTables: Sendable {
    enum Layout: UInt8, Sendable {
        /// No multiplexer: every step.
        case plain
        /// One root switch: the steps of the branch its value selects.
        case branches
        /// Nested or large multiplexers: `MessagePlan`'s gates.
        case general
    }

    struct Span: Sendable {
        /// The message's steps in `DecodePlan.allSteps`.
        var first: Int32
        var count: Int32
        var length: Int32
        /// `message.signals.count`, and where the message's entries start in `stepOfSignal`.
        var signalCount: Int32
        var signalFirst: Int32
        var layout: Layout
        /// `.branches`: the switch's step in `allSteps`, and the message's run in `branches`.
        var switchStep: Int32
        var branchFirst: Int32
        var branchCount: Int32
    }

    struct Branch: Sendable {
        var value: Int128
        /// Range in `branchSteps`.
        var first: Int32
        var count: Int32
    }

    let spans: [Span]
    /// Per message and signal: the signal's step in `allSteps`, or -1 when it is never
    /// decoded.
    let stepOfSignal: [Int32]
    /// Every `.branches` message's branches, sorted by value within a message.
    let branches: [Branch]
    /// Indices into `allSteps`, branch after branch (root signals included, name order).
    let branchSteps: [Int32]

    /// `stepOfSignal`: every message's signals' steps in `allSteps` (or -1), message after
    /// message, as `MessagePlan.init` appends them.
    init(plans: [MessagePlan], spans decodeSpans: [MessageSpan], branchTables: [BranchTable], stepOfSignal: [Int32]) {
        var spans: [Span] = []
        var branches: [Branch] = []
        var branchSteps: [Int32] = []
        spans.reserveCapacity(plans.count)
        var signalFirst: Int32 = 0
        for (plan, span) in zip(plans, decodeSpans) {
            var entry = Span(
                first: span.first, count: span.count, length: span.length,
                signalCount: Int32(plan.signalCount), signalFirst: signalFirst,
                layout: span.isMultiplexed ? .general : .plain, switchStep: -1, branchFirst: 0, branchCount: 0)
            signalFirst += Int32(plan.signalCount)
            if span.branchTable >= 0 {
                let table = branchTables[Int(span.branchTable)]
                entry.layout = .branches
                entry.switchStep = span.first + table.switchStep
                entry.branchFirst = Int32(branches.count)
                entry.branchCount = Int32(table.branches.count)
                for branch in table.branches {
                    branches.append(Branch(value: branch.value, first: Int32(branchSteps.count), count: branch.count))
                    for k in Int(branch.first)..<Int(branch.first + branch.count) {
                        branchSteps.append(span.first + table.steps[k])
                    }
                }
            }
            spans.append(entry)
        }
        self.spans = spans
        self.stepOfSignal = stepOfSignal
        self.branches = branches
        self.branchSteps = branchSteps
    }

    /// The branch of `span` for switch value `value`: direct when the values run 0, 1, 2, …
    /// (group-cycling messages), else by binary search.
    @inline(__always)
    func branch(_ span: Span, for value: Int128) -> Branch? {
        branches.withUnsafeBufferPointer { all in
            let first = Int(span.branchFirst), count = Int(span.branchCount)
            guard count > 0 else { return nil }
            let offset = value &- all[first].value
            if offset >= 0 && offset < Int128(count) && all[first + Int(offset)].value == value {
                return all[first + Int(offset)]
            }
            var low = first, high = first + count
            while low < high {
                let mid = (low + high) / 2
                let v = all[mid].value
                if v == value { return all[mid] }
                if v < value { low = mid + 1 } else { high = mid }
            }
            return nil
        }
    }
}
