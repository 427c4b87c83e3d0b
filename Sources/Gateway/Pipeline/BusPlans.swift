import CANDatabase
import SocketCAN

/// The decode plans of a decode-only session (`candor decode`, `tail --follow`): one per named
/// bus, and a fallback for every other bus, so every frame has a plan. Frames of a bus with
/// no DBC decode as unknown messages (the fallback of an empty database).
public struct BusPlans: Sendable {
    /// `bus == nil` is the fallback plan; the last entry is always the fallback.
    public let all: [(bus: String?, plan: DecodePlan)]

    /// `entries` in any order: the named buses keep theirs, a fallback given (bus nil) goes
    /// last, and without one an empty plan is added.
    public init(_ entries: [(bus: String?, plan: DecodePlan)]) {
        var sorted = entries.filter { $0.bus != nil } + entries.filter { $0.bus == nil }
        if sorted.last?.bus != nil || sorted.isEmpty {
            sorted.append((nil, DecodePlan(Database())))
        }
        all = sorted
    }

    /// The entry for frames of `bus`.
    public func index(forBus bus: String) -> Int {
        all.firstIndex { $0.bus == bus } ?? all.count - 1
    }

    /// A decoder routing every bus to its entry (`all` order).
    public func decoder() -> BusDecoder {
        BusDecoder(plans: all.map(\.plan), route: { [self] in index(forBus: $0) })
    }

    /// The kernel filters of each of `interfaces` whose plan has messages (`decode
    /// --kernel-filter`); an interface without a DBC stays unfiltered.
    public func kernelFilters(for interfaces: [String]) -> Result<[String: [CANIDFilter]], KernelFilterFailure> {
        var filters: [String: [CANIDFilter]] = [:]
        for interface in interfaces {
            let plan = all[index(forBus: interface)].plan
            guard plan.messageCount > 0 else { continue }
            switch CANIDFilter.passing(plan: plan) {
            case .success(let passing): filters[interface] = passing
            case .failure(let refusal): return .failure(KernelFilterFailure(interface: interface, refusal: refusal))
            }
        }
        return .success(filters)
    }
}

/// An interface whose DBC cannot become kernel filters, and why.
public struct KernelFilterFailure: Error, Sendable, CustomStringConvertible {
    public var interface: String
    public var refusal: KernelFilterRefusal

    public var description: String {
        switch refusal {
        case .matchesJ1939PGNs:
            "\(interface) matches J1939 PGNs (any source address), which id filters cannot express"
        case .tooManyFilters:
            "the DBC of \(interface) needs more than \(CANIDFilter.kernelLimit) kernel filters"
        }
    }
}
