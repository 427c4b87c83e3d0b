/// The store's schema, as numbered migrations. `PRAGMA user_version` holds the number of
/// the last migration applied; `PRAGMA application_id` marks the file as candor's.
///
/// Every table's primary key leads with time (after the vehicle where rows name it), so
/// that windows are appended in key order: a commit touches a few pages at the end of each
/// tree instead of one page per signal, and a per-vehicle time range is one key range.
///
/// Times are integer nanoseconds since the Unix epoch on the capture's clock (event time);
/// window lengths are nanoseconds. `datetime(window_start / 1e9, 'unixepoch')` reads them.
public enum StoreSchema {
    /// `'CAND'` as a big-endian 32-bit integer.
    public static let applicationID: Int32 = 0x4341_4E44

    /// One step from version `version - 1` to `version`.
    public struct Migration: Sendable {
        public var version: Int
        public var statements: [String]
        public init(version: Int, statements: [String]) {
            self.version = version
            self.statements = statements
        }
    }

    /// Every migration, in order. The last one's version is the current schema version.
    public static let migrations: [Migration] = [
        Migration(version: 1, statements: version1), Migration(version: 2, statements: version2),
        Migration(version: 3, statements: version3), Migration(version: 4, statements: version4),
        Migration(version: 5, statements: version5), Migration(version: 6, statements: version6),
    ]

    public static var currentVersion: Int { migrations.last!.version }

    static let version1: [String] = [
        """
        CREATE TABLE signal (
            signal_id INTEGER PRIMARY KEY,
            vehicle   TEXT NOT NULL,
            bus       TEXT NOT NULL,
            message   TEXT NOT NULL,
            name      TEXT NOT NULL,
            UNIQUE (vehicle, bus, message, name)
        )
        """,
        """
        CREATE TABLE signal_window (
            signal_id     INTEGER NOT NULL REFERENCES signal (signal_id),
            window_length INTEGER NOT NULL,
            window_start  INTEGER NOT NULL,
            count         INTEGER NOT NULL,
            minimum       REAL,
            maximum       REAL,
            mean          REAL,
            last          REAL,
            stddev        REAL,
            first_time    INTEGER NOT NULL,
            last_time     INTEGER NOT NULL,
            PRIMARY KEY (window_length, window_start, signal_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE VIEW signal_window_named AS
            SELECT s.vehicle, s.bus, s.message, s.name AS signal, w.*
            FROM signal_window w JOIN signal s USING (signal_id)
        """,
        """
        CREATE TABLE message_health (
            vehicle         TEXT NOT NULL,
            bus             TEXT NOT NULL,
            message         TEXT NOT NULL,
            window_length   INTEGER NOT NULL,
            window_start    INTEGER NOT NULL,
            frames          INTEGER NOT NULL,
            rate            REAL,
            expected_period INTEGER NOT NULL,
            period_source   TEXT NOT NULL,
            mean_period     REAL,
            period_jitter   REAL,
            max_gap         INTEGER NOT NULL,
            timeouts        INTEGER NOT NULL,
            counter_errors  INTEGER NOT NULL,
            checksum_errors INTEGER NOT NULL,
            decode_errors   INTEGER NOT NULL,
            silent          INTEGER NOT NULL,
            PRIMARY KEY (vehicle, window_length, window_start, bus, message)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE bus_health (
            vehicle                     TEXT NOT NULL,
            bus                         TEXT NOT NULL,
            window_length               INTEGER NOT NULL,
            window_start                INTEGER NOT NULL,
            frames                      INTEGER NOT NULL,
            frames_per_second           REAL,
            bus_load_percent            REAL,
            bus_load_worst_case_percent REAL,
            error_frames                INTEGER NOT NULL,
            error_frames_by_class       TEXT NOT NULL,
            max_tx_error_count          INTEGER NOT NULL,
            max_rx_error_count          INTEGER NOT NULL,
            unknown_frames              INTEGER NOT NULL,
            decode_errors               INTEGER NOT NULL,
            late_frames                 INTEGER NOT NULL,
            PRIMARY KEY (vehicle, window_length, window_start, bus)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE silent_episode (
            vehicle TEXT NOT NULL,
            bus     TEXT NOT NULL,
            message TEXT NOT NULL,
            start   INTEGER NOT NULL,
            "end"   INTEGER NOT NULL,
            open    INTEGER NOT NULL,
            PRIMARY KEY (vehicle, start, bus, message)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE fault_episode (
            vehicle TEXT NOT NULL,
            kind    TEXT NOT NULL,
            target  TEXT NOT NULL DEFAULT '',
            level   INTEGER NOT NULL,
            start   INTEGER NOT NULL,
            "end"   INTEGER NOT NULL,
            open    INTEGER NOT NULL,
            PRIMARY KEY (vehicle, start, kind, target)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE operations (
            vehicle             TEXT NOT NULL,
            scope               TEXT NOT NULL CHECK (scope IN ('vehicle', 'trip', 'day')),
            trip_index          INTEGER,
            start               INTEGER NOT NULL,
            "end"               INTEGER NOT NULL,
            distance_km         REAL,
            traction_energy_kwh REAL,
            regen_energy_kwh    REAL,
            charge_energy_kwh   REAL,
            kwh_per_100km       REAL,
            soc_start           REAL,
            soc_end             REAL,
            soc_used            REAL,
            min_cell_voltage_v  REAL,
            max_cell_voltage_v  REAL,
            max_cell_spread_v   REAL,
            min_cell_temp_c     REAL,
            max_cell_temp_c     REAL,
            brake_applications  INTEGER NOT NULL,
            driving_s           REAL,
            charging_s          REAL,
            idle_s              REAL,
            checksum_errors     INTEGER NOT NULL,
            counter_errors      INTEGER NOT NULL,
            summary_json        TEXT NOT NULL,
            PRIMARY KEY (vehicle, scope, start)
        ) WITHOUT ROWID
        """,
    ]

    /// The report's figures (issue 15): SOC range, online span (first and last frame, ns),
    /// average speed, charging sessions (count, fast ones, their hours; each in
    /// `summary_json`'s `charges`), alarm episodes by GB/T 32960 level. Older rows keep NULL.
    static let version2: [String] = [
        "ALTER TABLE operations ADD COLUMN soc_min REAL",
        "ALTER TABLE operations ADD COLUMN soc_max REAL",
        "ALTER TABLE operations ADD COLUMN first_frame INTEGER",
        "ALTER TABLE operations ADD COLUMN last_frame INTEGER",
        "ALTER TABLE operations ADD COLUMN average_speed_kmh REAL",
        "ALTER TABLE operations ADD COLUMN charges INTEGER",
        "ALTER TABLE operations ADD COLUMN fast_charges INTEGER",
        "ALTER TABLE operations ADD COLUMN charge_session_s REAL",
        "ALTER TABLE operations ADD COLUMN alarms_level1 INTEGER",
        "ALTER TABLE operations ADD COLUMN alarms_level2 INTEGER",
        "ALTER TABLE operations ADD COLUMN alarms_level3 INTEGER",
    ]

    /// Hydrogen the fuel-cell stack consumed (issue 15): kg and kg/100 km. NULL for a vehicle
    /// without a mapped stack, and in older rows.
    static let version3: [String] = [
        "ALTER TABLE operations ADD COLUMN hydrogen_kg REAL",
        "ALTER TABLE operations ADD COLUMN hydrogen_kg_per_100km REAL",
    ]

    /// The ambient temperature's time-weighted mean, °C, where `ambient_temperature` is mapped.
    static let version4: [String] = [
        "ALTER TABLE operations ADD COLUMN ambient_temp_c REAL",
    ]

    /// The smart-connected figures (issue 15): distance and seconds with ACC engaged, the
    /// disengagements (ACC engaged → driver takeover or system fault) and their rate per 1,000
    /// km with ACC engaged, AEB activations; each event (time, speed, cause) in `summary_json`'s
    /// `disengagements` and `aeb_events`. NULL for a vehicle that maps neither `acc_state` nor
    /// `aeb_state` (the engaged figures: no `acc_state`), and in older rows.
    static let version5: [String] = [
        "ALTER TABLE operations ADD COLUMN acc_engaged_km REAL",
        "ALTER TABLE operations ADD COLUMN acc_engaged_s REAL",
        "ALTER TABLE operations ADD COLUMN disengagements INTEGER",
        "ALTER TABLE operations ADD COLUMN disengagements_per_1000km REAL",
        "ALTER TABLE operations ADD COLUMN aeb_events INTEGER",
    ]

    /// Signal windows in groups (issue 12): `signal_window_group` holds up to
    /// `signalWindowGroupSize` windows of one window (length, start) per row, slot `i` in the
    /// columns ending in `_i` (NULL past the group's last), keyed by its first signal. A row
    /// per signal per window was most of the store's cost (a B-tree seek, a cell and the window's
    /// key repeated per signal; 580,720 rows per million frames of the bus bundle); a group pays
    /// those once for eight windows, and keeps every figure a plain SQL value (no encoding to
    /// read back). `signal_window` is now a view with the old table's columns in their order,
    /// one row per signal per window, so every query of version 5 reads the same rows. The old
    /// table's rows move into groups of eight per window in signal id order; its pages stay in
    /// the file as free pages that later windows reuse (`VACUUM` returns them).
    static let version6: [String] = [
        "DROP VIEW signal_window_named",
        """
        CREATE TABLE signal_window_group (
            window_length INTEGER NOT NULL,
            window_start  INTEGER NOT NULL,
        \(groupSlotColumns),
            PRIMARY KEY (window_length, window_start, signal_id_1)
        ) WITHOUT ROWID
        """,
        """
        INSERT INTO signal_window_group (window_length, window_start, \(allSlotColumnNames))
            SELECT window_length, window_start, \(migratedSlots)
            FROM (SELECT *, row_number() OVER (PARTITION BY window_length, window_start ORDER BY signal_id) - 1 AS n
                  FROM signal_window)
            GROUP BY window_length, window_start, n / \(signalWindowGroupSize)
        """,
        "DROP TABLE signal_window",
        "CREATE VIEW signal_window AS\n" + (1...signalWindowGroupSize).map(groupSlotSelect).joined(separator: "\nUNION ALL\n"),
        """
        CREATE VIEW signal_window_named AS
            SELECT s.vehicle, s.bus, s.message, s.name AS signal, w.*
            FROM signal_window w JOIN signal s USING (signal_id)
        """,
    ]

    /// Windows per `signal_window_group` row. Part of schema 6: a new size is a new migration.
    public static let signalWindowGroupSize = 8

    /// A slot's columns, as `signal_window` names them without the `_i` suffix, in its order.
    static let slotColumns: [(name: String, type: String)] = [
        ("signal_id", "INTEGER"), ("count", "INTEGER"), ("minimum", "REAL"), ("maximum", "REAL"), ("mean", "REAL"),
        ("last", "REAL"), ("stddev", "REAL"), ("first_time", "INTEGER"), ("last_time", "INTEGER"),
    ]

    static func slotColumnNames(_ slot: Int) -> String {
        slotColumns.map { "\($0.name)_\(slot)" }.joined(separator: ", ")
    }

    static var allSlotColumnNames: String {
        (1...signalWindowGroupSize).map(slotColumnNames).joined(separator: ", ")
    }

    /// The version-5 rows of a window, in signal id order, eight to a group: row `n` of the
    /// window goes to group `n / 8`, slot `n % 8 + 1` (each slot column takes the one value
    /// of its slot, NULL where the group has none).
    private static var migratedSlots: String {
        (1...signalWindowGroupSize).flatMap { slot in
            slotColumns.map { "max(CASE n % \(signalWindowGroupSize) WHEN \(slot - 1) THEN \($0.name) END)" }
        }.joined(separator: ",\n                   ")
    }

    /// Slot 1 is always filled (it is the key); the others are NULL past the group's last window.
    private static var groupSlotColumns: String {
        (1...signalWindowGroupSize).flatMap { slot in
            slotColumns.map { column in
                let required = slot == 1 && !column.type.hasPrefix("REAL")
                return "    \(column.name)_\(slot) \(column.type)\(required ? " NOT NULL" : "")"
            }
        }.joined(separator: ",\n")
    }

    /// The windows in slot `slot` with `signal_window`'s columns.
    private static func groupSlotSelect(_ slot: Int) -> String {
        let s = { (name: String) in "\(name)_\(slot) AS \(name)" }
        return """
            SELECT \(s("signal_id")), window_length, window_start, \(s("count")), \(s("minimum")), \(s("maximum")),
                   \(s("mean")), \(s("last")), \(s("stddev")), \(s("first_time")), \(s("last_time"))
            FROM signal_window_group\(slot == 1 ? "" : " WHERE signal_id_\(slot) IS NOT NULL")
            """
    }
}
