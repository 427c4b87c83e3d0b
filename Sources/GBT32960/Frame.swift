/// One GB/T 32960.3 frame (Table 2 / Table B.1), either edition:
///
///     offset  size  field
///      0      2     start: "##" (2016) or "$$" (2025)
///      2      1     command id
///      3      1     response flag (0xFE = command)
///      4      17    unique id: the VIN (0x00-padded when shorter)
///     21      1     data-unit encryption (0x01 none)
///     22      2     data-unit length n, big-endian, 0–65531
///     24      n     data unit
///     24+n    1     BCC: XOR of bytes 2 … 23+n (the start bytes are not covered)
public struct Frame: Equatable, Sendable {
    public static let headerLength = 24
    /// The largest data unit the length field may announce.
    public static let maxDataLength = 65_531
    public static let identityLength = 17

    public var edition: Edition
    public var command: Command
    public var response: ResponseFlag
    /// The 17 bytes of the unique id as sent.
    public var identity: [UInt8]
    public var encryption: Encryption
    public var data: [UInt8]

    /// `vin` is cut or 0x00-padded to 17 bytes. The data unit must not exceed 65,531 bytes
    /// (a programmer error: bodies are built by this module and are far smaller).
    public init(edition: Edition, command: Command, response: ResponseFlag = .command, vin: String,
                encryption: Encryption = .none, data: [UInt8]) {
        var w = WireWriter()
        w.string(vin, width: Self.identityLength)
        self.init(edition: edition, command: command, response: response, identity: w.bytes, encryption: encryption, data: data)
    }

    public init(edition: Edition, command: Command, response: ResponseFlag, identity: [UInt8],
                encryption: Encryption, data: [UInt8]) {
        precondition(identity.count == Self.identityLength, "the unique id is 17 bytes")
        precondition(data.count <= Self.maxDataLength, "a data unit is at most 65,531 bytes")
        self.edition = edition
        self.command = command
        self.response = response
        self.identity = identity
        self.encryption = encryption
        self.data = data
    }

    /// The unique id as text, up to the first 0x00.
    public var vin: String { text(identity) }

    /// The frame on the wire, BCC included.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.headerLength + data.count + 1)
        out.append(edition.startByte)
        out.append(edition.startByte)
        out.append(command.rawValue)
        out.append(response.rawValue)
        out.append(contentsOf: identity)
        out.append(encryption.rawValue)
        out.append(UInt8(data.count >> 8))
        out.append(UInt8(data.count & 0xFF))
        out.append(contentsOf: data)
        out.append(Self.checksum(out[2...]))
        return out
    }

    /// XOR of every byte given (pass bytes 2 … 23+n).
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt8 {
        bytes.reduce(0, ^)
    }

    /// A frame read from exactly one frame's bytes. A wrong BCC is reported in `checksumValid`
    /// (the decode tool shows such frames); framing errors throw.
    public static func decode(_ bytes: [UInt8]) throws(FrameError) -> (frame: Frame, checksumValid: Bool) {
        guard bytes.count >= headerLength + 1 else {
            throw FrameError.truncated(expected: headerLength + 1, found: bytes.count)
        }
        guard bytes[0] == bytes[1], let edition = Edition(startByte: bytes[0]) else {
            throw FrameError.badStart(bytes[0], bytes[1])
        }
        let length = Int(bytes[22]) << 8 | Int(bytes[23])
        guard length <= maxDataLength else { throw FrameError.oversize(length) }
        guard bytes.count == headerLength + length + 1 else {
            throw FrameError.truncated(expected: headerLength + length + 1, found: bytes.count)
        }
        let frame = Frame(edition: edition, command: Command(rawValue: bytes[2]), response: ResponseFlag(rawValue: bytes[3]),
                          identity: Array(bytes[4..<21]), encryption: Encryption(rawValue: bytes[21]),
                          data: Array(bytes[24..<24 + length]))
        let valid = checksum(bytes[2..<bytes.count - 1]) == bytes[bytes.count - 1]
        return (frame, valid)
    }
}

/// Bytes that are not one well-formed frame.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(expected: Int, found: Int)
    case badStart(UInt8, UInt8)
    case oversize(Int)

    public var description: String {
        switch self {
        case let .truncated(expected, found): "frame of \(found) byte(s) where the header announces \(expected)"
        case let .badStart(a, b): "start bytes \(hex([a, b])) are neither 2323 (\"##\", 2016) nor 2424 (\"$$\", 2025)"
        case let .oversize(n): "data-unit length \(n) exceeds the bound of 65,531"
        }
    }
}
