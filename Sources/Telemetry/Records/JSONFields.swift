/// What is wrong with a record's JSON: the member and what was expected of it.
public struct RecordJSONError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Typed member access to a JSON object, the member's name in every failure: the readers of
/// the record formats (`OperationsSummaryJSON`, the JSON-lines sink's records) take their
/// members through it.
public struct JSONFields {
    public let value: JSONValue

    public init(_ value: JSONValue) { self.value = value }

    public func has(_ name: String) -> Bool { value[name] != nil }

    public func value(_ name: String) throws(RecordJSONError) -> JSONValue {
        guard let v = value[name] else { throw RecordJSONError(reason: "missing \(name)") }
        return v
    }

    public func string(_ name: String) throws(RecordJSONError) -> String {
        guard case .string(let s) = try value(name) else { throw RecordJSONError(reason: "\(name) is not a string") }
        return s
    }

    public func bool(_ name: String) throws(RecordJSONError) -> Bool {
        guard case .bool(let b) = try value(name) else { throw RecordJSONError(reason: "\(name) is not a boolean") }
        return b
    }

    public func int(_ name: String) throws(RecordJSONError) -> Int { try Self.int(try value(name), name) }

    public static func int(_ value: JSONValue, _ name: String) throws(RecordJSONError) -> Int {
        guard case .number(let text) = value, let n = Int(text) else { throw RecordJSONError(reason: "\(name) is not an integer") }
        return n
    }

    /// A number, or the JSON-lines sink's `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public func double(_ name: String) throws(RecordJSONError) -> Double {
        switch try value(name) {
        case .number(let text):
            if let d = Double(text) { return d }
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: break
        }
        throw RecordJSONError(reason: "\(name) is not a number")
    }

    /// A number or null (the summary's missing or non-finite figures).
    public func optionalDouble(_ name: String) throws(RecordJSONError) -> Double? {
        switch try value(name) {
        case .null: return nil
        case .number(let text): if let d = Double(text) { return d }
        default: break
        }
        throw RecordJSONError(reason: "\(name) is not a number or null")
    }

    /// An array member's items.
    public func items(_ name: String) throws(RecordJSONError) -> [JSONValue] {
        guard case .array(let items) = try value(name) else { throw RecordJSONError(reason: "\(name) is not an array") }
        return items
    }

    /// Seconds on the capture clock, as the formats write them, into nanoseconds.
    public func time(_ name: String) throws(RecordJSONError) -> Int64 {
        guard case .number(let text) = try value(name), let t = Self.nanoseconds(text) else {
            throw RecordJSONError(reason: "\(name) is not a time in seconds")
        }
        return t
    }

    /// `1700000000.000100` → 1700000000000100000, from the digits (at most 9 after the point).
    public static func nanoseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { nanoseconds(utf8: $0) }
    }

    /// The same from the text's bytes: `-`? digits (`.` 1…9 digits)?, nothing else.
    static func nanoseconds(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let negative = !bytes.isEmpty && bytes[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let start = i
        var seconds: Int64 = 0
        while i < bytes.count && bytes[i] != UInt8(ascii: ".") {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow) = seconds.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdding) = times10.addingReportingOverflow(Int64(digit))
            guard !overflow, !overflowAdding else { return nil }
            seconds = sum
            i += 1
        }
        guard i > start else { return nil }
        var fraction: Int64 = 0
        if i < bytes.count {
            i += 1  // the point
            let places = bytes.count - i
            guard (1...9).contains(places) else { return nil }
            while i < bytes.count {
                let digit = bytes[i] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                fraction = fraction * 10 + Int64(digit)
                i += 1
            }
            for _ in places..<9 { fraction *= 10 }
        }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflowAdding) = scaled.addingReportingOverflow(fraction)
        guard !overflow, !overflowAdding else { return nil }
        return negative ? -total : total
    }
}
