/// A signal whose values are codes (the gear lever, the motor controller's state): each name
/// the consumer knows (`D`, `consuming`, …) and the signal value that means it.
public struct CodedReference: Sendable, Hashable {
    public var reference: SignalReference
    /// In the config's order; a value not listed means none of them.
    public var codes: [Code]
    public struct Code: Sendable, Hashable {
        public var name: String
        public var value: Double
        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }
    public init(_ reference: SignalReference, codes: [Code]) {
        self.reference = reference
        self.codes = codes
    }

    /// The name of the code `value` means, or nil.
    public func name(of value: Double) -> String? {
        codes.first { Self.same($0.value, value) }?.name
    }

    /// A decoded value means a code when within 1e-9 of its value (scaling leaves rounding).
    static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

    /// The values that mean `name` (`name(of:)` gives it for each, a value listed earlier under
    /// another name excluded), for a reader that tests one name in every frame: resolved once.
    public func values(meaning name: String) -> CodeValues {
        CodeValues(codes.map(\.value).filter { self.name(of: $0) == name })
    }
}

/// The values of one code name (`CodedReference.values(meaning:)`).
public struct CodeValues: Sendable, Hashable {
    public let values: [Double]
    init(_ values: [Double]) { self.values = values }

    /// `value` is one of them (as `CodedReference.name(of:)` compares).
    public func contains(_ value: Double) -> Bool {
        values.contains { CodedReference.same($0, value) }
    }
}

/// A coded role that a vehicle maps to a signal, or fixes to one code when it has only one and
/// no signal says it (a battery-electric van is always `electric`).
public enum CodedRole: Sendable, Hashable {
    case signal(CodedReference)
    case fixed(String)

    /// The mapped signal; nil for a fixed code.
    public var reference: SignalReference? {
        if case let .signal(coded) = self { return coded.reference }
        return nil
    }

    /// The name of the code the value means (a fixed code whatever the value), or nil.
    public func name(of value: Double?) -> String? {
        switch self {
        case let .fixed(name): name
        case let .signal(coded): value.flatMap(coded.name(of:))
        }
    }
}
