import CANCore
import CSQLite
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// The embedded store: one SQLite file in WAL mode, `synchronous=NORMAL` (or `FULL`), one transaction
/// per `write` (a batch of closed windows). Readers (`sqlite3 FILE`) may query it while
/// candor writes. Each record is inserted once: a record whose key is already stored
/// (same window, same episode start) is ignored. See `StoreSchema` for the tables.
public final class SQLiteStore: MetricSink {
    public let path: String
    let connection: SQLiteConnection
    private let statements: StoreStatements
    /// `signal.signal_id` per (vehicle, bus, message, signal), filled on first use.
    private var signalIDs: [SignalKey: Int64] = [:]
    private var closed = false
    /// Per window length, the (key, id) of each row of its last window, in row order.
    private var recentKeys: [[(key: SignalKey, id: Int64)]] = []
    private var recentSlots: [Int64: Int] = [:]
    private var recentWindow: (length: Int64, start: Int64) = (0, .min)
    /// `recentSlots[recentWindow.length]`, -1 before the length's first window.
    private var recentSlot = -1
    private var recentCursor = 0
    /// The batch's signal windows not inserted yet, in groups.
    private var groups = SignalWindowGroups()
    /// The signal ids stored for the window (length, start) the batch is at: a window whose
    /// signal is stored is ignored, as the old one-row-per-window key did.
    private var storedWindow: (length: Int64, start: Int64) = (0, .min)
    private var storedIDs: Set<Int64> = []

    /// Opens or creates the store at `path` and brings its schema up to date. A file that
    /// is not SQLite, is SQLite but not candor's, or has a newer schema is refused with a
    /// `SinkError` and left untouched.
    ///
    /// `durability` `.normal` (`synchronous=NORMAL`): a committed batch survives a crash of
    /// candor; a power loss may lose the batches since the last WAL sync, never the file.
    /// `.full` (`synchronous=FULL`): every batch is synced to disk at commit.
    public convenience init(path: String, durability: Durability = .normal) throws(SinkError) {
        try self.init(path: path, durability: durability, migrations: StoreSchema.migrations)
    }

    /// The page cache, in KiB (`PRAGMA cache_size` negative form).
    static let pageCacheKiB = 16_384

    public enum Durability: String, Sendable, Hashable {
        case normal = "NORMAL"
        case full = "FULL"
    }

    /// `migrations` replaceable for tests of the migration steps.
    init(path: String, durability: Durability = .normal, migrations: [StoreSchema.Migration]) throws(SinkError) {
        self.path = path
        try StoreOpening.checkHeader(path: path)
        var version = 0
        var info = stat()
        if stat(path, &info) == 0 && info.st_size > 0 {
            version = try StoreOpening.checkIdentity(path: path, migrations: migrations)
        }
        connection = try SQLiteConnection(path: path)
        do {
            try connection.execute("PRAGMA journal_mode = WAL")
            try connection.execute("PRAGMA synchronous = \(durability.rawValue)")
            // A second of a bus is some 600 signal-window rows; a batch spans tens of
            // thousands, spread over the ends of several trees. SQLite's default 2 MB page
            // cache evicts those pages between inserts and reads them back from the WAL for
            // the next row; 16 MiB keeps a whole batch's pages in memory. Commits and WAL
            // syncs are unchanged.
            try connection.execute("PRAGMA cache_size = -\(Self.pageCacheKiB)")
            try StoreOpening.migrate(connection, from: version, migrations: migrations)
            statements = try StoreStatements(connection)
        } catch {
            connection.close()
            throw error
        }
    }

    public func write(_ records: [TelemetryRecord]) throws(SinkError) {
        try write(records) { () throws(SinkError) in }
    }

    /// `write`, with `alongside` run in the same transaction after the records' rows (the
    /// fleet store's record identities).
    func write(_ records: [TelemetryRecord], alongside: () throws(SinkError) -> Void) throws(SinkError) {
        guard !closed else { throw SinkError(.closed, path: path, message: "written after close") }
        guard !records.isEmpty else { return }
        try statements.begin.run()
        // Another writer of the file (a second collector) may have stored windows since.
        storedWindow = (0, .min)
        groups.removeAll()
        do {
            // Signal windows are most of the records (one per signal per window): they go
            // into `signal_window_group` rows of up to eight, `StoreStatements.groupRows`
            // rows per INSERT; the other records one by one.
            for i in records.indices {
                if case .signalWindow(let r) = records[i] {
                    let id = try signalID(of: r)
                    if r.windowLength != storedWindow.length || r.windowStart != storedWindow.start {
                        try insertGroups(closingOpen: true)
                        try loadStoredIDs(length: r.windowLength, start: r.windowStart)
                    }
                    guard storedIDs.insert(id).inserted else { continue }
                    groups.add(.init(r, signalID: id))
                    if groups.closedCount == StoreStatements.groupRows { try insertGroups(closingOpen: false) }
                } else {
                    try insert(records[i])
                }
            }
            try insertGroups(closingOpen: true)
            try alongside()
            try statements.commit.run()
        } catch {
            try? statements.rollback.run()
            groups.removeAll()
            storedWindow = (0, .min)
            // The ids of signals first inserted in this transaction were rolled back with it
            // (disk full, I/O error): forget every cached id, so that the next batch looks them
            // up again instead of writing windows of a signal row that does not exist.
            forgetSignalIDs()
            throw error
        }
    }

    private func forgetSignalIDs() {
        signalIDs.removeAll()
        recentKeys.removeAll()
        recentSlots.removeAll()
        recentWindow = (0, .min)
        recentSlot = -1
        recentCursor = 0
    }

    /// Nothing is pending between `write` calls: each one committed.
    public func flush() throws(SinkError) {
        guard !closed else { throw SinkError(.closed, path: path, message: "flushed after close") }
    }

    /// Checkpoints the WAL into the main file and closes. A second call does nothing.
    public func close() throws(SinkError) {
        guard !closed else { return }
        closed = true
        statements.finalize()
        defer { connection.close() }
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    private func insert(_ record: TelemetryRecord) throws(SinkError) {
        switch record {
        case .signalWindow:
            preconditionFailure("signal windows are inserted in groups")
        case .messageHealth(let r):
            let s = statements.messageHealth
            s.bind(1, r.vehicle); s.bind(2, r.bus); s.bind(3, r.message); s.bind(4, r.windowLength)
            s.bind(5, r.windowStart); s.bind(6, r.frames); s.bind(7, r.rate); s.bind(8, r.expectedPeriod)
            s.bind(9, r.periodSource.rawValue); s.bind(10, r.meanPeriod); s.bind(11, r.periodJitter)
            s.bind(12, r.maxGap); s.bind(13, r.timeouts); s.bind(14, r.counterErrors)
            s.bind(15, r.checksumErrors); s.bind(16, r.decodeErrors); s.bind(17, r.silent)
            try s.run()
        case .busHealth(let r):
            let s = statements.busHealth
            s.bind(1, r.vehicle); s.bind(2, r.bus); s.bind(3, r.windowLength); s.bind(4, r.windowStart)
            s.bind(5, r.frames); s.bind(6, r.framesPerSecond); s.bind(7, r.busLoadPercent)
            s.bind(8, r.busLoadWorstCasePercent); s.bind(9, r.errorFrames)
            s.bind(10, RecordFields.errorClassJSON(r.errorFramesByClass))
            s.bind(11, r.maxTxErrorCount); s.bind(12, r.maxRxErrorCount); s.bind(13, r.unknownFrames)
            s.bind(14, r.decodeErrors); s.bind(15, r.lateFrames)
            try s.run()
        case .silentEpisode(let r):
            let s = statements.silentEpisode
            s.bind(1, r.vehicle); s.bind(2, r.bus); s.bind(3, r.message); s.bind(4, r.start)
            s.bind(5, r.end); s.bind(6, r.open)
            try s.run()
        case .faultEpisode(let r):
            let s = statements.faultEpisode
            s.bind(1, r.vehicle); s.bind(2, r.kind); s.bind(3, r.target ?? ""); s.bind(4, r.level)
            s.bind(5, r.start); s.bind(6, r.end); s.bind(7, r.open)
            try s.run()
        case .operations(let r):
            try insertOperations(r)
        }
    }

    /// Inserts the closed groups (and the open one first closed, with `closingOpen`), up to
    /// `StoreStatements.groupRows` per statement.
    private func insertGroups(closingOpen: Bool) throws(SinkError) {
        if closingOpen { groups.closeOpen() }
        var g = 0
        while g < groups.closedCount {
            let n = min(StoreStatements.groupRows, groups.closedCount - g)
            let s = statements.signalWindowGroups[n - 1]
            for k in 0..<n { bindGroup(groups.group(g + k), s, at: Int32(k * StoreStatements.groupColumns)) }
            try s.run()
            g += n
        }
        groups.removeClosed(groups.closedCount)
    }

    /// Binds one group to parameters `base + 1 … base + groupColumns`: the window, then each
    /// slot's columns, NULL past the group's last member.
    private func bindGroup(_ members: ArraySlice<SignalWindowGroups.Member>, _ s: SQLiteStatement, at base: Int32) {
        s.bind(base + 1, members.first!.windowLength); s.bind(base + 2, members.first!.windowStart)
        var p = base + 3
        for m in members {
            s.bind(p, m.signalID); s.bind(p + 1, m.count); s.bind(p + 2, m.minimum); s.bind(p + 3, m.maximum)
            s.bind(p + 4, m.mean); s.bind(p + 5, m.last); s.bind(p + 6, m.standardDeviation)
            s.bind(p + 7, m.firstTime); s.bind(p + 8, m.lastTime)
            p += Int32(StoreSchema.slotColumns.count)
        }
        while p <= base + Int32(StoreStatements.groupColumns) {
            s.bindNull(p)
            p += 1
        }
    }

    /// Reads which signals have a window (length, start) stored, in any group.
    private func loadStoredIDs(length: Int64, start: Int64) throws(SinkError) {
        storedWindow = (length, start)
        storedIDs.removeAll(keepingCapacity: true)
        let s = statements.storedSignals
        s.bind(1, length); s.bind(2, start)
        while try s.step() {
            for column in 0..<s.columnCount where !s.isNull(column) { storedIDs.insert(s.int64(column)) }
        }
    }

    private func insertOperations(_ r: OperationsSummary) throws(SinkError) {
        let s = statements.operations
        s.bind(1, r.vehicle)
        switch r.scope {
        case .vehicle: s.bind(2, "vehicle"); s.bind(3, nil as String?)
        case .trip(let index): s.bind(2, "trip"); s.bind(3, index)
        case .day: s.bind(2, "day"); s.bind(3, nil as String?)
        }
        s.bind(4, r.start); s.bind(5, r.end); s.bind(6, r.distanceKm); s.bind(7, r.tractionEnergyKWh)
        s.bind(8, r.regenEnergyKWh); s.bind(9, r.chargeEnergyKWh); s.bind(10, r.kWhPer100km)
        s.bind(11, r.socStart); s.bind(12, r.socEnd); s.bind(13, r.socUsed)
        s.bind(14, r.minCellVoltage); s.bind(15, r.maxCellVoltage); s.bind(16, r.maxCellSpread)
        s.bind(17, r.minCellTemperature); s.bind(18, r.maxCellTemperature); s.bind(19, r.brakeApplications)
        s.bind(20, r.drivingSeconds); s.bind(21, r.chargingSeconds); s.bind(22, r.idleSeconds)
        s.bind(23, r.checksumErrors); s.bind(24, r.counterErrors)
        s.bind(25, OperationsSummaryJSON.text(r))
        s.bind(26, r.socMin); s.bind(27, r.socMax); s.bind(28, r.firstFrame); s.bind(29, r.lastFrame)
        s.bind(30, r.averageSpeedKmh); s.bind(31, r.chargingSessions.count); s.bind(32, r.chargingSessions.filter(\.fast).count)
        s.bind(33, r.chargingSessions.reduce(0) { $0 + $1.seconds })
        let alarms = r.alarmsByLevel
        s.bind(34, alarms[0]); s.bind(35, alarms[1]); s.bind(36, alarms[2])
        s.bind(37, r.hydrogenKg); s.bind(38, r.hydrogenKgPer100km); s.bind(39, r.ambientTemperature?.mean)
        let assistance = r.accEngagedKm != nil || !r.disengagements.isEmpty || !r.aebEvents.isEmpty
        s.bind(40, r.accEngagedKm); s.bind(41, r.accEngagedSeconds)
        s.bind(42, assistance ? Int64(r.disengagements.count) : nil); s.bind(43, r.disengagementsPer1000km)
        s.bind(44, assistance ? Int64(r.aebEvents.count) : nil)
        try s.run()
    }

    /// The signal id of a window row. Consecutive windows list mostly the same signals in
    /// the same order, so the key at the same position of the previous window of that
    /// length is tried first (string equality on shared storage: no hashing).
    private func signalID(of r: SignalWindowRecord) throws(SinkError) -> Int64 {
        if r.windowLength != recentWindow.length || r.windowStart != recentWindow.start {
            recentWindow = (r.windowLength, r.windowStart)
            recentSlot = recentSlots[r.windowLength, default: -1]
            recentCursor = 0
        }
        let slot = recentSlot
        let id: Int64
        if slot >= 0, recentCursor < recentKeys[slot].count, recentKeys[slot][recentCursor].key.names(r) {
            id = recentKeys[slot][recentCursor].id
        } else {
            let key = SignalKey(r)
            id = try signalID(key)
            var k = slot
            if k < 0 {
                k = recentKeys.count
                recentSlots[r.windowLength] = k
                recentSlot = k
                recentKeys.append([])
            }
            if recentCursor < recentKeys[k].count {
                recentKeys[k][recentCursor] = (key, id)
            } else {
                recentKeys[k].append((key, id))
            }
        }
        recentCursor += 1
        return id
    }

    private func signalID(_ key: SignalKey) throws(SinkError) -> Int64 {
        if let id = signalIDs[key] { return id }
        let insert = statements.insertSignal
        insert.bind(1, key.vehicle); insert.bind(2, key.bus); insert.bind(3, key.message); insert.bind(4, key.signal)
        try insert.run()
        let select = statements.selectSignal
        select.bind(1, key.vehicle); select.bind(2, key.bus); select.bind(3, key.message); select.bind(4, key.signal)
        guard try select.step() else { throw SinkError(.sqlite, path: path, message: "signal row missing after insert") }
        let id = select.int64(0)
        select.reset()
        signalIDs[key] = id
        return id
    }
}

/// The store's prepared statements, prepared once per connection.
final class StoreStatements {
    let begin, commit, rollback: SQLiteStatement
    let insertSignal, selectSignal: SQLiteStatement
    /// `signalWindowGroups[n - 1]` inserts `n` groups.
    let signalWindowGroups: [SQLiteStatement]
    /// The signal ids of every group of one window (length, start).
    let storedSignals: SQLiteStatement
    let messageHealth, busHealth, silentEpisode, faultEpisode, operations: SQLiteStatement

    /// `signal_window_group` rows per INSERT at most.
    static let groupRows = 8
    /// Signal windows per INSERT at most.
    static var signalWindowRows: Int { groupRows * StoreSchema.signalWindowGroupSize }
    static let groupColumns = 2 + StoreSchema.signalWindowGroupSize * StoreSchema.slotColumns.count

    init(_ c: SQLiteConnection) throws(SinkError) {
        begin = try c.prepare("BEGIN IMMEDIATE")
        commit = try c.prepare("COMMIT")
        rollback = try c.prepare("ROLLBACK")
        insertSignal = try c.prepare("INSERT OR IGNORE INTO signal (vehicle, bus, message, name) VALUES (?1, ?2, ?3, ?4)")
        selectSignal = try c.prepare("SELECT signal_id FROM signal WHERE vehicle = ?1 AND bus = ?2 AND message = ?3 AND name = ?4")
        let slots = (1...StoreSchema.signalWindowGroupSize)
        let insert = "INSERT INTO signal_window_group (window_length, window_start, \(StoreSchema.allSlotColumnNames)) VALUES "
        let row = "(" + Array(repeating: "?", count: Self.groupColumns).joined(separator: ", ") + ")"
        var groupInserts: [SQLiteStatement] = []
        for n in 1...Self.groupRows {
            groupInserts.append(try c.prepare(insert + Array(repeating: row, count: n).joined(separator: ", ")))
        }
        signalWindowGroups = groupInserts
        storedSignals = try c.prepare("SELECT " + slots.map { "signal_id_\($0)" }.joined(separator: ", ")
            + " FROM signal_window_group WHERE window_length = ?1 AND window_start = ?2")
        messageHealth = try c.prepare("""
            INSERT OR IGNORE INTO message_health (vehicle, bus, message, window_length, window_start, frames, rate,
                expected_period, period_source, mean_period, period_jitter, max_gap, timeouts, counter_errors,
                checksum_errors, decode_errors, silent)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
            """)
        busHealth = try c.prepare("""
            INSERT OR IGNORE INTO bus_health (vehicle, bus, window_length, window_start, frames, frames_per_second,
                bus_load_percent, bus_load_worst_case_percent, error_frames, error_frames_by_class,
                max_tx_error_count, max_rx_error_count, unknown_frames, decode_errors, late_frames)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """)
        silentEpisode = try c.prepare("""
            INSERT OR IGNORE INTO silent_episode (vehicle, bus, message, start, "end", open) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        faultEpisode = try c.prepare("""
            INSERT OR IGNORE INTO fault_episode (vehicle, kind, target, level, start, "end", open)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        operations = try c.prepare("""
            INSERT OR IGNORE INTO operations (vehicle, scope, trip_index, start, "end", distance_km,
                traction_energy_kwh, regen_energy_kwh, charge_energy_kwh, kwh_per_100km, soc_start, soc_end, soc_used,
                min_cell_voltage_v, max_cell_voltage_v, max_cell_spread_v, min_cell_temp_c, max_cell_temp_c,
                brake_applications, driving_s, charging_s, idle_s, checksum_errors, counter_errors, summary_json,
                soc_min, soc_max, first_frame, last_frame, average_speed_kmh, charges, fast_charges, charge_session_s,
                alarms_level1, alarms_level2, alarms_level3, hydrogen_kg, hydrogen_kg_per_100km, ambient_temp_c,
                acc_engaged_km, acc_engaged_s, disengagements, disengagements_per_1000km, aeb_events)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39,
                ?40, ?41, ?42, ?43, ?44)
            """)
    }

    func finalize() {
        for s in [begin, commit, rollback, insertSignal, selectSignal, storedSignals, messageHealth, busHealth,
                  silentEpisode, faultEpisode, operations] + signalWindowGroups { s.finalize() }
    }
}
