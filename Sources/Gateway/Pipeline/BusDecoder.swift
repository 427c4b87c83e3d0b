import CANCore
import CANDatabase

/// The decode-only form of the frame pipeline: a frame's bus picks its decode plan, the plan
/// decodes the frame into a reused signal buffer. `candor decode` and `tail --follow` use it
/// as it is; `FramePipeline` puts the aggregator behind it.
///
/// Most frames come from the same bus as the frame before them, so the bus name is looked up
/// only when it changes. Nothing is allocated per frame.
public struct BusDecoder {
    /// `plans[i]` decodes the frames that `route` sends to `i`.
    public let plans: [DecodePlan]
    /// `plans` again, unretained (`plans` keeps them alive): a frame reaches its plan without
    /// the retain and release of taking a class reference out of an array (two atomic
    /// operations a use, some 4 % of `decode --format jsonl`'s CPU).
    private let unretainedPlans: [Unmanaged<DecodePlan>]
    private let route: (String) -> Int?
    /// The signals of the last decoded frame (valid until the next `decode`).
    public private(set) var values: DecodedSignals
    private var lastBusName = ""
    private var lastBus: Int? = nil
    private var routed = false

    /// `route`: the plan index for a bus (interface) name, nil for a bus with no plan.
    public init(plans: [DecodePlan], route: @escaping (String) -> Int?) {
        self.plans = plans
        unretainedPlans = plans.map { Unmanaged.passUnretained($0) }
        self.route = route
        values = DecodedSignals(capacity: max(1, plans.map(\.maxSignalsPerMessage).max() ?? 1))
    }

    /// The frame's bus index and what its plan made of it; nil when no plan covers the bus.
    @inline(__always)
    public mutating func decode(_ frame: CANFrame) -> (bus: Int, outcome: DecodeOutcome)? {
        guard let bus = bus(of: frame) else { return nil }
        let outcome = unretainedPlans[bus]._withUnsafeGuaranteedRef { $0.decode(frame, into: &values) }
        return (bus, outcome)
    }

    /// `plans[bus]`, for `_withUnsafeGuaranteedRef` (valid while this decoder lives).
    @inline(__always)
    public func unretainedPlan(_ bus: Int) -> Unmanaged<DecodePlan> { unretainedPlans[bus] }

    /// The plan index for the frame's bus (cached while the bus stays the same).
    @inline(__always)
    public mutating func bus(of frame: CANFrame) -> Int? {
        if !routed || frame.bus != lastBusName {
            lastBusName = frame.bus
            lastBus = route(frame.bus)
            routed = true
        }
        return lastBus
    }
}
