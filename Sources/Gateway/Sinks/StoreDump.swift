import CSQLite

/// Every stored row as text, table by table in a fixed order, rows sorted by all columns:
/// two stores with the same content give the same text (for determinism checks).
public enum StoreDump {
    public static let tables = ["signal", "signal_window", "message_health", "bus_health", "silent_episode", "fault_episode", "operations"]

    public static func text(path: String) throws(SinkError) -> String {
        try StoreOpening.checkHeader(path: path)
        _ = try StoreOpening.checkIdentity(path: path, migrations: StoreSchema.migrations)
        let connection = try SQLiteConnection(path: path, readOnly: true)
        defer { connection.close() }
        var out = ""
        for table in tables {
            out += "-- \(table)\n"
            let statement = try connection.prepare("SELECT * FROM \(table) ORDER BY \(columnList(connection, table))")
            defer { statement.finalize() }
            while try statement.step() {
                var fields: [String] = []
                for column in 0..<statement.columnCount {
                    fields.append(statement.isNull(column) ? "NULL" : statement.text(column))
                }
                out += fields.joined(separator: "|") + "\n"
            }
        }
        return out
    }

    private static func columnList(_ connection: SQLiteConnection, _ table: String) throws(SinkError) -> String {
        let statement = try connection.prepare("SELECT count(*) FROM pragma_table_info('\(table)')")
        defer { statement.finalize() }
        let count = try statement.step() ? statement.int64(0) : 0
        statement.reset()
        return (1...max(count, 1)).map(String.init).joined(separator: ", ")
    }
}
