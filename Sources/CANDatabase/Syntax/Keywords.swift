/// The words that start a DBC statement.
enum Keyword {
    /// Statements candor reads.
    static let read: Set<String> = [
        "VERSION", "NS_", "BS_", "BU_", "VAL_TABLE_", "BO_", "SG_", "BO_TX_BU_", "EV_",
        "ENVVAR_DATA_", "EV_DATA_", "CM_", "BA_DEF_", "BA_DEF_DEF_", "BA_", "BA_DEF_REL_",
        "BA_DEF_DEF_REL_", "BA_REL_", "VAL_", "SIG_VALTYPE_", "SIG_GROUP_", "SG_MUL_VAL_",
    ]

    /// Rare statements candor skips with a note: signal types, categories, filters.
    static let skipped: Set<String> = [
        "SGTYPE_", "SGTYPE_VAL_", "SIG_TYPE_REF_", "BA_DEF_SGTYPE_", "BA_SGTYPE_",
        "SIGTYPE_VALTYPE_", "CAT_DEF_", "CAT_", "FILTER", "NS_DESC_",
    ]

    static func startsStatement(_ token: Token) -> Bool {
        token.kind == .identifier && (read.contains(token.text) || skipped.contains(token.text))
    }
}
