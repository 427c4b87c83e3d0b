/// The common multiplexed message — one switch at the root (`M` / `m<n>`), a modest number
/// of switch values — compiled into a table: for each value the switch defines, the steps
/// present in that branch (root signals included), already in name order. Decoding such a
/// frame is then one switch extraction, a binary search, and a straight loop over the
/// branch, like a plain message.
///
/// Nested switches, or switches defining more than `maximumValues` values, keep the general
/// path (`DecodePlan.decodeMultiplexed`).
struct BranchTable: Sendable {
    struct Branch: Sendable {
        var value: Int128
        /// Range in `steps`.
        var first: Int32
        var count: Int32
    }

    static let maximumValues = 1024

    /// Index into `MessagePlan.steps` of the switch.
    var switchStep: Int32
    /// Sorted by value.
    var branches: [Branch]
    /// Indices into `MessagePlan.steps`, branch after branch (`DecodePlan` flattens these).
    var steps: [Int32]

    init?(_ plan: MessagePlan) {
        guard plan.switches.count == 1, plan.switches[0].gate < 0 else { return nil }
        let muxSwitch = plan.switches[0]
        var values = Set<Int128>()
        for range in muxSwitch.defined {
            guard range.upperBound - range.lowerBound < Int128(Self.maximumValues) else { return nil }
            var v = range.lowerBound
            while v <= range.upperBound {
                values.insert(v)
                guard values.count <= Self.maximumValues else { return nil }
                v += 1
            }
        }
        switchStep = muxSwitch.step
        branches = []
        steps = []
        for value in values.sorted() {
            let first = Int32(steps.count)
            for (k, step) in plan.steps.enumerated() where step.gate < 0 || plan.admits(step.gate, value) {
                steps.append(Int32(k))
            }
            branches.append(Branch(value: value, first: first, count: Int32(steps.count) - first))
        }
    }

    /// The branch for a switch value in `branches` (sorted by value), by binary search.
    @inline(__always)
    static func branch(for value: Int128, in branches: UnsafeBufferPointer<Branch>) -> Branch? {
        var low = 0
        var high = branches.count
        while low < high {
            let mid = (low + high) / 2
            let v = branches[mid].value
            if v == value { return branches[mid] }
            if v < value { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}
