/// A data unit could not be read: what was expected, at which byte offset of the data unit.
public struct BodyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Offset from the start of the data unit (byte 24 of the frame).
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "data unit byte \(offset): \(message)" }
}

/// Reads big-endian BYTE, WORD and DWORD fields (§6.1.2) from a data unit.
struct WireReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    func need(_ count: Int, _ what: String) throws(BodyError) {
        guard count <= remaining else {
            throw BodyError(offset: offset, message: "\(what): expected \(count) byte(s), \(remaining) left")
        }
    }

    mutating func u8(_ what: String) throws(BodyError) -> UInt8 {
        try need(1, what)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16(_ what: String) throws(BodyError) -> UInt16 {
        try need(2, what)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u32(_ what: String) throws(BodyError) -> UInt32 {
        try need(4, what)
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// A field of `width` bytes (1, 2 or 4) as an unsigned value.
    mutating func unsigned(width: Int, _ what: String) throws(BodyError) -> UInt32 {
        switch width {
        case 1: UInt32(try u8(what))
        case 2: UInt32(try u16(what))
        default: try u32(what)
        }
    }

    mutating func take(_ count: Int, _ what: String) throws(BodyError) -> [UInt8] {
        try need(count, what)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func time(_ what: String) throws(BodyError) -> BeijingTime {
        let start = offset
        let raw = try take(6, what)
        guard let time = BeijingTime(bytes: raw) else {
            throw BodyError(offset: start, message: "\(what): \(hex(raw)) is not a valid YY MM DD hh mm ss time")
        }
        return time
    }
}

/// Appends big-endian fields to a data unit.
struct WireWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xFF)) }
    mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(v >> 24)); bytes.append(UInt8(v >> 16 & 0xFF))
        bytes.append(UInt8(v >> 8 & 0xFF)); bytes.append(UInt8(v & 0xFF))
    }
    mutating func unsigned(_ v: UInt32, width: Int) {
        switch width {
        case 1: u8(UInt8(truncatingIfNeeded: v))
        case 2: u16(UInt16(truncatingIfNeeded: v))
        default: u32(v)
        }
    }
    mutating func append(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    /// Traps on a time outside 2000–2099 or an invalid date: times come from `BeijingTime(unixSeconds:)`
    /// or a decoded frame, so such a time is a programmer error.
    mutating func time(_ t: BeijingTime) {
        guard let b = t.bytes else { preconditionFailure("time \(t) is outside 2000-2099") }
        bytes.append(contentsOf: b)
    }
    /// A fixed-width STRING: ASCII, 0x00-padded (or cut) to `width` bytes. A text longer than
    /// the field is cut at a character, never inside one: a decoded field may hold U+FFFD for a
    /// byte over 0x7F, and cutting its three UTF-8 bytes short would write a lone lead byte that
    /// reads back as another U+FFFD, so decode and encode would not settle.
    mutating func string(_ s: String, width: Int) {
        var written = 0
        for scalar in s.unicodeScalars {
            let size = UTF8.width(scalar)
            guard written + size <= width else { break }
            UTF8.encode(scalar) { bytes.append($0) }
            written += size
        }
        bytes.append(contentsOf: repeatElement(0, count: width - written))
    }
}

/// Lower-case hex without separators.
public func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits: [Character] = Array("0123456789abcdef")
    var s = ""
    for b in bytes {
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 0x0F)])
    }
    return s
}

/// Bytes of a hex string (whitespace ignored); nil on an odd count or a non-hex character.
public func bytes(hex text: some StringProtocol) -> [UInt8]? {
    var out: [UInt8] = []
    var high: UInt8? = nil
    for c in text.utf8 {
        let v: UInt8
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): continue
        default: return nil
        }
        if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    return high == nil ? out : nil
}

/// A STRING field: ASCII up to the first 0x00 (short ids are 0x00-padded in the wild).
func text(_ bytes: [UInt8]) -> String {
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: bytes[..<end], as: UTF8.self)
}
