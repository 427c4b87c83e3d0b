/// Attribute definitions, defaults and values, and the attributes with a meaning for
/// decoding: GenMsgCycleTime, VFrameFormat, BusType, CANFD_BRS, GenSigStartValue.
extension DatabaseBuilder {
    /// The frame formats an INT `VFrameFormat` counts through (cantools' table).
    static let frameFormats = [
        "StandardCAN", "ExtendedCAN", "reserved", "J1939PG", "reserved", "reserved", "reserved", "reserved",
        "reserved", "reserved", "reserved", "reserved", "reserved", "reserved", "StandardCAN_FD", "ExtendedCAN_FD",
    ]

    mutating func define(_ d: AttributeDefinitionSyntax) {
        let kind: AttributeDefinition.Kind
        switch d.typeName {
        case "INT", "HEX":
            let lo = d.numbers.first.map { limit($0, of: d.name) } ?? 0
            let hi = d.numbers.dropFirst().first.map { limit($0, of: d.name) } ?? 0
            kind = d.typeName == "INT" ? .integer(min: lo, max: hi) : .hex(min: lo, max: hi)
        case "FLOAT":
            kind = .float(min: d.numbers.first?.doubleValue ?? 0, max: d.numbers.dropFirst().first?.doubleValue ?? 0)
        case "ENUM":
            kind = .enumeration(d.enumValues)
        default:
            kind = .string
        }
        if definitions[d.name] == nil {
            definitionOrder.append(d.name)
        }
        definitions[d.name] = AttributeDefinition(name: d.name, scope: d.scope, kind: kind)
        definitionTypeNames[d.name] = d.typeName
    }

    mutating func limit(_ n: NumberSyntax, of name: String) -> Int64 {
        if let v = Self.truncatedInt64(n) { return v }
        report(.warning, at: n.location, "limit \(n.text) of attribute '\(name)' does not fit 64 bits; clamped")
        return n.doubleValue < 0 ? .min : .max
    }

    mutating func applyDefaults() {
        for (name, d) in defaults.sorted(by: { $0.value.location < $1.value.location }) {
            guard definitions[name] != nil else {
                report(.warning, at: d.location, "default for attribute '\(name)', which no BA_DEF_ defines; ignored")
                continue
            }
            // As in cantools, an ENUM default is its text, not an index.
            let value = convert(d.value, definition: name, at: d.location, enumAsText: true)
            definitions[name]?.defaultValue = value
        }
    }

    /// A literal converted by the definition's type: INT/HEX/ENUM to integers (an ENUM value in
    /// `BA_` is an index), FLOAT to reals, STRING to text.
    mutating func convert(_ literal: AttributeLiteral, definition name: String, at location: SourceLocation, enumAsText: Bool = false) -> AttributeValue {
        switch (definitionTypeNames[name], literal) {
        case ("INT", .number(let n)), ("HEX", .number(let n)):
            if let v = Self.truncatedInt64(n) { return .integer(v) }
            report(.warning, at: location, "value \(n.text) of attribute '\(name)' does not fit 64 bits; kept as a real")
            return .real(n.doubleValue)
        case ("ENUM", .number(let n)):
            if let v = Self.truncatedInt64(n) { return .integer(v) }
            return .real(n.doubleValue)
        case ("ENUM", .string(let s)) where enumAsText:
            return .string(s)
        case ("FLOAT", .number(let n)):
            return .real(n.doubleValue)
        case ("STRING", .string(let s)):
            return .string(s)
        case ("STRING", .number(let n)):
            return .string(n.text)
        case (nil, _):
            report(.warning, at: location, "attribute '\(name)' is not defined by a BA_DEF_; value kept as written")
            return Self.literalValue(literal)
        case (let type?, _):
            report(.warning, at: location, "attribute '\(name)' is defined as \(type), but this value is \(Self.literalValue(literal)); kept as written (cantools refuses it)")
            return Self.literalValue(literal)
        }
    }

    static func literalValue(_ literal: AttributeLiteral) -> AttributeValue {
        switch literal {
        case .string(let s): return .string(s)
        case .number(let n):
            if let v = n.int64 { return .integer(v) }
            return .real(n.doubleValue)
        }
    }

    mutating func collectAttribute(_ a: AttributeValueSyntax) {
        let value = convert(a.value, definition: a.name, at: a.location)
        switch a.target {
        case .database: databaseAttributes[a.name] = value
        case .node(let n): nodeAttributes[n, default: [:]][a.name] = value
        case .message(let id): messageAttributes[id, default: [:]][a.name] = value
        case .signal(let id, let s): signalAttributes[SignalKey(rawID: id, name: s), default: [:]][a.name] = value
        case .environmentVariable(let e): environmentVariableAttributes[e, default: [:]][a.name] = value
        case .nodeSignal, .nodeMessage, .nodeEnvironmentVariable:
            // Relation attributes (BA_REL_) are read and checked, but nothing in decoding uses them.
            break
        }
    }

    // MARK: Attributes with a meaning

    /// `GenMsgCycleTime` as cantools reads it: only when the attribute is defined; the
    /// message's own value, else the definition's default; 0 means none.
    func cycleTime(rawID: UInt64) -> Int? {
        guard let definition = definitions["GenMsgCycleTime"] else { return nil }
        if let own = messageAttributes[rawID]?["GenMsgCycleTime"] {
            return Self.positiveMilliseconds(own)
        }
        return definition.defaultValue.flatMap(Self.positiveMilliseconds)
    }

    static func positiveMilliseconds(_ value: AttributeValue) -> Int? {
        switch value {
        case .integer(let v): return v == 0 ? nil : Int(v)
        case .real(let v):
            guard v != 0, let i = exactInt64(v.rounded(.towardZero)) else { return nil }
            return Int(i)
        case .string: return nil
        }
    }

    /// The message's `VFrameFormat` name, as cantools resolves it (ENUM or INT definition).
    mutating func frameFormat(rawID: UInt64, at location: SourceLocation?) -> String? {
        guard let definition = definitions["VFrameFormat"] else { return nil }
        let choices: [String]
        var fallback: String?
        switch definition.kind {
        case .enumeration(let values):
            choices = values
            if case .string(let s)? = definition.defaultValue { fallback = s }
        case .integer, .hex:
            choices = Self.frameFormats
            if case .integer(let i)? = definition.defaultValue, i >= 0, i < choices.count { fallback = choices[Int(i)] }
        default:
            return nil
        }
        if let own = messageAttributes[rawID]?["VFrameFormat"] {
            if case .integer(let i) = own, i >= 0, i < choices.count { return choices[Int(i)] }
            if case .string(let s) = own { return s }
            report(.warning, at: location, "VFrameFormat value \(own) is not one of the \(choices.count) frame formats; ignored")
            return fallback
        }
        return fallback
    }

    /// `BusType` is "CAN FD" (database value, else the default).
    var busIsFD: Bool {
        let value = databaseAttributes["BusType"] ?? definitions["BusType"]?.defaultValue
        if case .string(let s)? = value { return s == "CAN FD" }
        return false
    }

    /// `CANFD_BRS` for a message: the message's value, else the default; nil when undefined.
    func bitRateSwitch(rawID: UInt64) -> Bool? {
        guard let definition = definitions["CANFD_BRS"] else { return nil }
        guard let value = messageAttributes[rawID]?["CANFD_BRS"] ?? definition.defaultValue else { return nil }
        switch (definition.kind, value) {
        case (.enumeration(let names), .integer(let i)):
            guard i >= 0, i < names.count else { return nil }
            return names[Int(i)] == "1"
        case (_, .string(let s)): return s == "1"
        case (_, .integer(let i)): return i != 0
        case (_, .real(let d)): return d != 0
        }
    }

    /// `GenSigStartValue` for a signal (a raw value); the definition's default is not used,
    /// as in cantools.
    mutating func startValue(_ attributes: [String: AttributeValue], of signal: String, at location: SourceLocation) -> Double? {
        guard let value = attributes["GenSigStartValue"] else { return nil }
        guard let d = value.doubleValue else {
            report(.warning, at: location, "GenSigStartValue of signal '\(signal)' is not a number; ignored")
            return nil
        }
        return d
    }
}
