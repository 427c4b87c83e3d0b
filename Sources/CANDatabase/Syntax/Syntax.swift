/// The syntax of a DBC file: one value per statement, in file order, with source locations.
///
/// Nothing here is interpreted yet (ids keep bit 31, attribute values are as written);
/// `DatabaseBuilder` turns statements into the `Database` model.
enum Statement: Sendable {
    case version(String, SourceLocation)
    case bitTiming(BitTiming?, SourceLocation)
    case nodes([NameSyntax], SourceLocation)
    case valueTable(ValueTableSyntax)
    case message(MessageSyntax)
    case transmitters(TransmittersSyntax)
    case environmentVariable(EnvironmentVariableSyntax)
    case environmentVariableData(name: String, size: Int64, SourceLocation)
    case comment(CommentSyntax)
    case attributeDefinition(AttributeDefinitionSyntax)
    case attributeDefault(AttributeDefaultSyntax)
    case attributeValue(AttributeValueSyntax)
    case valueDescriptions(ValueDescriptionsSyntax)
    case signalValueType(SignalValueTypeSyntax)
    case signalGroup(SignalGroupSyntax)
    case multiplexValues(MultiplexValuesSyntax)
}

struct NameSyntax: Sendable {
    var name: String
    var location: SourceLocation
}

/// A number as written: integer literals stay exact.
struct NumberSyntax: Sendable {
    var text: String
    var isIntegerLiteral: Bool
    var location: SourceLocation

    /// Like cantools' `num()`: an integer when the text is an integer literal, else a double.
    var number: Signal.Number {
        if isIntegerLiteral, let v = Int64(text.first == "+" ? String(text.dropFirst()) : text) {
            return .integer(v)
        }
        return .real(doubleValue)
    }

    var doubleValue: Double { Double(text) ?? Double(text.first == "+" ? String(text.dropFirst()) : text) ?? .nan }

    /// The value as a 64-bit integer, when the text is an integer literal that fits.
    var int64: Int64? {
        guard isIntegerLiteral else { return nil }
        return Int64(text.first == "+" ? String(text.dropFirst()) : text)
    }
}

struct ValuePairSyntax: Sendable {
    var value: NumberSyntax
    var label: String
}

struct ValueTableSyntax: Sendable {
    var name: String
    var pairs: [ValuePairSyntax]
    var location: SourceLocation
}

struct MessageSyntax: Sendable {
    /// The `BO_` id as written, bit 31 included.
    var rawID: UInt64
    var name: String
    var length: Int64
    var sender: String
    var signals: [SignalSyntax]
    var location: SourceLocation
}

struct SignalSyntax: Sendable {
    enum MuxIndicator: Sendable, Equatable {
        case none
        /// `M`
        case multiplexer
        /// `m<n>`
        case multiplexed(UInt64)
        /// `m<n>M`
        case multiplexedMultiplexer(UInt64)

        /// `M` or `m<n>M`: the signal is a switch.
        var isSwitch: Bool {
            switch self {
            case .multiplexer, .multiplexedMultiplexer: return true
            case .none, .multiplexed: return false
            }
        }
    }

    var name: String
    var mux: MuxIndicator
    var startBit: Int64
    var length: Int64
    var byteOrder: Signal.ByteOrder
    var isSigned: Bool
    var factor: NumberSyntax
    var offset: NumberSyntax
    var minimum: NumberSyntax
    var maximum: NumberSyntax
    var unit: String
    var receivers: [String]
    var location: SourceLocation
}

struct TransmittersSyntax: Sendable {
    var rawID: UInt64
    var senders: [String]
    var location: SourceLocation
}

struct EnvironmentVariableSyntax: Sendable {
    var name: String
    var type: Int64
    var minimum: NumberSyntax
    var maximum: NumberSyntax
    var unit: String
    var initialValue: NumberSyntax
    var id: Int64
    var accessType: String
    var accessNodes: [String]
    var location: SourceLocation
}

struct CommentSyntax: Sendable {
    enum Target: Sendable {
        case database
        case node(String)
        case message(UInt64)
        case signal(UInt64, String)
        case environmentVariable(String)
    }
    var target: Target
    var text: String
    var location: SourceLocation
}

struct AttributeDefinitionSyntax: Sendable {
    var name: String
    var scope: AttributeDefinition.Scope
    /// `INT`, `HEX`, `FLOAT`, `STRING`, `ENUM` as written.
    var typeName: String
    var numbers: [NumberSyntax]
    var enumValues: [String]
    var isRelation: Bool
    var location: SourceLocation
}

/// An attribute value as written: a number or a string.
enum AttributeLiteral: Sendable {
    case number(NumberSyntax)
    case string(String)
}

struct AttributeDefaultSyntax: Sendable {
    var name: String
    var value: AttributeLiteral
    var isRelation: Bool
    var location: SourceLocation
}

struct AttributeValueSyntax: Sendable {
    enum Target: Sendable {
        case database
        case node(String)
        case message(UInt64)
        case signal(UInt64, String)
        case environmentVariable(String)
        /// `BA_REL_ "n" BU_SG_REL_ node SG_ id sig v;`
        case nodeSignal(node: String, UInt64, String)
        /// `BA_REL_ "n" BU_BO_REL_ node id v;`
        case nodeMessage(node: String, UInt64)
        /// `BA_REL_ "n" BU_EV_REL_ node ev v;`
        case nodeEnvironmentVariable(node: String, String)
    }
    var name: String
    var target: Target
    var value: AttributeLiteral
    var location: SourceLocation
}

struct ValueDescriptionsSyntax: Sendable {
    /// The message id for a signal's descriptions; `nil` for an environment variable.
    var rawID: UInt64?
    var name: String
    var pairs: [ValuePairSyntax]
    var location: SourceLocation
}

struct SignalValueTypeSyntax: Sendable {
    var rawID: UInt64
    var signal: String
    var type: Int64
    var location: SourceLocation
}

struct SignalGroupSyntax: Sendable {
    var rawID: UInt64
    var name: String
    var repetitions: Int64
    var signals: [String]
    var location: SourceLocation
}

struct MultiplexValuesSyntax: Sendable {
    var rawID: UInt64
    var signal: String
    var switchName: String
    var ranges: [ClosedRange<UInt64>]
    var location: SourceLocation
}
