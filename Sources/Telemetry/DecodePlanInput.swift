import CANCore
import CANDatabase

extension BusConfiguration {
    /// A bus whose message table is the decode plan's (plan message index = table index).
    public init(interface: String, rules: BusRules, plan: DecodePlan) {
        self.init(interface: interface, rules: rules, messages: plan.database.messages)
    }
}

/// `DecodedSignals` read as a sequence of `SignalSample` (no copy of the values).
public struct DecodedSignalSamples: Sequence, IteratorProtocol {
    @usableFromInline let signals: DecodedSignals
    @usableFromInline var index = 0

    @inlinable
    public init(_ signals: DecodedSignals) { self.signals = signals }

    @inlinable
    public mutating func next() -> SignalSample? {
        guard index < signals.count else { return nil }
        let entry = signals[index]
        index += 1
        return SignalSample(signal: entry.signal, value: entry.value.doubleValue)
    }
}

extension TelemetryAggregator {
    /// One frame as `DecodePlan.decode` left it: the outcome and the decoded values.
    /// (Not inlinable on purpose: here, inside the module, the generic `ingest` is
    /// specialized for `DecodedSignalSamples`.)
    public mutating func ingest(_ frame: CANFrame, bus: Int, outcome: DecodeOutcome, values: DecodedSignals) {
        switch outcome {
        case .unknownMessage:
            ingest(frame, bus: bus, message: nil, values: EmptyCollection<SignalSample>())
        case .decoded(let message):
            ingest(frame, bus: bus, message: message, values: DecodedSignalSamples(values))
        case .failed(let message, _):
            ingest(frame, bus: bus, message: message, decodeFailed: true, values: EmptyCollection<SignalSample>())
        }
    }
}
