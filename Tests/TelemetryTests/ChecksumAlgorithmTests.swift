import CANCore
import Testing
@testable import Telemetry

struct ChecksumAlgorithmTests {
    /// Check values from the CRC catalogue (reveng: CRC-8/SAE-J1850 0x4B, CRC-8/GSM-A 0x37)
    /// and by hand for XOR and sum.
    @Test(arguments: [
        (ChecksumAlgorithm.crc8SAEJ1850, UInt8(0x4B)),
        (.crc8SAEJ1850Zero, 0x37),
        (.xor8, 0x31),
        (.sum8, 0xDD),
    ])
    func checkValue(algorithm: ChecksumAlgorithm, expected: UInt8) {
        #expect(algorithm.checksum(Array("123456789".utf8)) == expected)
    }

    @Test func skipsTheChecksumByte() {
        let bytes: [UInt8] = [0x11, 0x22, 0x33, 0xFF, 0x44]
        for algorithm in ChecksumAlgorithm.allCases {
            let skipped = bytes.withUnsafeBytes { algorithm.checksum($0, count: 5, skipping: 3) }
            #expect(skipped == algorithm.checksum([0x11, 0x22, 0x33, 0x44]), "\(algorithm)")
        }
    }

    /// The table-driven CRC-8 against the textbook bit-by-bit register, over every byte
    /// value and over 64-byte FD payloads (fixed seed 1), with and without a skipped byte.
    @Test func tableMatchesBitByBitRegister() {
        func reference(_ bytes: [UInt8], initial: UInt8, skipping: Int) -> UInt8 {
            var crc = initial
            for (i, byte) in bytes.enumerated() where i != skipping {
                crc ^= byte
                for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x1D : crc << 1 }
            }
            return crc
        }
        var payloads = (0..<256).map { [UInt8($0)] }
        var random = SplitMix64(seed: 1)
        for _ in 0..<200 {
            payloads.append((0..<64).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        for bytes in payloads {
            for skipping in [-1, 0, bytes.count / 2, bytes.count - 1] {
                let got = bytes.withUnsafeBytes { ChecksumAlgorithm.crc8SAEJ1850.checksum($0, count: bytes.count, skipping: skipping) }
                let zero = bytes.withUnsafeBytes { ChecksumAlgorithm.crc8SAEJ1850Zero.checksum($0, count: bytes.count, skipping: skipping) }
                #expect(got == reference(bytes, initial: 0xFF, skipping: skipping) ^ 0xFF)
                #expect(zero == reference(bytes, initial: 0x00, skipping: skipping))
            }
        }
    }

    @Test func configNames() {
        #expect(ChecksumAlgorithm(rawValue: "crc8_sae_j1850") == .crc8SAEJ1850)
        #expect(ChecksumAlgorithm.allCases.map(\.configName) == ["crc8_sae_j1850", "crc8_sae_j1850_zero", "xor8", "sum8"])
    }
}
