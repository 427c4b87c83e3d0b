/// How a `DecodePlan` matches frames to messages.
public struct DecodeOptions: Sendable, Hashable {
    /// Match extended frames to extended messages by J1939 parameter group number (PGN)
    /// instead of by the whole identifier. See `J1939.matchKey(_:)` for the rule.
    public var matchJ1939ByPGN: Bool = false

    public init(matchJ1939ByPGN: Bool = false) {
        self.matchJ1939ByPGN = matchJ1939ByPGN
    }
}

/// The J1939 reading of a 29-bit identifier (SAE J1939-21):
///
///     bits 26-28  priority                       ignored when matching
///     bit  25     extended data page (EDP)       part of the PGN
///     bit  24     data page (DP)                 part of the PGN
///     bits 16-23  PDU format (PF)                part of the PGN
///     bits  8-15  PDU specific (PS)              part of the PGN when PF >= 240 (PDU2, group
///                                                extension); the destination address when
///                                                PF < 240 (PDU1), ignored then
///     bits  0-7   source address                 ignored when matching
public enum J1939 {
    /// The key two identifiers share when they carry the same PGN: the identifier with
    /// priority and source address cleared, and for PDU1 (PF < 240) the destination address
    /// cleared too.
    @inlinable
    public static func matchKey(_ id: UInt32) -> UInt32 {
        let pduFormat = (id >> 16) & 0xFF
        let pgnBits = id & 0x03FF_FF00
        return pduFormat < 240 ? pgnBits & 0x03FF_0000 : pgnBits
    }

    /// The parameter group number of a 29-bit identifier.
    @inlinable
    public static func parameterGroupNumber(_ id: UInt32) -> UInt32 { matchKey(id) >> 8 }
}
