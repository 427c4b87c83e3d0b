/// The data length code (DLC) ↔ payload length table.
///
/// Classic CAN: DLC 0...8 is the length in bytes; DLC 9...15 also mean 8 bytes (the
/// kernel keeps the raw value as `len8_dlc`, candump prints it as `_<rawdlc>`).
///
/// CAN FD: DLC 0...8 is the length; above that the steps are
///
///     DLC    9   10   11   12   13   14   15
///     len   12   16   20   24   32   48   64
///
/// A CAN FD payload whose length is not in the table is padded up to the next valid length
/// on the wire.
public enum CANDLC {
    /// Largest classic CAN payload.
    public static let maxClassicLength = 8
    /// Largest CAN FD payload.
    public static let maxFDLength = 64

    @usableFromInline
    static let fdLengths: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64]

    /// The CAN FD payload length for a 4-bit DLC (`dlc & 0xF`).
    @inlinable
    public static func fdLength(forDLC dlc: UInt8) -> Int { Int(fdLengths[Int(dlc & 0x0F)]) }

    /// The classic CAN payload length for a 4-bit DLC: DLC 9...15 are 8 bytes.
    @inlinable
    public static func classicLength(forDLC dlc: UInt8) -> Int { min(Int(dlc & 0x0F), 8) }

    /// The smallest DLC whose CAN FD length holds `length` bytes (0...64). Traps above 64.
    @inlinable
    public static func dlc(forFDLength length: Int) -> UInt8 {
        precondition(length >= 0 && length <= maxFDLength, "CAN FD length out of range")
        if length <= 8 { return UInt8(length) }
        var dlc: UInt8 = 9
        while Int(fdLengths[Int(dlc)]) < length { dlc += 1 }
        return dlc
    }

    /// Whether `length` is one of the 16 lengths a CAN FD frame can have.
    @inlinable
    public static func isValidFDLength(_ length: Int) -> Bool {
        length >= 0 && length <= maxFDLength && fdLength(forDLC: dlc(forFDLength: length)) == length
    }
}
