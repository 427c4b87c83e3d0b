import CANCore

/// Writes frames as canonical candump log lines, as `candump -L` prints them:
/// upper-case hex, 3-digit standard and 8-digit extended ids, `##` and the FD flags nibble
/// as stored, `_<rawdlc>` for a classic raw DLC, ` R`/` T` when the direction is known, and
/// the timestamp with its own number of fractional digits (6 when it has none), seconds
/// zero-padded to 10 digits like `candump -ta`. The capture writer's candump log, the
/// recorder's files and `candor-probe`'s live text are all written by `appendLine`.
public enum CandumpLogFormatter {
    static let hexDigits: StaticString = "0123456789ABCDEF"

    @inline(__always)
    static func appendHex(_ value: UInt32, digits: Int, to out: inout [UInt8]) {
        var shift = (digits - 1) * 4
        let table = hexDigits.utf8Start
        while shift >= 0 {
            out.append(table[Int((value >> UInt32(shift)) & 0xF)])
            shift -= 4
        }
    }

    @inline(__always)
    static func appendHexByte(_ byte: UInt8, to out: inout [UInt8]) {
        let table = hexDigits.utf8Start
        out.append(table[Int(byte >> 4)])
        out.append(table[Int(byte & 0xF)])
    }

    /// The timestamp as candump writes it: at least 10 integer digits.
    static func appendTimestamp(_ timestamp: CANTimestamp, to out: inout [UInt8]) {
        var stamp = timestamp
        if stamp.fractionDigits == 0 { stamp.fractionDigits = 6 }
        if stamp.seconds >= 0 && stamp.seconds < 1_000_000_000 {
            var padding = 10
            var s = stamp.seconds
            repeat { padding -= 1; s /= 10 } while s > 0
            for _ in 0..<padding { out.append(UInt8(ascii: "0")) }
        }
        stamp.write(to: &out)
    }

    /// The frame token alone: `123#11223344`, `12345678#R`, `123##5AABB`, `20000004#...`.
    static func appendFrameToken(_ frame: CANFrame, to out: inout [UInt8]) {
        switch frame.kind {
        case .error:
            appendHex(SocketCANID.errorFlag | (frame.id & SocketCANID.errorMask), digits: 8, to: &out)
        default:
            if frame.isExtended {
                appendHex(frame.id & SocketCANID.extendedMask, digits: 8, to: &out)
            } else {
                appendHex(frame.id & SocketCANID.standardMask, digits: 3, to: &out)
            }
        }
        out.append(UInt8(ascii: "#"))
        switch frame.kind {
        case .remote:
            out.append(UInt8(ascii: "R"))
            if frame.length > 0 {
                appendHex(UInt32(frame.length), digits: 1, to: &out)
                if frame.length == 8 && frame.len8DLC > 8 {
                    out.append(UInt8(ascii: "_"))
                    appendHex(UInt32(frame.len8DLC), digits: 1, to: &out)
                }
            }
        case .fd:
            out.append(UInt8(ascii: "#"))
            appendHex(UInt32(frame.fdFlags.rawValue & 0xF), digits: 1, to: &out)
            appendData(frame, to: &out)
        case .classic, .error:
            appendData(frame, to: &out)
            if frame.kind == .classic && frame.length == 8 && frame.len8DLC > 8 {
                out.append(UInt8(ascii: "_"))
                appendHex(UInt32(frame.len8DLC), digits: 1, to: &out)
            }
        }
    }

    @inline(__always)
    private static func appendData(_ frame: CANFrame, to out: inout [UInt8]) {
        let count = Int(frame.length)
        frame.data.withUnsafeBytes { raw in
            for i in 0..<count { appendHexByte(raw[i], to: &out) }
        }
    }

    /// One whole line, with its newline, appended to `out` (nothing else is allocated).
    public static func appendLine(_ frame: CANFrame, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "("))
        appendTimestamp(frame.timestamp, to: &out)
        out.append(UInt8(ascii: ")"))
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: frame.bus.isEmpty ? "can0".utf8 : frame.bus.utf8)
        out.append(UInt8(ascii: " "))
        appendFrameToken(frame, to: &out)
        switch frame.direction {
        case .receive?: out.append(contentsOf: " R".utf8)
        case .transmit?: out.append(contentsOf: " T".utf8)
        case nil: break
        }
        out.append(UInt8(ascii: "\n"))
    }
}
