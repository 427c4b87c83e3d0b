/// Eight ASCII digits at a time in one 64-bit word (SIMD within a register): the candump log
/// fields that every line has — the timestamp's digits and the payload's hex pairs — read
/// in a few word operations instead of a branch per byte.
///
/// A word is the next 8 bytes of a line loaded little-endian, so its byte `i` (bits
/// `8i..<8i+8`) is the line's byte `i`. The range tests work on bytes below 0x80, where
/// adding a constant of at most 0x80 cannot carry into the next byte; bytes with the high
/// bit set are excluded by the caller's `~word` term.
enum SWARDigits {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The 8 bytes at `index` of `line` (the caller checks that they are there).
    @inline(__always)
    static func word(_ line: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(line.baseAddress! + index).loadUnaligned(as: UInt64.self))
    }

    /// 0x80 in every byte of `word` that is in `low...high` (both below 0x80), 0 elsewhere.
    @inline(__always)
    static func inRange(_ word: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
        let seven = word & ~highBits
        let atLeastLow = seven &+ ones &* UInt64(0x80 - low)
        let aboveHigh = seven &+ ones &* UInt64(0x7F - high)
        return atLeastLow & ~aboveHigh & ~word & highBits
    }

    /// How many of the word's bytes, from the first, are decimal digits (0...8).
    @inline(__always)
    static func leadingDecimalDigits(_ word: UInt64) -> Int {
        let nonDigits = ~inRange(word, 0x30, 0x39) & highBits
        return nonDigits.trailingZeroBitCount / 8  // 64 / 8 when all are digits
    }

    /// The number the first `count` (1...8) bytes of `word` spell, all decimal digits.
    @inline(__always)
    static func decimalValue(_ word: UInt64, count: Int) -> UInt64 {
        // Shifted so the digits end at the last byte, with '0's before them.
        let shift = UInt64(8 * (8 - count))
        let padded = count == 8 ? word : word << shift | (0x3030_3030_3030_3030 >> (64 - shift))
        var v = padded &- 0x3030_3030_3030_3030
        v = v &* 10 &+ (v >> 8)  // byte 2i: the two-digit number of digits 2i, 2i+1
        let pairs = v & 0x0000_00FF_0000_00FF
        let nextPairs = (v >> 16) & 0x0000_00FF_0000_00FF
        return (pairs &* (100 &+ (1_000_000 << 32)) &+ nextPairs &* (1 &+ (10_000 << 32))) >> 32
    }

    /// The 4 bytes that 8 hex digits (either case) spell, first byte in the low bits; nil
    /// unless all 8 bytes are hex digits.
    @inline(__always)
    static func hexBytes(_ word: UInt64) -> UInt32? {
        let digits = inRange(word, 0x30, 0x39)
        let letters = inRange(word | 0x2020_2020_2020_2020, 0x61, 0x66)
        guard digits | letters == highBits else { return nil }
        // '0'-'9' → 0...9; 'A'-'F' and 'a'-'f' (bit 6 set) → 1...6 + 9.
        let nibbles = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ ((word >> 6) & ones) &* 9
        let pairs = (nibbles << 4 | nibbles >> 8) & 0x00FF_00FF_00FF_00FF
        let packed = (pairs | pairs >> 8) & 0x0000_FFFF_0000_FFFF
        return UInt32(truncatingIfNeeded: packed | packed >> 16)
    }
}
