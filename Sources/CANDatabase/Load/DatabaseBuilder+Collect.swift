/// Taking statements: a message is built at once, everything else filed under the object it
/// belongs to.
extension DatabaseBuilder {
    mutating func take(_ statement: Statement) {
        switch statement {
        case .version(let text, _):
            if version == nil { version = text }
        case .bitTiming(let timing, _):
            if let timing, bitTiming == nil { bitTiming = timing }
        case .nodes(let names, _):
            for n in names where !nodeNames.contains(n.name) { nodeNames.append(n.name) }
        case .valueTable(let t):
            valueTables[t.name] = valueDescriptions(t.pairs, what: "VAL_TABLE_ \(t.name)")
        case .message(let m):
            startMessage(m)
        case .transmitters(let t):
            var senders = extraSenders[t.rawID]?.value ?? []
            senders += t.senders
            extraSenders[t.rawID] = Claimable(value: senders, location: extraSenders[t.rawID]?.location ?? t.location)
        case .environmentVariable(let ev):
            environmentVariableSyntax.append(ev)
        case .environmentVariableData:
            break
        case .comment(let c):
            collectComment(c)
        case .attributeDefinition(let d):
            define(d)
        case .attributeDefault(let d):
            defaults[d.name] = d
        case .attributeValue(let a):
            // Converted by the definition's type wherever the BA_DEF_ stands in the file.
            attributeValues.append(a)
        case .valueDescriptions(let v):
            collectValueDescriptions(v)
        case .signalValueType(let t):
            signalValueTypes[SignalKey(rawID: t.rawID, name: t.signal)] = Claimable(value: t.type, location: t.location)
        case .signalGroup(let g):
            signalGroupSyntax.append(g)
        case .multiplexValues(let m):
            collectMultiplexValues(m)
        }
    }

    mutating func collectComment(_ c: CommentSyntax) {
        switch c.target {
        case .database:
            // CANdb++ (and cantools) concatenate several database comments.
            databaseComment = (databaseComment ?? "") + c.text
        case .node(let name): nodeComments[name] = c.text
        case .message(let id): messageComments[id] = c.text
        case .signal(let id, let name): signalComments[SignalKey(rawID: id, name: name)] = c.text
        case .environmentVariable(let name): environmentVariableComments[name] = c.text
        }
    }

    mutating func collectValueDescriptions(_ v: ValueDescriptionsSyntax) {
        // An empty VAL_ says nothing; cantools skips it before looking at its target.
        if v.pairs.isEmpty { return }
        let descriptions = valueDescriptions(v.pairs, what: "VAL_")
        if let id = v.rawID {
            signalValueDescriptions[SignalKey(rawID: id, name: v.name)] = Claimable(value: descriptions, location: v.location)
        } else {
            environmentVariableValueDescriptions[v.name] = Claimable(value: descriptions, location: v.location)
        }
    }

    mutating func collectMultiplexValues(_ m: MultiplexValuesSyntax) {
        var switches = multiplexValues[m.rawID] ?? []
        let entry = Claimable(value: m.ranges, location: m.location)
        if let i = switches.firstIndex(where: { $0.switchName == m.switchName }) {
            switches[i].signals[m.signal] = entry
        } else {
            switches.append((m.switchName, [m.signal: entry]))
        }
        multiplexValues[m.rawID] = switches
    }

    /// `value "label"` pairs as cantools reads them: integer values; a repeated value keeps its
    /// first place and takes the last label.
    mutating func valueDescriptions(_ pairs: [ValuePairSyntax], what: String) -> [ValueDescription] {
        var result: [ValueDescription] = []
        result.reserveCapacity(pairs.count)
        // Most tables are short: a linear search beats hashing; long ones get an index.
        var position: [Int64: Int]? = pairs.count > 32 ? [:] : nil
        for pair in pairs {
            guard let value = integerValue(pair.value, what: "\(what) value") else { continue }
            let existing = position != nil ? position?[value] : result.firstIndex { $0.value == value }
            if let i = existing {
                result[i].label = pair.label
            } else {
                position?[value] = result.count
                result.append(ValueDescription(value: value, label: pair.label))
            }
        }
        return result
    }

    /// An integer literal (up to 64 bits, unsigned values above Int64.max kept as their bit
    /// pattern), or a real with an integral value (with a warning).
    mutating func integerValue(_ n: NumberSyntax, what: String) -> Int64? {
        if let v = n.int64 { return v }
        if n.isIntegerLiteral, let u = UInt64(n.text.first == "+" ? String(n.text.dropFirst()) : n.text) {
            report(.warning, at: n.location, "\(what) \(n.text) is above 2^63-1; kept as the 64-bit pattern \(Int64(bitPattern: u))")
            return Int64(bitPattern: u)
        }
        let d = n.doubleValue
        if let v = Self.exactInt64(d) {
            report(.warning, at: n.location, "\(what) written as '\(n.text)' (not an integer literal), read as \(v)")
            return v
        }
        report(.error, at: n.location, "expected an integer \(what), found '\(n.text)'; ignored")
        return nil
    }

    static func exactInt64(_ d: Double) -> Int64? {
        guard d.isFinite, d.rounded() == d, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else { return nil }
        return Int64(d)
    }

    /// Truncation toward zero like Python's `int(Decimal(text))`; `nil` when out of range.
    static func truncatedInt64(_ n: NumberSyntax) -> Int64? {
        if let v = n.int64 { return v }
        let d = n.doubleValue.rounded(.towardZero)
        guard d.isFinite, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else { return nil }
        return Int64(d)
    }
}
