import Telemetry

/// `Telemetry.ChecksumAlgorithm` — the one definition candor checks — computed a byte at a
/// time from a 256-entry table for the CRC-8 variants, which the simulator needs for every
/// protected frame (up to 64 bytes). Same results as `ChecksumAlgorithm.checksum`
/// (`ProtectionTests` compares them); the other algorithms are Telemetry's own code.
struct ChecksumTable: Sendable {
    /// CRC-8 (polynomial 0x1D, most significant bit first) of every byte value.
    let crc8: [UInt8]

    init() {
        crc8 = (0..<256).map { (v: Int) -> UInt8 in
            var crc = UInt8(v)
            for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x1D : crc << 1 }
            return crc
        }
    }

    /// The checksum of `bytes[0..<count]` without the byte at `skipping`.
    @inline(__always)
    func checksum(_ algorithm: ChecksumAlgorithm, _ bytes: UnsafeRawBufferPointer, count: Int, skipping: Int) -> UInt8 {
        switch algorithm {
        case .crc8SAEJ1850: return crc(bytes, count: count, skipping: skipping, initial: 0xFF) ^ 0xFF
        case .crc8SAEJ1850Zero: return crc(bytes, count: count, skipping: skipping, initial: 0)
        default: return algorithm.checksum(bytes, count: count, skipping: skipping)
        }
    }

    @inline(__always)
    func crc(_ bytes: UnsafeRawBufferPointer, count: Int, skipping: Int, initial: UInt8) -> UInt8 {
        crc8.withUnsafeBufferPointer { table in
            var crc = initial
            for i in 0..<count where i != skipping { crc = table[Int(crc ^ bytes[i])] }
            return crc
        }
    }
}
