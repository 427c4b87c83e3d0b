/// How the bytes of a DBC file become text.
///
/// Vector tools write Windows-1252; newer generators (opendbc, cantools' writer) write UTF-8.
/// A file that is valid UTF-8 is read as UTF-8; anything else is read as cp1252, where
/// every byte maps to a character (the five bytes cp1252 leaves undefined map to the C1
/// control characters of the same value, as Windows' own conversion does).
public enum DBCTextEncoding: String, Sendable, Hashable {
    case utf8 = "UTF-8"
    case windows1252 = "cp1252"

    /// The encoding to read `bytes` with.
    static func detect(_ bytes: [UInt8]) -> DBCTextEncoding {
        isValidUTF8(bytes) ? .utf8 : .windows1252
    }

    /// Decodes a run of bytes (usually the inside of a quoted string).
    func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var ascii = true
        for b in bytes where b >= 0x80 {
            ascii = false
            break
        }
        if ascii || self == .utf8 {
            return String(decoding: bytes, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            scalars.append(Self.windows1252Scalar(b))
        }
        return String(scalars)
    }

    /// The Unicode scalar of one cp1252 byte.
    static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        if byte < 0x80 || byte >= 0xA0 { return Unicode.Scalar(byte) }
        return Unicode.Scalar(windows1252High[Int(byte - 0x80)]) ?? Unicode.Scalar(byte)
    }

    /// cp1252 0x80...0x9F. 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined and stay C1 controls.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; upper = 0x9F
            case 0xF0: need = 3; lower = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; upper = 0x8F
            default: return false
            }
            if i + need >= n { return false }
            let b1 = bytes[i + 1]
            if b1 < lower || b1 > upper { return false }
            var k = 2
            while k <= need {
                let b = bytes[i + k]
                if b < 0x80 || b > 0xBF { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }
}
