import CSQLite
import Foundation
import TestSupport
@testable import Telemetry
import Testing
@testable import Gateway

/// Reads the store back into records, through a separate read-only connection.
enum StoreReader {
    static func count(_ path: String, _ table: String) throws -> Int64 {
        let c = try SQLiteConnection(path: path, readOnly: true)
        defer { c.close() }
        return try c.integer("SELECT count(*) FROM \(table)")
    }

    static func signalWindows(_ path: String) throws -> [SignalWindowRecord] {
        let c = try SQLiteConnection(path: path, readOnly: true)
        defer { c.close() }
        let s = try c.prepare("""
            SELECT vehicle, bus, message, signal, window_start, window_length, count, minimum, maximum, mean, last,
                   stddev, first_time, last_time FROM signal_window_named ORDER BY window_length, window_start, signal_id
            """)
        defer { s.finalize() }
        var out: [SignalWindowRecord] = []
        while try s.step() {
            out.append(SignalWindowRecord(vehicle: s.text(0), bus: s.text(1), message: s.text(2), signal: s.text(3),
                                          windowStart: s.int64(4), windowLength: s.int64(5), count: Int(s.int64(6)),
                                          minimum: s.double(7), maximum: s.double(8), mean: s.double(9), last: s.double(10),
                                          standardDeviation: s.double(11), firstTime: s.int64(12), lastTime: s.int64(13)))
        }
        return out
    }

    static func messageHealth(_ path: String) throws -> [MessageHealthRecord] {
        let c = try SQLiteConnection(path: path, readOnly: true)
        defer { c.close() }
        let s = try c.prepare("SELECT * FROM message_health")
        defer { s.finalize() }
        var out: [MessageHealthRecord] = []
        while try s.step() {
            out.append(MessageHealthRecord(vehicle: s.text(0), bus: s.text(1), message: s.text(2), windowStart: s.int64(4),
                                           windowLength: s.int64(3), frames: Int(s.int64(5)), rate: s.double(6),
                                           expectedPeriod: s.int64(7), periodSource: PeriodSource(rawValue: s.text(8))!,
                                           meanPeriod: s.double(9), periodJitter: s.double(10), maxGap: s.int64(11),
                                           timeouts: Int(s.int64(12)), counterErrors: Int(s.int64(13)),
                                           checksumErrors: Int(s.int64(14)), decodeErrors: Int(s.int64(15)),
                                           silent: s.int64(16) != 0))
        }
        return out
    }

    static func rows(_ path: String, _ sql: String) throws -> [[String]] {
        let c = try SQLiteConnection(path: path, readOnly: true)
        defer { c.close() }
        let s = try c.prepare(sql)
        defer { s.finalize() }
        var out: [[String]] = []
        while try s.step() { out.append((0..<s.columnCount).map { s.isNull($0) ? "NULL" : s.text($0) }) }
        return out
    }
}

@Suite struct SinksStoreTests {
    @Test func recordsRoundTripThroughTheStore() throws {
        let path = SinksFixtures.directory("roundtrip") + "/m.db"
        let store = try SQLiteStore(path: path)
        let records = SinksFixtures.all()
        try store.write(records)
        try store.close()

        let windows = records.compactMap { if case .signalWindow(let r) = $0 { r } else { nil } }
        #expect(Set(try StoreReader.signalWindows(path)) == Set(windows))
        #expect(try StoreReader.signalWindows(path).count == windows.count)
        #expect(try StoreReader.messageHealth(path) == [SinksFixtures.messageHealth()])
        #expect(try StoreReader.rows(path, "SELECT bus, error_frames_by_class, max_rx_error_count FROM bus_health")
            == [["can0", #"{"bus-off":1,"restarted-after-bus-off":1}"#, "128"]])
        #expect(try StoreReader.rows(path, #"SELECT kind, target, level, start, "end", open FROM fault_episode ORDER BY kind"#)
            == [["bus_off", "can0", "2", "1700000007000000000", "1700000009000000000", "0"],
                ["over_temperature", "", "2", "1700000007000000000", "1700000009000000000", "0"]])
        #expect(try StoreReader.rows(path, "SELECT scope, trip_index, distance_km, kwh_per_100km, soc_used, min_cell_temp_c, summary_json FROM operations ORDER BY start")
            == [["day", "NULL", "42.125", "0.0", "NULL", "NULL", OperationsSummaryJSON.text(SinksFixtures.day())],
                ["trip", "0", "5.5", "18.1818181818182", "1.5", "NULL", OperationsSummaryJSON.text(SinksFixtures.trip())]])
        #expect(try StoreReader.count(path, "silent_episode") == 1)
    }

    @Test func eachRecordIsStoredOnce() throws {
        let path = SinksFixtures.directory("unique") + "/m.db"
        let store = try SQLiteStore(path: path)
        let records = SinksFixtures.all()
        try store.write(records)
        try store.write(records)  // the same windows and episodes again: ignored
        try store.close()
        let again = try SQLiteStore(path: path)  // and after reopening
        try again.write(records)
        try again.close()
        for (table, expected) in [("signal", 2), ("signal_window", 3), ("message_health", 1), ("bus_health", 1),
                                  ("silent_episode", 1), ("fault_episode", 2), ("operations", 2)] as [(String, Int64)] {
            #expect(try StoreReader.count(path, table) == expected, "\(table)")
        }
        // A later window of the same signal is a new row.
        let third = try SQLiteStore(path: path)
        try third.write([.signalWindow(SinksFixtures.signalWindow(start: SinksFixtures.t0 + SinksFixtures.second))])
        try third.close()
        #expect(try StoreReader.count(path, "signal_window") == 4)
    }

    @Test func storeIsWALWithSchemaVersionAndApplicationID() throws {
        let path = SinksFixtures.directory("pragmas") + "/m.db"
        let store = try SQLiteStore(path: path)
        let c = try SQLiteConnection(path: path, readOnly: true)
        #expect(try c.integer("PRAGMA user_version") == Int64(StoreSchema.currentVersion))
        #expect(try c.integer("PRAGMA application_id") == Int64(StoreSchema.applicationID))
        let mode = try c.prepare("PRAGMA journal_mode")
        #expect(try mode.step())
        #expect(mode.text(0) == "wal")
        mode.finalize()
        c.close()
        try store.close()
    }

    @Test func exampleQueriesRun() throws {
        let path = SinksFixtures.directory("queries") + "/m.db"
        let store = try SQLiteStore(path: path)
        var records = SinksFixtures.all()
        records.append(.busHealth(SinksFixtures.busHealth(start: SinksFixtures.t0 + 60 * SinksFixtures.second, load: 12.0)))
        try store.write(records)
        try store.close()

        let c = try SQLiteConnection(path: path, readOnly: true)
        defer { c.close() }
        var results: [String: [[String]]] = [:]
        for example in StoreQueries.examples {
            let s = try c.prepare(example.sql)
            bind(s, ":vehicle", "van01")
            bind(s, ":from", SinksFixtures.t0)
            bind(s, ":to", SinksFixtures.t0 + 3600 * SinksFixtures.second)
            var rows: [[String]] = []
            while try s.step() { rows.append((0..<s.columnCount).map { s.isNull($0) ? "NULL" : s.text($0) }) }
            s.finalize()
            results[example.title] = rows
        }
        #expect(results["Distance per vehicle per day"] == [["van01", "2023-11-14", "42.125"]])
        #expect(results["Maximum cell temperature per trip"] == [["van01", "0", "2023-11-14 22:13:20", "10.0", "41.5"]])
        #expect(results["Silent messages of a vehicle in a time range"] == [["can0", "BMS_1", "2023-11-14 22:13:25", "3.0", "0"]])
        #expect(results["Bus load over time (60 s windows)"] == [["2023-11-14 22:13:20", "can0", "31.5", "6000", "2"],
                                                                 ["2023-11-14 22:14:20", "can0", "12.0", "6000", "2"]])
        #expect(results["One signal's per-second mean and maximum"] == [["2023-11-14 22:13:20", "80.25", "80.5"]])
    }

    private func bind(_ s: SQLiteStatement, _ name: String, _ value: String) {
        let i = sqlite3_bind_parameter_index(s.rawForTests, name)
        if i > 0 { s.bind(i, value) }
    }

    private func bind(_ s: SQLiteStatement, _ name: String, _ value: Int64) {
        let i = sqlite3_bind_parameter_index(s.rawForTests, name)
        if i > 0 { s.bind(i, value) }
    }

    @Test func aReaderSeesCommittedBatchesWhileTheStoreWrites() throws {
        let path = SinksFixtures.directory("reader") + "/m.db"
        let store = try SQLiteStore(path: path)
        try store.write([.signalWindow(SinksFixtures.signalWindow())])
        // A second, read-only connection mid-run, as `sqlite3 FILE` would open it.
        let reader = try SQLiteConnection(path: path, readOnly: true)
        #expect(try reader.integer("SELECT count(*) FROM signal_window") == 1)
        try store.write([.signalWindow(SinksFixtures.signalWindow(start: SinksFixtures.t0 + SinksFixtures.second))])
        #expect(try reader.integer("SELECT count(*) FROM signal_window") == 2)
        // The reader holding a read transaction does not block the writer (WAL).
        try reader.execute("BEGIN")
        #expect(try reader.integer("SELECT count(*) FROM signal_window") == 2)
        try store.write([.signalWindow(SinksFixtures.signalWindow(start: SinksFixtures.t0 + 2 * SinksFixtures.second))])
        #expect(try reader.integer("SELECT count(*) FROM signal_window") == 2)  // its snapshot
        try reader.execute("COMMIT")
        #expect(try reader.integer("SELECT count(*) FROM signal_window") == 3)
        reader.close()

        // The sqlite3 shell reads it too (required under Tests/run.sh, else when installed).
        if let sqlite3 = OracleTool.isRequired ? try OracleTool.require("sqlite3") : OracleTool.path("sqlite3") {
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: sqlite3)
            shell.arguments = ["-readonly", path, "SELECT count(*) FROM signal_window_named WHERE signal = 'SOC'"]
            let pipe = Pipe()
            shell.standardOutput = pipe
            try shell.run()
            let deadline = ProcessDeadline(shell, seconds: 60)
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            shell.waitUntilExit()
            try deadline.check()
            #expect(String(decoding: output, as: UTF8.self) == "3\n")
        }
        try store.close()
    }
}
