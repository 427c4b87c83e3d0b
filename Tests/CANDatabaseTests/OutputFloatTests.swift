import CANCore
import Foundation
import Testing
@testable import CANDatabase
import TestSupport

@Suite struct OutputFloatTests {
    static let edgeCases: [Double] = [
        0, -0.0, 1, -1, 0.1, 0.2, 0.30000000000000004, 5.0, 18.05, -110.116, 1e-5, 1e-4, 0.0001, 0.00012345,
        1e15, 1e16, 1e17, 1e22, 1e23, 9999999999999998, 9007199254740992, 9007199254740994, 18014398509481984,
        123456789012345680, 1234567890123456, 0.5e-4, 9.999999999999999e-5, 1e-7, 1.5e16, 1.5e300, -1.5e-300,
        -.leastNonzeroMagnitude, 2.2250738585072014e-308, Double(bitPattern: 0x000F_FFFF_FFFF_FFFF), .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude, .pi, -.pi, 1 / 3.0, 2 / 3.0,
        100, 1000000, 123.456, 1e100, 0.001, 0.01, 1e-4 * 3, 1.7976931348623157e308,
        Double(Float(0.1)), Double(Float.greatestFiniteMagnitude), 65504, 0x1p-1074, 0x1p53, 0x1p63, 0x1p64,
    ]

    static func sample(seed: UInt64, count: Int) -> [Double] {
        var g = SplitMix64(seed: seed)
        var out = edgeCases
        while out.count < count {
            switch g.next() % 4 {
            case 0:  // any bit pattern
                let x = Double(bitPattern: g.next())
                if x.isFinite { out.append(x) }
            case 1:  // decimal-looking values, as DBC factors produce
                let digits = Int64(bitPattern: g.next()) % 10_000_000
                let scale = [1.0, 10, 100, 1000, 1e4, 1e5, 1e6, 1e-3, 1e8][Int(g.next() % 9)]
                out.append(Double(digits) / scale)
            case 2:  // exponents near the fixed/exponent switch
                let exponent = Int(g.next() % 90) - 30
                out.append(Double(sign: g.next() & 1 == 0 ? .plus : .minus, exponent: exponent,
                                  significand: 1 + Double(g.next() >> 12) * 0x1p-52))
            default:  // raw * factor + offset, as decoding computes
                let raw = Double(g.next() % 65536)
                out.append(raw * [0.1, 0.01, 0.05, 1e-5, 0.001, 0.0625, 3.2][Int(g.next() % 7)] - 40)
            }
        }
        return out
    }

    @Test func reprMatchesPython() throws {
        let seed: UInt64 = 0xF10A_7000_0000_0001
        let values = Self.sample(seed: seed, count: 100_000)
        print("OutputFloatTests.reprMatchesPython seed 0x\(String(seed, radix: 16)), \(values.count) doubles")
        guard let python = PythonOracle.find() else {
            print("SKIPPED: no Python found (set CANDOR_VENV); checking the committed table only")
            for (bits, text) in OutputFloatTable.pairs {
                #expect(PythonFloatText.text(Double(bitPattern: bits)) == text)
            }
            return
        }
        var input = Data()
        for v in values { input.append(contentsOf: Array((String(v.bitPattern, radix: 16) + "\n").utf8)) }
        let script = """
            import sys, struct
            out = []
            for line in sys.stdin:
                out.append(repr(struct.unpack('<d', struct.pack('<Q', int(line, 16)))[0]))
            sys.stdout.write('\\n'.join(out) + '\\n')
            """
        let result = try PythonOracle.run(python, script: script, input: input)
        #expect(result.status == 0, "\(result.errors)")
        let expected = String(decoding: result.output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(expected.count == values.count)
        var mismatches = 0
        for (v, want) in zip(values, expected) {
            let got = PythonFloatText.text(v)
            if got != want {
                mismatches += 1
                if mismatches <= 10 { Issue.record("0x\(String(v.bitPattern, radix: 16)): got \(got), Python \(want)") }
            }
        }
        #expect(mismatches == 0)
        print("compared \(values.count) doubles with \(python): \(mismatches) mismatches")
    }

    @Test func committedTableStillHolds() {
        for (bits, text) in OutputFloatTable.pairs {
            #expect(PythonFloatText.text(Double(bitPattern: bits)) == text, "0x\(String(bits, radix: 16))")
        }
    }

    @Test func nonFiniteValuesAreJSONStrings() {
        func json(_ x: Double) -> String {
            var b: [UInt8] = []
            PythonFloatText.appendJSON(x, to: &b)
            return String(decoding: b, as: UTF8.self)
        }
        #expect(json(.nan) == "\"NaN\"")
        #expect(json(.infinity) == "\"Infinity\"")
        #expect(json(-.infinity) == "\"-Infinity\"")
        #expect(json(-0.0) == "-0.0")
        #expect(json(1e-5) == "1e-05")
        #expect(json(1.5e16) == "1.5e+16")
        #expect(json(5.0) == "5.0")
    }
}
