import CANCore

/// Parses candump log lines (`candump -l`, `candump -L`) in place:
///
///     (1700000000.000001) can0 123#1122334455667788        classic, 3-digit id = 11 bit
///     (1700000000.000002) can0 12345678#R                  remote, 8-digit id = 29 bit
///     (1700000000.000003) can0 123#R8_9                    remote, length 8, raw DLC 9
///     (1700000000.000004) can0 123#1122334455667788_C      classic, raw DLC 12
///     (1700000000.000005) can0 123##5112233                CAN FD, flags nibble 5 (FDF|BRS)
///     (1700000000.000006) can0 20000004#0004000000000000   error frame (CAN_ERR_FLAG set)
///     (1700000000.000007)  vcan10 123#11 R                 right-aligned name, direction R/T
///     DROPCOUNT: dropped 3 CAN frames on 'can0' socket (total drops 7)
///     (1700000000.000008) can0 00242#81:00:00000000#11223344   CAN XL: skipped, not malformed
///     (1594172462.126542) vcan0 064#F001FFFFFFFFFFFFFFFF       10 bytes classic: bent, 8 kept
///
/// A classic frame with more than 8 data bytes (cantools' test data has them; python-can and
/// cantools read them) is read with its first 8 bytes and counted as bent. A CAN FD length
/// that no DLC gives (9, 11, 33...) is malformed.
/// Hex is accepted in either case; data bytes may be separated by `.`.
struct CandumpLogGrammar: LineGrammar {
    static var formatName: String { "candump log" }
    private var busNames = BusNameCache()

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into frame: inout CANFrame) -> LineOutcome {
        var cursor = ByteCursor(line)
        guard cursor.take(UInt8(ascii: "(")) else {
            cursor.skipBlanks()
            if cursor.atEnd { return .nonFrame }
            if cursor.startsWith(caseInsensitive: "DROPCOUNT:") { return Self.dropCount(&cursor) }
            return .malformed(LineFault(offset: cursor.index, expected: "'(' and a timestamp"))
        }
        guard let timestamp = cursor.decimalTime(), timestamp.seconds >= 0 else {
            return .malformed(LineFault(offset: cursor.index, expected: "a timestamp 'seconds.fraction' with at most 9 fractional digits"))
        }
        guard cursor.take(UInt8(ascii: ")")) else {
            return .malformed(LineFault(offset: cursor.index, expected: "')' after at most 9 fractional digits"))
        }
        guard cursor.skipBlanks() > 0 else {
            return .malformed(LineFault(offset: cursor.index, expected: "a space before the interface name"))
        }
        let nameRange = cursor.word()
        guard !nameRange.isEmpty else {
            return .malformed(LineFault(offset: cursor.index, expected: "an interface name"))
        }
        guard cursor.skipBlanks() > 0 else {
            return .malformed(LineFault(offset: cursor.index, expected: "a space before the frame"))
        }
        // `parseFrame` sets every field but these three, set below when the line is a frame
        // (`frame` is not copied from a template: that copied and retained its bus).
        frame.direction = nil
        if let fault = Self.parseFrame(&cursor, into: &frame) {
            if Self.isCANXL(cursor.line, from: nameRange.upperBound) { return .skipped("a CAN XL frame") }
            return .malformed(fault)
        }
        if cursor.skipBlanks() > 0 {
            switch cursor.peek {
            case UInt8(ascii: "R"): frame.direction = .receive; cursor.advance()
            case UInt8(ascii: "T"): frame.direction = .transmit; cursor.advance()
            case 0: break
            default: return .malformed(LineFault(offset: cursor.index, expected: "'R', 'T' or the end of the line"))
            }
            cursor.skipBlanks()
        }
        guard cursor.atEnd else {
            return .malformed(LineFault(offset: cursor.index, expected: "the end of the line"))
        }
        frame.timestamp = timestamp
        frame.bus = busNames.name(for: UnsafeBufferPointer(rebasing: line[nameRange]))
        if frame.length > CANDLC.maxClassicLength && frame.kind != .fd {
            frame.length = UInt8(CANDLC.maxClassicLength)
            frame.data.withUnsafeMutableBytes { raw in
                for i in CANDLC.maxClassicLength..<raw.count { raw[i] = 0 }
            }
            return .bent("a classic frame with more than 8 data bytes; the first 8 kept")
        }
        return .frame
    }

    /// Whether the frame token is CAN XL: `<2 hex VCID><3 hex priority>#<flags>:<SDT>:<AF>#<data>`.
    private static func isCANXL(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var cursor = ByteCursor(line)
        cursor.index = start
        cursor.skipBlanks()
        guard cursor.hexNumber(maxDigits: 5)?.digits == 5, cursor.take(UInt8(ascii: "#")),
            cursor.hexNumber(maxDigits: 2)?.digits == 2, cursor.take(UInt8(ascii: ":"))
        else { return false }
        return true
    }

    /// `DROPCOUNT: dropped N CAN frame(s) on 'ifname' socket (total drops M)`.
    private static func dropCount(_ cursor: inout ByteCursor) -> LineOutcome {
        cursor.advance(10)
        cursor.skipBlanks()
        guard cursor.startsWith(caseInsensitive: "dropped") else {
            return .malformed(LineFault(offset: cursor.index, expected: "'dropped'"))
        }
        cursor.advance(7)
        cursor.skipBlanks()
        guard let count = cursor.decimalNumber(), cursor.peek &- 0x30 > 9 else {
            return .malformed(LineFault(offset: cursor.index, expected: "the number of dropped frames (at most 18 digits)"))
        }
        return .dropped(count.value)
    }

    /// The frame token: `id#data[_dlc]`, `id#R[len[_dlc]]`, `id##flags data`. Sets every
    /// field of `frame` but the timestamp, bus and direction.
    @inline(__always)
    static func parseFrame(_ cursor: inout ByteCursor, into frame: inout CANFrame) -> LineFault? {
        let idStart = cursor.index
        guard let id = cursor.hexNumber(maxDigits: 8) else {
            return LineFault(offset: idStart, expected: "a hex CAN identifier")
        }
        var isExtended = false
        var isError = false
        var identifier = id.value
        switch id.digits {
        case 3:
            guard identifier <= CANFrame.maxStandardID else {
                return LineFault(offset: idStart, expected: "a standard identifier up to 7FF")
            }
        case 8:
            if identifier & SocketCANID.errorFlag != 0 {
                isError = true
                identifier &= SocketCANID.errorMask
            } else {
                isExtended = true
                identifier &= ~SocketCANID.extendedFlag
                guard identifier <= CANFrame.maxExtendedID else {
                    return LineFault(offset: idStart, expected: "an extended identifier up to 1FFFFFFF")
                }
            }
        default:
            return LineFault(offset: cursor.index, expected: "3 (standard) or 8 (extended) hex digits and '#'")
        }
        guard cursor.take(UInt8(ascii: "#")) else {
            return LineFault(offset: cursor.index, expected: "'#' after the identifier")
        }
        frame.id = identifier
        frame.isExtended = isExtended
        frame.fdFlags = []
        frame.len8DLC = 0
        frame.data = CANPayload()
        if cursor.take(UInt8(ascii: "#")) {
            guard !isError else {
                return LineFault(offset: cursor.index - 2, expected: "'#' (error frames are classic frames)")
            }
            let flags = hexValue(cursor.peek)
            guard flags <= 15 else {
                return LineFault(offset: cursor.index, expected: "the CAN FD flags hex digit")
            }
            cursor.advance()
            frame.kind = .fd
            frame.fdFlags = CANFrame.FDFlags(rawValue: flags)
            if let fault = parseData(&cursor, into: &frame, limit: CANDLC.maxFDLength) { return fault }
            guard CANDLC.isValidFDLength(Int(frame.length)) else {
                return LineFault(offset: cursor.index, expected: "a CAN FD length 0...8, 12, 16, 20, 24, 32, 48 or 64")
            }
            return nil
        }
        if cursor.peek | 0x20 == UInt8(ascii: "r") {
            guard !isError else {
                return LineFault(offset: cursor.index, expected: "error frame data (an error frame is never remote)")
            }
            cursor.advance()
            frame.kind = .remote
            frame.length = 0
            let digit = hexValue(cursor.peek)
            if digit <= 15 {
                guard digit <= 8 else {
                    return LineFault(offset: cursor.index, expected: "a remote length 0...8")
                }
                frame.length = digit
                cursor.advance()
                if cursor.take(UInt8(ascii: "_")) {
                    return parseRawDLC(&cursor, into: &frame)
                }
            }
            return nil
        }
        frame.kind = isError ? .error : .classic
        if let fault = parseData(&cursor, into: &frame, limit: CANDLC.maxFDLength) { return fault }
        if cursor.take(UInt8(ascii: "_")) {
            return parseRawDLC(&cursor, into: &frame)
        }
        return nil
    }

    /// `_<rawdlc>`: one hex digit 9...F, only after an 8-byte length.
    private static func parseRawDLC(_ cursor: inout ByteCursor, into frame: inout CANFrame) -> LineFault? {
        let dlc = hexValue(cursor.peek)
        guard frame.length == 8, dlc >= 9, dlc <= 15 else {
            return LineFault(offset: cursor.index, expected: "a raw DLC 9...F after 8 data bytes")
        }
        cursor.advance()
        frame.len8DLC = dlc
        return nil
    }

    /// Pairs of hex digits, optionally separated by `.`, up to `limit` bytes, into
    /// `frame.data` (which is zero) and `frame.length`.
    @inline(__always)
    private static func parseData(_ cursor: inout ByteCursor, into frame: inout CANFrame, limit: Int) -> LineFault? {
        var count = 0
        let line = cursor.line
        var i = cursor.index
        let end = line.count
        let failure: LineFault? = frame.data.withUnsafeMutableBytes { raw -> LineFault? in
            while i < end {
                // Eight hex digits (four bytes) at once while there are; the rest below.
                if i + 8 <= end && count + 4 <= limit, let four = SWARDigits.hexBytes(SWARDigits.word(line, at: i)) {
                    raw.storeBytes(of: four.littleEndian, toByteOffset: count, as: UInt32.self)
                    count += 4
                    i += 8
                    continue
                }
                let high = hexValue(line[i])
                if high > 15 {
                    if line[i] == UInt8(ascii: ".") {
                        i += 1
                        continue
                    }
                    return nil
                }
                guard i + 1 < end else { return LineFault(offset: i + 1, expected: "a second hex digit") }
                let low = hexValue(line[i + 1])
                guard low <= 15 else { return LineFault(offset: i + 1, expected: "a second hex digit") }
                guard count < limit else {
                    return LineFault(offset: i, expected: limit == 8 ? "at most 8 data bytes" : "at most 64 data bytes")
                }
                raw[count] = high << 4 | low
                count += 1
                i += 2
            }
            return nil
        }
        cursor.index = i
        frame.length = UInt8(count)
        return failure
    }
}
