import CANCore

/// Decoded frames for people (`candor decode --format text`):
///
///     (1627323339.323041)  can0       024   [8]  11 22 33 44 55 66 77 88  KINEMATICS
///       ACCEL_X = 18.05 m/s^2
///       GEAR = 3 "DRIVE"
///
/// The first line is the frame as can-utils' long format prints it (`log2long`, `candump
/// -ta`): standard ids indented to line up with extended ones, CAN FD lengths as `[12]`,
/// remote frames as `remote request`; then the message name, or `(unknown)`. Below it one
/// line per present signal: name, value (as in the canonical line), unit, and the value
/// description of the raw value in quotes when the DBC has one. A frame that cannot be
/// decoded gets `  error: <reason>` instead of signal lines. Every text taken from the
/// capture or the DBC (bus, names, units, labels, the reason) has its control characters
/// escaped (`TerminalText`).
///
/// Make one `DecodedText` per plan and reuse it: the pieces of every message and signal
/// (escaped name, `\n  NAME = `, ` unit`, ` "label"`) are made once, back to back in one
/// byte array, so a frame costs no `String`, `Array` or reference count, only its bytes in
/// the caller's buffer.
public final class DecodedText: Sendable {
    public let plan: DecodePlan
    /// Every piece's bytes, back to back.
    let pieces: [UInt8]
    /// Per message (plan index).
    let messages: [MessageText]
    /// Per signal, message after message (`MessageText.firstSignal`).
    let signals: [SignalText]
    /// Value descriptions, signal after signal (`SignalText.firstLabel`).
    let labels: [Label]

    struct MessageText: Sendable {
        /// The escaped name: `pieces[nameStart..<nameEnd]`.
        var nameStart: Int32
        var nameEnd: Int32
        var firstSignal: Int32
    }

    struct SignalText: Sendable {
        /// `\n  NAME = ` is `pieces[start..<prefixEnd]`, ` unit` (or nothing) `pieces[prefixEnd..<unitEnd]`.
        var start: Int32
        var prefixEnd: Int32
        var unitEnd: Int32
        /// ` "label"` per described raw value: `labels[firstLabel..<firstLabel + labelCount]`,
        /// in file order (the first match wins).
        var firstLabel: Int32
        var labelCount: Int32
        /// Shift that sign-extends the raw value to the `VAL_` key (0: used as is).
        var signShift: UInt8
        /// The most bytes this signal's line takes.
        var maxLength: Int32
    }

    struct Label: Sendable {
        var raw: Int64
        var start: Int32
        var end: Int32
    }

    public init(plan: DecodePlan) {
        self.plan = plan
        var pieces: [UInt8] = []
        var messages: [MessageText] = []
        var signals: [SignalText] = []
        var labels: [Label] = []
        for message in plan.database.messages {
            let nameStart = Int32(pieces.count)
            pieces += TerminalText.escapedBytes(message.name)
            messages.append(MessageText(nameStart: nameStart, nameEnd: Int32(pieces.count), firstSignal: Int32(signals.count)))
            for signal in message.signals {
                let start = Int32(pieces.count)
                pieces += Array("\n  ".utf8) + TerminalText.escapedBytes(signal.name) + Array(" = ".utf8)
                let prefixEnd = Int32(pieces.count)
                if !signal.unit.isEmpty { pieces += [0x20] + TerminalText.escapedBytes(signal.unit) }
                let unitEnd = Int32(pieces.count)
                let firstLabel = Int32(labels.count)
                var longest: Int32 = 0
                for d in signal.valueDescriptions {
                    let labelStart = Int32(pieces.count)
                    pieces += Array(" \"".utf8) + TerminalText.escapedBytes(d.label) + [UInt8(ascii: "\"")]
                    labels.append(Label(raw: d.value, start: labelStart, end: Int32(pieces.count)))
                    longest = max(longest, Int32(pieces.count) - labelStart)
                }
                let signShift = signal.isSigned && signal.valueType == .integer && signal.length < 64
                    ? UInt8(64 - signal.length) : 0
                signals.append(SignalText(
                    start: start, prefixEnd: prefixEnd, unitEnd: unitEnd, firstLabel: firstLabel,
                    labelCount: Int32(labels.count) - firstLabel, signShift: signShift,
                    maxLength: unitEnd - start + Int32(CanonicalLine.maxValueLength) + longest))
            }
        }
        self.pieces = pieces
        self.messages = messages
        self.signals = signals
        self.labels = labels
    }

    /// Appends the text for `frame` with a text made for `plan` on the spot (for tests and
    /// one-off use; a loop keeps one `DecodedText`).
    public static func append(
        frame: CANFrame, plan: DecodePlan, outcome: DecodeOutcome, values: DecodedSignals,
        to buffer: inout [UInt8]
    ) {
        DecodedText(plan: plan).append(frame: frame, outcome: outcome, values: values, to: &buffer)
    }

    /// Appends the text for `frame` (lines separated by `\n`, no trailing newline).
    /// Error frames produce nothing. `outcome` and `values` are what `plan.decode` returned.
    public func append(frame: CANFrame, outcome: DecodeOutcome, values: DecodedSignals, to buffer: inout [UInt8]) {
        guard frame.kind != .error else { return }
        // "(" time ")  " bus "  " pad id "   [" len "]  " data "  " name or "(unknown)".
        let head = 1 + 31 + 3 + TerminalText.maxLength(frame.bus) + 2 + 5 + 8 + 3 + 2 + 3 + 64 * 3 + 2 + 9
        pieces.withUnsafeBufferPointer { pieces in
            signals.withUnsafeBufferPointer { signals in
                guard let index = outcome.messageIndex else {
                    ByteWriter.append(to: &buffer, capacity: head) { w in
                        writeFrame(frame, to: &w)
                        w.bytes("(unknown)")
                    }
                    return
                }
                let message = messages[index]
                let name = pieces.baseAddress! + Int(message.nameStart)
                let nameLength = Int(message.nameEnd - message.nameStart)
                if case .failed(_, let failure) = outcome {
                    let reason = failure.canonicalText
                    ByteWriter.append(to: &buffer, capacity: head + nameLength + 10 + TerminalText.maxLength(reason)) { w in
                        writeFrame(frame, to: &w)
                        w.bytes(name, count: nameLength)
                        w.bytes("\n  error: ")
                        TerminalText.write(reason, to: &w)
                    }
                    return
                }
                let first = Int(message.firstSignal)
                values.signals.withUnsafeBufferPointer { present in
                    values.values.withUnsafeBufferPointer { entries in
                        var capacity = head + nameLength
                        for i in 0..<values.count { capacity += Int(signals[first + Int(present[i])].maxLength) }
                        ByteWriter.append(to: &buffer, capacity: capacity) { w in
                            writeFrame(frame, to: &w)
                            w.bytes(name, count: nameLength)
                            for i in 0..<values.count {
                                let signalIndex = Int(present[i])
                                let signal = signals[first + signalIndex]
                                w.bytes(pieces.baseAddress! + Int(signal.start), count: Int(signal.prefixEnd - signal.start))
                                switch entries[i] {
                                case .real(let x): PythonFloatText.write(x, to: &w)
                                case let value: CanonicalLine.writeValue(value, to: &w)
                                }
                                w.bytes(pieces.baseAddress! + Int(signal.prefixEnd), count: Int(signal.unitEnd - signal.prefixEnd))
                                if signal.labelCount > 0 {
                                    writeLabel(signal, signal: signalIndex, message: index, frame: frame, pieces: pieces, to: &w)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// ` "label"` of the signal's raw value, when the DBC describes it.
    func writeLabel(
        _ signal: SignalText, signal signalIndex: Int, message: Int, frame: CANFrame,
        pieces: UnsafeBufferPointer<UInt8>, to w: inout ByteWriter
    ) {
        guard let raw = plan.raw(signal: signalIndex, messageIndex: message, in: frame.data) else { return }
        let shift = UInt64(signal.signShift)
        let key = Int64(bitPattern: raw &<< shift) &>> Int64(shift)
        labels.withUnsafeBufferPointer { labels in
            let first = Int(signal.firstLabel)
            for i in first..<first + Int(signal.labelCount) where labels[i].raw == key {
                w.bytes(pieces.baseAddress! + Int(labels[i].start), count: Int(labels[i].end - labels[i].start))
                return
            }
        }
    }

    /// `(time)  bus  id  [len]  data  ` as can-utils' long format writes it.
    func writeFrame(_ frame: CANFrame, to w: inout ByteWriter) {
        w.byte(UInt8(ascii: "("))
        w.timestamp(frame.timestamp)
        w.bytes(")  ")
        TerminalText.write(frame.bus, to: &w)
        w.bytes(0x20, 0x20)
        if frame.isExtended {
            w.hex(UInt64(frame.id), digits: 8)
        } else {
            w.bytes("     ")
            w.hex(UInt64(frame.id), digits: 3)
        }
        if frame.kind == .fd {
            w.bytes("  [")
            if frame.length < 10 { w.byte(UInt8(ascii: "0")) }
        } else {
            w.bytes("   [")
        }
        w.unsigned(UInt64(frame.length))
        w.bytes("]  ")
        if frame.kind == .remote {
            w.bytes("remote request")
        } else {
            let table = ("0123456789ABCDEF" as StaticString).utf8Start
            frame.data.withUnsafeBytes { data in
                for i in 0..<Int(frame.length) {
                    if i > 0 { w.byte(0x20) }
                    w.bytes(table[Int(data[i] >> 4)], table[Int(data[i] & 0xF)])
                }
            }
        }
        w.bytes(0x20, 0x20)
    }
}
