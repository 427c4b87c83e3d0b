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
/// decoded gets `  error: <reason>` instead of signal lines.
public enum DecodedText {
    /// Appends the text for `frame` (lines separated by `\n`, no trailing newline).
    /// Error frames produce nothing.
    public static func append(
        frame: CANFrame, plan: DecodePlan, outcome: DecodeOutcome, values: DecodedSignals,
        to buffer: inout [UInt8]
    ) {
        guard frame.kind != .error else { return }
        buffer.append(UInt8(ascii: "("))
        frame.timestamp.write(to: &buffer)
        buffer.append(contentsOf: Array(")  ".utf8))
        buffer.append(contentsOf: frame.bus.utf8)
        buffer.append(contentsOf: [0x20, 0x20])
        if !frame.isExtended { buffer.append(contentsOf: Array("     ".utf8)) }
        appendHex(UInt64(frame.id), digits: frame.isExtended ? 8 : 3, to: &buffer)
        if frame.kind == .fd {
            buffer.append(contentsOf: Array("  [".utf8))
            if frame.length < 10 { buffer.append(UInt8(ascii: "0")) }
        } else {
            buffer.append(contentsOf: Array("   [".utf8))
        }
        DecimalText.appendUnsigned(UInt64(frame.length), to: &buffer)
        buffer.append(contentsOf: Array("]  ".utf8))
        if frame.kind == .remote {
            buffer.append(contentsOf: Array("remote request".utf8))
        } else {
            for i in 0..<Int(frame.length) {
                if i > 0 { buffer.append(0x20) }
                appendHex(UInt64(frame.data[i]), digits: 2, to: &buffer)
            }
        }
        buffer.append(contentsOf: [0x20, 0x20])
        guard let index = outcome.messageIndex else {
            buffer.append(contentsOf: Array("(unknown)".utf8))
            return
        }
        let message = plan.message(at: index)
        buffer.append(contentsOf: message.name.utf8)
        switch outcome {
        case .failed(_, let failure):
            buffer.append(contentsOf: Array("\n  error: ".utf8))
            buffer.append(contentsOf: failure.canonicalText.utf8)
        case .decoded:
            for i in 0..<values.count {
                let (signalIndex, value) = values[i]
                let signal = message.signals[signalIndex]
                buffer.append(contentsOf: Array("\n  ".utf8))
                buffer.append(contentsOf: signal.name.utf8)
                buffer.append(contentsOf: Array(" = ".utf8))
                switch value {
                case .real(let x): PythonFloatText.append(x, to: &buffer)
                default: CanonicalLine.appendValue(value, to: &buffer)
                }
                if !signal.unit.isEmpty {
                    buffer.append(0x20)
                    buffer.append(contentsOf: signal.unit.utf8)
                }
                if !signal.valueDescriptions.isEmpty,
                    let raw = plan.raw(signal: signalIndex, messageIndex: index, in: frame.data)
                {
                    let key = signal.isSigned && signal.valueType == .integer && signal.length < 64
                        ? Int64(bitPattern: raw &<< UInt64(64 - signal.length)) &>> Int64(64 - signal.length)
                        : Int64(bitPattern: raw)
                    if let label = signal.label(forRaw: key) {
                        buffer.append(contentsOf: Array(" \"".utf8))
                        buffer.append(contentsOf: label.utf8)
                        buffer.append(UInt8(ascii: "\""))
                    }
                }
            }
        case .unknownMessage:
            break
        }
    }

    static func appendHex(_ value: UInt64, digits: Int, to buffer: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for k in stride(from: digits - 1, through: 0, by: -1) {
            buffer.append(hex[Int((value >> UInt64(4 * k)) & 0xF)])
        }
    }
}
