/// How raw bits become a physical value, chosen once per signal to mirror cantools'
/// conversion classes exactly:
///
/// - `IdentityConversion` (factor == 1 and offset == 0): the raw value itself — an integer
///   for integer signals, the float for IEEE signals.
/// - `LinearIntegerConversion` (factor and offset integral, integer signal):
///   `raw * factor + offset` in exact integer arithmetic.
/// - `LinearConversion` (everything else): `raw * factor + offset` in doubles, in that
///   order, so results are bit-identical to Python's. When the DBC wrote the factor as an
///   integer but the offset not, Python multiplies exactly and rounds once
///   (`int * int`, then `float + float`); `exactProduct` does the same for raw values
///   large enough for it to matter.
@usableFromInline
enum ValueRecipe: Sendable, Hashable {
    case unsignedIdentity
    case signedIdentity(signShift: UInt64)
    /// Integer conversion proven at compile time not to overflow `Int64`.
    case unsignedInteger(factor: Int64, offset: Int64)
    case signedInteger(signShift: UInt64, factor: Int64, offset: Int64)
    /// Integer conversion that may leave `Int64`: computed in 128 bits.
    case integer128(isSigned: Bool, signShift: UInt64, factor: Int64, offset: Int64)
    case unsignedReal(factor: Double, offset: Double)
    case signedReal(signShift: UInt64, factor: Double, offset: Double)
    /// An integer factor with a non-integral offset, when `raw * factor` can pass 2^53.
    case exactProduct(isSigned: Bool, signShift: UInt64, factor: Int64, offset: Double)
    /// IEEE half, single or double bits; `scaled` false means the identity conversion.
    case float(bits: Int, scaled: Bool, factor: Double, offset: Double)

    init(signal: Signal) {
        let length = signal.length
        let signShift = UInt64(64 - length)
        let isIdentity = signal.factor.doubleValue == 1 && signal.offset.doubleValue == 0
        switch signal.valueType {
        case .float32, .float64:
            // cantools reads a float signal with the IEEE width its length gives (bitstruct
            // `f16`/`f32`/`f64`), whichever SIG_VALTYPE_ was written.
            let width = length == 16 ? 16 : length == 64 ? 64 : length == 32 ? 32 : (signal.valueType == .float32 ? 32 : 64)
            self = .float(
                bits: width, scaled: !isIdentity,
                factor: signal.factor.doubleValue, offset: signal.offset.doubleValue)
            return
        case .integer:
            break
        }
        let isSigned = signal.isSigned && length > 0
        if isIdentity {
            self = isSigned ? .signedIdentity(signShift: signShift) : .unsignedIdentity
            return
        }
        if let factor = Self.integral(signal.factor), let offset = Self.integral(signal.offset) {
            let rawMin: Int128 = isSigned ? -(Int128(1) << (length - 1)) : 0
            let rawMax: Int128 = isSigned ? (Int128(1) << (length - 1)) - 1 : (Int128(1) << length) - 1
            let ends = [rawMin * Int128(factor) + Int128(offset), rawMax * Int128(factor) + Int128(offset)]
            let fits = ends.allSatisfy { $0 >= Int128(Int64.min) && $0 <= Int128(Int64.max) }
                && rawMax <= Int128(Int64.max)
            if fits {
                self = isSigned
                    ? .signedInteger(signShift: signShift, factor: factor, offset: offset)
                    : .unsignedInteger(factor: factor, offset: offset)
            } else {
                self = .integer128(isSigned: isSigned, signShift: signShift, factor: factor, offset: offset)
            }
            return
        }
        if case .integer(let factor) = signal.factor, case .real(let offset) = signal.offset {
            // Python: raw * factor is an exact int, rounded to a float when the offset is added.
            let largestProduct = Double(factor.magnitude) * (length >= 64 ? 0x1p64 : Double(UInt64(1) << UInt64(length)))
            if largestProduct > 0x1p53 {
                self = .exactProduct(isSigned: isSigned, signShift: signShift, factor: factor, offset: offset)
                return
            }
        }
        let factor = signal.factor.doubleValue
        let offset = signal.offset.doubleValue
        self = isSigned
            ? .signedReal(signShift: signShift, factor: factor, offset: offset)
            : .unsignedReal(factor: factor, offset: offset)
    }

    /// cantools treats a factor or offset as an integer when Python's `is_integer()` says
    /// so, whether the DBC wrote `2` or `2.0`.
    static func integral(_ number: Signal.Number) -> Int64? {
        switch number {
        case .integer(let v): return v
        case .real(let v):
            guard v.isFinite, v == v.rounded(.towardZero), v >= -0x1p63, v < 0x1p63 else { return nil }
            return Int64(v)
        }
    }

    /// The physical value of `raw` (the signal's bits, zero-extended).
    @inlinable @inline(__always)
    func value(raw: UInt64) -> SignalValue {
        switch self {
        case .unsignedIdentity:
            return .unsigned(raw)
        case .signedIdentity(let s):
            return .integer(Int64(bitPattern: raw &<< s) &>> Int64(s))
        case .unsignedInteger(let f, let o):
            return .integer(Int64(bitPattern: raw) &* f &+ o)
        case .signedInteger(let s, let f, let o):
            return .integer((Int64(bitPattern: raw &<< s) &>> Int64(s)) &* f &+ o)
        case .integer128(let isSigned, let s, let f, let o):
            let r = isSigned ? Int128(Int64(bitPattern: raw &<< s) &>> Int64(s)) : Int128(raw)
            return Self.fitted(r * Int128(f) + Int128(o))
        case .unsignedReal(let f, let o):
            return .real(Double(raw) * f + o)
        case .signedReal(let s, let f, let o):
            return .real(Double(Int64(bitPattern: raw &<< s) &>> Int64(s)) * f + o)
        case .exactProduct(let isSigned, let s, let f, let o):
            let r = isSigned ? Int128(Int64(bitPattern: raw &<< s) &>> Int64(s)) : Int128(raw)
            return .real(Double(r * Int128(f)) + o)
        case .float(let bits, let scaled, let f, let o):
            let x: Double
            switch bits {
            case 16: x = Double(Float16(bitPattern: UInt16(truncatingIfNeeded: raw)))
            case 32: x = Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
            default: x = Double(bitPattern: raw)
            }
            return .real(scaled ? x * f + o : x)
        }
    }

    /// An exact integer result as `.integer`, `.unsigned`, or beyond both `.wideInteger`.
    @usableFromInline
    static func fitted(_ v: Int128) -> SignalValue {
        if v >= Int128(Int64.min) && v <= Int128(Int64.max) { return .integer(Int64(v)) }
        if v > 0 && v <= Int128(UInt64.max) { return .unsigned(UInt64(v)) }
        return .wideInteger(WideInteger(v))
    }

    /// The raw value for a physical one, as cantools' `numeric_scaled_to_raw` computes it
    /// (Python `round`, i.e. half to even), clamped to what `length` bits can hold. For
    /// float signals, the IEEE bits of `(physical - offset) / factor`.
    func raw(physical: Double, length: Int) -> UInt64 {
        switch self {
        case .float(let bits, let scaled, let f, let o):
            let x = scaled ? (physical - o) / f : physical
            switch bits {
            case 16: return UInt64(Float16(x).bitPattern)
            case 32: return UInt64(Float(x).bitPattern)
            default: return x.bitPattern
            }
        case .unsignedIdentity, .signedIdentity:
            return Self.clampedRaw(physical.rounded(.toNearestOrEven), length: length, isSigned: isSigned)
        case .unsignedInteger(let f, let o), .signedInteger(_, let f, let o), .integer128(_, _, let f, let o):
            // LinearIntegerConversion: exact when (physical - offset) divides by factor.
            let shifted = physical - Double(o)
            let quotient = (shifted / Double(f)).rounded(.toNearestOrEven)
            return Self.clampedRaw(quotient, length: length, isSigned: isSigned)
        case .unsignedReal(let f, let o), .signedReal(_, let f, let o):
            return Self.clampedRaw(((physical - o) / f).rounded(.toNearestOrEven), length: length, isSigned: isSigned)
        case .exactProduct(_, _, let f, let o):
            return Self.clampedRaw(((physical - o) / Double(f)).rounded(.toNearestOrEven), length: length, isSigned: isSigned)
        }
    }

    var isSigned: Bool {
        switch self {
        case .signedIdentity, .signedInteger, .signedReal: return true
        case .integer128(let s, _, _, _), .exactProduct(let s, _, _, _): return s
        default: return false
        }
    }

    var isFloat: Bool {
        if case .float = self { return true }
        return false
    }

    /// A whole number clamped to the raw range of `length` bits, as a bit pattern.
    static func clampedRaw(_ x: Double, length: Int, isSigned: Bool) -> UInt64 {
        if x.isNaN { return 0 }
        if isSigned {
            let lowest = -Double(sign: .plus, exponent: length - 1, significand: 1)
            let highestPlusOne = Double(sign: .plus, exponent: length - 1, significand: 1)
            if x <= lowest { return UInt64(bitPattern: Int64.min &>> Int64(64 - length)) }
            if x >= highestPlusOne { return UInt64(bitPattern: Int64.max &>> Int64(64 - length)) }
            return UInt64(bitPattern: Int64(x))
        }
        if x <= 0 { return 0 }
        let highestPlusOne = Double(sign: .plus, exponent: length, significand: 1)
        if x >= highestPlusOne { return length == 64 ? .max : (UInt64(1) << UInt64(length)) - 1 }
        return UInt64(x)
    }
}
