import CANDatabase

/// `candor tail --format text`: one readable line per frame; ANSI colours when asked (a TTY).
///
///     1627323339.323041 can0 024 KINEMATICS ACCEL_X=18.05 YAW_RATE=-110.116
///
/// Written straight from the canonical line's bytes (`CanonicalLineFields`), no `String` per
/// line. Bus, names, values and the error reason come from the capture and the DBC through
/// the canonical line, which carries control characters JSON-escaped; they are unescaped
/// (`JSONStringText`) and escaped again for the terminal (`TerminalText`). A string with a
/// malformed escape is shown as written (terminal-escaped).
enum TailText {
    /// Appends the text of the line whose fields are `fields`; with the filter's signal glob,
    /// only the signals it matches.
    static func append(
        _ fields: CanonicalLineFields, of line: UnsafeBufferPointer<UInt8>, colour: Bool, filter: TailFilter,
        to output: inout [UInt8]
    ) {
        func code(_ sequence: StaticString) {
            if colour { output.append(contentsOf: UnsafeBufferPointer(start: sequence.utf8Start, count: sequence.utf8CodeUnitCount)) }
        }
        func raw(_ range: Range<Int>) {
            TerminalText.append(escaping: UnsafeBufferPointer(rebasing: line[range]), to: &output)
        }
        func string(_ range: Range<Int>) {
            let shown: Void? = JSONStringText.withUnescaped(line[range]) { TerminalText.append(escaping: $0, to: &output) }
            if shown == nil { raw(range) }
        }
        code("\u{1B}[2m")
        raw(fields.time)
        code("\u{1B}[0m")
        output.append(0x20)
        string(fields.bus)
        output.append(0x20)
        appendID(fields.id, extended: fields.isExtended, to: &output)
        output.append(0x20)
        code("\u{1B}[1m")
        if let message = fields.message { string(message) } else { output.append(UInt8(ascii: "?")) }
        code("\u{1B}[0m")
        if let error = fields.error {
            output.append(0x20)
            code("\u{1B}[31m")
            output.append(contentsOf: "error: ".utf8)
            string(error)
            code("\u{1B}[0m")
        }
        var signals = SignalScanner(bytes: line, at: fields.signals.lowerBound)
        while let signal = signals.next() {
            guard filter.shows(signal: signal.name, of: line) else { continue }
            output.append(0x20)
            code("\u{1B}[2m")
            string(signal.name)
            output.append(UInt8(ascii: "="))
            code("\u{1B}[0m")
            if signal.valueIsString { string(signal.value) } else { raw(signal.value) }
        }
    }

    /// Upper-case hex, at least 3 digits (standard) or 8 (extended).
    static func appendID(_ id: UInt32, extended: Bool, to output: inout [UInt8]) {
        let table = ("0123456789ABCDEF" as StaticString).utf8Start
        var digits = extended ? 8 : 3
        while digits < 8 && id >> (4 * UInt32(digits)) != 0 { digits += 1 }
        for i in stride(from: digits - 1, through: 0, by: -1) {
            output.append(table[Int(id >> (4 * UInt32(i)) & 0xF)])
        }
    }
}
