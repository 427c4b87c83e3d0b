import CANCore

/// A position in one text line, for parsers that work on bytes in place.
///
/// Reading past the end gives 0, a byte no grammar here accepts, so parsers need no
/// separate end checks.
struct ByteCursor {
    let line: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ line: UnsafeBufferPointer<UInt8>) { self.line = line }

    @inline(__always) var atEnd: Bool { index >= line.count }

    @inline(__always) var peek: UInt8 { index < line.count ? line[index] : 0 }

    @inline(__always) func peek(at offset: Int) -> UInt8 {
        index + offset < line.count ? line[index + offset] : 0
    }

    @inline(__always) mutating func advance(_ count: Int = 1) { index += count }

    /// Consumes `byte` if it is next.
    @inline(__always) mutating func take(_ byte: UInt8) -> Bool {
        if peek == byte { index += 1; return true }
        return false
    }

    /// Consumes spaces and tabs; returns how many.
    @discardableResult
    @inline(__always) mutating func skipBlanks() -> Int {
        let from = index
        while index < line.count && (line[index] == 0x20 || line[index] == 0x09) { index += 1 }
        return index - from
    }

    /// Consumes bytes up to the next blank or the end; returns the range consumed.
    @inline(__always) mutating func word() -> Range<Int> {
        let from = index
        while index < line.count && line[index] != 0x20 && line[index] != 0x09 { index += 1 }
        return from..<index
    }

    /// Whether only blanks are left.
    var restIsBlank: Bool {
        var i = index
        while i < line.count {
            if line[i] != 0x20 && line[i] != 0x09 { return false }
            i += 1
        }
        return true
    }

    /// Whether the bytes at the cursor start with `text` (ASCII, case-insensitive).
    func startsWith(caseInsensitive text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= line.count else { return false }
        let pattern = text.utf8Start
        for i in 0..<count where line[index + i] | 0x20 != pattern[i] | 0x20 {
            return false
        }
        return true
    }

    /// Parses 1...`maxDigits` hex digits; nil when there is none.
    @inline(__always) mutating func hexNumber(maxDigits: Int) -> (value: UInt32, digits: Int)? {
        var value: UInt32 = 0
        var digits = 0
        while digits < maxDigits {
            let v = hexValue(peek)
            if v > 15 { break }
            value = value << 4 | UInt32(v)
            digits += 1
            index += 1
        }
        return digits == 0 ? nil : (value, digits)
    }

    /// Parses decimal digits (at most 18); nil when there is none.
    @inline(__always) mutating func decimalNumber() -> (value: UInt64, digits: Int)? {
        var value: UInt64 = 0
        var digits = 0
        if index + 8 <= line.count {
            let word = SWARDigits.word(line, at: index)
            if SWARDigits.leadingDecimalDigits(word) == 8 {
                value = SWARDigits.decimalValue(word, count: 8)
                digits = 8
                index += 8
            }
        }
        while digits < 18 {
            let d = peek &- 0x30
            if d > 9 { break }
            value = value &* 10 &+ UInt64(d)
            digits += 1
            index += 1
        }
        return digits == 0 ? nil : (value, digits)
    }

    /// The largest whole-second value a timestamp may have.
    static let maxSeconds: UInt64 = 9_000_000_000

    /// Parses `seconds.fraction` with 0...9 fractional digits (the point is optional when
    /// there are none).
    mutating func decimalTime() -> CANTimestamp? {
        var negative = false
        if peek == UInt8(ascii: "-") { negative = true; advance() }
        guard let whole = decimalNumber() else { return nil }
        var nanos: UInt64 = 0
        var fractionDigits = 0
        if take(UInt8(ascii: ".")) {
            if index + 8 <= line.count {
                let word = SWARDigits.word(line, at: index)
                let count = SWARDigits.leadingDecimalDigits(word)
                if count > 0 {
                    nanos = SWARDigits.decimalValue(word, count: count)
                    fractionDigits = count
                    advance(count)
                }
            }
            while fractionDigits < 9 {
                let d = peek &- 0x30
                if d > 9 { break }
                nanos = nanos * 10 + UInt64(d)
                fractionDigits += 1
                advance()
            }
            let d = peek &- 0x30
            if d <= 9 { return nil }  // more than 9 fractional digits
            var scale = fractionDigits
            while scale < 9 { nanos *= 10; scale += 1 }
        }
        // Past about 9.2e9 s (the year 2262) nanosecond counts no longer fit in 64 bits.
        guard whole.value <= Self.maxSeconds else { return nil }
        let seconds = Int64(whole.value)
        if negative {
            let total = -(seconds * 1_000_000_000 + Int64(nanos))
            return CANTimestamp(totalNanoseconds: total, fractionDigits: UInt8(fractionDigits))
        }
        return CANTimestamp(seconds: seconds, nanoseconds: UInt32(nanos), fractionDigits: UInt8(fractionDigits))
    }
}

/// The value of an ASCII hex digit (either case), or a value above 15 for any other byte.
///
/// Without branches on digit-versus-letter, which random payload bytes make unpredictable:
/// `(byte & 0xF) + 9 * (byte >> 6)` maps `0-9` to 0...9 and `A-F`/`a-f` to 10...15.
@inline(__always) func hexValue(_ byte: UInt8) -> UInt8 {
    let isDigit = byte &- 0x30 < 10
    let isLetter = (byte | 0x20) &- 0x61 < 6
    let value = (byte & 0x0F) &+ (byte >> 6) &* 9
    return isDigit != isLetter ? value : 0xFF
}

/// Why a line was rejected: where, and what the grammar expected there.
struct LineFault: Error {
    /// 0-based byte offset in the line.
    var offset: Int
    var expected: StaticString

    /// `column N: expected X, found 'y'`, for statistics and errors.
    func describe(in line: UnsafeBufferPointer<UInt8>) -> String {
        let found: String
        if offset >= line.count {
            found = "end of line"
        } else {
            let byte = line[offset]
            if byte >= 0x20 && byte < 0x7F {
                found = "'\(Character(Unicode.Scalar(byte)))'"
            } else {
                found = "byte 0x\(String(byte, radix: 16, uppercase: true))"
            }
        }
        return "column \(offset + 1): expected \(expected), found \(found)"
    }
}

/// The outcome of parsing one line of a text capture. A line that holds a frame wrote it
/// into the grammar's `into` argument: the outcome carries no frame, so it stays a few
/// words that return in registers instead of a frame copied through memory at each layer.
enum LineOutcome {
    case frame
    /// A frame read from a line that bends the format (an oversize classic payload, a
    /// two-digit DLC...): returned and counted as a note, malformed when strict.
    case bent(StaticString)
    /// A line with no frame that is not an error: blank, header, comment, detail line.
    case nonFrame
    /// A line that records something other than a CAN frame (an ASC statistics event).
    case skipped(StaticString)
    /// A candump `DROPCOUNT:` line with the count it adds.
    case dropped(UInt64)
    case malformed(LineFault)
}

/// Keeps the last bus name as a `String` so that consecutive frames on the same interface
/// share one value instead of building a new string per line.
struct BusNameCache {
    private var lastBytes: (UInt64, UInt64) = (0, 0)
    private var lastCount = -1
    private var lastName = ""

    @inline(__always) mutating func name(for bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = bytes.count
        if count <= 16 {
            var packed: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &packed) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(bytes))
            }
            if count == lastCount && packed == lastBytes { return lastName }
            lastBytes = packed
            lastCount = count
            lastName = String(decoding: bytes, as: UTF8.self)
            return lastName
        }
        lastCount = -1
        return String(decoding: bytes, as: UTF8.self)
    }
}
