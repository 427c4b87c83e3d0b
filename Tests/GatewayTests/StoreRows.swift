import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// Every row of every table of an SQLite file, as text, sorted per table (tables may be WITHOUT ROWID):
/// two stores are equal when these are equal (schema-agnostic).
enum StoreRows {
    static func dump(_ path: String) throws -> [String] {
        guard access(path, F_OK) == 0 else { return ["no store file"] }
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw TestFailure("cannot open \(path)")
        }
        defer { sqlite3_close(db) }
        let tables = try query(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        var rows: [String] = []
        for table in tables {
            rows.append("table \(table)")
            rows += try query(db, "SELECT * FROM \"\(table)\"").sorted()
        }
        return rows
    }

    static func query(_ db: OpaquePointer, _ sql: String) throws -> [String] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw TestFailure("cannot prepare \(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var out: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            var cells: [String] = []
            for c in 0..<sqlite3_column_count(statement) {
                if sqlite3_column_type(statement, c) == SQLITE_NULL {
                    cells.append("NULL")
                } else {
                    cells.append(String(cString: sqlite3_column_text(statement, c)))
                }
            }
            out.append(cells.joined(separator: "|"))
        }
        return out
    }
}
