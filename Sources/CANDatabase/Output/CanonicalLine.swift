import CANCore

/// The canonical decoded-frame line (DESIGN.md): one JSON object, keys sorted, no spaces.
///
///     {"bus":"can0","ext":false,"id":36,"msg":"KINEMATICS","signals":{"ACCEL_X":18.05},"t":1627323339.323041}
///     {"bus":"can0","error":"remote frame","ext":false,"id":36,"msg":"KINEMATICS","t":1.000000}
///     {"bus":"can0","ext":false,"id":1,"msg":null,"signals":{},"t":1.000000}
///
/// Numbers are written as Python's `json.dumps` writes cantools' values: integers in
/// decimal, floats as `repr(float)`, non-finite floats as the strings `"NaN"`,
/// `"Infinity"`, `"-Infinity"`. Strings are escaped as `json.dumps` does (ASCII only).
public enum CanonicalLine {
    /// Appends the line for `frame` (no trailing newline). Error frames produce no line, so
    /// nothing is appended for them. `outcome` and `values` are what `plan.decode` returned
    /// for this frame; values are written in their order, which `decode` makes the name order.
    public static func append(
        frame: CANFrame, plan: DecodePlan, outcome: DecodeOutcome, values: DecodedSignals,
        to buffer: inout [UInt8]
    ) {
        guard frame.kind != .error else { return }
        buffer.append(contentsOf: Keys.bus)
        JSONText.appendQuoted(frame.bus, to: &buffer)
        if case .failed(_, let failure) = outcome {
            buffer.append(contentsOf: Keys.error)
            JSONText.appendQuoted(failure.canonicalText, to: &buffer)
        }
        buffer.append(contentsOf: frame.isExtended ? Keys.extTrue : Keys.extFalse)
        DecimalText.appendUnsigned(UInt64(frame.id), to: &buffer)
        buffer.append(contentsOf: Keys.msg)
        if let index = outcome.messageIndex {
            buffer.append(contentsOf: plan.plans[index].jsonName)
        } else {
            buffer.append(contentsOf: Keys.null)
        }
        switch outcome {
        case .failed:
            break
        case .unknownMessage:
            buffer.append(contentsOf: Keys.signals)
            buffer.append(UInt8(ascii: "}"))
        case .decoded(let index):
            buffer.append(contentsOf: Keys.signals)
            let names = plan.plans[index].signalJSONNames
            for i in 0..<values.count {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                let entry = values[i]
                buffer.append(contentsOf: names[entry.signal])
                buffer.append(UInt8(ascii: ":"))
                appendValue(entry.value, to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(contentsOf: Keys.t)
        frame.timestamp.write(to: &buffer)
        buffer.append(UInt8(ascii: "}"))
    }

    /// A value as the canonical line writes it.
    @inlinable
    public static func appendValue(_ value: SignalValue, to buffer: inout [UInt8]) {
        switch value {
        case .integer(let v): DecimalText.appendSigned(v, to: &buffer)
        case .unsigned(let v): DecimalText.appendUnsigned(v, to: &buffer)
        case .real(let v): PythonFloatText.appendJSON(v, to: &buffer)
        case .wideInteger(let v): appendWide(v.value, to: &buffer)
        }
    }

    /// Decimal digits of a 128-bit integer.
    @usableFromInline
    static func appendWide(_ value: Int128, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        let chunk: UInt128 = 10_000_000_000_000_000_000  // 10^19
        if magnitude < chunk {
            DecimalText.appendUnsigned(UInt64(magnitude), to: &buffer)
            return
        }
        let (high, low) = magnitude.quotientAndRemainder(dividingBy: chunk)
        if high < chunk {
            DecimalText.appendUnsigned(UInt64(high), to: &buffer)
        } else {
            let (top, middle) = high.quotientAndRemainder(dividingBy: chunk)
            DecimalText.appendUnsigned(UInt64(top), to: &buffer)
            appendPadded(UInt64(middle), to: &buffer)
        }
        appendPadded(UInt64(low), to: &buffer)
    }

    /// 19 digits with leading zeros.
    static func appendPadded(_ value: UInt64, to buffer: inout [UInt8]) {
        var divisor: UInt64 = 1_000_000_000_000_000_000
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") &+ UInt8((value / divisor) % 10))
            divisor /= 10
        }
    }

    enum Keys {
        static let bus: [UInt8] = Array("{\"bus\":".utf8)
        static let error: [UInt8] = Array(",\"error\":".utf8)
        static let extTrue: [UInt8] = Array(",\"ext\":true,\"id\":".utf8)
        static let extFalse: [UInt8] = Array(",\"ext\":false,\"id\":".utf8)
        static let msg: [UInt8] = Array(",\"msg\":".utf8)
        static let null: [UInt8] = Array("null".utf8)
        static let signals: [UInt8] = Array(",\"signals\":{".utf8)
        static let t: [UInt8] = Array(",\"t\":".utf8)
    }
}
