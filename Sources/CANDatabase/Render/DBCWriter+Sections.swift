/// The sections of a written DBC, in file order.
extension DBCText {
    mutating func header(_ db: Database) {
        line("VERSION \(Self.quoted(db.version))")
        line("")
        line("NS_ :")
        for symbol in ["NS_DESC_", "CM_", "BA_DEF_", "BA_", "VAL_", "CAT_DEF_", "CAT_", "FILTER", "BA_DEF_DEF_",
                       "EV_DATA_", "ENVVAR_DATA_", "SGTYPE_", "SGTYPE_VAL_", "BA_DEF_SGTYPE_", "BA_SGTYPE_",
                       "SIG_TYPE_REF_", "VAL_TABLE_", "SIG_GROUP_", "SIG_VALTYPE_", "SIGTYPE_VALTYPE_",
                       "BO_TX_BU_", "BA_DEF_REL_", "BA_REL_", "BA_DEF_DEF_REL_", "BU_SG_REL_", "BU_EV_REL_",
                       "BU_BO_REL_", "SG_MUL_VAL_"] {
            line("\t\(symbol)")
        }
        line("")
        if let t = db.bitTiming {
            line("BS_: \(t.baudRate) : \(t.btr1),\(t.btr2)")
        } else {
            line("BS_:")
        }
        line("")
        for (i, n) in db.nodes.enumerated() where !Self.isName(n.name) { nodeNames[n.name] = "NODE_\(i)" }
        line("BU_: " + db.nodes.map { node($0.name) }.joined(separator: " "))
        for (name, values) in db.valueTables.sorted(by: { $0.key < $1.key }) {
            line("VAL_TABLE_ \(name)" + values.map { " \($0.value) \(Self.quoted($0.label))" }.joined() + " ;")
        }
        line("")
    }

    /// The message's single plain switch, as the parser decides it (see `DatabaseBuilder.simpleSwitch`).
    static func simpleSwitch(_ m: Message) -> String? {
        let switches = m.signals.filter(\.isMultiplexer)
        guard switches.count == 1 else { return nil }
        return switches[0].name
    }

    /// `M`, `m<n>`, `m<n>M` or nothing; and whether the condition also needs `SG_MUL_VAL_`.
    static func indicator(_ s: Signal, in m: Message) -> (text: String, needsRanges: Bool) {
        guard let condition = s.multiplexer, let first = condition.ranges.first else {
            return (s.isMultiplexer ? " M" : "", false)
        }
        let single = condition.ranges.count == 1 && first.lowerBound == first.upperBound
        if let simple = simpleSwitch(m), simple == condition.switchName, !s.isMultiplexer {
            return (" m\(first.lowerBound)", !single)
        }
        return (" m\(first.lowerBound)" + (s.isMultiplexer ? "M" : ""), true)
    }

    mutating func messages(_ db: Database) {
        for m in db.messages {
            line("BO_ \(Self.rawID(m)) \(Self.messageName(m)): \(m.length) \(m.senders.first.map(node) ?? "Vector__XXX")")
            for s in m.signals {
                let order = s.byteOrder == .littleEndian ? 1 : 0
                let range = s.minimum.map { lo in "[\(Self.real(lo))|\(Self.real(s.maximum ?? lo))]" } ?? "[0|0]"
                line(" SG_ \(Self.signalName(s.name, in: m))\(Self.indicator(s, in: m).text) : \(s.startBit)|\(s.length)@\(order)\(s.isSigned ? "-" : "+")"
                    + " (\(Self.number(s.factor)),\(Self.number(s.offset))) \(range) \(Self.quoted(s.unit)) \(Self.names(s.receivers.map(node)))")
            }
            line("")
        }
        for m in db.messages where m.senders.count > 1 {
            line("BO_TX_BU_ \(Self.rawID(m)) : \(m.senders.map(node).joined(separator: ","));")
        }
    }

    mutating func environmentVariables(_ db: Database) {
        for ev in db.environmentVariables {
            line("EV_ \(ev.name): \(ev.type) [\(Self.real(ev.minimum))|\(Self.real(ev.maximum))] \(Self.quoted(ev.unit)) "
                + "\(Self.real(ev.initialValue)) \(ev.id) \(ev.accessType) \(ev.accessNodes.map(node).joined(separator: ","));")
        }
    }

    mutating func comments(_ db: Database) {
        if let c = db.comment { line("CM_ \(Self.quoted(c));") }
        for n in db.nodes { if let c = n.comment { line("CM_ BU_ \(node(n.name)) \(Self.quoted(c));") } }
        for m in db.messages {
            if let c = m.comment { line("CM_ BO_ \(Self.rawID(m)) \(Self.quoted(c));") }
            for s in m.signals { if let c = s.comment { line("CM_ SG_ \(Self.rawID(m)) \(Self.signalName(s.name, in: m)) \(Self.quoted(c));") } }
        }
        for ev in db.environmentVariables { if let c = ev.comment { line("CM_ EV_ \(ev.name) \(Self.quoted(c));") } }
    }

    mutating func attributeDefinitions(_ db: Database) {
        for d in db.attributeDefinitions {
            let isRelation = [.nodeMessageRelation, .nodeSignalRelation, .nodeEnvironmentVariableRelation].contains(d.scope)
            let scope = d.scope.rawValue.isEmpty ? "" : d.scope.rawValue + " "
            let kind: String
            switch d.kind {
            case .integer(let lo, let hi): kind = "INT \(lo) \(hi)"
            case .hex(let lo, let hi): kind = "HEX \(lo) \(hi)"
            case .float(let lo, let hi): kind = "FLOAT \(Self.real(lo)) \(Self.real(hi))"
            case .string: kind = "STRING "
            case .enumeration(let values): kind = "ENUM " + values.map(Self.quoted).joined(separator: ",")
            }
            line("\(isRelation ? "BA_DEF_REL_" : "BA_DEF_") \(scope)\(Self.quoted(d.name)) \(kind);")
        }
        for d in db.attributeDefinitions {
            guard let v = d.defaultValue else { continue }
            let isRelation = [.nodeMessageRelation, .nodeSignalRelation, .nodeEnvironmentVariableRelation].contains(d.scope)
            line("\(isRelation ? "BA_DEF_DEF_REL_" : "BA_DEF_DEF_") \(Self.quoted(d.name)) \(Self.attribute(v));")
        }
    }

    mutating func attributeValues(_ db: Database) {
        for (name, v) in db.attributes.sorted(by: { $0.key < $1.key }) {
            line("BA_ \(Self.quoted(name)) \(Self.attribute(v));")
        }
        for n in db.nodes {
            for (name, v) in n.attributes.sorted(by: { $0.key < $1.key }) {
                line("BA_ \(Self.quoted(name)) BU_ \(node(n.name)) \(Self.attribute(v));")
            }
        }
        for m in db.messages {
            for (name, v) in m.attributes.sorted(by: { $0.key < $1.key }) {
                line("BA_ \(Self.quoted(name)) BO_ \(Self.rawID(m)) \(Self.attribute(v));")
            }
            for s in m.signals {
                for (name, v) in s.attributes.sorted(by: { $0.key < $1.key }) {
                    line("BA_ \(Self.quoted(name)) SG_ \(Self.rawID(m)) \(Self.signalName(s.name, in: m)) \(Self.attribute(v));")
                }
            }
        }
    }

    mutating func valueDescriptions(_ db: Database) {
        for m in db.messages {
            for s in m.signals where !s.valueDescriptions.isEmpty {
                line("VAL_ \(Self.rawID(m)) \(Self.signalName(s.name, in: m))" + s.valueDescriptions.map { " \($0.value) \(Self.quoted($0.label))" }.joined() + " ;")
            }
        }
        for ev in db.environmentVariables where !ev.valueDescriptions.isEmpty {
            line("VAL_ \(ev.name)" + ev.valueDescriptions.map { " \($0.value) \(Self.quoted($0.label))" }.joined() + " ;")
        }
    }

    mutating func signalGroups(_ db: Database) {
        for g in db.signalGroups {
            let message = db.message(id: g.messageID, isExtended: g.isExtended)
            let names = g.signalNames.map { name in message.map { Self.signalName(name, in: $0) } ?? name }
            line("SIG_GROUP_ \(Self.rawID(g.messageID, isExtended: g.isExtended)) \(g.name) \(g.repetitions) : \(names.joined(separator: " "));")
        }
    }

    mutating func valueTypes(_ db: Database) {
        for m in db.messages {
            for s in m.signals {
                switch s.valueType {
                case .integer: continue
                case .float32: line("SIG_VALTYPE_ \(Self.rawID(m)) \(Self.signalName(s.name, in: m)) : 1;")
                case .float64: line("SIG_VALTYPE_ \(Self.rawID(m)) \(Self.signalName(s.name, in: m)) : 2;")
                }
            }
        }
    }

    mutating func multiplexValues(_ db: Database) {
        for m in db.messages {
            for s in m.signals {
                guard let condition = s.multiplexer, Self.indicator(s, in: m).needsRanges else { continue }
                let ranges = condition.ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ")
                line("SG_MUL_VAL_ \(Self.rawID(m)) \(Self.signalName(s.name, in: m)) \(Self.signalName(condition.switchName, in: m)) \(ranges);")
            }
        }
    }
}
