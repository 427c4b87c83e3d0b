#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// Decides whether a path may be used as a candor store, and brings its schema up to date.
/// Nothing is written to a file that is refused.
enum StoreOpening {
    /// The first 16 bytes of every SQLite 3 database file.
    static let sqliteHeader: [UInt8] = Array("SQLite format 3".utf8) + [0]

    /// Checks the file's first bytes without SQLite (which would not tell "not a
    /// database" from "locked" as clearly, and must not create a `-wal` next to garbage).
    /// An absent or empty file is fine: the store creates it.
    static func checkHeader(path: String) throws(SinkError) {
        let fd: FileDescriptor
        do {
            fd = try .open(path, O_RDONLY)
        } catch {
            if error.code == ENOENT { return }
            throw SinkError(.io, path: path, message: "cannot open: \(error.reason)")
        }
        var header = [UInt8](repeating: 0, count: 16)
        let n: Int
        do {
            n = try fd.read(into: &header)
        } catch {
            throw SinkError(.io, path: path, message: "cannot read: \(error.reason)")
        }
        if n == 0 { return }
        if n != 16 || header != sqliteHeader {
            throw SinkError(.notCandorDatabase, path: path, message: "not an SQLite database (refusing to touch it)")
        }
    }

    /// Reads `application_id`, `user_version` and whether the file has any schema, on a
    /// read-only connection, and refuses foreign or newer stores.
    /// Returns the file's schema version (0 for a new file).
    static func checkIdentity(path: String, migrations: [StoreSchema.Migration]) throws(SinkError) -> Int {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        defer { connection.close() }
        let objects: Int64
        let application: Int64
        let version: Int64
        do {
            objects = try connection.integer("SELECT count(*) FROM sqlite_schema")
            application = try connection.integer("PRAGMA application_id")
            version = try connection.integer("PRAGMA user_version")
        } catch {
            throw SinkError(.notCandorDatabase, path: path, message: "not a readable SQLite database: \(error.message)")
        }
        if application == 0 && objects == 0 && version == 0 { return 0 }
        guard application == Int64(StoreSchema.applicationID) else {
            throw SinkError(.notCandorDatabase, path: path, message: "an SQLite database, but not a candor store (application_id \(application))")
        }
        let latest = migrations.last?.version ?? 0
        if version > Int64(latest) {
            throw SinkError(.newerSchema, path: path, message: "store schema version \(version) is newer than this candor's \(latest); use a newer candor or another file")
        }
        return Int(version)
    }

    /// Applies the migrations after `current`, each in its own transaction that also sets
    /// `user_version` (and `application_id` on the first).
    static func migrate(_ connection: SQLiteConnection, from current: Int, migrations: [StoreSchema.Migration]) throws(SinkError) {
        for migration in migrations where migration.version > current {
            try connection.execute("BEGIN IMMEDIATE")
            do {
                for statement in migration.statements { try connection.execute(statement) }
                try connection.execute("PRAGMA application_id = \(StoreSchema.applicationID)")
                try connection.execute("PRAGMA user_version = \(migration.version)")
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }
}
