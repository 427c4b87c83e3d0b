import CANCore

/// Writes Vector ASC as can-utils `log2asc` and python-can do: a header (`date`, `base hex
/// timestamps absolute`, `internal events logged`, `Begin Triggerblock`), one line per
/// frame, `End TriggerBlock`.
///
/// - Time column: the frame's time minus the measurement start. The start is the first
///   frame's whole second when that looks like wall-clock time (≥ 10^8 s, candump and
///   pcap captures), else 0, so that ASC read back from ASC keeps its times. The `date`
///   lines show the start in UTC.
/// - Channel: a bus named by digits (`"1"`, as ASC readers produce) keeps its number;
///   other names (`can0`, `can1`) get 1, 2, ... in order of first appearance.
/// - Classic frames use the classic line, CAN FD frames the `CANFD` line (python-can's
///   column layout, flags word 0x1000 EDL | 0x2000 BRS | 0x4000 ESI). Error frames are
///   `ErrorFrame` lines, which carry no class bits or data. A classic raw DLC (9...F) is
///   written as 8, since can-utils `asc2log` drops lines with a DLC above 8.
struct ASCEncoder: FrameEncoder {
    private var started = false
    private var startSeconds: Int64 = 0
    private var channels: [String: Int] = [:]
    private var lastBus = ""
    private var lastChannel = 1

    mutating func begin(into out: inout [UInt8]) {}

    private mutating func header(for first: CANTimestamp?, into out: inout [UInt8]) {
        started = true
        if let first, first.seconds >= 100_000_000 { startSeconds = first.seconds }
        let date = Self.dateText(startSeconds)
        out.append(contentsOf: "date \(date)\n".utf8)
        out.append(contentsOf: "base hex  timestamps absolute\n".utf8)
        out.append(contentsOf: "internal events logged\n".utf8)
        out.append(contentsOf: "// version 9.0.0\n".utf8)
        out.append(contentsOf: "Begin Triggerblock \(date)\n".utf8)
        out.append(contentsOf: "   0.000000 Start of measurement\n".utf8)
    }

    mutating func end(into out: inout [UInt8]) {
        if !started { header(for: nil, into: &out) }
        out.append(contentsOf: "End TriggerBlock\n".utf8)
    }

    private mutating func channel(for bus: String) -> Int {
        if bus == lastBus { return lastChannel }
        let number: Int
        if let known = channels[bus] {
            number = known
        } else if !bus.isEmpty, bus.utf8.count <= 4, bus.utf8.allSatisfy({ $0 &- 0x30 <= 9 }), let n = Int(bus) {
            number = n
            channels[bus] = n
        } else {
            let used = Set(channels.values)
            var candidate = 1
            while used.contains(candidate) { candidate += 1 }
            number = candidate
            channels[bus] = candidate
        }
        lastBus = bus
        lastChannel = number
        return number
    }

    mutating func encode(_ frame: CANFrame, into out: inout [UInt8]) {
        if !started { header(for: frame.timestamp, into: &out) }
        let time = CANTimestamp(
            seconds: frame.timestamp.seconds &- startSeconds, nanoseconds: frame.timestamp.nanoseconds,
            fractionDigits: frame.timestamp.fractionDigits == 0 ? 6 : frame.timestamp.fractionDigits)
        // "%4d.%06d": seconds right-aligned in 4 columns.
        let integerWidth = Self.decimalWidth(time.seconds < 0 ? UInt64(-(time.seconds + 1)) : UInt64(time.seconds))
            + (time.seconds < 0 ? 1 : 0)
        Self.spaces(4 - integerWidth, into: &out)
        time.write(to: &out)
        out.append(UInt8(ascii: " "))
        let number = channel(for: frame.bus)
        let direction = frame.direction == .transmit ? "Tx" : "Rx"
        switch frame.kind {
        case .error:
            DecimalText.appendUnsigned(UInt64(number), to: &out)
            out.append(contentsOf: "  ErrorFrame\n".utf8)
        case .classic, .remote:
            DecimalText.appendUnsigned(UInt64(number), to: &out)
            out.append(contentsOf: "  ".utf8)
            appendID(frame, to: &out)
            Self.spaces(15 - idWidth(frame), into: &out)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: direction.utf8)
            out.append(contentsOf: "   ".utf8)
            out.append(frame.kind == .remote ? UInt8(ascii: "r") : UInt8(ascii: "d"))
            out.append(UInt8(ascii: " "))
            // The length, not a raw DLC 9...F: can-utils asc2log drops lines with `d C`.
            CandumpLogFormatter.appendHex(UInt32(min(frame.length, 8)), digits: 1, to: &out)
            if frame.kind == .classic { appendData(frame, to: &out) }
            out.append(UInt8(ascii: "\n"))
        case .fd:
            out.append(contentsOf: "CANFD ".utf8)
            Self.spaces(3 - Self.decimalWidth(UInt64(number)), into: &out)
            DecimalText.appendUnsigned(UInt64(number), to: &out)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: direction.utf8)
            out.append(contentsOf: "   ".utf8)
            Self.spaces(8 - idWidth(frame), into: &out)
            appendID(frame, to: &out)
            out.append(contentsOf: "  ".utf8)
            Self.spaces(32, into: &out)  // no symbolic name
            let brs = frame.fdFlags.contains(.bitRateSwitch)
            let esi = frame.fdFlags.contains(.errorStateIndicator)
            out.append(contentsOf: (brs ? " 1" : " 0").utf8)
            out.append(contentsOf: (esi ? " 1 " : " 0 ").utf8)
            CandumpLogFormatter.appendHex(UInt32(frame.dlc), digits: 1, to: &out)
            out.append(UInt8(ascii: " "))
            Self.spaces(2 - Self.decimalWidth(UInt64(frame.length)), into: &out)
            DecimalText.appendUnsigned(UInt64(frame.length), to: &out)
            appendData(frame, to: &out)
            var flags: UInt32 = 0x1000
            if brs { flags |= 0x2000 }
            if esi { flags |= 0x4000 }
            out.append(contentsOf: "        0    0 ".utf8)
            Self.spaces(4, into: &out)
            CandumpLogFormatter.appendHex(flags, digits: 4, to: &out)
            out.append(contentsOf: "        0        0        0        0        0\n".utf8)
        }
    }

    /// Hex digits of the id without leading zeros.
    private func idDigits(_ frame: CANFrame) -> (id: UInt32, digits: Int) {
        let id = frame.id & (frame.isExtended ? SocketCANID.extendedMask : SocketCANID.standardMask)
        var digits = 1
        while digits < 8 && id >> UInt32(digits * 4) != 0 { digits += 1 }
        return (id, digits)
    }

    /// The width `appendID` writes.
    private func idWidth(_ frame: CANFrame) -> Int { idDigits(frame).digits + (frame.isExtended ? 1 : 0) }

    /// `123`, `12345678x`.
    private func appendID(_ frame: CANFrame, to out: inout [UInt8]) {
        let (id, digits) = idDigits(frame)
        CandumpLogFormatter.appendHex(id, digits: digits, to: &out)
        if frame.isExtended { out.append(UInt8(ascii: "x")) }
    }

    private static func decimalWidth(_ value: UInt64) -> Int {
        var width = 1
        var rest = value / 10
        while rest > 0 { width += 1; rest /= 10 }
        return width
    }

    private static func spaces(_ count: Int, into out: inout [UInt8]) {
        var left = count
        while left > 0 { out.append(UInt8(ascii: " ")); left -= 1 }
    }

    private func appendData(_ frame: CANFrame, to out: inout [UInt8]) {
        frame.data.withUnsafeBytes { raw in
            for i in 0..<Int(frame.length) {
                out.append(UInt8(ascii: " "))
                CandumpLogFormatter.appendHexByte(raw[i], to: &out)
            }
        }
    }

    /// `Tue Nov 14 22:13:20.000 2023` (UTC) for seconds since the epoch.
    static func dateText(_ epochSeconds: Int64) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondOfDay = epochSeconds - days * 86_400
        let (year, month, day) = CivilDate.date(days: days)
        let weekday = Int((days % 7 + 7 + 4) % 7)  // 1970-01-01 was a Thursday
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let clock = "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)).000"
        return "\(weekdays[weekday]) \(months[month - 1]) \(two(Int64(day))) \(clock) \(year)"
    }
}
