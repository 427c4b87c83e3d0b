import CANCore

/// Parses what `candump` prints for people (not `-l`/`-L`):
///
///       can0  123   [8]  11 22 33 44 55 66 77 88             classic
///       can0  12345678   [2]  11 22                          extended (8 digits)
///       can0  123  [03]  11 22 33                            CAN FD: two-digit length
///       can0  123   {B}  11 22 33 44 55 66 77 88             raw DLC (candump -8)
///       can0  123   [5]  remote request                      remote
///       can0  20000004   [8]  00 04 00 00 00 00 00 00   ERRORFRAME
///     	controller-problem{rx-error-warning}                   detail line (candump -e), skipped
///      (1700000000.000001)  can0  123   [1]  11               with -ta
///       can0  RX B -  123  [03]  11 22 33                    with -x: direction, BRS, ESI
///       can0  123   [2]  41 42                     'AB'       with -a: ASCII column, ignored
///
/// Lines without a timestamp get t = 0 (6 fractional digits).
struct CandumpASCIIGrammar: LineGrammar {
    static var formatName: String { "candump ASCII" }
    private var busNames = BusNameCache()

    /// `candump -tA`: `2023-11-14 22:13:20.000001`, read as UTC (candump prints local time;
    /// the machines candor runs on keep UTC).
    static func dateTime(_ cursor: inout ByteCursor) -> CANTimestamp? {
        func field(_ cursor: inout ByteCursor, digits: Int, then separator: UInt8?) -> Int64? {
            let start = cursor.index
            guard let number = cursor.decimalNumber(), cursor.index - start == digits else { return nil }
            if let separator, !cursor.take(separator) { return nil }
            return Int64(number.value)
        }
        guard let year = field(&cursor, digits: 4, then: UInt8(ascii: "-")),
            let month = field(&cursor, digits: 2, then: UInt8(ascii: "-")),
            let day = field(&cursor, digits: 2, then: UInt8(ascii: " ")),
            let hour = field(&cursor, digits: 2, then: UInt8(ascii: ":")),
            let minute = field(&cursor, digits: 2, then: UInt8(ascii: ":")),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            let seconds = cursor.decimalTime(), seconds.seconds < 61
        else { return nil }
        // Years outside 1685...2255 are past what a nanosecond count holds in 64 bits.
        let days = CivilDate.days(year: year, month: Int(month), day: Int(day))
        let total = days * 86_400 + hour * 3600 + minute * 60 + seconds.seconds
        guard total.magnitude <= ByteCursor.maxSeconds else { return nil }
        return CANTimestamp(seconds: total, nanoseconds: seconds.nanoseconds, fractionDigits: seconds.fractionDigits)
    }

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into out: inout CANFrame) -> LineOutcome {
        var cursor = ByteCursor(line)
        if cursor.peek == 0x09 { return .nonFrame }  // error-frame detail line
        cursor.skipBlanks()
        if cursor.atEnd { return .nonFrame }
        var timestamp = CANTimestamp.zero
        if cursor.take(UInt8(ascii: "(")) {
            let stamp = cursor.peek(at: 4) == UInt8(ascii: "-") ? Self.dateTime(&cursor) : cursor.decimalTime()
            guard let stamp, cursor.take(UInt8(ascii: ")")) else {
                return .malformed(LineFault(
                    offset: cursor.index, expected: "a timestamp '(seconds.fraction)' or '(YYYY-MM-DD hh:mm:ss.fraction)' between the years 1685 and 2255"))
            }
            timestamp = stamp
            cursor.skipBlanks()
        }
        let nameRange = cursor.word()
        guard !nameRange.isEmpty, cursor.skipBlanks() > 0 else {
            return .malformed(LineFault(offset: cursor.index, expected: "an interface name and a space"))
        }
        var direction: CANFrame.Direction?
        var flags: CANFrame.FDFlags = []
        if cursor.startsWith(caseInsensitive: "RX ") || cursor.startsWith(caseInsensitive: "TX ") {
            direction = cursor.peek | 0x20 == UInt8(ascii: "r") ? .receive : .transmit
            cursor.advance(2)
            cursor.skipBlanks()
            // BRS and ESI columns: "B"/"-" and "E"/"-".
            for _ in 0..<2 {
                switch cursor.peek {
                case UInt8(ascii: "B"): flags.insert(.bitRateSwitch)
                case UInt8(ascii: "E"): flags.insert(.errorStateIndicator)
                case UInt8(ascii: "-"): break
                default: return .malformed(LineFault(offset: cursor.index, expected: "'B', 'E' or '-' after RX/TX"))
                }
                cursor.advance()
                guard cursor.skipBlanks() > 0 else {
                    return .malformed(LineFault(offset: cursor.index, expected: "a space"))
                }
            }
        }
        let idStart = cursor.index
        guard let id = cursor.hexNumber(maxDigits: 8), cursor.skipBlanks() > 0 else {
            return .malformed(LineFault(offset: cursor.index, expected: "a hex CAN identifier and a space"))
        }
        var identifier = id.value
        var isExtended = false
        var isError = false
        switch id.digits {
        case 3:
            guard identifier <= CANFrame.maxStandardID else {
                return .malformed(LineFault(offset: idStart, expected: "a standard identifier up to 7FF"))
            }
        case 8:
            if identifier & SocketCANID.errorFlag != 0 {
                isError = true
                identifier &= SocketCANID.errorMask
            } else {
                isExtended = true
                guard identifier <= CANFrame.maxExtendedID else {
                    return .malformed(LineFault(offset: idStart, expected: "an extended identifier up to 1FFFFFFF"))
                }
            }
        default:
            return .malformed(LineFault(offset: idStart, expected: "3 (standard) or 8 (extended) hex digits"))
        }
        // "[8]" classic, "[08]" CAN FD, "{B}" classic raw DLC.
        let open = cursor.peek
        guard open == UInt8(ascii: "[") || open == UInt8(ascii: "{") else {
            return .malformed(LineFault(offset: cursor.index, expected: "'[length]' or '{dlc}'"))
        }
        cursor.advance()
        let lengthStart = cursor.index
        var isFD = false
        var length = 0
        var rawDLC: UInt8 = 0
        if open == UInt8(ascii: "{") {
            let dlc = hexValue(cursor.peek)
            guard dlc <= 15, cursor.peek(at: 1) == UInt8(ascii: "}") else {
                return .malformed(LineFault(offset: lengthStart, expected: "one hex DLC digit and '}'"))
            }
            cursor.advance(2)
            length = CANDLC.classicLength(forDLC: dlc)
            if dlc > 8 { rawDLC = dlc }
        } else {
            guard let number = cursor.decimalNumber(), number.digits <= 2, cursor.take(UInt8(ascii: "]")) else {
                return .malformed(LineFault(offset: lengthStart, expected: "a decimal length and ']'"))
            }
            isFD = number.digits == 2
            length = Int(number.value)
            guard length <= (isFD ? CANDLC.maxFDLength : CANDLC.maxClassicLength) else {
                return .malformed(LineFault(offset: lengthStart, expected: "a length up to 8 (classic) or 64 (CAN FD)"))
            }
            guard !isFD || CANDLC.isValidFDLength(length) else {
                return .malformed(LineFault(offset: lengthStart, expected: "a CAN FD length 0...8, 12, 16, 20, 24, 32, 48 or 64"))
            }
        }
        cursor.skipBlanks()
        var frame: CANFrame
        var bent: StaticString?
        if cursor.startsWith(caseInsensitive: "remote request") {
            guard !isFD, !isError else {
                return .malformed(LineFault(offset: cursor.index, expected: "data (only classic frames are remote)"))
            }
            cursor.advance(14)
            frame = CANFrame(id: identifier, isExtended: isExtended, kind: .remote, length: length, len8DLC: rawDLC)
        } else {
            var payload = CANPayload()
            for i in 0..<length {
                if i > 0 && cursor.atEnd && !isFD {
                    // Fewer bytes than the length says (a line cut in cantools' test data):
                    // read what is there, as cantools does, and count the line as bent.
                    length = i
                    bent = "fewer data bytes than the [length] says; the bytes present read"
                    break
                }
                let high = hexValue(cursor.peek), low = hexValue(cursor.peek(at: 1))
                guard high <= 15, low <= 15 else {
                    return .malformed(LineFault(offset: cursor.index, expected: "a hex data byte"))
                }
                payload[i] = high << 4 | low
                cursor.advance(2)
                if i + 1 < length && cursor.skipBlanks() == 0 && !cursor.atEnd {
                    return .malformed(LineFault(offset: cursor.index, expected: "a space between data bytes"))
                }
            }
            cursor.skipBlanks()
            if cursor.startsWith(caseInsensitive: "ERRORFRAME") {
                guard isError else {
                    return .malformed(LineFault(offset: cursor.index, expected: "an error-frame id (20000000 set) before ERRORFRAME"))
                }
                cursor.advance(10)
            } else if cursor.peek == UInt8(ascii: "'") || cursor.peek == UInt8(ascii: "`") {
                cursor.index = line.count  // the -a ASCII column
            }
            cursor.skipBlanks()
            guard cursor.atEnd else {
                return .malformed(LineFault(offset: cursor.index, expected: "the end of the line"))
            }
            let kind: CANFrame.Kind = isError ? .error : (isFD ? .fd : .classic)
            frame = CANFrame(
                id: identifier, isExtended: isExtended, kind: kind, fdFlags: isFD ? flags : [],
                length: length, len8DLC: rawDLC, data: payload)
        }
        cursor.skipBlanks()
        guard cursor.atEnd else {
            return .malformed(LineFault(offset: cursor.index, expected: "the end of the line"))
        }
        frame.timestamp = timestamp
        frame.direction = direction
        frame.bus = busNames.name(for: UnsafeBufferPointer(rebasing: line[nameRange]))
        if let bent { out = frame; return .bent(bent) }
        out = frame; return .frame
    }
}
