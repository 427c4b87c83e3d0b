import CANCore

/// Writes frames the way `candump` prints them (with `-ta` when the frame has a non-zero
/// time, `-x` columns when it has a direction, `-8` `{dlc}` for a raw DLC); error frames
/// as `ERRORFRAME` lines without the detail lines. SFF ids are indented once an EFF id
/// has been written, as candump does; interface names are right-aligned to the longest
/// name written so far.
struct CandumpASCIIEncoder: FrameEncoder {
    private var indentStandard = false
    private var nameWidth = 0

    mutating func begin(into out: inout [UInt8]) {}
    mutating func end(into out: inout [UInt8]) {}

    mutating func encode(_ frame: CANFrame, into out: inout [UInt8]) {
        out.append(UInt8(ascii: " "))
        if frame.timestamp != .zero {
            out.append(UInt8(ascii: "("))
            CandumpLogFormatter.appendTimestamp(frame.timestamp, to: &out)
            out.append(contentsOf: ") ".utf8)
        }
        out.append(UInt8(ascii: " "))
        let name = frame.bus.isEmpty ? "can0" : frame.bus
        let nameLength = name.utf8.count
        nameWidth = max(nameWidth, nameLength)
        for _ in nameLength..<nameWidth { out.append(UInt8(ascii: " ")) }
        out.append(contentsOf: name.utf8)
        if let direction = frame.direction {
            out.append(contentsOf: (direction == .receive ? "  RX " : "  TX ").utf8)
            let fd = frame.kind == .fd
            out.append(fd && frame.fdFlags.contains(.bitRateSwitch) ? UInt8(ascii: "B") : UInt8(ascii: "-"))
            out.append(UInt8(ascii: " "))
            out.append(fd && frame.fdFlags.contains(.errorStateIndicator) ? UInt8(ascii: "E") : UInt8(ascii: "-"))
        }
        out.append(contentsOf: "  ".utf8)
        if frame.isExtended { indentStandard = true }
        switch frame.kind {
        case .error:
            CandumpLogFormatter.appendHex(SocketCANID.errorFlag | frame.id & SocketCANID.errorMask, digits: 8, to: &out)
        default:
            if frame.isExtended {
                CandumpLogFormatter.appendHex(frame.id & SocketCANID.extendedMask, digits: 8, to: &out)
            } else {
                if indentStandard { out.append(contentsOf: "     ".utf8) }
                CandumpLogFormatter.appendHex(frame.id & SocketCANID.standardMask, digits: 3, to: &out)
            }
        }
        out.append(contentsOf: "  ".utf8)
        let length = Int(frame.length)
        if frame.kind == .fd {
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "0") + UInt8(length / 10))
            out.append(UInt8(ascii: "0") + UInt8(length % 10))
            out.append(UInt8(ascii: "]"))
        } else if frame.len8DLC > 8 && length == 8 {
            out.append(contentsOf: " {".utf8)
            CandumpLogFormatter.appendHex(UInt32(frame.len8DLC), digits: 1, to: &out)
            out.append(UInt8(ascii: "}"))
        } else {
            out.append(contentsOf: " [".utf8)
            out.append(UInt8(ascii: "0") + UInt8(length))
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: " "))
        if frame.kind == .remote {
            out.append(contentsOf: " remote request\n".utf8)
            return
        }
        frame.data.withUnsafeBytes { raw in
            for i in 0..<length {
                out.append(UInt8(ascii: " "))
                CandumpLogFormatter.appendHexByte(raw[i], to: &out)
            }
        }
        if frame.kind == .error && length <= 8 {
            let width = 3 * (8 - length) + 13
            for _ in 0..<(width - 10) { out.append(UInt8(ascii: " ")) }
            out.append(contentsOf: "ERRORFRAME".utf8)
        }
        out.append(UInt8(ascii: "\n"))
    }
}
