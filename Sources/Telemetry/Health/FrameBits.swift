import CANCore

/// Bits a frame occupies on the wire, after the Linux kernel's frame-length model
/// (`include/linux/can/length.h`, `can_frame_bits()`), split by bit rate for CAN FD.
///
/// Every count includes the 3-bit intermission. Two bounds per frame:
/// - *no stuffing*: the fixed fields only;
/// - *worst case*: one stuff bit per 4 bits after the first, over SOF…CRC (classic) or
///   SOF…data (CAN FD, whose CRC field has its own fixed stuff bits).
///
/// Field sizes, in bits:
///
///                      header            data   CRC field                  footer
///     classic SFF      19 (SOF…DLC)      8n     15                         13 = CRC delimiter, ACK,
///     classic EFF      39                8n     15                              ACK delimiter, EOF 7, IFS 3
///     FD SFF           22 (SOF…DLC)      8n     4 + 17 + 6  (n ≤ 16)
///     FD EFF           41                8n     4 + 21 + 7  (n > 16)      13
///
/// which gives 111/135 (classic SFF, 8 bytes), 131/160 (classic EFF), 579/712 (FD SFF,
/// 64 bytes) and 598/736 (FD EFF). With the bit-rate switch, SOF…BRS (17 bits SFF, 36 EFF,
/// plus their share of stuff bits) and the 13 footer bits run at the nominal rate, the rest
/// at the data rate.
public struct FrameBits: Sendable, Hashable {
    /// Bits at the nominal (arbitration) bit rate.
    public var nominal: Int
    /// Bits at the data bit rate (zero for classic frames and FD frames without BRS).
    public var data: Int

    public init(nominal: Int, data: Int) {
        self.nominal = nominal
        self.data = data
    }

    public var total: Int { nominal + data }

    /// Seconds on a bus with these bit rates.
    @inlinable
    public func seconds(bitrate: Int, dataBitrate: Int) -> Double {
        Double(nominal) / Double(bitrate) + Double(data) / Double(dataBitrate)
    }

    @usableFromInline static let footerBits = 13

    /// The kernel's `can_bit_stuffing()`: stuff bits a field of `bits` bits can need at most.
    @inlinable
    static func worstStuffBits(_ bits: Int) -> Int { bits == 0 ? 0 : (bits - 1) / 4 }

    /// The bits of a classic data or remote frame with `length` data bytes (remote: 0).
    @inlinable
    public static func classic(extended: Bool, dataLength: Int, worstCase: Bool) -> FrameBits {
        let stuffed = (extended ? 39 : 19) + 8 * dataLength + 15
        let stuff = worstCase ? worstStuffBits(stuffed) : 0
        return FrameBits(nominal: stuffed + stuff + footerBits, data: 0)
    }

    /// The bits of a CAN FD frame; `dataLength` is padded up to the next FD length.
    @inlinable
    public static func fd(extended: Bool, dataLength: Int, bitRateSwitch: Bool, worstCase: Bool) -> FrameBits {
        let padded = CANDLC.fdLength(forDLC: CANDLC.dlc(forFDLength: dataLength))
        let header = extended ? 41 : 22
        let crcField = padded > 16 ? 4 + 21 + 7 : 4 + 17 + 6
        let dynamic = header + 8 * padded
        let stuff = worstCase ? worstStuffBits(dynamic) : 0
        let total = dynamic + stuff + crcField + footerBits
        guard bitRateSwitch else { return FrameBits(nominal: total, data: 0) }
        let arbitration = extended ? 36 : 17  // SOF…BRS
        let nominal = arbitration + (worstCase ? worstStuffBits(arbitration) : 0) + footerBits
        return FrameBits(nominal: nominal, data: total - nominal)
    }

    /// The bits of `frame` on the wire; error frames take none (the kernel reports them,
    /// they are not frames another node sent).
    @inlinable
    public static func of(_ frame: CANFrame, worstCase: Bool) -> FrameBits {
        switch frame.kind {
        case .classic:
            return classic(extended: frame.isExtended, dataLength: min(Int(frame.length), 8), worstCase: worstCase)
        case .remote:
            return classic(extended: frame.isExtended, dataLength: 0, worstCase: worstCase)
        case .fd:
            return fd(
                extended: frame.isExtended, dataLength: Int(frame.length),
                bitRateSwitch: frame.fdFlags.contains(.bitRateSwitch), worstCase: worstCase)
        case .error:
            return FrameBits(nominal: 0, data: 0)
        }
    }
}
