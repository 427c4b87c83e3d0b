import CSQLite
import Foundation
@testable import Telemetry
import Testing
@testable import Gateway

@Suite struct SinksStoreSafetyTests {
    private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
    private func siblings(_ path: String) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        return (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? []
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndUntouched() throws {
        let path = SinksFixtures.directory("garbage") + "/notes.db"
        let garbage = Data("timestamp,speed\n1,2\n".utf8) + Data(repeating: 0x5A, count: 5000)
        _ = FileManager.default.createFile(atPath: path, contents: garbage)
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            let e = error as! SinkError
            return e.kind == .notCandorDatabase && e.path == path && e.description.hasPrefix(path + ": not an SQLite database")
        }
        #expect(bytes(path) == garbage)
        #expect(siblings(path) == ["notes.db"])  // no -wal, no -shm
    }

    @Test func anSQLiteDatabaseThatIsNotCandorsIsRefusedAndUntouched() throws {
        let path = SinksFixtures.directory("foreign") + "/other.db"
        let c = try SQLiteConnection(path: path)
        try c.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'a')")
        c.close()
        let before = bytes(path)
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            let e = error as! SinkError
            return e.kind == .notCandorDatabase && e.description.contains("not a candor store")
        }
        #expect(bytes(path) == before)
    }

    @Test func aNewerSchemaIsRefusedAndUntouched() throws {
        let path = SinksFixtures.directory("newer") + "/m.db"
        let store = try SQLiteStore(path: path)
        try store.write(SinksFixtures.all())
        try store.close()
        let c = try SQLiteConnection(path: path)
        try c.execute("PRAGMA user_version = \(StoreSchema.currentVersion + 1)")
        c.close()
        let before = bytes(path)
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            let e = error as! SinkError
            return e.kind == .newerSchema && e.description == "\(path): store schema version \(StoreSchema.currentVersion + 1) is newer than this candor's \(StoreSchema.currentVersion); use a newer candor or another file"
        }
        #expect(bytes(path) == before)
        #expect(try StoreReader.count(path, "signal_window") == 3)
    }

    @Test func anEmptyFileBecomesAStore() throws {
        let path = SinksFixtures.directory("empty") + "/m.db"
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        let store = try SQLiteStore(path: path)
        try store.write(SinksFixtures.all())
        try store.close()
        #expect(try StoreReader.count(path, "operations") == 2)
    }

    @Test func migrationsRunInOrderAndKeepRows() throws {
        // A fake next step after today's schema: it adds a column with a default.
        let current = StoreSchema.migrations
        let next = StoreSchema.Migration(version: StoreSchema.currentVersion + 1, statements: ["ALTER TABLE signal ADD COLUMN unit TEXT NOT NULL DEFAULT ''"])
        let path = SinksFixtures.directory("migrate") + "/m.db"
        let old = try SQLiteStore(path: path, migrations: current)
        try old.write(SinksFixtures.all())
        try old.close()
        #expect(try StoreReader.rows(path, "PRAGMA user_version") == [["\(StoreSchema.currentVersion)"]])

        let new = try SQLiteStore(path: path, migrations: current + [next])
        try new.close()
        #expect(try StoreReader.rows(path, "PRAGMA user_version") == [["\(next.version)"]])
        #expect(try StoreReader.rows(path, "SELECT name, unit FROM signal ORDER BY name") == [["PACK_V", ""], ["SOC", ""]])
        #expect(try StoreReader.count(path, "signal_window") == 3)

        // Today's code now refuses the newer file.
        #expect(throws: SinkError.self) { _ = try SQLiteStore(path: path, migrations: current) }
    }

    /// A version-1 store (as candor wrote before the report's figures) opens: migrations 2
    /// and 3 add the operations columns (3: hydrogen), keeps the old rows (their new columns NULL), and new
    /// rows fill them.
    @Test func aVersion1StoreGainsTheReportColumns() throws {
        let path = SinksFixtures.directory("v1") + "/m.db"
        let connection = try SQLiteConnection(path: path)
        try StoreOpening.migrate(connection, from: 0, migrations: [StoreSchema.migrations[0]])
        try connection.execute("""
            INSERT INTO operations (vehicle, scope, start, "end", brake_applications, checksum_errors, counter_errors, summary_json)
            VALUES ('van01', 'vehicle', 1, 2, 0, 0, 0, '{}')
            """)
        connection.close()
        #expect(try StoreReader.rows(path, "PRAGMA user_version") == [["1"]])
        let store = try SQLiteStore(path: path)
        var summary = OperationsSummary(vehicle: "van02", scope: .vehicle, start: 10, end: 20)
        summary.socMin = 40; summary.socMax = 80; summary.firstFrame = 10; summary.lastFrame = 20
        summary.distanceKm = 1; summary.drivingSeconds = 360; summary.hydrogenKg = 0.25
        summary.chargingSessions = [ChargingSessionFigure(start: 11, end: 3_600_000_000_011, energyKWh: 5, maxPowerKW: 60)]
        summary.faultEpisodes = [FaultEpisode(vehicle: "van02", kind: "insulation", level: 2, start: 12, end: 13, open: false)]
        try store.write([.operations(summary)])
        try store.close()
        #expect(try StoreReader.rows(path, "PRAGMA user_version") == [["\(StoreSchema.currentVersion)"]])
        let columns = "vehicle, soc_min, soc_max, first_frame, last_frame, average_speed_kmh, charges, fast_charges, charge_session_s, alarms_level1, alarms_level2, alarms_level3, hydrogen_kg, hydrogen_kg_per_100km"
        #expect(try StoreReader.rows(path, "SELECT \(columns) FROM operations ORDER BY vehicle") == [
            ["van01", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
            ["van02", "40.0", "80.0", "10", "20", "10.0", "1", "1", "3600.0", "0", "1", "0", "0.25", "25.0"],
        ])
    }

    @Test func aFailingMigrationLeavesTheOldVersion() throws {
        let current = StoreSchema.migrations
        let broken = StoreSchema.Migration(version: StoreSchema.currentVersion + 1, statements: ["CREATE TABLE extra (x)", "THIS IS NOT SQL"])
        let path = SinksFixtures.directory("badmigrate") + "/m.db"
        try SQLiteStore(path: path, migrations: current).close()
        #expect(throws: SinkError.self) { _ = try SQLiteStore(path: path, migrations: current + [broken]) }
        #expect(try StoreReader.rows(path, "PRAGMA user_version") == [["\(StoreSchema.currentVersion)"]])
        #expect(try StoreReader.rows(path, "SELECT name FROM sqlite_schema WHERE name = 'extra'") == [])
    }

    /// The files as a `kill -9` leaves them: the database and its WAL copied while the
    /// writer is still open between commits (no checkpoint, no close). Opening the copy
    /// must recover every committed batch and pass `integrity_check`.
    @Test func committedBatchesSurviveAnAbruptStop() throws {
        let directory = SinksFixtures.directory("crash")
        let path = directory + "/m.db"
        let store = try SQLiteStore(path: path)
        var committed = 0
        for batch in 0..<50 {
            let start = SinksFixtures.t0 + Int64(batch) * SinksFixtures.second
            try store.write((0..<20).map { .signalWindow(SinksFixtures.signalWindow(signal: "S\($0)", start: start)) })
            committed += 20
        }
        let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as! Int
        #expect(wal > 0)  // the batches are still in the WAL, not in the main file
        let crashed = directory + "/crashed.db"
        try FileManager.default.copyItem(atPath: path, toPath: crashed)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: crashed + "-wal")

        #expect(try StoreReader.rows(crashed, "PRAGMA integrity_check") == [["ok"]])
        #expect(try StoreReader.count(crashed, "signal_window") == Int64(committed))
        let reopened = try SQLiteStore(path: crashed)
        try reopened.write([.signalWindow(SinksFixtures.signalWindow(start: SinksFixtures.t0 + 999 * SinksFixtures.second))])
        try reopened.close()
        #expect(try StoreReader.count(crashed, "signal_window") == Int64(committed + 1))
        try store.close()
    }

    @Test func writeAfterCloseThrows() throws {
        let path = SinksFixtures.directory("closed") + "/m.db"
        let store = try SQLiteStore(path: path)
        try store.close()
        try store.close()
        #expect(throws: SinkError(.closed, path: path, message: "written after close")) { try store.write(SinksFixtures.all()) }
    }
}
