/// `BO_` with its `SG_` lines, and the statements that refer to messages and signals:
/// `BO_TX_BU_`, `VAL_`, `SIG_VALTYPE_`, `SIG_GROUP_`, `SG_MUL_VAL_`.
extension SyntaxParser {
    /// `BO_ id name : length sender` followed by its `SG_` lines.
    mutating func parseMessage() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let id = try expectMessageID()
        let name = try expectName("message name")
        try expect(.colon, "':' after the message name")
        let length = try expectInteger("the message length in bytes")
        var sender = "Vector__XXX"
        if token.kind == .identifier, !atStatementBoundary {
            sender = try expectName("transmitter node").name
        } else {
            report(.warning, at: token, "expected the transmitter node after the message length, found \(token.quoted); none assumed")
        }
        var signals: [SignalSyntax] = []
        while token.isKeyword("SG_") {
            do throws(SyntaxFailure) {
                signals.append(try parseSignal())
            } catch {
                resynchronize()
            }
        }
        statements.append(.message(MessageSyntax(
            rawID: id, name: name.name, length: length, sender: sender, signals: signals, location: start)))
    }

    /// `SG_ name [M|m<n>|m<n>M] : start|length@order± (factor,offset) [min|max] "unit" receivers`
    mutating func parseSignal() throws(SyntaxFailure) -> SignalSyntax {
        let start = location(token)
        advance()
        let name = try expectName("signal name")
        var mux = SignalSyntax.MuxIndicator.none
        if token.kind == .identifier {
            mux = try muxIndicator()
        }
        try expect(.colon, "':' after the signal name")
        let startBit = try expectInteger("the start bit")
        try expect(.pipe, "'|' between start bit and length")
        let length = try expectInteger("the signal length in bits")
        try expect(.at, "'@' before the byte order")
        guard token.kind == .number, token.text == "0" || token.text == "1" else {
            throw fail(expected: "the byte order 0 (Motorola) or 1 (Intel)")
        }
        let order: Signal.ByteOrder = token.text == "0" ? .bigEndian : .littleEndian
        advance()
        let isSigned: Bool
        switch token.kind {
        case .plus: isSigned = false
        case .minus: isSigned = true
        default: throw fail(expected: "'+' (unsigned) or '-' (signed)")
        }
        advance()
        try expect(.openParen, "'(' before the factor")
        let factor = try expectNumber("the factor")
        try expect(.comma, "',' between factor and offset")
        let offset = try expectNumber("the offset")
        try expect(.closeParen, "')' after the offset")
        try expect(.openBracket, "'[' before the minimum")
        let minimum = try expectNumber("the minimum")
        try expect(.pipe, "'|' between minimum and maximum")
        let maximum = try expectNumber("the maximum")
        try expect(.closeBracket, "']' after the maximum")
        let unit = try expectString("the unit (a quoted string)")
        var receivers: [String] = []
        if token.kind == .identifier, !token.startsLine {
            receivers = try nameList("receiver node")
        } else if !token.startsLine, token.kind != .end {
            throw fail(expected: "receiver nodes")
        }
        _ = accept(.semicolon)
        return SignalSyntax(
            name: name.name, mux: mux, startBit: startBit, length: length, byteOrder: order,
            isSigned: isSigned, factor: factor, offset: offset, minimum: minimum, maximum: maximum,
            unit: unit, receivers: receivers, location: start)
    }

    /// `M`, `m<n>` or `m<n>M`.
    mutating func muxIndicator() throws(SyntaxFailure) -> SignalSyntax.MuxIndicator {
        let text = token.text
        if text == "M" {
            advance()
            return .multiplexer
        }
        if text.first == "m" {
            var digits = text.dropFirst()
            let isSwitch = digits.last == "M"
            if isSwitch { digits = digits.dropLast() }
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt64(digits) {
                advance()
                return isSwitch ? .multiplexedMultiplexer(value) : .multiplexed(value)
            }
        }
        // cantools reads any word here; one that is not M, m<n> or m<n>M only matters when
        // the message has a switch. Read it as no indicator.
        report(.warning, at: token, "expected a multiplexer indicator (M, m<n> or m<n>M), found \(token.quoted); ignored")
        advance()
        return .none
    }

    /// `BO_TX_BU_ id : node, node;`
    mutating func parseTransmitters() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let id = try expectMessageID()
        try expect(.colon, "':' after the message id")
        let senders = try nameList("transmitter node")
        try expectSemicolon(after: "BO_TX_BU_")
        statements.append(.transmitters(TransmittersSyntax(rawID: id, senders: senders, location: start)))
    }

    /// `VAL_ id signal v "label" … ;` or, for an environment variable, `VAL_ name v "label" … ;`
    mutating func parseValueDescriptions() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        var id: UInt64?
        if token.kind == .number {
            id = try expectMessageID()
        }
        let name = try expectName(id == nil ? "a message id or environment variable name" : "signal name")
        let pairs = try valuePairs()
        try expectSemicolon(after: "VAL_")
        statements.append(.valueDescriptions(ValueDescriptionsSyntax(rawID: id, name: name.name, pairs: pairs, location: start)))
    }

    /// `SIG_VALTYPE_ id signal : 1|2;`
    mutating func parseSignalValueType() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let id = try expectMessageID()
        let signal = try expectName("signal name")
        _ = accept(.colon)
        let type = try expectInteger("the value type (0 integer, 1 float, 2 double)")
        try expectSemicolon(after: "SIG_VALTYPE_")
        statements.append(.signalValueType(SignalValueTypeSyntax(rawID: id, signal: signal.name, type: type, location: start)))
    }

    /// `SIG_GROUP_ id name repetitions : signal signal …;`
    mutating func parseSignalGroup() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let id = try expectMessageID()
        let name = try expectName("signal group name")
        let repetitions = try expectInteger("the repetition count")
        try expect(.colon, "':' before the signal names")
        let signals = try nameList("signal name")
        try expectSemicolon(after: "SIG_GROUP_")
        statements.append(.signalGroup(SignalGroupSyntax(
            rawID: id, name: name.name, repetitions: repetitions, signals: signals, location: start)))
    }

    /// `SG_MUL_VAL_ id signal switch a-b, c-d;` — `3-3` arrives as the numbers `3` and `-3`.
    mutating func parseMultiplexValues() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let id = try expectMessageID()
        let signal = try expectName("signal name")
        let switchName = try expectName("multiplexer switch name")
        var ranges: [ClosedRange<UInt64>] = []
        repeat {
            let lowerToken = token
            let lower = try expectInteger("the lower end of a multiplexer value range")
            let upper: Int64
            if accept(.minus) {
                upper = try expectInteger("the upper end of the range")
            } else if token.kind == .number, token.text.first == "-" {
                let negated = try expectInteger("the upper end of the range")
                upper = negated == .min ? .max : -negated
            } else {
                throw fail(expected: "'-' and the upper end of the range")
            }
            if lower < 0 || upper < lower {
                report(.warning, at: lowerToken, "multiplexer value range \(lower)-\(upper) is empty or negative; ignored")
            } else {
                ranges.append(UInt64(lower)...UInt64(upper))
            }
        } while accept(.comma)
        try expectSemicolon(after: "SG_MUL_VAL_")
        statements.append(.multiplexValues(MultiplexValuesSyntax(
            rawID: id, signal: signal.name, switchName: switchName.name, ranges: ranges, location: start)))
    }
}
