/// A signal's place in the payload and how raw values become physical ones.
///
/// Bit numbering follows the DBC convention: bit `i` is bit `i % 8` (0 = least significant)
/// of byte `i / 8`.
/// - Intel (`@1`, little endian): `startBit` is the least significant bit; the signal
///   continues upward through bit numbers, across bytes.
/// - Motorola (`@0`, big endian): `startBit` is the **most** significant bit in this
///   sawtooth numbering; walking towards less significant bits goes bit−1 within a byte
///   and, after bit 0 of a byte, continues at bit 7 of the next byte.
///
/// Storage (issue 10, item 7: a DBC's model within a small multiple of the file): a large
/// DBC holds hundreds of thousands of signals, so the layout is packed — byte order, sign,
/// value type, switch flag and which numbers are integers or given share one flag word,
/// factor and offset are kept as their 64-bit patterns, and what few signals have
/// (multiplexing, value descriptions, comment, start value, attributes) sits in one shared
/// box, absent for most. 136 bytes a signal instead of 240. The properties below read and
/// write it as plain values; equality and hashing are those of the values.
public struct Signal: Sendable, Hashable {
    public enum ByteOrder: Sendable, Hashable {
        /// `@1`, Intel.
        case littleEndian
        /// `@0`, Motorola.
        case bigEndian
    }

    /// How the raw bits are interpreted (`SIG_VALTYPE_`).
    public enum ValueType: Sendable, Hashable {
        /// Two's complement when `isSigned`, else unsigned.
        case integer
        /// IEEE 754 single precision; the signal is 32 bits long.
        case float32
        /// IEEE 754 double precision; the signal is 64 bits long.
        case float64
    }

    /// A number as written in the DBC: integers stay integers (so that integer factor and
    /// offset keep 64-bit raw values exact, as cantools does), everything else is a double.
    public enum Number: Sendable, Hashable, CustomStringConvertible {
        case integer(Int64)
        case real(Double)

        public var doubleValue: Double {
            switch self {
            case .integer(let v): return Double(v)
            case .real(let v): return v
            }
        }

        public var isInteger: Bool {
            if case .integer = self { return true }
            return false
        }

        public var description: String {
            switch self {
            case .integer(let v): return String(v)
            case .real(let v): return String(v)
            }
        }
    }

    /// A multiplexing condition: this signal is present when the switch signal named
    /// `switchName` has a raw value in one of `ranges`.
    public struct MultiplexCondition: Sendable, Hashable {
        public var switchName: String
        public var ranges: [ClosedRange<UInt64>]
        public init(switchName: String, ranges: [ClosedRange<UInt64>]) {
            self.switchName = switchName
            self.ranges = ranges
        }
        public func contains(_ value: UInt64) -> Bool { ranges.contains { $0.contains(value) } }
    }

    public var name: String
    public var unit: String
    public var receivers: [String]
    public var startBit: Int
    public var length: Int
    public var location: SourceLocation?
    private var factorBits: UInt64
    private var offsetBits: UInt64
    private var minimumValue: Double
    private var maximumValue: Double
    private var flags: Flags
    private var rare: Rare

    /// Byte order, sign, value type, switch flag, and the kind and presence of the numbers.
    private struct Flags: OptionSet, Sendable, Hashable {
        let rawValue: UInt16
        static let bigEndian = Flags(rawValue: 1 << 0)
        static let signed = Flags(rawValue: 1 << 1)
        static let float32 = Flags(rawValue: 1 << 2)
        static let float64 = Flags(rawValue: 1 << 3)
        static let multiplexer = Flags(rawValue: 1 << 4)
        static let realFactor = Flags(rawValue: 1 << 5)
        static let realOffset = Flags(rawValue: 1 << 6)
        static let hasMinimum = Flags(rawValue: 1 << 7)
        static let hasMaximum = Flags(rawValue: 1 << 8)

        mutating func set(_ flag: Flags, _ on: Bool) {
            if on { insert(flag) } else { remove(flag) }
        }
    }

    /// What most signals do not have; `.none` (no allocation) when all of it is empty.
    private struct RareFields: Sendable, Hashable {
        var multiplexer: MultiplexCondition?
        var valueDescriptions: [ValueDescription] = []
        var comment: String?
        var startValue: Double?
        var attributes: [String: AttributeValue] = [:]

        var isEmpty: Bool {
            multiplexer == nil && valueDescriptions.isEmpty && comment == nil && startValue == nil && attributes.isEmpty
        }
    }

    private enum Rare: Sendable, Hashable {
        case none
        indirect case some(RareFields)
    }

    private var rareFields: RareFields {
        get {
            if case .some(let fields) = rare { return fields }
            return RareFields()
        }
        set { rare = newValue.isEmpty ? .none : .some(newValue) }
    }

    public var byteOrder: ByteOrder {
        get { flags.contains(.bigEndian) ? .bigEndian : .littleEndian }
        set { flags.set(.bigEndian, newValue == .bigEndian) }
    }

    public var isSigned: Bool {
        get { flags.contains(.signed) }
        set { flags.set(.signed, newValue) }
    }

    public var valueType: ValueType {
        get { flags.contains(.float32) ? .float32 : flags.contains(.float64) ? .float64 : .integer }
        set {
            flags.set(.float32, newValue == .float32)
            flags.set(.float64, newValue == .float64)
        }
    }

    public var factor: Number {
        get { Self.number(factorBits, isReal: flags.contains(.realFactor)) }
        set { factorBits = Self.store(newValue, in: &flags, .realFactor) }
    }

    public var offset: Number {
        get { Self.number(offsetBits, isReal: flags.contains(.realOffset)) }
        set { offsetBits = Self.store(newValue, in: &flags, .realOffset) }
    }

    /// `nil` when the DBC gives `[0|0]` (unspecified) — as cantools reads it.
    public var minimum: Double? {
        get { flags.contains(.hasMinimum) ? minimumValue : nil }
        set {
            minimumValue = newValue ?? 0
            flags.set(.hasMinimum, newValue != nil)
        }
    }

    public var maximum: Double? {
        get { flags.contains(.hasMaximum) ? maximumValue : nil }
        set {
            maximumValue = newValue ?? 0
            flags.set(.hasMaximum, newValue != nil)
        }
    }

    /// This signal is a multiplexer switch (`M` or `m<n>M`).
    public var isMultiplexer: Bool {
        get { flags.contains(.multiplexer) }
        set { flags.set(.multiplexer, newValue) }
    }

    /// When this signal is multiplexed (`m<n>`, `m<n>M`, or `SG_MUL_VAL_`), its condition.
    public var multiplexer: MultiplexCondition? {
        get { rareFields.multiplexer }
        set { rareFields.multiplexer = newValue }
    }

    /// Value descriptions from `VAL_` (raw value → label), in file order.
    public var valueDescriptions: [ValueDescription] {
        get { rareFields.valueDescriptions }
        set { rareFields.valueDescriptions = newValue }
    }

    public var comment: String? {
        get { rareFields.comment }
        set { rareFields.comment = newValue }
    }

    /// `GenSigStartValue`, a raw value (Vector IL convention), when set for this signal.
    public var startValue: Double? {
        get { rareFields.startValue }
        set { rareFields.startValue = newValue }
    }

    /// Signal attribute values set with `BA_ "name" SG_ id sig value;`.
    public var attributes: [String: AttributeValue] {
        get { rareFields.attributes }
        set { rareFields.attributes = newValue }
    }

    public init(
        name: String, startBit: Int, length: Int, byteOrder: ByteOrder = .littleEndian,
        isSigned: Bool = false, valueType: ValueType = .integer,
        factor: Number = .integer(1), offset: Number = .integer(0),
        minimum: Double? = nil, maximum: Double? = nil, unit: String = "",
        receivers: [String] = [], isMultiplexer: Bool = false,
        multiplexer: MultiplexCondition? = nil, valueDescriptions: [ValueDescription] = [],
        comment: String? = nil, startValue: Double? = nil,
        attributes: [String: AttributeValue] = [:], location: SourceLocation? = nil
    ) {
        self.name = name
        self.unit = unit
        self.receivers = receivers
        self.startBit = startBit
        self.length = length
        self.location = location
        self.factorBits = 0
        self.offsetBits = 0
        self.minimumValue = 0
        self.maximumValue = 0
        self.flags = []
        self.rare = .none
        self.byteOrder = byteOrder
        self.isSigned = isSigned
        self.valueType = valueType
        self.factor = factor
        self.offset = offset
        self.minimum = minimum
        self.maximum = maximum
        self.isMultiplexer = isMultiplexer
        self.rareFields = RareFields(
            multiplexer: multiplexer, valueDescriptions: valueDescriptions, comment: comment,
            startValue: startValue, attributes: attributes)
    }

    /// The label for a raw value, if the DBC gives one.
    public func label(forRaw raw: Int64) -> String? {
        guard case .some(let fields) = rare else { return nil }
        return fields.valueDescriptions.first { $0.value == raw }?.label
    }

    private static func number(_ bits: UInt64, isReal: Bool) -> Number {
        isReal ? .real(Double(bitPattern: bits)) : .integer(Int64(bitPattern: bits))
    }

    /// The number's bits, with `realFlag` in `flags` saying which kind it is.
    private static func store(_ number: Number, in flags: inout Flags, _ realFlag: Flags) -> UInt64 {
        switch number {
        case .integer(let v):
            flags.remove(realFlag)
            return UInt64(bitPattern: v)
        case .real(let v):
            flags.insert(realFlag)
            return v.bitPattern
        }
    }

    /// Equal values, as if every property were stored (a NaN factor is not equal to itself).
    public static func == (a: Signal, b: Signal) -> Bool {
        a.name == b.name && a.startBit == b.startBit && a.length == b.length && a.byteOrder == b.byteOrder
            && a.isSigned == b.isSigned && a.valueType == b.valueType && a.factor == b.factor
            && a.offset == b.offset && a.minimum == b.minimum && a.maximum == b.maximum && a.unit == b.unit
            && a.receivers == b.receivers && a.isMultiplexer == b.isMultiplexer && a.rareFields == b.rareFields
            && a.location == b.location
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(startBit)
        hasher.combine(length)
        hasher.combine(byteOrder)
        hasher.combine(isSigned)
        hasher.combine(valueType)
        hasher.combine(factor)
        hasher.combine(offset)
        hasher.combine(minimum)
        hasher.combine(maximum)
        hasher.combine(unit)
        hasher.combine(receivers)
        hasher.combine(isMultiplexer)
        hasher.combine(rareFields)
        hasher.combine(location)
    }
}
