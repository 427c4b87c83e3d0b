/// Turns DBC statements into the `Database` model, with the meaning cantools gives them.
///
/// Statements come one at a time (`take`), in file order. A `BO_` becomes its message's
/// model at once, with what its own lines say (ids, lengths, bit positions, scaling,
/// receivers), and its syntax is dropped. Every statement that refers to another object
/// (comments, attributes, value descriptions, value types, multiplexer ranges, extra
/// transmitters) is filed under the object's key, exactly as written: messages by their
/// `BO_` id with bit 31, signals by message id and short name. `finish` then gives each
/// model what was filed for it (these statements usually follow the `BO_` sections).
/// Whatever is left over refers to an object that does not exist and is reported.
struct DatabaseBuilder {
    let file: String
    var diagnostics: [Diagnostic] = []

    // Collected by `collect`.
    var version: String?
    var bitTiming: BitTiming?
    var nodeNames: [String] = []
    /// Built as their `BO_` is read; names, senders and receivers short until `finish`.
    var messages: [Message] = []
    /// One per `BO_`, in file order: what `finish` needs besides the model.
    var pendingMessages: [PendingMessage] = []
    /// `BA_`/`BA_REL_` values, converted by their definition's type once every `BA_DEF_` is read.
    var attributeValues: [AttributeValueSyntax] = []
    var environmentVariableSyntax: [EnvironmentVariableSyntax] = []
    var valueTables: [String: [ValueDescription]] = [:]

    var databaseComment: String?
    var nodeComments: [String: String] = [:]
    var messageComments: [UInt64: String] = [:]
    var signalComments: [SignalKey: String] = [:]
    var environmentVariableComments: [String: String] = [:]

    /// Definitions by name, in file order of first definition.
    var definitions: [String: AttributeDefinition] = [:]
    var definitionOrder: [String] = []
    var definitionTypeNames: [String: String] = [:]
    var defaults: [String: AttributeDefaultSyntax] = [:]

    var databaseAttributes: [String: AttributeValue] = [:]
    var nodeAttributes: [String: [String: AttributeValue]] = [:]
    var messageAttributes: [UInt64: [String: AttributeValue]] = [:]
    var signalAttributes: [SignalKey: [String: AttributeValue]] = [:]
    var environmentVariableAttributes: [String: [String: AttributeValue]] = [:]

    /// `VAL_` for signals; taken (removed) by the first signal that claims it, as in cantools.
    var signalValueDescriptions: [SignalKey: Claimable<[ValueDescription]>] = [:]
    var environmentVariableValueDescriptions: [String: Claimable<[ValueDescription]>] = [:]
    /// `SIG_VALTYPE_`; taken by the first signal that claims it.
    var signalValueTypes: [SignalKey: Claimable<Int64>] = [:]
    var extraSenders: [UInt64: Claimable<[String]>] = [:]
    /// `SG_MUL_VAL_`: message → switch name → signal name → ranges (switches in first-seen order).
    var multiplexValues: [UInt64: [(switchName: String, signals: [String: Claimable<[ClosedRange<UInt64>]>])]] = [:]
    var signalGroupSyntax: [SignalGroupSyntax] = []
    /// Receiver lists already built, shared by every signal with the same list.
    var receiverLists: [[String]: [String]] = [:]

    init(file: String) {
        self.file = file
    }

    struct SignalKey: Hashable {
        var rawID: UInt64
        var name: String
    }

    /// What a message's model still needs from its `BO_` syntax once the file is read.
    struct PendingMessage {
        var rawID: UInt64
        /// The `BO_` transmitter, short name.
        var sender: String
        /// The model's index in `messages`; nil for `VECTOR__INDEPENDENT_SIG_MSG` (dropped).
        var model: Int?
        /// cantools' one switch of the message (`simpleSwitch`), from all its `SG_` lines.
        var simpleSwitch: String?
        /// Some `SG_` line of the message is a switch (`M` or `m<n>M`).
        var hasSwitch: Bool
        /// Each kept signal's multiplexer indicator; empty when none has one.
        var mux: [SignalSyntax.MuxIndicator]
    }

    /// A collected value and where it was written; `claimed` once an object took it.
    struct Claimable<Value> {
        var value: Value
        var location: SourceLocation
        var claimed = false
    }

    mutating func report(_ severity: Diagnostic.Severity, at location: SourceLocation?, _ message: String) {
        diagnostics.append(Diagnostic(severity, at: location ?? SourceLocation(file: file, line: 1, column: 1), message))
    }

    /// The model, once every statement was taken.
    mutating func finish() -> Database {
        applyDefaults()
        for a in attributeValues { collectAttribute(a) }
        attributeValues = []
        let messages = finishMessages()
        let environmentVariables = buildEnvironmentVariables()
        let groups = buildSignalGroups(messages)
        reportUnclaimed()
        checkMessages(messages)
        return Database(
            version: version ?? "",
            nodes: nodeNames.map { short in
                Node(name: longName(node: short), comment: nodeComments[short], attributes: nodeAttributes[short] ?? [:])
            },
            messages: messages,
            valueTables: valueTables,
            attributeDefinitions: definitionOrder.compactMap { definitions[$0] },
            attributes: databaseAttributes,
            environmentVariables: environmentVariables,
            signalGroups: groups,
            comment: databaseComment,
            bitTiming: bitTiming
        )
    }

    // MARK: Long names (System*LongSymbol attributes, as cantools applies them)

    func longName(node short: String) -> String {
        if case .string(let s)? = nodeAttributes[short]?["SystemNodeLongSymbol"] { return s }
        return short
    }

    func longName(message short: String, rawID: UInt64) -> String {
        if case .string(let s)? = messageAttributes[rawID]?["SystemMessageLongSymbol"] { return s }
        return short
    }

    func longName(signal short: String, rawID: UInt64) -> String {
        if case .string(let s)? = signalAttributes[SignalKey(rawID: rawID, name: short)]?["SystemSignalLongSymbol"] { return s }
        return short
    }

    func longName(environmentVariable short: String) -> String {
        if case .string(let s)? = environmentVariableAttributes[short]?["SystemEnvVarLongSymbol"] { return s }
        return short
    }

    // MARK: Environment variables and signal groups

    mutating func buildEnvironmentVariables() -> [EnvironmentVariable] {
        environmentVariableSyntax.map { ev in
            var descriptions: [ValueDescription] = []
            if let d = environmentVariableValueDescriptions[ev.name] {
                descriptions = d.value
                environmentVariableValueDescriptions[ev.name]?.claimed = true
            }
            return EnvironmentVariable(
                name: longName(environmentVariable: ev.name), type: Int(ev.type),
                minimum: ev.minimum.doubleValue, maximum: ev.maximum.doubleValue, unit: ev.unit,
                initialValue: ev.initialValue.doubleValue, id: Int(ev.id), accessType: ev.accessType,
                accessNodes: ev.accessNodes, valueDescriptions: descriptions,
                comment: environmentVariableComments[ev.name])
        }
    }

    mutating func buildSignalGroups(_ messages: [Message]) -> [SignalGroup] {
        var groups: [SignalGroup] = []
        for g in signalGroupSyntax {
            let (id, isExtended) = Self.frameID(g.rawID)
            guard let message = messages.last(where: { $0.id == id && $0.isExtended == isExtended }) ?? messages.last(where: { $0.id == id }) else {
                report(.warning, at: g.location, "SIG_GROUP_ '\(g.name)' refers to message id \(g.rawID), which no BO_ defines; ignored")
                continue
            }
            let names = g.signals.map { longName(signal: $0, rawID: g.rawID) }
            for name in names where message.signal(named: name) == nil {
                report(.warning, at: g.location, "SIG_GROUP_ '\(g.name)' names signal '\(name)', which message '\(message.name)' does not have")
            }
            groups.append(SignalGroup(
                messageID: message.id, isExtended: message.isExtended, name: g.name,
                repetitions: Int(g.repetitions), signalNames: names))
        }
        return groups
    }

    /// The id and extended flag a `BO_` id stands for (before the opendbc fix-up in `buildMessage`).
    static func frameID(_ raw: UInt64) -> (UInt32, Bool) {
        if raw & 0x8000_0000 != 0 { return (UInt32(raw & 0x1FFF_FFFF), true) }
        let id = UInt32(truncatingIfNeeded: raw & 0x7FFF_FFFF)
        if id > 0x7FF { return (id & 0x1FFF_FFFF, true) }
        return (id, false)
    }
}
