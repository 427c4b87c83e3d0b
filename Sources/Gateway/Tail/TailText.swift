/// `candor tail --format text`: one readable line per frame; ANSI colours when asked (a TTY).
///
///     1627323339.323041 can0 024 KINEMATICS ACCEL_X=18.05 YAW_RATE=-110.116
public enum TailText {
    public static func render(_ line: TailLine, colour: Bool) -> String {
        let bold = colour ? "\u{1B}[1m" : "", dim = colour ? "\u{1B}[2m" : "", red = colour ? "\u{1B}[31m" : ""
        let reset = colour ? "\u{1B}[0m" : ""
        let hex = String(line.id, radix: 16, uppercase: true)
        let id = String(repeating: "0", count: max(0, (line.isExtended ? 8 : 3) - hex.count)) + hex
        var text = "\(dim)\(line.time)\(reset) \(line.bus) \(id) \(bold)\(line.message ?? "?")\(reset)"
        if let error = line.error {
            text += " \(red)error: \(error)\(reset)"
        }
        for (name, value) in line.signals {
            text += " \(dim)\(name)=\(reset)\(value)"
        }
        return text
    }
}
