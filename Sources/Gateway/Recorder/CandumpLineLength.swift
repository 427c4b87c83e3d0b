import CANCore

/// The byte length of a frame's candump log line as CaptureWriter writes it, so the recorder
/// can rotate before a file passes its size limit without reading the file back.
/// `scratch` is reused between calls (no allocation per frame once it has grown).
enum CandumpLineLength {
    static func of(_ frame: CANFrame, scratch: inout [UInt8]) -> Int {
        var stamp = frame.timestamp
        if stamp.fractionDigits == 0 { stamp.fractionDigits = 6 }
        scratch.removeAll(keepingCapacity: true)
        stamp.write(to: &scratch)
        var count = 2 + scratch.count  // "(" time ")"
        if stamp.seconds >= 0 && stamp.seconds < 1_000_000_000 {
            var digits = 0
            var s = stamp.seconds
            repeat { digits += 1; s /= 10 } while s > 0
            count += 10 - digits  // candump pads whole seconds to 10 digits
        }
        count += 1 + (frame.bus.isEmpty ? 4 : frame.bus.utf8.count) + 1
        let length = Int(frame.length)
        switch frame.kind {
        case .error:
            count += 8 + 1 + 2 * length
        case .remote:
            count += (frame.isExtended ? 8 : 3) + 2
            if length > 0 {
                count += 1
                if length == 8 && frame.len8DLC > 8 { count += 2 }
            }
        case .fd:
            count += (frame.isExtended ? 8 : 3) + 1 + 2 + 2 * length
        case .classic:
            count += (frame.isExtended ? 8 : 3) + 1 + 2 * length
            if length == 8 && frame.len8DLC > 8 { count += 2 }
        }
        if frame.direction != nil { count += 2 }
        return count + 1  // "\n"
    }
}
