import CANCore

/// Parses Vector ASC logs as Vector tools, python-can and can-utils `log2asc` write them:
///
///     date Tue Nov 14 22:13:20.000 2023
///     base hex  timestamps absolute                     ("base dec": ids and data in decimal)
///     internal events logged
///     Begin Triggerblock Tue Nov 14 22:13:20.000 2023
///        0.000000 Start of measurement
///        0.012345 1  123             Rx   d 8 11 22 33 44 55 66 77 88
///        0.012346 1  12345678x       Tx   d 2 11 22          (x: extended id)
///        0.012347 1  123             Rx   r 5                 (remote; the length is optional)
///        0.012348 1  ErrorFrame
///        0.012349 CANFD   1 Rx        123   1 0 9 12 11 22 ... 130000  130     3000 0 0 0 0 0
///     End TriggerBlock
///
/// CAN FD lines: channel, direction, id, an optional symbolic name, BRS, ESI, DLC (hex),
/// data length (decimal), the data, then duration, bit count and the flags word
/// (0x1000 EDL = CAN FD, 0x0010 remote), which decides the kind when present.
///
/// Counted, never dropped silently: a line that starts with neither a time nor a known
/// header word, an identifier past 29 bits, a CAN FD length no DLC gives (malformed); a
/// `Begin Triggerblock` never ended (the log was cut: one malformed record at the end). A
/// `CANFD` line whose flags lack EDL but that carries more than 8 bytes is read as CAN FD,
/// as python-can does, and counted as bent.
///
/// `bus` is the channel as written (`"1"`); `t` is the time column as written, relative to
/// the measurement start. Lines that are no CAN frame (headers, statistics, comments,
/// events of other buses) are counted as non-frame lines.
struct ASCGrammar: LineGrammar {
    static var formatName: String { "Vector ASC" }
    private var decimal = false
    private var busNames = BusNameCache()
    private var triggerblockOpen = false
    /// Set by `parseFD` when it reads a line that bends the format.
    private var bentReason: StaticString?

    func faultAtEnd() -> StaticString? {
        triggerblockOpen ? "the log ends inside a Triggerblock (no 'End TriggerBlock'): cut short?" : nil
    }

    /// Header and comment lines: they start with one of these words (any case).
    private mutating func header(_ cursor: ByteCursor) -> LineOutcome? {
        if cursor.startsWith(caseInsensitive: "begin triggerblock") { triggerblockOpen = true; return .nonFrame }
        if cursor.startsWith(caseInsensitive: "end triggerblock") { triggerblockOpen = false; return .nonFrame }
        if cursor.startsWith(caseInsensitive: "date ") || cursor.startsWith(caseInsensitive: "//")
            || cursor.startsWith(caseInsensitive: "internal events logged")
            || cursor.startsWith(caseInsensitive: "no internal events logged")
            || cursor.startsWith(caseInsensitive: "base ")
        {
            return .nonFrame
        }
        return nil
    }

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into out: inout CANFrame) -> LineOutcome {
        var cursor = ByteCursor(line)
        cursor.skipBlanks()
        if cursor.atEnd { return .nonFrame }
        let first = cursor.peek
        guard first &- 0x30 <= 9 || first == UInt8(ascii: "-") else {
            if cursor.startsWith(caseInsensitive: "base ") {
                cursor.advance(5)
                cursor.skipBlanks()
                if cursor.startsWith(caseInsensitive: "dec") { decimal = true }
                else if cursor.startsWith(caseInsensitive: "hex") { decimal = false }
                else { return .malformed(LineFault(offset: cursor.index, expected: "'hex' or 'dec' after 'base'")) }
                return .nonFrame
            }
            if let outcome = header(cursor) { return outcome }
            return .malformed(LineFault(offset: cursor.index, expected: "a time 'seconds.fraction' or a header line"))
        }
        guard let time = cursor.decimalTime(), cursor.skipBlanks() > 0 else {
            return .malformed(LineFault(offset: cursor.index, expected: "a time 'seconds.fraction' and a space"))
        }
        if cursor.startsWith(caseInsensitive: "CANFD ") {
            cursor.advance(6)
            return finish(parseFD(&cursor), time: time, into: &out)
        }
        let channelRange = cursor.word()
        guard !channelRange.isEmpty, line[channelRange].allSatisfy({ $0 &- 0x30 <= 9 }) else {
            let word = UnsafeBufferPointer(rebasing: line[channelRange])
            if ByteCursor(word).startsWith(caseInsensitive: "Start") { return .nonFrame }  // Start of measurement
            return .skipped("an event that is not a CAN frame")  // J1939, LIN, ...
        }
        cursor.skipBlanks()
        let busName = busNames.name(for: UnsafeBufferPointer(rebasing: line[channelRange]))
        if cursor.startsWith(caseInsensitive: "ErrorFrame") {
            var frame = CANFrame(id: 0, kind: .error, length: 0)
            frame.timestamp = time
            frame.bus = busName
            out = frame; return .frame
        }
        guard let (identifier, isExtended) = parseID(&cursor) else {
            if looksLikeFrame(cursor) {
                return .malformed(LineFault(offset: cursor.index, expected: "an identifier up to 7FF, or 1FFFFFFF with 'x'"))
            }
            return .skipped("a channel event that is not a CAN frame")  // Statistic:, Chip status, ...
        }
        guard cursor.skipBlanks() > 0, let direction = parseDirection(&cursor), cursor.skipBlanks() > 0 else {
            return .malformed(LineFault(offset: cursor.index, expected: "'Rx' or 'Tx' after the identifier"))
        }
        let type = cursor.peek | 0x20
        cursor.advance()
        var frame: CANFrame
        var bent: StaticString?
        switch type {
        case UInt8(ascii: "r"):
            cursor.skipBlanks()
            var length = 0
            var rawDLC: UInt8 = 0
            if let dlc = number(&cursor, hex: !decimal, maxDigits: 2), dlc <= 15 {
                length = CANDLC.classicLength(forDLC: UInt8(dlc))
                if dlc > 8 { rawDLC = UInt8(dlc) }
            }
            frame = CANFrame(id: identifier, isExtended: isExtended, kind: .remote, length: length, len8DLC: rawDLC)
        case UInt8(ascii: "d"):
            cursor.skipBlanks()
            guard var dlc = number(&cursor, hex: !decimal, maxDigits: 2) else {
                return .malformed(LineFault(offset: cursor.index, expected: "a DLC 0...F after 'd'"))
            }
            if dlc > 15 {
                // `d 40` (python-can's test data): read as python-can does, 8 bytes.
                bent = "a classic frame with a DLC above F; 8 data bytes read"
                dlc = 8
            }
            let length = CANDLC.classicLength(forDLC: UInt8(dlc))
            var payload = CANPayload()
            for i in 0..<length {
                guard cursor.skipBlanks() > 0, let byte = number(&cursor, hex: !decimal, maxDigits: 3), byte <= 255 else {
                    return .malformed(LineFault(offset: cursor.index, expected: "a data byte"))
                }
                payload[i] = UInt8(byte)
            }
            frame = CANFrame(
                id: identifier, isExtended: isExtended, length: length, len8DLC: dlc > 8 ? UInt8(dlc) : 0, data: payload)
        default:
            return .malformed(LineFault(offset: cursor.index - 1, expected: "'d' (data) or 'r' (remote)"))
        }
        // Whatever follows (Length = ..., BitCount = ..., ID = ...) is informational.
        frame.timestamp = time
        frame.bus = busName
        frame.direction = direction
        if let bent { out = frame; return .bent(bent) }
        out = frame; return .frame
    }

    private mutating func finish(_ result: Result<CANFrame, LineFault>, time: CANTimestamp, into out: inout CANFrame) -> LineOutcome {
        switch result {
        case .success(var frame):
            frame.timestamp = time
            if let how = bentReason {
                bentReason = nil
                out = frame; return .bent(how)
            }
            out = frame; return .frame
        case .failure(let fault):
            return .malformed(fault)
        }
    }

    private mutating func parseFD(_ cursor: inout ByteCursor) -> Result<CANFrame, LineFault> {
        cursor.skipBlanks()
        let channelRange = cursor.word()
        guard !channelRange.isEmpty, cursor.line[channelRange].allSatisfy({ $0 &- 0x30 <= 9 }) else {
            return .failure(LineFault(offset: channelRange.lowerBound, expected: "a channel number"))
        }
        let busName = busNames.name(for: UnsafeBufferPointer(rebasing: cursor.line[channelRange]))
        cursor.skipBlanks()
        guard let direction = parseDirection(&cursor), cursor.skipBlanks() > 0 else {
            return .failure(LineFault(offset: cursor.index, expected: "'Rx' or 'Tx'"))
        }
        if cursor.startsWith(caseInsensitive: "ErrorFrame") {
            var frame = CANFrame(id: 0, kind: .error, length: 0)
            frame.bus = busName
            return .success(frame)
        }
        guard let (identifier, isExtended) = parseID(&cursor), cursor.skipBlanks() > 0 else {
            return .failure(LineFault(offset: cursor.index, expected: "a CAN identifier"))
        }
        // An optional symbolic name precedes the BRS column; BRS is a lone 0 or 1.
        if !((cursor.peek == UInt8(ascii: "0") || cursor.peek == UInt8(ascii: "1"))
            && (cursor.peek(at: 1) == 0x20 || cursor.peek(at: 1) == 0x09))
        {
            _ = cursor.word()
            cursor.skipBlanks()
        }
        guard let brs = number(&cursor, hex: false, maxDigits: 1), brs <= 1, cursor.skipBlanks() > 0,
            let esi = number(&cursor, hex: false, maxDigits: 1), esi <= 1, cursor.skipBlanks() > 0
        else {
            return .failure(LineFault(offset: cursor.index, expected: "BRS and ESI columns (0 or 1)"))
        }
        guard let dlc = number(&cursor, hex: true, maxDigits: 1), cursor.skipBlanks() > 0 else {
            return .failure(LineFault(offset: cursor.index, expected: "a hex DLC"))
        }
        let lengthAt = cursor.index
        guard let length = number(&cursor, hex: false, maxDigits: 2), CANDLC.isValidFDLength(Int(length)) else {
            return .failure(LineFault(offset: lengthAt, expected: "a data length 0...8, 12, 16, 20, 24, 32, 48 or 64"))
        }
        var payload = CANPayload()
        for i in 0..<Int(length) {
            guard cursor.skipBlanks() > 0, let byte = number(&cursor, hex: !decimal, maxDigits: 3), byte <= 255 else {
                return .failure(LineFault(offset: cursor.index, expected: "a data byte"))
            }
            payload[i] = UInt8(byte)
        }
        // Trailing columns: duration, bit count, flags (hex), crc, bit timings.
        var columns: (UInt32?, UInt32?, UInt32?) = (nil, nil, nil)
        cursor.skipBlanks()
        columns.0 = number(&cursor, hex: false, maxDigits: 10)
        cursor.skipBlanks()
        columns.1 = number(&cursor, hex: false, maxDigits: 10)
        cursor.skipBlanks()
        columns.2 = number(&cursor, hex: true, maxDigits: 8)
        var fdFlags: CANFrame.FDFlags = []
        if brs == 1 { fdFlags.insert(.bitRateSwitch) }
        if esi == 1 { fdFlags.insert(.errorStateIndicator) }
        var frame: CANFrame
        let flagsWord = columns.2
        let isRemote = flagsWord.map { $0 & 0x10 != 0 } ?? false
        let isFD = flagsWord.map { $0 & 0x1000 != 0 } ?? true
        if isRemote {
            frame = CANFrame(
                id: identifier, isExtended: isExtended, kind: .remote,
                length: CANDLC.classicLength(forDLC: UInt8(dlc)), len8DLC: dlc > 8 ? UInt8(dlc) : 0)
        } else if isFD {
            frame = CANFrame(id: identifier, isExtended: isExtended, kind: .fd, fdFlags: fdFlags, length: Int(length), data: payload)
        } else if length > 8 {
            bentReason = "a CANFD line without the EDL flag but with more than 8 bytes; read as CAN FD"
            frame = CANFrame(id: identifier, isExtended: isExtended, kind: .fd, fdFlags: fdFlags, length: Int(length), data: payload)
        } else {
            frame = CANFrame(
                id: identifier, isExtended: isExtended, length: Int(length),
                len8DLC: dlc > 8 && length == 8 ? UInt8(dlc) : 0, data: payload)
        }
        frame.bus = busName
        frame.direction = direction
        return .success(frame)
    }

    /// Whether the cursor is at `<hex digits>[x] Rx|Tx`: a frame line whose id did not parse.
    private func looksLikeFrame(_ cursor: ByteCursor) -> Bool {
        var probe = cursor
        let range = probe.word()
        let token = probe.line[range]
        guard !token.isEmpty else { return false }
        let digits = token.last.map { $0 | 0x20 == UInt8(ascii: "x") } == true ? token.dropLast() : token[...]
        guard !digits.isEmpty, digits.allSatisfy({ hexValue($0) <= 15 }) else { return false }
        probe.skipBlanks()
        return probe.startsWith(caseInsensitive: "Rx") || probe.startsWith(caseInsensitive: "Tx")
    }

    /// `123`, `12345678x` (hex), or decimal digits with `base dec`.
    private func parseID(_ cursor: inout ByteCursor) -> (UInt32, Bool)? {
        let start = cursor.index
        guard let value = number(&cursor, hex: !decimal, maxDigits: decimal ? 10 : 8) else { return nil }
        var isExtended = false
        if cursor.peek | 0x20 == UInt8(ascii: "x") {
            isExtended = true
            cursor.advance()
        }
        let next = cursor.peek
        guard next == 0x20 || next == 0x09 || next == 0 else {
            cursor.index = start
            return nil
        }
        let limit = isExtended ? CANFrame.maxExtendedID : CANFrame.maxStandardID
        guard value <= limit else {
            // An id above 7FF without 'x' is extended in practice (some writers omit the x).
            if !isExtended && value <= CANFrame.maxExtendedID { return (value, true) }
            cursor.index = start
            return nil
        }
        return (value, isExtended)
    }

    private func parseDirection(_ cursor: inout ByteCursor) -> CANFrame.Direction? {
        if cursor.startsWith(caseInsensitive: "Rx") { cursor.advance(2); return .receive }
        if cursor.startsWith(caseInsensitive: "Tx") { cursor.advance(2); return .transmit }
        return nil
    }

    private func number(_ cursor: inout ByteCursor, hex: Bool, maxDigits: Int) -> UInt32? {
        if hex { return cursor.hexNumber(maxDigits: maxDigits)?.value }
        var value: UInt32 = 0
        var digits = 0
        while digits < maxDigits {
            let d = cursor.peek &- 0x30
            if d > 9 { break }
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = product &+ UInt32(d)
            digits += 1
            cursor.advance()
        }
        return digits == 0 ? nil : value
    }
}
