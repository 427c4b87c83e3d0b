import CANCore

/// A write cursor over scratch memory sized up front for the longest text a caller may write.
///
/// The output formats (`CanonicalLine`, `DecodedText`, `PythonFloatText`) bound a line's
/// length first (a few fixed pieces, a bounded width per value), write it here byte by byte
/// with no capacity or uniqueness check, and append the result to the caller's `[UInt8]` in
/// one copy (`ByteWriter.append(to:capacity:_:)`). The scratch lives on the stack whenever it
/// fits there, so a line costs no allocation beyond the caller's buffer growth.
///
/// Invariant: writes never pass `capacity`; callers size it (checked in debug builds).
@usableFromInline
struct ByteWriter {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let capacity: Int
    @usableFromInline var count = 0

    @usableFromInline
    init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Runs `body` on a writer over `capacity` bytes of scratch memory, then appends what it
    /// wrote to `buffer`.
    @inlinable
    static func append(to buffer: inout [UInt8], capacity: Int, _ body: (inout ByteWriter) -> Void) {
        // At least one byte, so that the scratch has an address even for an empty text.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(capacity, 1)) { scratch in
            var writer = ByteWriter(base: scratch.baseAddress!, capacity: capacity)
            body(&writer)
            buffer.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress!, count: writer.count))
        }
    }

    @inlinable @inline(__always)
    mutating func byte(_ b: UInt8) {
        assert(count < capacity, "ByteWriter: line longer than its bound")
        base[count] = b
        count &+= 1
    }

    @inlinable @inline(__always)
    mutating func bytes(_ piece: [UInt8]) {
        piece.withUnsafeBufferPointer { p in
            guard let start = p.baseAddress else { return }
            assert(count + p.count <= capacity, "ByteWriter: line longer than its bound")
            (base + count).update(from: start, count: p.count)
            count &+= p.count
        }
    }

    /// A literal piece (`"{\"bus\":"`): copied from the binary's constant data.
    @inlinable @inline(__always)
    mutating func bytes(_ piece: StaticString) {
        assert(count + piece.utf8CodeUnitCount <= capacity, "ByteWriter: line longer than its bound")
        (base + count).update(from: piece.utf8Start, count: piece.utf8CodeUnitCount)
        count &+= piece.utf8CodeUnitCount
    }

    /// `length` bytes from `start`. Names and keys (mostly 5 to 40 bytes) are copied inline
    /// in 8-byte words, the last word overlapping the one before it, instead of a call to
    /// `memmove` each (a line has one per signal); longer pieces go to `memmove`.
    @inlinable @inline(__always)
    mutating func bytes(_ start: UnsafePointer<UInt8>, count length: Int) {
        assert(count + length <= capacity, "ByteWriter: line longer than its bound")
        let to = UnsafeMutableRawPointer(base + count)
        let from = UnsafeRawPointer(start)
        if length >= 8 && length <= 64 {
            var i = 0
            while i &+ 8 < length {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i &+= 8
            }
            let last = length &- 8
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: last, as: UInt64.self), toByteOffset: last, as: UInt64.self)
        } else if length >= 4 && length < 8 {
            let last = length &- 4
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: last, as: UInt32.self), toByteOffset: last, as: UInt32.self)
        } else {
            (base + count).update(from: start, count: length)
        }
        count &+= length
    }

    /// Two bytes at once (`", "`, `"  "`).
    @inlinable @inline(__always)
    mutating func bytes(_ a: UInt8, _ b: UInt8) {
        byte(a)
        byte(b)
    }

    /// `"00"`, `"01"`, … `"99"`, from the binary's constant data (no lazy global).
    @inlinable @inline(__always)
    static var twoDigits: UnsafePointer<UInt8> {
        ("00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899" as StaticString).utf8Start
    }

    /// Decimal digits in `value` (1...20): a few predictable comparisons, no multiplication.
    @inlinable @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        if value < 100_000 {
            if value < 100 { return value < 10 ? 1 : 2 }
            return value < 1_000 ? 3 : value < 10_000 ? 4 : 5
        }
        if value < 10_000_000_000 {
            if value < 10_000_000 { return value < 1_000_000 ? 6 : 7 }
            return value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10
        }
        var digits = 11
        var bound: UInt64 = 100_000_000_000
        while value >= bound {
            digits &+= 1
            if digits == 20 { break }
            bound &*= 10
        }
        return digits
    }

    /// Writes `value` as exactly `digits` digits ending at `count + digits`.
    @inlinable @inline(__always)
    mutating func digits(_ value: UInt64, _ digits: Int) {
        assert(count + digits <= capacity, "ByteWriter: line longer than its bound")
        let pairs = Self.twoDigits
        var v = value
        var at = count &+ digits
        while at &- count >= 2 {
            let (q, r) = v.quotientAndRemainder(dividingBy: 100)
            at &-= 2
            base[at] = pairs[Int(r) &* 2]
            base[at &+ 1] = pairs[Int(r) &* 2 &+ 1]
            v = q
        }
        if at > count { base[count] = UInt8(truncatingIfNeeded: v) &+ 0x30 }
        count &+= digits
    }

    /// Decimal digits of `value` (at most 20 bytes).
    @inlinable @inline(__always)
    mutating func unsigned(_ value: UInt64) {
        if value < 10 {
            byte(UInt8(truncatingIfNeeded: value) &+ 0x30)
            return
        }
        digits(value, Self.digitCount(value))
    }

    /// Decimal digits with a leading `-` when negative (at most 20 bytes).
    @inlinable
    mutating func signed(_ value: Int64) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    /// Exactly `digits` decimal digits of `value` (`value < 10^digits`), leading zeros kept.
    @inlinable
    mutating func padded(_ value: UInt64, digits count: Int) {
        digits(value, count)
    }

    /// Upper-case hexadecimal, exactly `digits` digits.
    @inlinable
    mutating func hex(_ value: UInt64, digits: Int) {
        let table = ("0123456789ABCDEF" as StaticString).utf8Start
        var shift = (digits &- 1) &* 4
        while shift >= 0 {
            byte(table[Int((value >> UInt64(shift)) & 0xF)])
            shift &-= 4
        }
    }

    /// A timestamp as `CANTimestamp.write(to:)` writes it (at most 31 bytes).
    @inlinable
    mutating func timestamp(_ t: CANTimestamp) {
        var secs = t.seconds
        var nanos = UInt64(t.nanoseconds)
        if secs < 0 {
            byte(UInt8(ascii: "-"))
            if nanos > 0 {
                secs = -secs - 1
                nanos = 1_000_000_000 - nanos
            } else {
                secs = -secs
            }
        }
        unsigned(UInt64(secs))
        fraction(nanos, digits: Int(t.fractionDigits))
    }

    /// A timestamp's part after the whole seconds: `.` and the first `digits` of the nine
    /// digits of `nanos`, nothing when `digits` is 0.
    @inlinable @inline(__always)
    mutating func fraction(_ nanos: UInt64, digits: Int) {
        guard digits > 0 else { return }
        byte(UInt8(ascii: "."))
        switch digits {  // the usual ones divide by a constant (a multiplication)
        case 6: padded(nanos / 1_000, digits: 6)
        case 9: padded(nanos, digits: 9)
        default:
            var divisor: UInt64 = 1
            for _ in digits..<9 { divisor &*= 10 }
            padded(nanos / divisor, digits: digits)
        }
    }
}
