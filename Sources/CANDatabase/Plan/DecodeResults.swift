/// A decoded physical value, typed the way cantools types it.
///
/// cantools returns a Python `int` when the signal is an integer signal and its factor and
/// offset are both integral (identity or `LinearIntegerConversion`), else a `float`. The
/// canonical line prints the two differently (`5` vs `5.0`), so the type is kept.
public enum SignalValue: Sendable, Hashable {
    /// An exact integer from a signed signal, or a scaled integer that fits `Int64`.
    case integer(Int64)
    /// An exact integer from an unsigned signal (all 64 bits usable).
    case unsigned(UInt64)
    /// A floating-point value (linear conversion with a non-integral factor or offset, or
    /// an IEEE float signal).
    case real(Double)
    /// An exact integer outside both 64-bit ranges: a 64-bit raw value scaled by an integer
    /// factor and offset (`raw * 4`, `raw + 1` at the top of the range), kept exact as
    /// Python's `int` keeps it.
    case wideInteger(WideInteger)

    /// The value as a `Double` (rounded for integers beyond 2^53).
    @inlinable
    public var doubleValue: Double {
        switch self {
        case .integer(let v): return Double(v)
        case .unsigned(let v): return Double(v)
        case .real(let v): return v
        case .wideInteger(let v): return Double(v.value)
        }
    }
}

/// A 128-bit integer stored as two 64-bit halves, so that `SignalValue` keeps 8-byte
/// alignment (24 bytes a value instead of the 32 an `Int128` payload would need).
public struct WideInteger: Sendable, Hashable {
    public var high: Int64
    public var low: UInt64

    @inlinable
    public init(_ value: Int128) {
        high = Int64(truncatingIfNeeded: value >> 64)
        low = UInt64(truncatingIfNeeded: value)
    }

    @inlinable
    public var value: Int128 { Int128(high) << 64 | Int128(low) }
}

/// Why a frame of a known message could not be decoded.
public enum DecodeFailure: Sendable, Equatable {
    /// A remote frame carries no data.
    case remoteFrame
    /// The frame is shorter than the DBC length.
    case shortPayload(got: Int, expected: Int)
    /// A multiplexer switch has a value for which the DBC defines no branch (and no value
    /// description). The value is cantools' `int()` of the switch's physical value: it can be
    /// negative (signed or scaled switches) or above `Int64.max` (64-bit switches).
    case undefinedMultiplexerValue(switchName: String, value: Int128)

    /// The text of the canonical line's `"error"` key.
    public var canonicalText: String {
        switch self {
        case .remoteFrame:
            return "remote frame"
        case .shortPayload(let got, let expected):
            return "short payload: \(got) of \(expected) bytes"
        case .undefinedMultiplexerValue(let name, let value):
            return "undefined multiplexer value \(value) for \(name)"
        }
    }
}

/// The result of decoding one frame.
public enum DecodeOutcome: Sendable, Equatable {
    /// No DBC message matches the frame (or it is an error frame).
    case unknownMessage
    /// The frame decoded; `message` indexes the plan's message table.
    case decoded(message: Int)
    /// The frame matches a message but cannot be decoded.
    case failed(message: Int, DecodeFailure)

    /// The plan's message index, when a message matched.
    @inlinable
    public var messageIndex: Int? {
        switch self {
        case .unknownMessage: return nil
        case .decoded(let m): return m
        case .failed(let m, _): return m
        }
    }
}

/// A reusable buffer of decoded values: one entry per present signal.
///
/// Sized once; `DecodePlan.decode` grows it only when a message has more signals than it
/// can hold, so in steady state decoding allocates nothing. Entries come in the order of
/// the signal names (byte-wise, as Python sorts `str`), which is the canonical line's order.
///
/// Keep one buffer per decoding loop and read it before the next `decode`: it is a value
/// with array storage, so a copy still alive when `decode` writes makes that write copy
/// the storage (an allocation per frame).
public struct DecodedSignals: Sendable {
    @usableFromInline var signals: [Int32]
    @usableFromInline var values: [SignalValue]
    @usableFromInline var used: Int = 0

    public init(capacity: Int = 0) {
        signals = Array(repeating: 0, count: max(capacity, 0))
        values = Array(repeating: .integer(0), count: max(capacity, 0))
    }

    /// Number of decoded signals.
    @inlinable
    public var count: Int { used }

    /// Entry `i`: `signal` indexes `message.signals` of the decoded message.
    @inlinable
    public subscript(i: Int) -> (signal: Int, value: SignalValue) {
        precondition(i >= 0 && i < used, "decoded signal index out of range")
        return (Int(signals[i]), values[i])
    }

    /// How many entries fit without growing.
    public var capacity: Int { signals.count }

    /// Empties the buffer.
    @inlinable
    public mutating func removeAll() { used = 0 }

    /// Makes room for `count` entries (allocates only when growing).
    @usableFromInline
    mutating func reserve(_ count: Int) {
        if signals.count < count {
            signals.append(contentsOf: repeatElement(0, count: count - signals.count))
            values.append(contentsOf: repeatElement(.integer(0), count: count - values.count))
        }
    }
}
