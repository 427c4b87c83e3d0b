import CANCore

/// A JSON value with ordered object keys, for `candor gbt32960 decode` (one object per frame).
public indirect enum JSON: Sendable, Equatable {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case number(Double)
    case integer(Int64)
    case bool(Bool)
    case null

    public static func == (a: JSON, b: JSON) -> Bool { a.rendered == b.rendered }

    /// Compact JSON text on one line.
    public var rendered: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The value under `key` of an object; nil otherwise.
    public subscript(key: String) -> JSON? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    func write(to out: inout String) {
        switch self {
        case let .object(pairs):
            out += "{"
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSON.quote(k, into: &out)
                out += ":"
                v.write(to: &out)
            }
            out += "}"
        case let .array(items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case let .string(s): JSON.quote(s, into: &out)
        case let .number(d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) } else if d.isFinite { out += "\(d)" } else { out += "null" }
        case let .integer(i): out += String(i)
        case let .bool(b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// `s` quoted as `json.dumps(ensure_ascii=False)` does (CANCore's `JSONString`).
    static func quote(_ s: String, into out: inout String) {
        out += JSONString.quoted(s, form: .utf8)
    }
}

extension FieldSpec {
    /// `{"value":4.8,"unit":"km/h"}`; a sentinel or out-of-range raw value:
    /// `{"value":null,"status":"invalid","raw":65535,"unit":"km/h"}`.
    func json(_ raw: UInt32) -> JSON {
        let unitPair: [(String, JSON)] = unit.isEmpty ? [] : [("unit", .string(unit))]
        switch reading(raw) {
        case let .value(v): return .object([("value", .number(v))] + unitPair)
        case .abnormal: return .object([("value", .null), ("status", .string("abnormal")), ("raw", .integer(Int64(raw)))] + unitPair)
        case .invalid: return .object([("value", .null), ("status", .string("invalid")), ("raw", .integer(Int64(raw)))] + unitPair)
        case .outOfRange: return .object([("value", .null), ("status", .string("out_of_range")), ("raw", .integer(Int64(raw)))] + unitPair)
        }
    }

    func pair(_ raw: UInt32) -> (String, JSON) { (name, json(raw)) }
    func pair(_ raw: UInt8) -> (String, JSON) { (name, json(UInt32(raw))) }
    func pair(_ raw: UInt16) -> (String, JSON) { (name, json(UInt32(raw))) }
}

extension CodeSpec {
    /// `{"code":1,"meaning":"started"}`.
    func pair(_ raw: UInt8) -> (String, JSON) {
        (name, .object([("code", .integer(Int64(raw))), ("meaning", .string(meaning(raw)))]))
    }
}
