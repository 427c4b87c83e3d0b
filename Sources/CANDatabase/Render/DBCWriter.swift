/// Writes a `Database` as DBC text that `DBCParser` reads back to an equal database
/// (source locations aside).
///
/// Sections come in the Vector order, with `SIG_GROUP_` before `SIG_VALTYPE_` (the order
/// strict readers such as dbcppp require). What the model derives from attributes
/// (`cycleTime`, `isFD`, `bitRateSwitch`, `startValue`, long names) is written as those
/// attributes, so it reads back the same. Not round-tripped: several messages with the same
/// id (comments, attributes and value descriptions are keyed by id in DBC text), relation
/// attribute values and environment-variable attributes (the model does not keep them).
public enum DBCWriter {
    public static func write(_ db: Database) -> String {
        var out = DBCText()
        out.header(db)
        out.messages(db)
        out.environmentVariables(db)
        out.comments(db)
        out.attributeDefinitions(db)
        out.attributeValues(db)
        out.valueDescriptions(db)
        out.signalGroups(db)
        out.valueTypes(db)
        out.multiplexValues(db)
        return out.text
    }
}

/// The text being written, and how each kind of value is spelled.
struct DBCText {
    var text = ""
    /// Nodes whose (long) name is not a DBC name, and the name written for them instead.
    var nodeNames: [String: String] = [:]

    // MARK: Names
    //
    // A long name (`System*LongSymbol`) may hold any text; the model keeps only it. Where it is
    // not a DBC name, a stand-in is written and the attribute, written too, restores the long name.

    static func isName(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy(Lexer.isNameByte) }

    func node(_ name: String) -> String { nodeNames[name] ?? name }

    static func messageName(_ m: Message) -> String { isName(m.name) ? m.name : "MESSAGE_\(rawID(m))" }

    static func signalName(_ name: String, in m: Message) -> String {
        if isName(name) { return name }
        guard let i = m.signals.firstIndex(where: { $0.name == name }) else { return name }
        return "SIGNAL_\(i)"
    }

    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }

    /// A quoted string: `"` becomes `\"`; everything else is written as is.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            if c == "\"" { out += "\\\"" } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }

    /// Integers as integers; reals so that they read back as reals (`1.0`, `1e-05`).
    static func number(_ n: Signal.Number) -> String {
        switch n {
        case .integer(let v): return String(v)
        case .real(let d): return real(d)
        }
    }

    static func real(_ d: Double) -> String {
        guard d.isFinite else { return d.isNaN ? "0.0" : (d < 0 ? "-1.7976931348623157e308" : "1.7976931348623157e308") }
        return String(d)
    }

    static func attribute(_ v: AttributeValue) -> String {
        switch v {
        case .integer(let i): return String(i)
        case .real(let d): return real(d)
        case .string(let s): return quoted(s)
        }
    }

    /// The `BO_` id: bit 31 set for extended ids.
    static func rawID(_ m: Message) -> UInt64 { rawID(m.id, isExtended: m.isExtended) }

    static func rawID(_ id: UInt32, isExtended: Bool) -> UInt64 {
        isExtended ? UInt64(id) | 0x8000_0000 : UInt64(id)
    }

    /// A list of names, or `Vector__XXX` for none.
    static func names(_ names: [String]) -> String {
        names.isEmpty ? "Vector__XXX" : names.joined(separator: ",")
    }
}
