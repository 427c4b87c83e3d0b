/// The two dialects of GB/T 32960.3 share one frame layout; the start bytes say which one a
/// frame follows, and with it the numbering of the real-time info types (the 2025 edition
/// renumbered them, and removed the extreme-values block).
///
///     ## (0x23 0x23)  GB/T 32960.3-2016
///     $$ (0x24 0x24)  GB/T 32960.3-2025
public enum Edition: String, Sendable, CaseIterable {
    case v2016 = "2016"
    case v2025 = "2025"

    /// The byte repeated twice at the start of every frame of this edition.
    public var startByte: UInt8 { self == .v2016 ? 0x23 : 0x24 }

    public init?(startByte: UInt8) {
        switch startByte {
        case 0x23: self = .v2016
        case 0x24: self = .v2025
        default: return nil
        }
    }

    /// How long stored reports may wait for a reissue (B.2.8): 3 days in 2016, 7 in 2025.
    public var reissueRetentionSeconds: Int64 { self == .v2016 ? 3 * 86_400 : 7 * 86_400 }
    /// The highest alarm level: 3 in 2016, 4 ("thermal event") in 2025.
    public var maxAlarmLevel: UInt8 { self == .v2016 ? 3 : 4 }
}

/// The command identifier (offset 2). A reply reuses the request's id; the response flag
/// says it is a reply.
public struct Command: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let login = Command(rawValue: 0x01)
    public static let realtime = Command(rawValue: 0x02)
    public static let reissue = Command(rawValue: 0x03)
    public static let logout = Command(rawValue: 0x04)
    public static let platformLogin = Command(rawValue: 0x05)
    public static let platformLogout = Command(rawValue: 0x06)
    public static let heartbeat = Command(rawValue: 0x07)
    public static let timeSync = Command(rawValue: 0x08)
    /// 2025 only: security-chip activation and its response, data-unit key exchange.
    public static let activation = Command(rawValue: 0x09)
    public static let activationResponse = Command(rawValue: 0x0A)
    public static let keyExchange = Command(rawValue: 0x0B)
    /// Downlink (platform → terminal, Annex B): parameter query, parameter set, terminal control.
    public static let query = Command(rawValue: 0x80)
    public static let set = Command(rawValue: 0x81)
    public static let control = Command(rawValue: 0x82)

    public var description: String {
        switch rawValue {
        case 0x01: "login"
        case 0x02: "realtime"
        case 0x03: "reissue"
        case 0x04: "logout"
        case 0x05: "platform_login"
        case 0x06: "platform_logout"
        case 0x07: "heartbeat"
        case 0x08: "time_sync"
        case 0x09: "activation"
        case 0x0A: "activation_response"
        case 0x0B: "key_exchange"
        case 0x80: "parameter_query"
        case 0x81: "parameter_set"
        case 0x82: "terminal_control"
        default: "unknown"
        }
    }
}

/// The response flag (offset 3): `0xFE` marks a command; anything else is a reply, which
/// must not be answered. 2025 added codes 0x04–0x07.
public struct ResponseFlag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let success = ResponseFlag(rawValue: 0x01)
    /// 2016 "setting failed"; 2025 "other error".
    public static let error = ResponseFlag(rawValue: 0x02)
    public static let vinDuplicate = ResponseFlag(rawValue: 0x03)
    public static let vinUnknown = ResponseFlag(rawValue: 0x04)
    public static let signatureError = ResponseFlag(rawValue: 0x05)
    public static let structureError = ResponseFlag(rawValue: 0x06)
    public static let decryptionError = ResponseFlag(rawValue: 0x07)
    public static let command = ResponseFlag(rawValue: 0xFE)

    public var isCommand: Bool { rawValue == 0xFE }

    public var description: String {
        switch rawValue {
        case 0x01: "success"
        case 0x02: "error"
        case 0x03: "vin_duplicate"
        case 0x04: "vin_unknown"
        case 0x05: "signature_error"
        case 0x06: "structure_error"
        case 0x07: "decryption_error"
        case 0xFE: "command"
        default: "unknown"
        }
    }
}

/// The data-unit encryption byte (offset 21). candor sends `0x01` (none) only.
public struct Encryption: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let none = Encryption(rawValue: 0x01)

    public var description: String {
        switch rawValue {
        case 0x01: "none"
        case 0x02: "rsa"
        case 0x03: "aes"
        case 0x04: "sm2"
        case 0x05: "sm4"
        case 0xFE: "abnormal"
        case 0xFF: "invalid"
        default: "reserved"
        }
    }
}
