import CANCore
import Testing
@testable import CANDatabase

/// Issue #10 item 14: ESC/OSC sequences and other control characters in a capture's bus
/// name, a DBC's names, units and `VAL_` labels must not reach the terminal raw through
/// `decode --format text` or `dbc show` (the text formats escape them, `TerminalText`).
@Suite struct OutputTerminalTests {
    /// An OSC that retitles the window, a CSI that clears the screen, a C1 CSI, a newline
    /// that forges a line.
    static let osc = "\u{1B}]0;pwned\u{07}"
    static let csi = "\u{1B}[2J"
    static let c1 = "\u{9B}31m"

    static let hostile = Database(messages: [Message(id: 0x24, name: "M", length: 2, signals: [
        Signal(name: "GEAR", startBit: 0, length: 8, unit: "km/h" + csi,
               valueDescriptions: [ValueDescription(value: 3, label: "DRIVE" + osc)]),
        Signal(name: "T", startBit: 8, length: 8, unit: c1 + "\nforged"),
    ])])

    static func hasRawControl(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for b in bytes {
            if (b < 0x20 && b != 0x0A) || b == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(b)) { return true }
            previous = b
        }
        return false
    }

    @Test func decodedTextEscapesBusUnitsAndLabels() {
        let plan = DecodePlan(Self.hostile)
        let frame = CANFrame(timestamp: CANTimestamp(seconds: 1, nanoseconds: 0), bus: "can0" + Self.osc, id: 0x24, bytes: [3, 7])
        var values = DecodedSignals()
        let outcome = plan.decode(frame, into: &values)
        var buffer: [UInt8] = []
        DecodedText(plan: plan).append(frame: frame, outcome: outcome, values: values, to: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(!Self.hasRawControl(buffer), "\(text.debugDescription)")
        #expect(text == """
            (1.000000)  can0\\x1b]0;pwned\\x07       024   [2]  03 07  M
              GEAR = 3 km/h\\x1b[2J "DRIVE\\x1b]0;pwned\\x07"
              T = 7 \\u009b31m\\x0aforged
            """)
    }

    @Test func dbcShowEscapesUnitsLabelsAndNames() {
        var db = Self.hostile
        db.messages[0].name = "M" + Self.csi
        let text = DatabaseDescription.render(db)
        #expect(!Self.hasRawControl(Array(text.utf8)), "\(text.debugDescription)")
        #expect(text.contains("0x024 M\\x1b[2J std 2 bytes"))
        #expect(text.contains(#"3 "DRIVE\x1b]0;pwned\x07""#))
        #expect(text.contains(#""\u009b31m\nforged""#))
    }

    @Test func terminalTextLeavesOrdinaryTextAlone() {
        for plain in ["", "can0", "m/s^2", "°C", "Gang \"D\" \\ 1", "日本語", "\u{A0}\u{FF}"] {
            #expect(TerminalText.escaped(plain) == plain)
            #expect(!TerminalText.needsEscaping(plain))
        }
        #expect(TerminalText.escaped("a\u{7F}b\u{80}c\u{9F}\u{A0}") == "a\\x7fb\\u0080c\\u009f\u{A0}")
    }
}

@Suite struct OutputEmptyTextTests {
    /// Empty names, units and labels (a DBC may have them) make empty pieces, not a crash.
    @Test func emptyLabelAndNames() {
        let db = Database(messages: [Message(id: 1, name: "", length: 1, signals: [
            Signal(name: "", startBit: 0, length: 8, valueDescriptions: [ValueDescription(value: 0, label: "")]),
        ])])
        let plan = DecodePlan(db)
        let frame = CANFrame(timestamp: CANTimestamp(seconds: 1, nanoseconds: 0), bus: "", id: 1, bytes: [0])
        var values = DecodedSignals()
        let outcome = plan.decode(frame, into: &values)
        var text: [UInt8] = []
        DecodedText(plan: plan).append(frame: frame, outcome: outcome, values: values, to: &text)
        #expect(String(decoding: text, as: UTF8.self) == "(1.000000)         001   [1]  00  \n   = 0 \"\"")
        var line: [UInt8] = []
        CanonicalLine.append(frame: frame, plan: plan, outcome: outcome, values: values, to: &line)
        #expect(String(decoding: line, as: UTF8.self) == #"{"bus":"","ext":false,"id":1,"msg":"","signals":{"":0},"t":1.000000}"#)
        #expect(TerminalText.escapedBytes("").isEmpty && JSONText.quoted("") == [0x22, 0x22])
    }
}
