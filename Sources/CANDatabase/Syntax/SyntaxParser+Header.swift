/// `VERSION`, `NS_`, `BS_`, `BU_`, `VAL_TABLE_`, `EV_`, `ENVVAR_DATA_`.
extension SyntaxParser {
    /// `VERSION "text"`
    mutating func parseVersion() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let text = try expectString("the version string after VERSION")
        statements.append(.version(text, start))
    }

    /// `NS_ :` followed by any symbols. The list ends at a token followed by `:` (as in
    /// cantools), or at a line that starts with a keyword and continues on the same line.
    mutating func parseNewSymbols() throws(SyntaxFailure) {
        advance()
        try expect(.colon, "':' after NS_")
        while token.kind != .end {
            if nextToken.kind == .colon && !(token.kind == .identifier && !Keyword.startsStatement(token)) { return }
            if token.startsLine && Keyword.startsStatement(token) && !nextToken.startsLine && nextToken.kind != .end {
                return
            }
            advance()
        }
    }

    /// `BS_ : [baudrate : BTR1 , BTR2]`
    mutating func parseBitTiming() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        try expect(.colon, "':' after BS_")
        var timing: BitTiming?
        if token.kind == .number, !token.startsLine {
            let baud = try expectInteger("a baud rate")
            try expect(.colon, "':' after the baud rate")
            let btr1 = try expectInteger("BTR1")
            try expect(.comma, "',' between BTR1 and BTR2")
            let btr2 = try expectInteger("BTR2")
            timing = BitTiming(baudRate: Int(truncatingIfNeeded: baud), btr1: Int(truncatingIfNeeded: btr1), btr2: Int(truncatingIfNeeded: btr2))
        }
        _ = accept(.semicolon)
        statements.append(.bitTiming(timing, start))
    }

    /// `BU_ : node node …` (may continue over several lines)
    mutating func parseNodes() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        try expect(.colon, "':' after BU_")
        var nodes: [NameSyntax] = []
        while token.kind == .identifier, !Keyword.startsStatement(token) {
            nodes.append(try expectName("node name"))
            _ = accept(.comma)
        }
        _ = accept(.semicolon)
        statements.append(.nodes(nodes, start))
    }

    /// `value "label"` pairs up to (not including) the `;`.
    mutating func valuePairs() throws(SyntaxFailure) -> [ValuePairSyntax] {
        var pairs: [ValuePairSyntax] = []
        while token.kind == .number {
            let value = try expectNumber("a value")
            let label = try expectString("the label (a quoted string) for value \(value.text)")
            pairs.append(ValuePairSyntax(value: value, label: label))
        }
        return pairs
    }

    /// `VAL_TABLE_ name v "label" … ;`
    mutating func parseValueTable() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let name = try expectName("value table name")
        let pairs = try valuePairs()
        try expectSemicolon(after: "VAL_TABLE_")
        statements.append(.valueTable(ValueTableSyntax(name: name.name, pairs: pairs, location: start)))
    }

    /// `EV_ name : type [min|max] "unit" initial id access nodes;`
    mutating func parseEnvironmentVariable() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let name = try expectName("environment variable name")
        try expect(.colon, "':' after the environment variable name")
        let type = try expectInteger("the environment variable type (0, 1 or 2)")
        try expect(.openBracket, "'[' before the minimum")
        let minimum = try expectNumber("the minimum")
        try expect(.pipe, "'|' between minimum and maximum")
        let maximum = try expectNumber("the maximum")
        try expect(.closeBracket, "']' after the maximum")
        let unit = try expectString("the unit (a quoted string)")
        let initial = try expectNumber("the initial value")
        let id = try expectInteger("the environment variable id")
        let access = try expectName("the access type (DUMMY_NODE_VECTOR…)")
        let nodes = try nameList("access node")
        try expectSemicolon(after: "EV_")
        statements.append(.environmentVariable(EnvironmentVariableSyntax(
            name: name.name, type: type, minimum: minimum, maximum: maximum, unit: unit,
            initialValue: initial, id: id, accessType: access.name, accessNodes: nodes, location: start)))
    }

    /// `ENVVAR_DATA_ name : size;` (also `EV_DATA_`)
    mutating func parseEnvironmentVariableData() throws(SyntaxFailure) {
        let start = location(token)
        let keyword = token.text
        advance()
        let name = try expectName("environment variable name")
        try expect(.colon, "':' after the environment variable name")
        let size = try expectInteger("the data size")
        try expectSemicolon(after: keyword)
        statements.append(.environmentVariableData(name: name.name, size: size, start))
    }
}
