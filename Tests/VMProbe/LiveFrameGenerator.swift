import CANCore

/// Deterministic test frames for the probe: a SplitMix64 stream from a printed seed, mixing
/// standard and extended ids, every classic length, remote frames and (optionally) CAN FD
/// frames of every FD length with and without BRS.
struct LiveFrameGenerator {
    private var random: SplitMix64
    let includeFD: Bool
    let includeRemote: Bool

    init(seed: UInt64, includeFD: Bool, includeRemote: Bool) {
        random = SplitMix64(seed: seed)
        self.includeFD = includeFD
        self.includeRemote = includeRemote
    }

    private mutating func nextWord() -> UInt64 { random.next() }

    mutating func next(bus: String) -> CANFrame {
        let word = nextWord()
        let extended = word & 1 == 0
        let id = UInt32(truncatingIfNeeded: word >> 8) & (extended ? CANFrame.maxExtendedID : CANFrame.maxStandardID)
        let choice = (word >> 40) % 10
        var frame: CANFrame
        if includeRemote && choice == 0 {
            frame = CANFrame(bus: bus, id: id, isExtended: extended, kind: .remote, length: Int((word >> 44) % 9))
        } else if includeFD && choice >= 7 {
            let length = CANDLC.fdLength(forDLC: UInt8((word >> 44) & 0xF))
            // FDF is set as the kernel (6.1+ with CAN XL) sets it on every received FD frame.
            let flags: CANFrame.FDFlags = (word >> 50) & 1 == 1 ? [.bitRateSwitch, .fdFormat] : [.fdFormat]
            frame = CANFrame(bus: bus, id: id, isExtended: extended, kind: .fd, fdFlags: flags, length: length)
        } else {
            frame = CANFrame(bus: bus, id: id, isExtended: extended, kind: .classic, length: Int((word >> 44) % 9))
        }
        if frame.kind != .remote {
            var bytes = nextWord()
            frame.data.withUnsafeMutableBytes { payload in
                for i in 0..<Int(frame.length) {
                    if i % 8 == 0 && i > 0 { bytes = nextWord() }
                    payload[i] = UInt8(truncatingIfNeeded: bytes >> UInt64((i % 8) * 8))
                }
            }
        }
        return frame
    }
}
