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

    @Test func configNames() {
        #expect(ChecksumAlgorithm(rawValue: "crc8_sae_j1850") == .crc8SAEJ1850)
        #expect(ChecksumAlgorithm.allCases.map(\.configName) == ["crc8_sae_j1850", "crc8_sae_j1850_zero", "xor8", "sum8"])
    }
}
