import CANDatabase
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The decoded log's bus and message filters, resolved once against the decode plans so
/// that the per-frame test is two array reads: `accepts(bus:message:)`.
public struct DecodedLogSelection: Sendable {
    /// Per layout bus index: nil when the bus is not logged, else per message index of its
    /// plan whether the message is logged, and whether unknown ids are.
    private let buses: [(messages: [Bool], unknown: Bool)?]

    /// `interfaces[b]` is the interface of layout bus `b`, decoded by `plans[b]`.
    public init(options: DecodedLogOptions, interfaces: [String], plans: [DecodePlan]) {
        precondition(interfaces.count == plans.count, "one plan per bus")
        buses = zip(interfaces, plans).map { interface, plan in
            if let only = options.buses, !only.contains(interface) { return nil }
            guard let globs = options.messages else {
                return (Array(repeating: true, count: plan.messageCount), true)
            }
            let messages = (0..<plan.messageCount).map { index in
                let name = plan.message(at: index).name
                return globs.contains { fnmatch($0, name, 0) == 0 }
            }
            return (messages, false)
        }
    }

    /// Whether the line of a frame on layout bus `bus`, of message `message` (nil: an id the
    /// DBC does not have), goes to the log.
    public func accepts(bus: Int, message: Int?) -> Bool {
        guard let entry = buses[bus] else { return false }
        guard let message else { return entry.unknown }
        return entry.messages[message]
    }
}
