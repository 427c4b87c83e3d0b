import CANCore

/// Doubles written exactly as Python's `repr(float)` (and so `json.dumps`) writes them.
///
/// The digits are the shortest that read back as the same double, the closest to it among
/// those. With `d1 d2 … dn × 10^e` (one digit before the point):
/// - exponent form when `e < -4` or `e >= 16`: `d1.d2…dn` (just `d1` when n = 1), `e`, a
///   sign and at least two digits: `1e-05`, `1.5e+16`, `5e-324`;
/// - otherwise fixed notation with at least one digit after the point: `5.0`, `0.0001`,
///   `-110.116`, `1234567890123456.0`.
/// `-0.0` keeps its sign. Non-finite values have no JSON number; see `appendJSON`.
///
/// Two ways to the digits, the same answer (the 100,000-double test against Python checks both):
/// - Fast, for `1e-4 <= |v| < 2^53` — what decoding `raw * factor + offset` produces: the
///   fewest decimals `k` for which `n = round(|v| * 10^k)` reads back as `v`. `n / 10^k` in
///   doubles is the correctly rounded reading (Clinger's fast path: `n < 2^53` and `10^k`
///   both exact, one IEEE division), so a match round-trips; the fewest decimals in fixed
///   notation is the fewest digits. The scan stops (and falls back) once `ulp(v) * 10^k`
///   reaches 1/4: below that the rounding interval (width ≤ ulp) holds at most one integer,
///   within 1/8 of `|v| * 10^k`, and the product's own rounding error (under half its ulp,
///   under `ulp(v) * 10^k`) cannot move `round()` off it, so no shorter candidate is missed.
/// - General: Swift's shortest round-trip text (`Double.write(to:)`), copied where its layout
///   is Python's (fixed notation in Python's fixed range), re-laid out elsewhere.
/// Nothing is allocated beyond the output buffer's growth.
public enum PythonFloatText {
    /// The longest text `write` produces: `-1.2345678901234567e-308`.
    @inlinable static var maxLength: Int { 24 }
    /// The longest text `writeJSON` produces.
    @inlinable static var maxJSONLength: Int { 24 }

    /// Appends `repr(value)`; `nan`, `inf`, `-inf` for non-finite values.
    public static func append(_ value: Double, to buffer: inout [UInt8]) {
        ByteWriter.append(to: &buffer, capacity: maxLength) { write(value, to: &$0) }
    }

    /// Appends the value as the canonical line writes it: a JSON number, or the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public static func appendJSON(_ value: Double, to buffer: inout [UInt8]) {
        ByteWriter.append(to: &buffer, capacity: maxJSONLength) { writeJSON(value, to: &$0) }
    }

    /// `repr(value)` as a `String` (for tests and tools).
    public static func text(_ value: Double) -> String {
        var buffer: [UInt8] = []
        append(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @inlinable
    static func writeJSON(_ value: Double, to w: inout ByteWriter) {
        if value.isNaN {
            w.bytes("\"NaN\"")
        } else if value.isInfinite {
            if value < 0 { w.bytes("\"-Infinity\"") } else { w.bytes("\"Infinity\"") }
        } else {
            write(value, to: &w)
        }
    }

    @inlinable
    static func write(_ value: Double, to w: inout ByteWriter) {
        if !value.isFinite {
            if value.isNaN {
                w.bytes("nan")
            } else {
                if value < 0 { w.byte(UInt8(ascii: "-")) }
                w.bytes("inf")
            }
            return
        }
        if value.sign == .minus { w.byte(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        if magnitude == 0 {
            w.bytes("0.0")
            return
        }
        if !writeFixedFast(magnitude, to: &w) {
            writeGeneral(magnitude, to: &w)
        }
    }

    /// The fast path (see the type's comment); false when it does not apply.
    @inlinable
    static func writeFixedFast(_ m: Double, to w: inout ByteWriter) -> Bool {
        guard m >= 1e-4, m < 0x1p53 else { return false }
        let ulp = m.ulp
        var scale = 1.0  // 10^k, exact up to k = 22
        var k = 0
        while k <= 22 {
            let width = ulp * scale  // exact: a power of two times 10^k
            if width >= 0.25 { return false }
            let product = m * scale
            // `product.rounded(.toNearestOrEven)` without the libm call it compiles to (rint,
            // below SSE4.1): adding and taking away 2^52 rounds a non-negative double below
            // 2^52 to an integer, ties to even (the default rounding); from 2^52 on every
            // double is an integer already.
            let n = product < 0x1p52 ? (product + 0x1p52) - 0x1p52 : product
            if n >= 0x1p53 { return false }
            // The product's rounding moved it by at most ulp(product) / 2 <= width, and
            // `product - n` is exact (Sterbenz), so beyond 2 * width the exact |m * 10^k - n|
            // is beyond width: n / 10^k is more than ulp(m) from m and cannot read back as m.
            // That skips the division for all but the last candidate.
            if (product - n).magnitude > 2 * width {
                scale *= 10
                k &+= 1
                continue
            }
            if n / scale == m {
                writeFixed(UInt64(n), decimals: k, to: &w)
                return true
            }
            scale *= 10
            k &+= 1
        }
        return false
    }

    /// `n / 10^decimals` in fixed notation: `12.5`, `0.0001`, `7.0`.
    @inlinable
    static func writeFixed(_ n: UInt64, decimals: Int, to w: inout ByteWriter) {
        if decimals == 0 {
            w.unsigned(n)
            w.bytes(UInt8(ascii: "."), UInt8(ascii: "0"))
            return
        }
        var divisor: UInt64 = 1
        for _ in 0..<decimals { divisor &*= 10 }
        let (whole, fraction) = n.quotientAndRemainder(dividingBy: divisor)
        w.unsigned(whole)
        w.byte(UInt8(ascii: "."))
        w.padded(fraction, digits: decimals)
    }

    /// Any finite, non-zero magnitude: Swift's shortest digits, laid out the Python way.
    @usableFromInline
    static func writeGeneral(_ magnitude: Double, to w: inout ByteWriter) {
        var text = ShortestText()
        magnitude.write(to: &text)
        // Where Python writes fixed notation and Swift did too, the texts are the same: the
        // same shortest digits, at least one after the point, no exponent. So a window's mean
        // or standard deviation (17 significant digits, not for the fast path) is copied; the
        // others are taken apart and laid out below.
        if magnitude >= 1e-4 && magnitude < 1e16 && !text.hasExponent {
            for i in 0..<text.count { w.byte(text[i]) }
            return
        }
        // Digits d1…dn (leading zeros dropped) and where the point goes.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 24 digits
        var count = 0
        var pointAt = 0           // digits before the point, as written
        var exponent = 0
        var seenPoint = false
        var inExponent = false
        var exponentNegative = false
        var leadingZeros = true
        var zerosAfterPoint = 0   // zeros skipped after the point before the first digit
        withUnsafeMutableBytes(of: &digits) { out in
            for i in 0..<text.count {
                let c = text[i]
                switch c {
                case UInt8(ascii: "."):
                    seenPoint = true
                case UInt8(ascii: "e"), UInt8(ascii: "E"):
                    inExponent = true
                case UInt8(ascii: "-") where inExponent:
                    exponentNegative = true
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
                w.byte(zero &+ d[0])
                if n > 1 {
                    w.byte(UInt8(ascii: "."))
                    for i in 1..<n { w.byte(zero &+ d[i]) }
                }
                w.bytes(UInt8(ascii: "e"), UInt8(ascii: e < 0 ? "-" : "+"))
                let m = e.magnitude
                if m < 10 { w.byte(zero) }
                w.unsigned(UInt64(m))
            } else if decimalPoint <= 0 {
                w.bytes(zero, UInt8(ascii: "."))
                for _ in 0..<(-decimalPoint) { w.byte(zero) }
                for i in 0..<n { w.byte(zero &+ d[i]) }
            } else if decimalPoint < n {
                for i in 0..<decimalPoint { w.byte(zero &+ d[i]) }
                w.byte(UInt8(ascii: "."))
                for i in decimalPoint..<n { w.byte(zero &+ d[i]) }
            } else {
                for i in 0..<n { w.byte(zero &+ d[i]) }
                for _ in n..<decimalPoint { w.byte(zero) }
                w.bytes(UInt8(ascii: "."), zero)
            }
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
            let n = min(buffer.count, 32 - count)
            guard n > 0 else { return }
            withUnsafeMutableBytes(of: &storage) { out in
                for i in 0..<n { out[count &+ i] = buffer[i] }
            }
            count += n
        }

        /// Whether the text has an exponent (`1e-05`, `1.5e+16`).
        var hasExponent: Bool {
            withUnsafeBytes(of: storage) { bytes in
                for i in 0..<count where bytes[i] == UInt8(ascii: "e") { return true }
                return false
            }
        }

        mutating func append(_ c: UInt8) {
            guard count < 32 else { return }
            withUnsafeMutableBytes(of: &storage) { $0[count] = c }
            count += 1
        }

        subscript(i: Int) -> UInt8 { withUnsafeBytes(of: storage) { $0[i] } }
    }
}
