import CANCore

/// A DBC database: an immutable value built once from DBC text.
///
/// Nothing here has setters that change meaning after the fact; a changed DBC is a new
/// `Database` and a new `DecodePlan`.
public struct Database: Sendable, Hashable {
    public var version: String
    /// Node (ECU) names from `BU_`.
    public var nodes: [Node]
    /// Messages in file order. Duplicate identifiers are kept here; the decode plan lets
    /// the last definition win, as cantools does.
    public var messages: [Message]
    /// Named value tables from `VAL_TABLE_`.
    public var valueTables: [String: [ValueDescription]]
    /// Attribute definitions (`BA_DEF_`, `BA_DEF_REL_`) with their defaults (`BA_DEF_DEF_`).
    public var attributeDefinitions: [AttributeDefinition]
    /// Database-level attribute values (`BA_ "name" value;`).
    public var attributes: [String: AttributeValue]
    public var environmentVariables: [EnvironmentVariable]
    public var signalGroups: [SignalGroup]
    /// Database comment (`CM_ "text";`).
    public var comment: String?
    /// `BS_:` baud rate and BTR values when given (deprecated, kept for round trips).
    public var bitTiming: BitTiming?

    public init(
        version: String = "",
        nodes: [Node] = [],
        messages: [Message] = [],
        valueTables: [String: [ValueDescription]] = [:],
        attributeDefinitions: [AttributeDefinition] = [],
        attributes: [String: AttributeValue] = [:],
        environmentVariables: [EnvironmentVariable] = [],
        signalGroups: [SignalGroup] = [],
        comment: String? = nil,
        bitTiming: BitTiming? = nil
    ) {
        self.version = version
        self.nodes = nodes
        self.messages = messages
        self.valueTables = valueTables
        self.attributeDefinitions = attributeDefinitions
        self.attributes = attributes
        self.environmentVariables = environmentVariables
        self.signalGroups = signalGroups
        self.comment = comment
        self.bitTiming = bitTiming
    }

    /// The message that decodes frames with this id (the last definition wins).
    public func message(id: UInt32, isExtended: Bool) -> Message? {
        messages.last { $0.id == id && $0.isExtended == isExtended }
    }

    /// The message with this name (the last definition wins).
    public func message(named name: String) -> Message? {
        messages.last { $0.name == name }
    }
}

public struct BitTiming: Sendable, Hashable {
    public var baudRate: Int
    public var btr1: Int
    public var btr2: Int
    public init(baudRate: Int, btr1: Int, btr2: Int) {
        self.baudRate = baudRate
        self.btr1 = btr1
        self.btr2 = btr2
    }
}

public struct Node: Sendable, Hashable {
    public var name: String
    public var comment: String?
    public var attributes: [String: AttributeValue]
    public init(name: String, comment: String? = nil, attributes: [String: AttributeValue] = [:]) {
        self.name = name
        self.comment = comment
        self.attributes = attributes
    }
}

/// One `BO_` message and its signals.
public struct Message: Sendable, Hashable {
    /// The identifier without bit 31 (11 or 29 bits).
    public var id: UInt32
    /// Bit 31 was set in the `BO_` id: a 29-bit identifier.
    public var isExtended: Bool
    public var name: String
    /// Payload length in bytes as declared in `BO_` (0...64).
    public var length: Int
    /// Transmitters: the `BO_` sender plus any from `BO_TX_BU_`; `Vector__XXX` is dropped.
    public var senders: [String]
    /// Signals in file order.
    public var signals: [Signal]
    public var comment: String?
    /// `GenMsgCycleTime` in milliseconds, when set (per message or by default).
    public var cycleTime: Int?
    /// A CAN FD message (`VFrameFormat` is one of the FD formats, or the length is over 8).
    public var isFD: Bool
    /// `CANFD_BRS` attribute, when the DBC says.
    public var bitRateSwitch: Bool?
    /// Message attribute values set with `BA_ "name" BO_ id value;` (not defaults).
    public var attributes: [String: AttributeValue]
    /// Where the `BO_` line is.
    public var location: SourceLocation?

    public init(
        id: UInt32, isExtended: Bool = false, name: String, length: Int,
        senders: [String] = [], signals: [Signal] = [], comment: String? = nil,
        cycleTime: Int? = nil, isFD: Bool = false, bitRateSwitch: Bool? = nil,
        attributes: [String: AttributeValue] = [:], location: SourceLocation? = nil
    ) {
        self.id = id
        self.isExtended = isExtended
        self.name = name
        self.length = length
        self.senders = senders
        self.signals = signals
        self.comment = comment
        self.cycleTime = cycleTime
        self.isFD = isFD
        self.bitRateSwitch = bitRateSwitch
        self.attributes = attributes
        self.location = location
    }

    /// The signal that selects the active branch of a simple multiplexed message (`M`).
    public var multiplexer: Signal? { signals.first { $0.isMultiplexer && $0.multiplexer == nil } }

    public func signal(named name: String) -> Signal? { signals.first { $0.name == name } }
}

/// One `value "label"` pair of a `VAL_` or `VAL_TABLE_`.
public struct ValueDescription: Sendable, Hashable {
    public var value: Int64
    public var label: String
    public init(value: Int64, label: String) {
        self.value = value
        self.label = label
    }
}

/// An attribute value as given in `BA_` or `BA_DEF_DEF_`.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case real(Double)
    case string(String)

    public var description: String {
        switch self {
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .string(let v): return "\"\(v)\""
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        case .string: return nil
        }
    }
}

public struct AttributeDefinition: Sendable, Hashable {
    /// Which objects the attribute applies to.
    public enum Scope: String, Sendable, Hashable {
        case database = ""
        case node = "BU_"
        case message = "BO_"
        case signal = "SG_"
        case environmentVariable = "EV_"
        case nodeMessageRelation = "BU_BO_REL_"
        case nodeSignalRelation = "BU_SG_REL_"
        case nodeEnvironmentVariableRelation = "BU_EV_REL_"
    }

    public enum Kind: Sendable, Hashable {
        case integer(min: Int64, max: Int64)
        case hex(min: Int64, max: Int64)
        case float(min: Double, max: Double)
        case string
        case enumeration([String])
    }

    public var name: String
    public var scope: Scope
    public var kind: Kind
    public var defaultValue: AttributeValue?

    public init(name: String, scope: Scope, kind: Kind, defaultValue: AttributeValue? = nil) {
        self.name = name
        self.scope = scope
        self.kind = kind
        self.defaultValue = defaultValue
    }
}

public struct EnvironmentVariable: Sendable, Hashable {
    public var name: String
    /// 0 integer, 1 float, 2 string (as in `EV_`).
    public var type: Int
    public var minimum: Double
    public var maximum: Double
    public var unit: String
    public var initialValue: Double
    public var id: Int
    public var accessType: String
    public var accessNodes: [String]
    public var valueDescriptions: [ValueDescription]
    public var comment: String?

    public init(
        name: String, type: Int, minimum: Double, maximum: Double, unit: String,
        initialValue: Double, id: Int, accessType: String, accessNodes: [String],
        valueDescriptions: [ValueDescription] = [], comment: String? = nil
    ) {
        self.name = name
        self.type = type
        self.minimum = minimum
        self.maximum = maximum
        self.unit = unit
        self.initialValue = initialValue
        self.id = id
        self.accessType = accessType
        self.accessNodes = accessNodes
        self.valueDescriptions = valueDescriptions
        self.comment = comment
    }
}

public struct SignalGroup: Sendable, Hashable {
    public var messageID: UInt32
    public var isExtended: Bool
    public var name: String
    public var repetitions: Int
    public var signalNames: [String]
    public init(messageID: UInt32, isExtended: Bool, name: String, repetitions: Int, signalNames: [String]) {
        self.messageID = messageID
        self.isExtended = isExtended
        self.name = name
        self.repetitions = repetitions
        self.signalNames = signalNames
    }
}
