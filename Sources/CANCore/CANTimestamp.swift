/// A frame's time as the capture wrote it.
///
/// Captures write seconds with a fixed number of fractional digits (candump: 6, or 9 with
/// `candump -N`; Vector ASC: usually 6). The value keeps that digit count so that a
/// timestamp printed back out reads exactly as it was written: `1627323339.323041` stays
/// `1627323339.323041`, never `1627323339.3230410`.
///
/// The value is `seconds + nanoseconds / 1e9`, with `nanoseconds` in `0..<1_000_000_000`.
public struct CANTimestamp: Sendable, Hashable, Comparable {
    /// Whole seconds (floor of the value).
    public var seconds: Int64
    /// The fraction of a second, in nanoseconds, `0..<1_000_000_000`.
    public var nanoseconds: UInt32
    /// How many fractional digits the source wrote (0...9); used when printing.
    public var fractionDigits: UInt8

    @inlinable
    public init(seconds: Int64, nanoseconds: UInt32, fractionDigits: UInt8 = 6) {
        precondition(nanoseconds < 1_000_000_000, "nanoseconds out of range")
        precondition(fractionDigits <= 9, "at most 9 fractional digits")
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.fractionDigits = fractionDigits
    }

    /// A timestamp from a count of nanoseconds since the epoch (or any origin).
    @inlinable
    public init(totalNanoseconds: Int64, fractionDigits: UInt8 = 9) {
        let (q, r) = totalNanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        if r < 0 {
            self.init(seconds: q - 1, nanoseconds: UInt32(r + 1_000_000_000), fractionDigits: fractionDigits)
        } else {
            self.init(seconds: q, nanoseconds: UInt32(r), fractionDigits: fractionDigits)
        }
    }

    public static let zero = CANTimestamp(seconds: 0, nanoseconds: 0)

    /// Nanoseconds since the origin. Traps past ±292 years, which no capture reaches.
    @inlinable
    public var totalNanoseconds: Int64 { seconds * 1_000_000_000 + Int64(nanoseconds) }

    /// The value as a `Double` (loses sub-microsecond precision at epoch magnitudes).
    @inlinable
    public var timeInterval: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    @inlinable
    public static func < (lhs: CANTimestamp, rhs: CANTimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Equality compares the instant only, not how many digits were written.
    @inlinable
    public static func == (lhs: CANTimestamp, rhs: CANTimestamp) -> Bool {
        lhs.seconds == rhs.seconds && lhs.nanoseconds == rhs.nanoseconds
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
        hasher.combine(nanoseconds)
    }

    /// The same instant, printed with `digits` fractional digits.
    @inlinable
    public func withFractionDigits(_ digits: UInt8) -> CANTimestamp {
        CANTimestamp(seconds: seconds, nanoseconds: nanoseconds, fractionDigits: digits)
    }

    /// Appends the decimal text (`1627323339.323041`) to `buffer`, with `fractionDigits`
    /// digits after the point (none and no point when it is 0). Negative values are written
    /// with a leading minus sign (`-0.250000`). Allocates nothing beyond `buffer`'s growth.
    public func write(to buffer: inout [UInt8]) {
        var secs = seconds
        var nanos = Int64(nanoseconds)
        if secs < 0 {
            buffer.append(UInt8(ascii: "-"))
            // value = secs + nanos/1e9 < 0  ->  |value| = (-secs - 1) + (1e9 - nanos)/1e9
            if nanos > 0 {
                secs = -secs - 1
                nanos = 1_000_000_000 - nanos
            } else {
                secs = -secs
            }
        }
        DecimalText.appendUnsigned(UInt64(secs), to: &buffer)
        let digits = Int(fractionDigits)
        guard digits > 0 else { return }
        buffer.append(UInt8(ascii: "."))
        var divisor: Int64 = 100_000_000
        for _ in 0..<digits {
            buffer.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: (nanos / divisor) % 10))
            divisor /= 10
        }
    }

    /// The decimal text, as `write(to:)` produces it.
    public var text: String {
        var buffer: [UInt8] = []
        write(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

extension CANTimestamp: CustomStringConvertible {
    public var description: String { text }
}

/// Small helpers for writing numbers as ASCII into byte buffers without `String`.
public enum DecimalText {
    /// Appends the decimal digits of `value`.
    @inlinable
    public static func appendUnsigned(_ value: UInt64, to buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for 20 digits
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &tmp) { raw in
            while v > 0 {
                raw[count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
                count += 1
            }
            var i = count - 1
            while i >= 0 {
                buffer.append(raw[i])
                i -= 1
            }
        }
    }

    /// Appends the decimal digits of `value`, with a leading `-` when negative.
    @inlinable
    public static func appendSigned(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            appendUnsigned(value.magnitude, to: &buffer)
        } else {
            appendUnsigned(UInt64(value), to: &buffer)
        }
    }
}
