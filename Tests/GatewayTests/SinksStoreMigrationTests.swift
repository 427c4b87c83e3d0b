import CSQLite
import Foundation
@testable import Telemetry
import Testing
@testable import Gateway

/// Schema 6 (signal windows in groups, `signal_window` a view): a version-5 file opens, its
/// rows move into groups and read back the same, README's example queries give the same rows
/// on the old file, the migrated one and a new one.
@Suite struct SinksStoreMigrationTests {
    /// Every kind of record, several windows of two lengths, more than one INSERT's worth.
    static func records() -> [TelemetryRecord] {
        var records = SinksFixtures.all() + SinksStoreBatchTests.records()
        records.append(.busHealth(SinksFixtures.busHealth(start: SinksFixtures.t0 + 60 * SinksFixtures.second, load: 12.0)))
        var odd = SinksFixtures.signalWindow(signal: "ODD", start: SinksFixtures.t0 + 7 * SinksFixtures.second, mean: -1.0e-300)
        odd.minimum = .nan  // stored as NULL
        odd.maximum = .infinity
        records.append(.signalWindow(odd))
        return records
    }

    /// Rewrites a store of today's schema as version 5 wrote it: the `signal_window` table and
    /// its view as migration 1 created them, the same rows, `user_version` 5.
    static func makeVersion5(_ path: String) throws {
        let c = try SQLiteConnection(path: path)
        defer { c.close() }
        let v1 = { (prefix: String) in StoreSchema.version1.first { $0.hasPrefix(prefix) }! }
        try c.execute("BEGIN")
        try c.execute("CREATE TEMP TABLE rows AS SELECT * FROM signal_window")
        try c.execute("DROP VIEW signal_window_named")
        try c.execute("DROP VIEW signal_window")
        try c.execute("DROP TABLE signal_window_group")
        try c.execute(v1("CREATE TABLE signal_window"))
        try c.execute(v1("CREATE VIEW signal_window_named"))
        try c.execute("INSERT INTO signal_window SELECT * FROM temp.rows")
        try c.execute("PRAGMA user_version = 5")
        try c.execute("COMMIT")
    }

    static func write(_ records: [TelemetryRecord], to path: String) throws {
        let store = try SQLiteStore(path: path)
        try store.write(records)
        try store.close()
    }

    /// Every column of every signal window, by name, as text.
    static func windowRows(_ path: String) throws -> [[String]] {
        try StoreReader.rows(path, "SELECT * FROM signal_window_named ORDER BY vehicle, bus, message, signal, window_length, window_start")
    }

    @Test func aVersion5StoreOpensAndReadsTheSame() throws {
        let directory = SinksFixtures.directory("v5")
        let path = directory + "/m.db"
        let records = Self.records()
        try Self.write(records, to: path)
        let written = try Self.windowRows(path)
        try Self.makeVersion5(path)
        #expect(try StoreReader.rows(path, "PRAGMA user_version") == [["5"]])
        #expect(try StoreReader.rows(path, "SELECT type FROM sqlite_schema WHERE name = 'signal_window'") == [["table"]])
        let version5 = try Self.windowRows(path)
        let dump5 = try StoreDump.text(path: path)
        #expect(version5 == written)
        #expect(version5.count == 514)

        // Opened by today's store: migrated, the same rows, and written again nothing new.
        try Self.write(records, to: path)
        #expect(try StoreReader.rows(path, "PRAGMA user_version") == [["\(StoreSchema.currentVersion)"]])
        #expect(try StoreReader.rows(path, "SELECT type FROM sqlite_schema WHERE name = 'signal_window'") == [["view"]])
        #expect(try Self.windowRows(path) == version5)
        #expect(try StoreDump.text(path: path) == dump5)
        // Up to eight windows of one window (length, start) per group.
        let windows = records.compactMap { if case .signalWindow(let r) = $0 { r } else { nil } }
        let groups = Dictionary(grouping: windows) { [$0.windowLength, $0.windowStart] }.values.reduce(0) { $0 + ($1.count + 7) / 8 }
        #expect(try StoreReader.count(path, "signal_window_group") == Int64(groups))
        #expect(groups < 514 / 2)
        #expect(Set(try StoreReader.signalWindows(path)) == Set(windows.map(Self.stored)))
        #expect(try StoreReader.rows(path, "SELECT minimum, maximum FROM signal_window_named WHERE signal = 'ODD'") == [["NULL", "Inf"]])

        // A new window of the same signals goes into groups of up to eight.
        let later = (0..<20).map {
            TelemetryRecord.signalWindow(SinksFixtures.signalWindow(signal: "S\($0)", start: SinksFixtures.t0 + 1000 * SinksFixtures.second))
        }
        try Self.write(later, to: path)
        #expect(try StoreReader.count(path, "signal_window") == 534)
        #expect(try StoreReader.count(path, "signal_window_group") == Int64(groups + 3))

        // The report reads the same series from the old file and the migrated one.
        let old = directory + "/old.db"
        try Self.write(records, to: old)
        try Self.makeVersion5(old)
        let series5 = try Gateway.StoreReader(path: old).series(signal: "SOC", .init())
        let series6 = try Gateway.StoreReader(path: path).series(signal: "SOC", .init())
        #expect(!series5.isEmpty)
        #expect(series6 == series5)
    }

    /// What the store keeps of a window: NaN as NULL, which the reader gives back as 0.
    static func stored(_ r: SignalWindowRecord) -> SignalWindowRecord {
        var r = r
        if r.minimum.isNaN { r.minimum = 0 }
        return r
    }

    /// A batch that repeats part of a stored window, and one that holds a window twice: each
    /// window of a signal is stored once, whatever group it came in.
    @Test func aStoredWindowIsIgnoredInAnyGroup() throws {
        let path = SinksFixtures.directory("groups") + "/m.db"
        let start = SinksFixtures.t0
        let first = (0..<5).map { TelemetryRecord.signalWindow(SinksFixtures.signalWindow(signal: "S\($0)", start: start)) }
        let second = (3..<12).map { TelemetryRecord.signalWindow(SinksFixtures.signalWindow(signal: "S\($0)", start: start, mean: 1)) }
        try Self.write(first, to: path)
        try Self.write(second + [second[0], first[0]], to: path)
        #expect(try StoreReader.count(path, "signal_window") == 12)
        #expect(try StoreReader.rows(path, "SELECT signal, mean FROM signal_window_named WHERE signal IN ('S3', 'S4', 'S5') ORDER BY signal")
            == [["S3", "80.25"], ["S4", "80.25"], ["S5", "1.0"]])
    }

    /// README's example queries, as README prints them, on a version-5 file, the same file
    /// migrated and a store written new: the same rows, and at least one row each.
    @Test func readmeQueriesGiveTheSameRowsOnEverySchema() throws {
        let queries = try Self.readmeQueries()
        #expect(queries.count >= 5)
        let directory = SinksFixtures.directory("readme")
        let old = directory + "/old.db", fresh = directory + "/new.db"
        try Self.write(Self.records(), to: old)
        try Self.write(Self.records(), to: fresh)
        try Self.makeVersion5(old)
        let before = try queries.map { try Self.run($0, on: old) }
        try SQLiteStore(path: old).close()
        #expect(try StoreReader.rows(old, "PRAGMA user_version") == [["\(StoreSchema.currentVersion)"]])
        for (i, query) in queries.enumerated() {
            #expect(!before[i].isEmpty, "\(query)")
            #expect(try Self.run(query, on: old) == before[i], "\(query)")
            #expect(try Self.run(query, on: fresh) == before[i], "\(query)")
        }
    }

    /// The statements of README's example-query block (the one after "Example queries").
    static func readmeQueries() throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let after = try #require(readme.range(of: "Example queries"))
        let open = try #require(readme.range(of: "```sql\n", range: after.upperBound..<readme.endIndex))
        let close = try #require(readme.range(of: "```", range: open.upperBound..<readme.endIndex))
        return readme[open.upperBound..<close.lowerBound].split(separator: ";")
            .map { $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") }
            .filter { !$0.allSatisfy(\.isWhitespace) }
    }

    static func run(_ sql: String, on path: String) throws -> [[String]] {
        let c = try SQLiteConnection(path: path, readOnly: true)
        defer { c.close() }
        let s = try c.prepare(sql)
        defer { s.finalize() }
        let parameters: [(String, Int64?, String?)] = [
            (":vehicle", nil, "van01"), (":from", SinksFixtures.t0, nil), (":to", SinksFixtures.t0 + 3600 * SinksFixtures.second, nil),
        ]
        for (name, number, text) in parameters {
            let i = sqlite3_bind_parameter_index(s.rawForTests, name)
            guard i > 0 else { continue }
            if let number { s.bind(i, number) } else if let text { s.bind(i, text) }
        }
        var rows: [[String]] = []
        while try s.step() { rows.append((0..<s.columnCount).map { s.isNull($0) ? "NULL" : s.text($0) }) }
        return rows
    }
}
