/// How one numeric field of a table is coded: `physical = (raw − rawOffset) / divisor`.
///
/// Written with an integer divisor (10 for ×0.1, 1000 for ×0.001) so that decoded values
/// print as the decimals the tables mean (341.7, not 341.70000000000005). `sentinels` is true
/// only where the table defines them: then `0xFE…` is *abnormal* and `0xFF…` *invalid*
/// (1, 2 or 4 bytes wide) and may never be a value.
public struct FieldSpec: Sendable {
    public var name: String
    /// 1, 2 or 4 bytes.
    public var width: Int
    public var divisor: Double
    public var rawOffset: Int64
    public var unit: String
    /// The largest raw value the table allows.
    public var maxRaw: UInt32
    public var sentinels: Bool

    public init(_ name: String, width: Int, divisor: Double = 1, rawOffset: Int64 = 0, unit: String, maxRaw: UInt32, sentinels: Bool = true) {
        self.name = name
        self.width = width
        self.divisor = divisor
        self.rawOffset = rawOffset
        self.unit = unit
        self.maxRaw = maxRaw
        self.sentinels = sentinels
    }

    /// All ones in the field's width: 0xFF, 0xFFFF, 0xFFFFFFFF.
    public var invalidRaw: UInt32 { width == 4 ? UInt32.max : (UInt32(1) << (8 * width)) - 1 }
    /// One less: 0xFE, 0xFFFE, 0xFFFFFFFE.
    public var abnormalRaw: UInt32 { invalidRaw - 1 }

    /// What a raw value means.
    public func reading(_ raw: UInt32) -> Reading {
        if sentinels && raw == invalidRaw { return .invalid }
        if sentinels && raw == abnormalRaw { return .abnormal }
        if raw > maxRaw { return .outOfRange(raw) }
        return .value((Double(Int64(raw) - rawOffset)) / divisor)
    }

    /// The raw value for a physical value: nil (unknown, unmapped or stale) is the invalid
    /// sentinel; a value outside the table's range is the abnormal sentinel. A field whose
    /// table defines no sentinel gets all ones, which decodes as out of range — never a
    /// made-up number.
    public func raw(_ physical: Double?) -> UInt32 {
        guard let physical, physical.isFinite else { return invalidRaw }
        let scaled = (physical * divisor).rounded() + Double(rawOffset)
        guard scaled >= 0, scaled <= Double(maxRaw) else { return sentinels ? abnormalRaw : invalidRaw }
        return UInt32(scaled)
    }
}

/// A decoded numeric field.
public enum Reading: Equatable, Sendable {
    case value(Double)
    /// The `0xFE…` sentinel: the sender saw something wrong.
    case abnormal
    /// The `0xFF…` sentinel: no value.
    case invalid
    /// A raw value above the table's range (and not a defined sentinel).
    case outOfRange(UInt32)

    public var value: Double? {
        if case let .value(v) = self { return v }
        return nil
    }
}

/// A coded (enumerated) one-byte field: its raw code and what the table calls it.
struct CodeSpec: Sendable {
    var name: String
    var meanings: [UInt8: String]
    var sentinels: Bool = true

    func meaning(_ raw: UInt8) -> String {
        if let m = meanings[raw] { return m }
        if sentinels && raw == 0xFE { return "abnormal" }
        if sentinels && raw == 0xFF { return "invalid" }
        return "reserved"
    }
}
