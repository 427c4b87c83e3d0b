import CANDatabase

/// `candor tail --format text`: one readable line per frame; ANSI colours when asked (a TTY).
///
///     1627323339.323041 can0 024 KINEMATICS ACCEL_X=18.05 YAW_RATE=-110.116
///
/// Bus, names, values and the error reason come from the capture and the DBC through the
/// canonical line, which carries control characters JSON-escaped; `TailLine.parse` unescapes
/// them, so they are escaped again here (`TerminalText`) before reaching the terminal.
public enum TailText {
    public static func render(_ line: TailLine, colour: Bool) -> String {
        let bold = colour ? "\u{1B}[1m" : "", dim = colour ? "\u{1B}[2m" : "", red = colour ? "\u{1B}[31m" : ""
        let reset = colour ? "\u{1B}[0m" : ""
        let hex = String(line.id, radix: 16, uppercase: true)
        let id = String(repeating: "0", count: max(0, (line.isExtended ? 8 : 3) - hex.count)) + hex
        let safe = TerminalText.escaped
        var text = "\(dim)\(safe(line.time))\(reset) \(safe(line.bus)) \(id) \(bold)\(safe(line.message ?? "?"))\(reset)"
        if let error = line.error {
            text += " \(red)error: \(safe(error))\(reset)"
        }
        for (name, value) in line.signals {
            text += " \(dim)\(safe(name))=\(reset)\(safe(value))"
        }
        return text
    }
}
