import CSQLite

/// One sqlite3 connection, used from one thread. Every failure becomes a `SinkError`
/// naming the file and carrying SQLite's message.
final class SQLiteConnection {
    let path: String
    private(set) var handle: OpaquePointer?

    init(path: String, readOnly: Bool = false) throws(SinkError) {
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        handle = db
        if rc != SQLITE_OK {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            handle = nil
            throw SinkError(.io, path: path, message: "cannot open: \(message)")
        }
        sqlite3_busy_timeout(db, 5_000)
    }

    func error(_ context: String, kind: SinkError.Kind = .sqlite) -> SinkError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed"
        return SinkError(kind, path: path, message: "\(context): \(message)")
    }

    /// Runs SQL text that returns no rows (schema, pragmas, transactions).
    func execute(_ sql: String) throws(SinkError) {
        guard let handle else { throw SinkError(.closed, path: path, message: "used after close") }
        if sqlite3_exec(handle, sql, nil, nil, nil) != SQLITE_OK {
            throw error(sql.split(separator: "\n").first.map(String.init) ?? sql)
        }
    }

    /// The first column of the first row of `sql`, as an integer (0 when no row).
    func integer(_ sql: String) throws(SinkError) -> Int64 {
        let statement = try prepare(sql)
        defer { statement.finalize() }
        return try statement.step() ? statement.int64(0) : 0
    }

    func prepare(_ sql: String) throws(SinkError) -> SQLiteStatement {
        guard let handle else { throw SinkError(.closed, path: path, message: "used after close") }
        var raw: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil) == SQLITE_OK, let raw else {
            throw error("prepare \(sql)")
        }
        return SQLiteStatement(raw, connection: self)
    }

    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    deinit { close() }
}

/// A prepared statement, reused: bind, step, reset. Indices are 1-based as in SQLite.
final class SQLiteStatement {
    private var raw: OpaquePointer?
    unowned let connection: SQLiteConnection

    init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
    }

    /// The first failed bind since the last step (SQLITE_TOOBIG, SQLITE_NOMEM; a bad index
    /// would be our bug), thrown by the next `step`/`run` instead of running with a stale value.
    private var bindFailure: Int32 = SQLITE_OK

    private func check(_ rc: Int32) {
        if rc != SQLITE_OK && bindFailure == SQLITE_OK { bindFailure = rc }
    }

    func bind(_ index: Int32, _ value: Int64) { check(sqlite3_bind_int64(raw, index, value)) }
    func bind(_ index: Int32, _ value: Int) { check(sqlite3_bind_int64(raw, index, Int64(value))) }
    func bind(_ index: Int32, _ value: Bool) { check(sqlite3_bind_int(raw, index, value ? 1 : 0)) }
    /// NaN is stored as NULL (SQLite has no NaN); infinities are stored as they are.
    func bind(_ index: Int32, _ value: Double) {
        check(value.isNaN ? sqlite3_bind_null(raw, index) : sqlite3_bind_double(raw, index, value))
    }
    func bindNull(_ index: Int32) { check(sqlite3_bind_null(raw, index)) }
    func bind(_ index: Int32, _ value: Double?) {
        if let value { bind(index, value) } else { check(sqlite3_bind_null(raw, index)) }
    }
    func bind(_ index: Int32, _ value: Int64?) {
        if let value { bind(index, value) } else { check(sqlite3_bind_null(raw, index)) }
    }
    func bind(_ index: Int32, _ value: String) {
        var value = value
        let rc = value.withUTF8 { text in
            text.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(raw, index, chars.baseAddress, Int32(chars.count), candor_sqlite_transient())
            }
        }
        check(rc)
    }
    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { check(sqlite3_bind_null(raw, index)) }
    }

    private func takeBindFailure() throws(SinkError) {
        guard bindFailure != SQLITE_OK else { return }
        let rc = bindFailure
        bindFailure = SQLITE_OK
        sqlite3_clear_bindings(raw)
        throw SinkError(.sqlite, path: connection.path, message: "bind: \(String(cString: sqlite3_errstr(rc)))")
    }

    /// Steps once: `true` when a row is available, `false` when done. Resets on `false`.
    @discardableResult
    func step() throws(SinkError) -> Bool {
        try takeBindFailure()
        let rc = sqlite3_step(raw)
        if rc == SQLITE_ROW { return true }
        sqlite3_reset(raw)
        if rc == SQLITE_DONE { return false }
        throw connection.error("step")
    }

    /// Runs a statement that returns no rows and makes it ready for the next bindings.
    func run() throws(SinkError) {
        try takeBindFailure()
        let rc = sqlite3_step(raw)
        sqlite3_reset(raw)
        if rc != SQLITE_DONE && rc != SQLITE_ROW { throw connection.error("step") }
    }

    func reset() { sqlite3_reset(raw) }

    /// The statement handle, for tests that bind named parameters.
    var rawForTests: OpaquePointer? { raw }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(raw, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    func text(_ column: Int32) -> String {
        guard let chars = sqlite3_column_text(raw, column) else { return "" }
        return String(cString: chars)
    }
    var columnCount: Int32 { sqlite3_column_count(raw) }

    func finalize() {
        if let raw { sqlite3_finalize(raw) }
        raw = nil
    }

    deinit { finalize() }
}
