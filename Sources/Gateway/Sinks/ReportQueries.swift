import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// Read-only queries for `candor report`: the store's rows as plain values, filtered by
/// vehicle and time. Opens the file read-only after the same identity checks as the store
/// (not SQLite, not candor's, newer schema: a `SinkError`, nothing written).
public final class StoreReader {
    public let path: String
    /// The store's schema version (`PRAGMA user_version`).
    public let schemaVersion: Int
    private let connection: SQLiteConnection

    /// Which rows to read: vehicles (empty: all) and a half-open time range in nanoseconds.
    public struct Filter: Sendable, Hashable {
        public var vehicles: [String]
        public var from: Int64
        public var to: Int64
        public init(vehicles: [String] = [], from: Int64 = .min, to: Int64 = .max) {
            self.vehicles = vehicles
            self.from = from
            self.to = to
        }
    }

    public init(path: String) throws(SinkError) {
        self.path = path
        var info = stat()
        do { _ = try Syscall.retrying("stat") { stat(path, &info) } } catch {
            throw SinkError(.io, path: path, message: "cannot read: \(error.reason)")
        }
        if info.st_size == 0 { throw SinkError(.notCandorDatabase, path: path, message: "an empty file, not a candor store") }
        try StoreOpening.checkHeader(path: path)
        let version = try StoreOpening.checkIdentity(path: path, migrations: StoreSchema.migrations)
        if version == 0 { throw SinkError(.notCandorDatabase, path: path, message: "an SQLite database without candor's tables") }
        schemaVersion = version
        connection = try SQLiteConnection(path: path, readOnly: true)
    }

    public func close() { connection.close() }

    /// Every vehicle the store names (operations, signals, fault episodes), sorted.
    public func vehicles(_ filter: Filter) throws(SinkError) -> [String] {
        let sql = """
            SELECT vehicle FROM operations UNION SELECT vehicle FROM signal
            UNION SELECT vehicle FROM fault_episode ORDER BY vehicle
            """
        var names: [String] = []
        try each(sql, bind: { _ in }, filter) { $0.text(0) } append: { names.append($0) }
        return names
    }

    /// One `operations` row (scope `day` or `trip`).
    public struct OperationsRow: Sendable, Hashable {
        public var vehicle: String
        public var tripIndex: Int?
        public var start: Int64, end: Int64
        public var distanceKm: Double?, tractionKWh: Double?, regenKWh: Double?, chargeKWh: Double?, kWhPer100km: Double?
        public var socStart: Double?, socEnd: Double?
        public var minCellVoltage: Double?, maxCellVoltage: Double?, maxCellSpread: Double?
        public var minCellTemperature: Double?, maxCellTemperature: Double?
        public var brakeApplications: Int
        public var drivingSeconds: Double?, chargingSeconds: Double?, idleSeconds: Double?
        public var checksumErrors: Int, counterErrors: Int
        /// The summary as `OperationsSummaryJSON` wrote it (trips, faults, silent messages,
        /// extra temperatures, frames per bus).
        public var summaryJSON: String
    }

    /// Day or trip rows overlapping the filter, by vehicle and start.
    public func operations(scope: String, _ filter: Filter) throws(SinkError) -> [OperationsRow] {
        let sql = """
            SELECT vehicle, trip_index, start, "end", distance_km, traction_energy_kwh, regen_energy_kwh,
                   charge_energy_kwh, kwh_per_100km, soc_start, soc_end, min_cell_voltage_v, max_cell_voltage_v,
                   max_cell_spread_v, min_cell_temp_c, max_cell_temp_c, brake_applications, driving_s,
                   charging_s, idle_s, checksum_errors, counter_errors, summary_json
            FROM operations WHERE scope = ?1 AND start < ?3 AND "end" >= ?2
            ORDER BY vehicle, start
            """
        var rows: [OperationsRow] = []
        try each(sql, bind: { $0.bind(1, scope); $0.bind(2, filter.from); $0.bind(3, filter.to) }, filter) { s in
            func d(_ i: Int32) -> Double? { s.isNull(i) ? nil : s.double(i) }
            return OperationsRow(
                vehicle: s.text(0), tripIndex: s.isNull(1) ? nil : Int(s.int64(1)), start: s.int64(2), end: s.int64(3),
                distanceKm: d(4), tractionKWh: d(5), regenKWh: d(6), chargeKWh: d(7), kWhPer100km: d(8),
                socStart: d(9), socEnd: d(10), minCellVoltage: d(11), maxCellVoltage: d(12), maxCellSpread: d(13),
                minCellTemperature: d(14), maxCellTemperature: d(15), brakeApplications: Int(s.int64(16)),
                drivingSeconds: d(17), chargingSeconds: d(18), idleSeconds: d(19),
                checksumErrors: Int(s.int64(20)), counterErrors: Int(s.int64(21)), summaryJSON: s.text(22))
        } append: { rows.append($0) }
        return rows
    }

    /// An alarm or fault episode (`fault_episode`) or a silent message (`silent_episode`,
    /// `kind` = "silent", `target` = "bus message", level 0).
    public struct Episode: Sendable, Hashable {
        public var vehicle: String
        public var kind: String
        public var target: String
        public var level: Int
        public var start: Int64, end: Int64
        public var open: Bool
    }

    public func faultEpisodes(_ filter: Filter) throws(SinkError) -> [Episode] {
        let sql = """
            SELECT vehicle, kind, target, level, start, "end", open FROM fault_episode
            WHERE start < ?2 AND "end" >= ?1 ORDER BY vehicle, start, kind, target
            """
        var rows: [Episode] = []
        try each(sql, bind: { $0.bind(1, filter.from); $0.bind(2, filter.to) }, filter) { s in
            Episode(vehicle: s.text(0), kind: s.text(1), target: s.text(2), level: Int(s.int64(3)),
                    start: s.int64(4), end: s.int64(5), open: s.int64(6) != 0)
        } append: { rows.append($0) }
        return rows
    }

    public func silentEpisodes(_ filter: Filter) throws(SinkError) -> [Episode] {
        let sql = """
            SELECT vehicle, bus, message, start, "end", open FROM silent_episode
            WHERE start < ?2 AND "end" >= ?1 ORDER BY vehicle, start, bus, message
            """
        var rows: [Episode] = []
        try each(sql, bind: { $0.bind(1, filter.from); $0.bind(2, filter.to) }, filter) { s in
            Episode(vehicle: s.text(0), kind: "silent", target: "\(s.text(1)) \(s.text(2))", level: 0,
                    start: s.int64(3), end: s.int64(4), open: s.int64(5) != 0)
        } append: { rows.append($0) }
        return rows
    }

    /// Bus health per vehicle, bus and UTC hour, from the longest stored window length.
    public struct BusHour: Sendable, Hashable {
        public var vehicle: String
        public var bus: String
        /// Seconds since the epoch of the hour's start.
        public var hour: Int64
        public var meanLoadPercent: Double?
        public var maxLoadPercent: Double?
        public var errorFrames: Int
        public var timeouts: Int
    }

    public func busHours(_ filter: Filter) throws(SinkError) -> [BusHour] {
        let sql = """
            WITH w AS (SELECT max(window_length) AS length FROM bus_health),
            b AS (SELECT vehicle, bus, window_start / 3600000000000 AS hour, avg(bus_load_percent) AS load,
                         max(bus_load_percent) AS peak, sum(error_frames) AS errors
                  FROM bus_health WHERE window_length = (SELECT length FROM w)
                    AND window_start >= ?1 AND window_start < ?2 GROUP BY vehicle, bus, hour),
            m AS (SELECT vehicle, bus, window_start / 3600000000000 AS hour, sum(timeouts) AS timeouts
                  FROM message_health WHERE window_length = (SELECT length FROM w)
                    AND window_start >= ?1 AND window_start < ?2 GROUP BY vehicle, bus, hour)
            SELECT b.vehicle, b.bus, b.hour, b.load, b.peak, b.errors, coalesce(m.timeouts, 0)
            FROM b LEFT JOIN m USING (vehicle, bus, hour) ORDER BY b.vehicle, b.bus, b.hour
            """
        var rows: [BusHour] = []
        try each(sql, bind: { $0.bind(1, filter.from); $0.bind(2, filter.to) }, filter) { s in
            BusHour(vehicle: s.text(0), bus: s.text(1), hour: s.int64(2) * 3600, meanLoadPercent: s.isNull(3) ? nil : s.double(3),
                    maxLoadPercent: s.isNull(4) ? nil : s.double(4), errorFrames: Int(s.int64(5)), timeouts: Int(s.int64(6)))
        } append: { rows.append($0) }
        return rows
    }

    /// One window's mean of a signal: (vehicle, window start in ns, mean).
    public struct SeriesPoint: Sendable, Hashable {
        public var vehicle: String
        public var time: Int64
        public var mean: Double
    }

    /// The longest-window means of the signals named `name` or ending in `_name` (the
    /// store keeps DBC signal names, not roles; `BMS_SOC` and `SOC` are both found by "SOC").
    public func series(signal name: String, _ filter: Filter) throws(SinkError) -> [SeriesPoint] {
        // The window lengths from the table (schema 6: the groups), not through the view.
        let windowTable = schemaVersion >= 6 ? "signal_window_group" : "signal_window"
        let sql = """
            SELECT s.vehicle, w.window_start, w.mean FROM signal_window w JOIN signal s USING (signal_id)
            WHERE (s.name = ?3 OR s.name LIKE '%\\_' || ?3 ESCAPE '\\')
              AND w.window_length = (SELECT max(window_length) FROM \(windowTable))
              AND w.window_start >= ?1 AND w.window_start < ?2 AND w.mean IS NOT NULL
            ORDER BY s.vehicle, w.window_start
            """
        var rows: [SeriesPoint] = []
        try each(sql, bind: { $0.bind(1, filter.from); $0.bind(2, filter.to); $0.bind(3, name) }, filter) { s in
            SeriesPoint(vehicle: s.text(0), time: s.int64(1), mean: s.double(2))
        } append: { rows.append($0) }
        return rows
    }

    /// Runs `sql`, keeps rows whose first column is a wanted vehicle, maps and appends them.
    private func each<Row>(_ sql: String, bind: (SQLiteStatement) -> Void, _ filter: Filter,
                           row: (SQLiteStatement) -> Row, append: (Row) -> Void) throws(SinkError) {
        let statement = try connection.prepare(sql)
        defer { statement.finalize() }
        bind(statement)
        let wanted = Set(filter.vehicles)
        while try statement.step() {
            if !wanted.isEmpty && !wanted.contains(statement.text(0)) { continue }
            append(row(statement))
        }
    }
}
