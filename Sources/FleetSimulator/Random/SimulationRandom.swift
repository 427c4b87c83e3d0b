/// The simulator's only source of randomness: xoshiro256** seeded through SplitMix64.
///
/// Both algorithms are public-domain designs by Blackman and Vigna; the state update is
/// a handful of shifts and xors, so the sequence is identical on every platform and Swift
/// version, which is what makes `candor simulate` byte-for-byte reproducible. The standard
/// library's `SystemRandomNumberGenerator` is never used.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose whole sequence is decided by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    /// An independent stream for one purpose (one message's jitter, one vehicle's cells),
    /// so that adding a message does not shift every other stream.
    public func derived(_ stream: UInt64) -> SimulationRandom {
        var copy = self
        let mixed = copy.next() ^ (stream &* 0xD1B5_4A32_D192_ED03)
        return SimulationRandom(seed: mixed)
    }

    @inlinable
    static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotateLeft(s3, 45)
        return result
    }

    /// A double uniformly distributed in `0..<1` (53 random bits).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A double uniformly distributed in `lower..<upper`.
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }
}
