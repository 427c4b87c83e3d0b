/// A readable dump of a database for `candor dbc show`.
///
/// One line per message, then one indented line per signal (file order):
///
///     0x024 KINEMATICS std 8 bytes cycle 10 ms senders ECU1
///       ACCEL_X 0|16@1- (0.01, 0) [-327.68|327.67] "m/s^2"
///       MODE 16|2@1+ (1, 0) multiplexer
///       TEMP 18|8@1+ (0.5, -40) [-40|87.5] "degC" when MODE in 1, 3-4 values 0 "off", 255 "invalid"
///
/// A signal shows `start|length@order±` (order 1 Intel, 0 Motorola), `(factor, offset)`,
/// `[min|max]` when given, the unit when not empty, `float32`/`float64` for float signals,
/// `multiplexer` for a switch, `when SWITCH in …` for a multiplexed signal, and its values.
/// Names, units and labels are the file's text with control characters escaped
/// (`TerminalText`): a DBC cannot drive the terminal that shows it.
public enum DatabaseDescription {
    public static func render(_ db: Database) -> String {
        var out = ""
        if !db.version.isEmpty { out += "version \(quoted(db.version))\n" }
        if !db.nodes.isEmpty { out += "nodes \(db.nodes.map { safe($0.name) }.joined(separator: " "))\n" }
        out += "\(db.messages.count) message\(db.messages.count == 1 ? "" : "s"), \(db.messages.reduce(0) { $0 + $1.signals.count }) signals\n"
        for message in db.messages {
            out += line(message) + "\n"
            for signal in message.signals {
                out += "  " + line(signal) + "\n"
            }
        }
        return out
    }

    static func line(_ m: Message) -> String {
        let digits = m.isExtended ? 8 : 3
        var hex = String(m.id, radix: 16, uppercase: true)
        if hex.count < digits { hex = String(repeating: "0", count: digits - hex.count) + hex }
        var parts = ["0x\(hex)", safe(m.name), m.isExtended ? "ext" : "std", "\(m.length) byte\(m.length == 1 ? "" : "s")"]
        if let cycle = m.cycleTime { parts.append("cycle \(cycle) ms") }
        if m.isFD { parts.append(m.bitRateSwitch == true ? "FD BRS" : "FD") }
        if !m.senders.isEmpty { parts.append("senders \(m.senders.map(safe).joined(separator: ","))") }
        return parts.joined(separator: " ")
    }

    static func line(_ s: Signal) -> String {
        var parts = [
            safe(s.name),
            "\(s.startBit)|\(s.length)@\(s.byteOrder == .littleEndian ? 1 : 0)\(s.isSigned ? "-" : "+")",
            "(\(s.factor), \(s.offset))",
        ]
        if let lo = s.minimum, let hi = s.maximum { parts.append("[\(number(lo))|\(number(hi))]") }
        if !s.unit.isEmpty { parts.append(quoted(s.unit)) }
        switch s.valueType {
        case .integer: break
        case .float32: parts.append("float32")
        case .float64: parts.append("float64")
        }
        if s.isMultiplexer { parts.append("multiplexer") }
        if let mux = s.multiplexer {
            let ranges = mux.ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            parts.append("when \(safe(mux.switchName)) in \(ranges.joined(separator: ", "))")
        }
        if !s.valueDescriptions.isEmpty {
            parts.append("values " + s.valueDescriptions.map { "\($0.value) \(quoted($0.label))" }.joined(separator: ", "))
        }
        return parts.joined(separator: " ")
    }

    /// `5` for integral values, else the shortest round-trip form (`0.1`).
    static func number(_ d: Double) -> String {
        if d.isFinite, d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += safe(String(c))
            }
        }
        return out + "\""
    }

    static func safe(_ s: String) -> String { TerminalText.escaped(s) }
}
