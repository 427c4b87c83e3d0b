/// Where a signal's raw bits sit in the 64-byte payload, compiled into a window load.
///
/// A signal covers a run of consecutive bytes. When the run is at most 8 bytes, one
/// unaligned 64-bit load from `windowStart` brings all of it into a register: read as a
/// little-endian word for Intel signals, as a big-endian word for Motorola signals. In
/// both cases the signal's bits are then contiguous in the word (that is what the DBC bit
/// numbering guarantees), so `(word >> shift) & mask` is the raw value. A run of 9 bytes
/// (a 64-bit signal not aligned to a byte) uses a 128-bit window of two loads instead.
///
/// DBC bit numbering (see `Signal`): bit `i` is bit `i % 8` of byte `i / 8`.
/// - Intel: the signal's least significant bit is at `startBit`; its bits go up through
///   the numbering. In a little-endian word loaded at byte `w`, DBC bit `i` is word bit
///   `i - 8w`.
/// - Motorola: the most significant bit is at `startBit`; walking down goes bit − 1 within
///   a byte and from bit 0 to bit 7 of the next byte. In a big-endian word loaded at byte
///   `w`, byte `w + k` bit `j` is word bit `(7 − k)·8 + j` (`(15 − k)·8 + j` for a 128-bit
///   window), so that walk goes down by one word bit at a time.
@usableFromInline
struct BitField: Sendable, Hashable {
    /// `length` low bits set.
    @usableFromInline var mask: UInt64
    /// First byte of the window; the window never reaches past byte 63.
    @usableFromInline var windowStart: UInt8
    /// Bit position of the signal's least significant bit inside the window word.
    @usableFromInline var shift: UInt8
    @usableFromInline var isBigEndian: Bool
    /// The signal needs a 128-bit window (it spans 9 bytes).
    @usableFromInline var isWide: Bool
    @usableFromInline var length: UInt8
    /// One past the last byte the signal's bits touch.
    @usableFromInline var byteEnd: UInt8

    /// Compiles a layout; `nil` when the signal does not fit in 64 bytes or has a length
    /// outside 1...64.
    init?(startBit: Int, length: Int, byteOrder: Signal.ByteOrder) {
        guard length >= 1, length <= 64, startBit >= 0, startBit < 512 else { return nil }
        self.length = UInt8(length)
        self.mask = length == 64 ? ~0 : (UInt64(1) << UInt64(length)) &- 1
        self.isBigEndian = byteOrder == .bigEndian
        let firstByte: Int
        let lastByte: Int
        switch byteOrder {
        case .littleEndian:
            let end = startBit + length - 1
            guard end < 512 else { return nil }
            firstByte = startBit / 8
            lastByte = end / 8
        case .bigEndian:
            // Sequential ("network") bit number of the MSB: byte*8 + (7 - bit).
            let msbSequential = (startBit / 8) * 8 + (7 - startBit % 8)
            let lsbSequential = msbSequential + length - 1
            guard lsbSequential < 512 else { return nil }
            firstByte = startBit / 8
            lastByte = lsbSequential / 8
        }
        byteEnd = UInt8(lastByte + 1)
        isWide = lastByte - firstByte + 1 > 8
        let windowBytes = isWide ? 16 : 8
        let window = min(firstByte, 64 - windowBytes)
        windowStart = UInt8(window)
        switch byteOrder {
        case .littleEndian:
            shift = UInt8(startBit - 8 * window)
        case .bigEndian:
            let k = startBit / 8 - window
            let msbInWord = (windowBytes - 1 - k) * 8 + startBit % 8
            shift = UInt8(msbInWord - length + 1)
        }
    }

    /// The raw bits from the 64 payload bytes.
    @inlinable @inline(__always)
    func extract(_ bytes: UnsafeRawPointer) -> UInt64 {
        if !isWide {
            let loaded = bytes.loadUnaligned(fromByteOffset: Int(windowStart), as: UInt64.self)
            let word = isBigEndian ? UInt64(bigEndian: loaded) : UInt64(littleEndian: loaded)
            return (word &>> UInt64(shift)) & mask
        }
        let a = bytes.loadUnaligned(fromByteOffset: Int(windowStart), as: UInt64.self)
        let b = bytes.loadUnaligned(fromByteOffset: Int(windowStart) + 8, as: UInt64.self)
        let high: UInt64
        let low: UInt64
        if isBigEndian {
            high = UInt64(bigEndian: a)
            low = UInt64(bigEndian: b)
        } else {
            high = UInt64(littleEndian: b)
            low = UInt64(littleEndian: a)
        }
        let word = (UInt128(high) &<< 64) | UInt128(low)
        return UInt64(truncatingIfNeeded: word &>> UInt128(shift)) & mask
    }

    /// Writes the low `length` bits of `raw` into the payload, leaving other bits alone.
    @inlinable @inline(__always)
    func insert(_ raw: UInt64, into bytes: UnsafeMutableRawPointer) {
        let value = raw & mask
        if !isWide {
            let loaded = bytes.loadUnaligned(fromByteOffset: Int(windowStart), as: UInt64.self)
            var word = isBigEndian ? UInt64(bigEndian: loaded) : UInt64(littleEndian: loaded)
            word = (word & ~(mask &<< UInt64(shift))) | (value &<< UInt64(shift))
            let stored = isBigEndian ? word.bigEndian : word.littleEndian
            bytes.storeBytes(of: stored, toByteOffset: Int(windowStart), as: UInt64.self)
            return
        }
        let a = bytes.loadUnaligned(fromByteOffset: Int(windowStart), as: UInt64.self)
        let b = bytes.loadUnaligned(fromByteOffset: Int(windowStart) + 8, as: UInt64.self)
        var word: UInt128
        if isBigEndian {
            word = (UInt128(UInt64(bigEndian: a)) &<< 64) | UInt128(UInt64(bigEndian: b))
        } else {
            word = (UInt128(UInt64(littleEndian: b)) &<< 64) | UInt128(UInt64(littleEndian: a))
        }
        let wideMask = UInt128(mask) &<< UInt128(shift)
        word = (word & ~wideMask) | (UInt128(value) &<< UInt128(shift))
        let high = UInt64(truncatingIfNeeded: word &>> 64)
        let low = UInt64(truncatingIfNeeded: word)
        if isBigEndian {
            bytes.storeBytes(of: high.bigEndian, toByteOffset: Int(windowStart), as: UInt64.self)
            bytes.storeBytes(of: low.bigEndian, toByteOffset: Int(windowStart) + 8, as: UInt64.self)
        } else {
            bytes.storeBytes(of: low.littleEndian, toByteOffset: Int(windowStart), as: UInt64.self)
            bytes.storeBytes(of: high.littleEndian, toByteOffset: Int(windowStart) + 8, as: UInt64.self)
        }
    }
}
