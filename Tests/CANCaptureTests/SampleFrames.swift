import CANCore
@testable import CANCapture

/// Frames of every kind, for round trips. Fixed values, no randomness.
enum SampleFrames {
    static func classic(_ id: UInt32, _ bytes: [UInt8], extended: Bool = false, t: CANTimestamp, bus: String = "can0") -> CANFrame {
        CANFrame(timestamp: t, bus: bus, id: id, isExtended: extended, bytes: bytes)
    }

    /// Everything a candump log can hold.
    static func all(bus: String = "can0", otherBus: String = "can1", base: Int64 = 1_700_000_000) -> [CANFrame] {
        var frames: [CANFrame] = []
        func t(_ micros: UInt32) -> CANTimestamp { CANTimestamp(seconds: base, nanoseconds: micros * 1000) }
        frames.append(classic(0x123, [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88], t: t(1), bus: bus))
        frames.append(classic(0x000, [], t: t(2), bus: bus))
        frames.append(classic(0x7FF, [0xFF], t: t(3), bus: otherBus))
        frames.append(classic(0x1234_5678, [0xDE, 0xAD], extended: true, t: t(4), bus: bus))
        frames.append(classic(0x7B, [0x01, 0x02, 0x03], extended: true, t: t(5), bus: bus))
        frames.append(CANFrame(timestamp: t(6), bus: bus, id: 0x321, kind: .remote, length: 0))
        frames.append(CANFrame(timestamp: t(7), bus: bus, id: 0x321, kind: .remote, length: 5))
        frames.append(CANFrame(timestamp: t(8), bus: bus, id: 0x1ABC_DEF0, isExtended: true, kind: .remote, length: 8))
        frames.append(CANFrame(
            timestamp: t(9), bus: bus, id: 0x456, kind: .classic, length: 8, len8DLC: 0xC,
            data: CANPayload([1, 2, 3, 4, 5, 6, 7, 8])))
        frames.append(CANFrame(
            timestamp: t(10), bus: bus, id: 0x100, kind: .fd, fdFlags: [.fdFormat, .bitRateSwitch], length: 12,
            data: CANPayload((0..<12).map { UInt8($0 * 17) })))
        frames.append(CANFrame(
            timestamp: t(11), bus: otherBus, id: 0x1FFF_FFFF, isExtended: true, kind: .fd,
            fdFlags: [.fdFormat, .errorStateIndicator], length: 64,
            data: CANPayload((0..<64).map { UInt8(255 - $0) })))
        frames.append(CANFrame(
            timestamp: t(12), bus: bus, id: 0x200, kind: .fd, fdFlags: [.fdFormat], length: 3,
            data: CANPayload([0xA, 0xB, 0xC])))
        frames.append(CANFrame(
            timestamp: t(13), bus: bus, id: CANErrorClass([.controller, .errorCounters]).rawValue, kind: .error,
            length: 8, data: CANPayload([0, 0x04, 0, 0, 0, 0, 0x60, 0x00])))
        var directed = classic(0x055, [0x55], t: t(14), bus: bus)
        directed.direction = .transmit
        frames.append(directed)
        return frames
    }
}

/// A frame with what a format cannot carry removed, for comparing round trips.
func normalized(_ frame: CANFrame, keepDirection: Bool = true, keepFDF: Bool = true, keepBus: Bool = true, keepRawDLC: Bool = true) -> CANFrame {
    var f = frame
    if !keepDirection { f.direction = nil }
    if !keepFDF { f.fdFlags.remove(.fdFormat) }
    if !keepBus { f.bus = "" }
    if !keepRawDLC { f.len8DLC = 0 }
    return f
}
