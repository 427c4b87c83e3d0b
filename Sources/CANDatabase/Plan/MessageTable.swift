/// Finds the message for a frame identifier: a dense array for 11-bit identifiers and a
/// small open-addressing hash table (linear probing, power-of-two size, at most half full)
/// for 29-bit ones. Built once; lookups allocate nothing.
@usableFromInline
struct MessageTable: Sendable {
    /// `standard[id]`: plan message index + 1, or 0.
    @usableFromInline var standard: [Int32]
    @usableFromInline var keys: [UInt32]
    /// Plan message index + 1, or 0 for an empty slot.
    @usableFromInline var slots: [Int32]
    @usableFromInline var hashMask: Int

    /// `extended` pairs (key, message index); a later pair with the same key wins.
    init(standard pairs: [(UInt32, Int)], extended: [(UInt32, Int)]) {
        var dense = [Int32](repeating: 0, count: 2048)
        for (id, index) in pairs where id < 2048 { dense[Int(id)] = Int32(index + 1) }
        standard = dense
        var size = 8
        while size < extended.count * 2 { size *= 2 }
        keys = [UInt32](repeating: 0, count: size)
        slots = [Int32](repeating: 0, count: size)
        hashMask = size - 1
        for (key, index) in extended {
            var i = Self.hash(key) & hashMask
            while slots[i] != 0 && keys[i] != key { i = (i + 1) & hashMask }
            keys[i] = key
            slots[i] = Int32(index + 1)
        }
    }

    @inlinable @inline(__always)
    static func hash(_ key: UInt32) -> Int {
        // Fibonacci hashing: J1939 ids differ mostly in middle bits.
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) &>> 32)
    }

    @inlinable @inline(__always)
    func standardMessage(_ id: UInt32) -> Int? {
        guard id < 2048 else { return nil }
        let v = standard[Int(id)]
        return v == 0 ? nil : Int(v) - 1
    }

    @inlinable @inline(__always)
    func extendedMessage(_ key: UInt32) -> Int? {
        var i = Self.hash(key) & hashMask
        while true {
            let v = slots[i]
            if v == 0 { return nil }
            if keys[i] == key { return Int(v) - 1 }
            i = (i + 1) & hashMask
        }
    }
}
