/// The error classes an error frame carries in its identifier (`linux/can/error.h`).
///
/// Detail bytes: `data[0]` arbitration bit, `data[1]` controller status, `data[2]` protocol
/// violation type, `data[3]` its location, `data[4]` transceiver status, `data[6]`/`data[7]`
/// TX/RX error counters (when `.errorCounters` is set).
public struct CANErrorClass: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The corresponding C constant is `CAN_ERR_TX_TIMEOUT`.
    public static let txTimeout = CANErrorClass(rawValue: 0x001)
    /// The corresponding C constant is `CAN_ERR_LOSTARB`.
    public static let lostArbitration = CANErrorClass(rawValue: 0x002)
    /// The corresponding C constant is `CAN_ERR_CRTL`.
    public static let controller = CANErrorClass(rawValue: 0x004)
    /// The corresponding C constant is `CAN_ERR_PROT`.
    public static let protocolViolation = CANErrorClass(rawValue: 0x008)
    /// The corresponding C constant is `CAN_ERR_TRX`.
    public static let transceiver = CANErrorClass(rawValue: 0x010)
    /// The corresponding C constant is `CAN_ERR_ACK`.
    public static let noAcknowledge = CANErrorClass(rawValue: 0x020)
    /// The corresponding C constant is `CAN_ERR_BUSOFF`.
    public static let busOff = CANErrorClass(rawValue: 0x040)
    /// The corresponding C constant is `CAN_ERR_BUSERROR`.
    public static let busError = CANErrorClass(rawValue: 0x080)
    /// The corresponding C constant is `CAN_ERR_RESTARTED`.
    public static let restarted = CANErrorClass(rawValue: 0x100)
    /// The corresponding C constant is `CAN_ERR_CNT`.
    public static let errorCounters = CANErrorClass(rawValue: 0x200)

    /// Each known class with a stable, metric-friendly name, in bit order.
    public static let named: [(CANErrorClass, String)] = [
        (.txTimeout, "tx-timeout"),
        (.lostArbitration, "lost-arbitration"),
        (.controller, "controller-problem"),
        (.protocolViolation, "protocol-violation"),
        (.transceiver, "transceiver-status"),
        (.noAcknowledge, "no-acknowledgement-on-tx"),
        (.busOff, "bus-off"),
        (.busError, "bus-error"),
        (.restarted, "restarted-after-bus-off"),
        (.errorCounters, "error-counter-tx-rx"),
    ]

    /// The names of the classes set, in bit order.
    public var names: [String] { Self.named.filter { contains($0.0) }.map(\.1) }
}

/// An error frame's classes and details, decoded into readable form.
public struct CANErrorReport: Sendable, Hashable {
    public var classes: CANErrorClass
    /// The 8 detail bytes.
    public var details: [UInt8]

    public init(frame: CANFrame) {
        precondition(frame.kind == .error, "not an error frame")
        self.classes = CANErrorClass(rawValue: frame.id)
        self.details = frame.data.bytes(count: 8)
    }

    public init(classes: CANErrorClass, details: [UInt8]) {
        self.classes = classes
        self.details = Array((details + Array(repeating: 0, count: 8)).prefix(8))
    }

    /// TX error counter, when reported.
    public var txErrorCount: UInt8? { classes.contains(.errorCounters) ? details[6] : nil }
    /// RX error counter, when reported.
    public var rxErrorCount: UInt8? { classes.contains(.errorCounters) ? details[7] : nil }

    static let controllerBits: [(UInt8, String)] = [
        (0x01, "rx-overflow"), (0x02, "tx-overflow"), (0x04, "rx-error-warning"),
        (0x08, "tx-error-warning"), (0x10, "rx-error-passive"), (0x20, "tx-error-passive"),
        (0x40, "back-to-error-active"),
    ]
    static let protocolTypeBits: [(UInt8, String)] = [
        (0x01, "single-bit-error"), (0x02, "frame-format-error"), (0x04, "bit-stuffing-error"),
        (0x08, "tx-dominant-bit-error"), (0x10, "tx-recessive-bit-error"), (0x20, "bus-overload"),
        (0x40, "active-error-announcement"), (0x80, "error-on-transmission"),
    ]
    static let protocolLocations: [UInt8: String] = [
        0x03: "start-of-frame", 0x02: "id.28-21", 0x06: "id.20-18", 0x04: "substitute-rtr",
        0x05: "id-extension", 0x07: "id.17-13", 0x0F: "id.12-5", 0x0E: "id.4-0", 0x0C: "rtr",
        0x0D: "reserved-bit-1", 0x09: "reserved-bit-0", 0x0B: "dlc", 0x0A: "data-section",
        0x08: "crc-sequence", 0x18: "crc-delimiter", 0x19: "ack-slot", 0x1B: "ack-delimiter",
        0x1A: "end-of-frame", 0x12: "intermission",
    ]
    static let transceiverStates: [UInt8: String] = [
        0x04: "can-high-no-wire", 0x05: "can-high-short-to-bat", 0x06: "can-high-short-to-vcc",
        0x07: "can-high-short-to-gnd", 0x40: "can-low-no-wire", 0x50: "can-low-short-to-bat",
        0x60: "can-low-short-to-vcc", 0x70: "can-low-short-to-gnd", 0x80: "can-low-short-to-can-high",
    ]

    private static func flags(_ byte: UInt8, _ table: [(UInt8, String)]) -> String {
        table.filter { byte & $0.0 != 0 }.map(\.1).joined(separator: ",")
    }

    /// A readable summary, for example
    /// `controller-problem{rx-error-warning},error-counter-tx-rx{{96}{0}}`.
    public var summary: String {
        var parts: [String] = []
        for (cls, name) in CANErrorClass.named where classes.contains(cls) {
            switch cls {
            case .lostArbitration:
                parts.append("\(name){at bit \(details[0])}")
            case .controller:
                parts.append("\(name){\(Self.flags(details[1], Self.controllerBits))}")
            case .protocolViolation:
                let location = Self.protocolLocations[details[3]] ?? (details[3] == 0 ? "unspecified" : "0x\(String(details[3], radix: 16))")
                parts.append("\(name){{\(Self.flags(details[2], Self.protocolTypeBits))}{\(location)}}")
            case .transceiver:
                parts.append("\(name){\(Self.transceiverStates[details[4]] ?? "unspecified")}")
            case .errorCounters:
                parts.append("\(name){{\(details[6])}{\(details[7])}}")
            default:
                parts.append(name)
            }
        }
        let unknown = classes.rawValue & ~0x3FF
        if unknown != 0 { parts.append("unknown-class{0x\(String(unknown, radix: 16))}") }
        return parts.joined(separator: ",")
    }
}
