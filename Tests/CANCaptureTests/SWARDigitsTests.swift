import CANCore
import Testing
@testable import CANCapture

/// The word-at-a-time digit readers against the byte-at-a-time reading they replace, on
/// words of bytes that sit at the edges of the digit and hex ranges.
@Suite("SWAR digits")
struct SWARDigitsTests {
    /// Bytes around '0'-'9', 'A'-'F', 'a'-'f', the separators, and with the high bit set.
    static let alphabet: [UInt8] = Array("0123456789abcdefABCDEF/:@Gg`. )#_R\t".utf8) + [0x00, 0x7F, 0x80, 0xB0, 0xC1, 0xE6, 0xFF]

    static func words(count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<8).map { _ in
                // Mostly digits and hex letters, so that long valid runs are common.
                rng.next() % 3 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : alphabet[Int(rng.next() % 22)]
            }
        }
    }

    static func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { SWARDigits.word($0, at: 0) }
    }

    @Test("8 hex digits become 4 bytes; any other byte refuses the word (seed 7, 200,000 words)")
    func hexBytes() {
        for bytes in Self.words(count: 200_000, seed: 7) {
            let values = bytes.map(hexValue)
            let expected: UInt32? = values.allSatisfy { $0 <= 15 }
                ? (0..<4).reduce(UInt32(0)) { $0 | UInt32(values[2 * $1] << 4 | values[2 * $1 + 1]) << (8 * $1) }
                : nil
            #expect(SWARDigits.hexBytes(Self.word(bytes)) == expected, "\(bytes)")
        }
    }

    @Test("leading decimal digits and their value (seed 11, 200,000 words)")
    func decimal() {
        for bytes in Self.words(count: 200_000, seed: 11) {
            let w = Self.word(bytes)
            let count = bytes.prefix { $0 &- 0x30 < 10 }.count
            #expect(SWARDigits.leadingDecimalDigits(w) == count, "\(bytes)")
            for n in 1...max(1, count) where count > 0 {
                let expected = bytes.prefix(n).reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }
                #expect(SWARDigits.decimalValue(w, count: n) == expected, "\(bytes) first \(n)")
            }
        }
        let nines = Self.word(Array("99999999".utf8))
        #expect(SWARDigits.decimalValue(nines, count: 8) == 99_999_999)
    }

    /// The timestamp at the start of `text`, and where the cursor stopped.
    static func decimalTime(_ text: String) -> (CANTimestamp?, Int) {
        Array(text.utf8).withUnsafeBufferPointer { line in
            var cursor = ByteCursor(line)
            return (cursor.decimalTime(), cursor.index)
        }
    }

    @Test("timestamps of every length read alike with and without room for a whole word")
    func timestamps() throws {
        for whole in ["0", "7", "1700000000", "123456789012345678"] {
            for fraction in ["", ".", ".1", ".123456", ".12345678", ".123456789"] {
                // Short lines (the timestamp alone) take the byte path, long ones the word path.
                for tail in ["", " can0 123#"] {
                    let text = whole + fraction + tail
                    let (got, end) = Self.decimalTime(text)
                    let digits = String(fraction.dropFirst())
                    let nanos = Int64(digits + String(repeating: "0", count: 9 - digits.count))!
                    let seconds = Int64(whole)!
                    if seconds > Int64(ByteCursor.maxSeconds) {
                        #expect(got == nil, "\(text)")
                    } else {
                        #expect(got == CANTimestamp(seconds: seconds, nanoseconds: UInt32(nanos), fractionDigits: UInt8(digits.count)), "\(text)")
                        #expect(end == whole.count + fraction.count, "\(text)")
                    }
                }
            }
        }
        // Ten fractional digits are refused on both paths.
        for text in ["1.1234567890", "1.1234567890 can0 123#"] {
            #expect(Self.decimalTime(text).0 == nil, "\(text)")
        }
    }
}
