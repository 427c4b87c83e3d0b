/// The checksum algorithms candor checks and the simulator writes.
///
/// Every algorithm runs over the message's payload bytes in order 0, 1, 2, … up to the DBC
/// length, **skipping the checksum byte itself**, with the rolling counter already in place.
/// The checksum signal is one whole byte.
///
/// | algorithm | definition | check value over ASCII "123456789" |
/// | --- | --- | --- |
/// | `crc8SAEJ1850` | CRC-8, polynomial 0x1D, init 0xFF, not reflected, final XOR 0xFF | 0x4B |
/// | `crc8SAEJ1850Zero` | CRC-8, polynomial 0x1D, init 0x00, not reflected, final XOR 0x00 | 0x37 |
/// | `xor8` | XOR of the bytes | 0x31 |
/// | `sum8` | sum of the bytes modulo 256 | 0xDD |
public enum ChecksumAlgorithm: String, Sendable, Hashable, CaseIterable {
    case crc8SAEJ1850 = "crc8_sae_j1850"
    case crc8SAEJ1850Zero = "crc8_sae_j1850_zero"
    case xor8 = "xor8"
    case sum8 = "sum8"

    /// The name used in `candor.yaml`.
    public var configName: String { rawValue }

    /// The checksum of `bytes[0..<count]` without the byte at `skipping` (pass `-1` to skip none).
    @inlinable
    public func checksum(_ bytes: UnsafeRawBufferPointer, count: Int, skipping: Int) -> UInt8 {
        precondition(count <= bytes.count, "checksum range past the buffer")
        switch self {
        case .crc8SAEJ1850:
            return Self.crc8(bytes, count: count, skipping: skipping, initial: 0xFF) ^ 0xFF
        case .crc8SAEJ1850Zero:
            return Self.crc8(bytes, count: count, skipping: skipping, initial: 0x00)
        case .xor8:
            var x: UInt8 = 0
            for i in 0..<count where i != skipping { x ^= bytes[i] }
            return x
        case .sum8:
            var s: UInt8 = 0
            for i in 0..<count where i != skipping { s &+= bytes[i] }
            return s
        }
    }

    /// The checksum of a byte array (for tests and tools), skipping no byte.
    public func checksum(_ bytes: [UInt8]) -> UInt8 {
        bytes.withUnsafeBytes { checksum($0, count: bytes.count, skipping: -1) }
    }

    /// Polynomial 0x1D, most significant bit first, one table lookup per byte.
    @inlinable
    static func crc8(_ bytes: UnsafeRawBufferPointer, count: Int, skipping: Int, initial: UInt8) -> UInt8 {
        var crc = initial
        // Two plain runs around the skipped byte: no comparison per byte.
        let skip = skipping >= 0 && skipping < count ? skipping : count
        CRC8Table.sae1850.withUnsafeBufferPointer { table in
            for i in 0..<skip { crc = table[Int(crc ^ bytes[i])] }
            var i = skip + 1
            while i < count {
                crc = table[Int(crc ^ bytes[i])]
                i += 1
            }
        }
        return crc
    }
}

/// The CRC-8 (polynomial 0x1D, MSB first) of every one-byte value: `table[crc ^ byte]` is the
/// next register after shifting `byte` through `crc`. Built once, at first use.
@usableFromInline
enum CRC8Table {
    @usableFromInline
    static let sae1850: [UInt8] = (0..<256).map { index in
        var crc = UInt8(index)
        for _ in 0..<8 {
            crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x1D : crc << 1
        }
        return crc
    }
}
