import CANCore

/// Doubles written exactly as Python's `repr(float)` (and so `json.dumps`) writes them.
///
/// The digits are the shortest that read back as the same double, the closest to it among
/// those (Swift's own printing produces the same digits; only the layout differs, so it is
/// rebuilt here). Nothing is allocated beyond the output buffer's growth. With `d1 d2 … dn × 10^e` (one digit before the point):
/// - exponent form when `e < -4` or `e >= 16`: `d1.d2…dn` (just `d1` when n = 1), `e`, a
///   sign and at least two digits: `1e-05`, `1.5e+16`, `5e-324`;
/// - otherwise fixed notation with at least one digit after the point: `5.0`, `0.0001`,
///   `-110.116`, `1234567890123456.0`.
/// `-0.0` keeps its sign. Non-finite values have no JSON number; see `appendJSON`.
public enum PythonFloatText {
    /// Appends `repr(value)`; `nan`, `inf`, `-inf` for non-finite values.
    public static func append(_ value: Double, to buffer: inout [UInt8]) {
        if value.isNaN {
            buffer.append(contentsOf: [0x6E, 0x61, 0x6E])  // nan
            return
        }
        if value.isInfinite {
            if value < 0 { buffer.append(UInt8(ascii: "-")) }
            buffer.append(contentsOf: [0x69, 0x6E, 0x66])  // inf
            return
        }
        if value.sign == .minus { buffer.append(UInt8(ascii: "-")) }
        if value == 0 {
            buffer.append(contentsOf: [0x30, 0x2E, 0x30])  // 0.0
            return
        }
        // Digits and decimal exponent from Swift's shortest round-trip text.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 24 digits
        var count = 0
        var pointAt = 0           // digits before the point, as written
        var exponent = 0
        var seenPoint = false
        var inExponent = false
        var exponentNegative = false
        var leadingZeros = true
        var zerosAfterPoint = 0   // zeros skipped after the point before the first digit
        var text = ShortestText()
        value.magnitude.write(to: &text)
        withUnsafeMutableBytes(of: &digits) { out in
            for c in text.bytes() {
                switch c {
                case UInt8(ascii: "."):
                    seenPoint = true
                case UInt8(ascii: "e"), UInt8(ascii: "E"):
                    inExponent = true
                case UInt8(ascii: "-") where inExponent:
                    exponentNegative = true
                case UInt8(ascii: "+"):
                    break
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let d = c &- UInt8(ascii: "0")
                    if inExponent {
                        exponent = exponent * 10 + Int(d)
                    } else if leadingZeros && d == 0 {
                        if seenPoint { zerosAfterPoint += 1 }
                    } else {
                        leadingZeros = false
                        if count < 24 { out[count] = d; count += 1 }
                        if !seenPoint { pointAt += 1 }
                    }
                default:
                    break
                }
            }
        }
        if exponentNegative { exponent = -exponent }
        // value = 0.d1d2…dn × 10^(decimalPoint)
        let decimalPoint = exponent + pointAt - zerosAfterPoint
        withUnsafeBytes(of: &digits) { d in
            var n = count
            while n > 1 && d[n - 1] == 0 { n -= 1 }
            let e = decimalPoint - 1
            let zero = UInt8(ascii: "0")
            if e < -4 || e >= 16 {
                buffer.append(zero &+ d[0])
                if n > 1 {
                    buffer.append(UInt8(ascii: "."))
                    for i in 1..<n { buffer.append(zero &+ d[i]) }
                }
                buffer.append(UInt8(ascii: "e"))
                buffer.append(UInt8(ascii: e < 0 ? "-" : "+"))
                let m = e.magnitude
                if m < 10 { buffer.append(zero) }
                DecimalText.appendUnsigned(UInt64(m), to: &buffer)
            } else if decimalPoint <= 0 {
                buffer.append(zero)
                buffer.append(UInt8(ascii: "."))
                for _ in 0..<(-decimalPoint) { buffer.append(zero) }
                for i in 0..<n { buffer.append(zero &+ d[i]) }
            } else if decimalPoint < n {
                for i in 0..<decimalPoint { buffer.append(zero &+ d[i]) }
                buffer.append(UInt8(ascii: "."))
                for i in decimalPoint..<n { buffer.append(zero &+ d[i]) }
            } else {
                for i in 0..<n { buffer.append(zero &+ d[i]) }
                for _ in n..<decimalPoint { buffer.append(zero) }
                buffer.append(contentsOf: [UInt8(ascii: "."), zero])
            }
        }
    }

    /// Appends the value as the canonical line writes it: a JSON number, or the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public static func appendJSON(_ value: Double, to buffer: inout [UInt8]) {
        if value.isNaN {
            buffer.append(contentsOf: nanJSON)
        } else if value.isInfinite {
            if value < 0 { buffer.append(contentsOf: minusInfinityJSON) } else { buffer.append(contentsOf: infinityJSON) }
        } else {
            append(value, to: &buffer)
        }
    }

    /// Swift's shortest round-trip text of a double, caught without building a `String`:
    /// `Double.write(to:)` hands its ASCII buffer to `_writeASCII`.
    struct ShortestText: TextOutputStream {
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0

        mutating func write(_ string: String) {
            for c in string.utf8 { append(c) }
        }

        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
            for c in buffer { append(c) }
        }

        mutating func append(_ c: UInt8) {
            guard count < 32 else { return }
            withUnsafeMutableBytes(of: &storage) { $0[count] = c }
            count += 1
        }

        /// The bytes written (a small fixed buffer: at most 32 bytes).
        func bytes() -> ShortestTextBytes { ShortestTextBytes(storage: storage, count: count) }
    }

    struct ShortestTextBytes: Sequence, IteratorProtocol {
        var storage: (UInt64, UInt64, UInt64, UInt64)
        var count: Int
        var index = 0

        init(storage: (UInt64, UInt64, UInt64, UInt64), count: Int) {
            self.storage = storage
            self.count = count
        }

        mutating func next() -> UInt8? {
            guard index < count else { return nil }
            let c = withUnsafeBytes(of: storage) { $0[index] }
            index += 1
            return c
        }
    }

    static let nanJSON: [UInt8] = Array("\"NaN\"".utf8)
    static let infinityJSON: [UInt8] = Array("\"Infinity\"".utf8)
    static let minusInfinityJSON: [UInt8] = Array("\"-Infinity\"".utf8)

    /// `repr(value)` as a `String` (for tests and tools).
    public static func text(_ value: Double) -> String {
        var buffer: [UInt8] = []
        append(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
