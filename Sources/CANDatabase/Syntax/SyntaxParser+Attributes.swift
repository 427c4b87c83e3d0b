/// `CM_`, `BA_DEF_`, `BA_DEF_DEF_`, `BA_`, and their `_REL_` forms.
extension SyntaxParser {
    /// `CM_ [BU_ node | BO_ id | SG_ id signal | EV_ name] "text";`
    mutating func parseComment() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let target: CommentSyntax.Target
        if token.isKeyword("BU_") {
            advance()
            target = .node(try expectName("node name").name)
        } else if token.isKeyword("BO_") {
            advance()
            target = .message(try expectMessageID())
        } else if token.isKeyword("SG_") {
            advance()
            let id = try expectMessageID()
            if token.kind == .string {
                report(.warning, at: token, "expected the signal name after CM_ SG_ \(id), found \(token.quoted); comment ignored")
                _ = try expectString("the comment text")
                try expectSemicolon(after: "CM_")
                return
            }
            target = .signal(id, try expectName("signal name").name)
        } else if token.isKeyword("EV_") {
            advance()
            target = .environmentVariable(try expectName("environment variable name").name)
        } else if token.kind == .string {
            target = .database
        } else if token.kind == .number, nextToken.kind == .string {
            report(.warning, at: token, "expected BU_, BO_, SG_ or EV_ after CM_, found \(token.quoted); read as the comment of message \(token.text)")
            target = .message(try expectMessageID())
        } else {
            throw fail(expected: "BU_, BO_, SG_, EV_ or the comment text")
        }
        let text = try expectString("the comment text (a quoted string)")
        try expectSemicolon(after: "CM_")
        statements.append(.comment(CommentSyntax(target: target, text: text, location: start)))
    }

    /// `BA_DEF_ [BU_|BO_|SG_|EV_] "name" INT|HEX min max | FLOAT min max | STRING | ENUM "a","b";`
    /// and `BA_DEF_REL_ [BU_SG_REL_|BU_BO_REL_|BU_EV_REL_] …`
    mutating func parseAttributeDefinition() throws(SyntaxFailure) {
        let start = location(token)
        let isRelation = token.text == "BA_DEF_REL_"
        advance()
        var scope = AttributeDefinition.Scope.database
        if token.kind == .identifier {
            let scopes: [String: AttributeDefinition.Scope] = isRelation
                ? ["BU_SG_REL_": .nodeSignalRelation, "BU_BO_REL_": .nodeMessageRelation, "BU_EV_REL_": .nodeEnvironmentVariableRelation]
                : ["BU_": .node, "BO_": .message, "SG_": .signal, "EV_": .environmentVariable]
            guard let s = scopes[token.text] else {
                throw fail(expected: isRelation ? "BU_SG_REL_, BU_BO_REL_, BU_EV_REL_ or the attribute name" : "BU_, BO_, SG_, EV_ or the attribute name")
            }
            scope = s
            advance()
        }
        let name = try expectString("the attribute name (a quoted string)")
        guard token.kind == .identifier, ["INT", "HEX", "FLOAT", "STRING", "ENUM"].contains(token.text) else {
            throw fail(expected: "the attribute type INT, HEX, FLOAT, STRING or ENUM")
        }
        let typeName = token.text
        advance()
        var numbers: [NumberSyntax] = []
        var enumValues: [String] = []
        switch typeName {
        case "INT", "HEX", "FLOAT":
            while token.kind == .number {
                numbers.append(try expectNumber("a limit"))
            }
            if numbers.count != 2, numbers.count != 0 {
                throw fail(expected: "a minimum and a maximum for \(typeName)")
            }
        case "ENUM":
            while token.kind == .string {
                enumValues.append(try expectString("an ENUM value"))
                if !accept(.comma) { break }
            }
        default:
            break
        }
        try expectSemicolon(after: isRelation ? "BA_DEF_REL_" : "BA_DEF_")
        statements.append(.attributeDefinition(AttributeDefinitionSyntax(
            name: name, scope: scope, typeName: typeName, numbers: numbers, enumValues: enumValues,
            isRelation: isRelation, location: start)))
    }

    mutating func attributeLiteral() throws(SyntaxFailure) -> AttributeLiteral {
        switch token.kind {
        case .number: return .number(try expectNumber("the attribute value"))
        case .string: return .string(try expectString("the attribute value"))
        default: throw fail(expected: "the attribute value (a number or a quoted string)")
        }
    }

    /// `BA_DEF_DEF_ "name" value;` and `BA_DEF_DEF_REL_ "name" value;`
    mutating func parseAttributeDefault() throws(SyntaxFailure) {
        let start = location(token)
        let keyword = token.text
        advance()
        let name = try expectString("the attribute name (a quoted string)")
        let value = try attributeLiteral()
        try expectSemicolon(after: keyword)
        statements.append(.attributeDefault(AttributeDefaultSyntax(
            name: name, value: value, isRelation: keyword == "BA_DEF_DEF_REL_", location: start)))
    }

    /// `BA_ "name" [BU_ node | BO_ id | SG_ id signal | EV_ name] value;`
    mutating func parseAttributeValue() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let name = try expectString("the attribute name (a quoted string)")
        let target: AttributeValueSyntax.Target
        if token.isKeyword("BU_") {
            advance()
            target = .node(try expectName("node name").name)
        } else if token.isKeyword("BO_") {
            advance()
            target = .message(try expectMessageID())
        } else if token.isKeyword("SG_") {
            advance()
            let id = try expectMessageID()
            target = .signal(id, try expectName("signal name").name)
        } else if token.isKeyword("EV_") {
            advance()
            target = .environmentVariable(try expectName("environment variable name").name)
        } else {
            target = .database
        }
        let value = try attributeLiteral()
        try expectSemicolon(after: "BA_")
        statements.append(.attributeValue(AttributeValueSyntax(name: name, target: target, value: value, location: start)))
    }

    /// `BA_REL_ "name" BU_SG_REL_ node SG_ id signal value;`, `… BU_BO_REL_ node id value;`,
    /// `… BU_EV_REL_ node name value;`
    mutating func parseRelationAttributeValue() throws(SyntaxFailure) {
        let start = location(token)
        advance()
        let name = try expectString("the attribute name (a quoted string)")
        let target: AttributeValueSyntax.Target
        if token.isKeyword("BU_SG_REL_") {
            advance()
            let node = try expectName("node name").name
            try expectKeyword("SG_")
            let id = try expectMessageID()
            target = .nodeSignal(node: node, id, try expectName("signal name").name)
        } else if token.isKeyword("BU_BO_REL_") {
            advance()
            let node = try expectName("node name").name
            target = .nodeMessage(node: node, try expectMessageID())
        } else if token.isKeyword("BU_EV_REL_") {
            advance()
            let node = try expectName("node name").name
            target = .nodeEnvironmentVariable(node: node, try expectName("environment variable name").name)
        } else {
            throw fail(expected: "BU_SG_REL_, BU_BO_REL_ or BU_EV_REL_")
        }
        let value = try attributeLiteral()
        try expectSemicolon(after: "BA_REL_")
        statements.append(.attributeValue(AttributeValueSyntax(name: name, target: target, value: value, location: start)))
    }
}
