import CSQLite
#if canImport(Glibc)
import Glibc
#endif
import SystemIO
import Telemetry

/// The fleet side's store (`candor collect --sqlite`): the gateway's own schema (`StoreSchema`)
/// for every vehicle, written by the same `SQLiteStore` code, so an uplinked record becomes
/// exactly the row the gateway's store holds for it; plus one table of the identities
/// received:
///
///     CREATE TABLE uplinked_record (vehicle TEXT, run TEXT, seq INTEGER, PRIMARY KEY (vehicle, run, seq))
///
/// A message's records and their identities commit in one transaction, so a record seen
/// again (a redelivery after a collector or broker restart, a gateway resending from its
/// outbox) is recognised for good and counted as a duplicate; its rows are not written twice.
/// Several collectors may share the file (WAL, `BEGIN IMMEDIATE`, a 5 s busy timeout).
public final class FleetStore {
    public let path: String
    private let store: SQLiteStore
    private let insertIdentity: SQLiteStatement
    private let lookUpIdentity: SQLiteStatement
    private let lookUpRange: SQLiteStatement

    public init(path: String, durability: SQLiteStore.Durability = .normal) throws(SinkError) {
        self.path = path
        // Collectors started together on a new file race to create the schema: the loser
        // fails on the tables the winner just made, and sees them on the next try.
        var attempt = 0
        while true {
            do {
                store = try SQLiteStore(path: path, durability: durability)
                break
            } catch where error.kind == .sqlite && attempt < 3 {
                attempt += 1
                Syscall.sleep(milliseconds: 200)
            }
        }
        let c = store.connection
        try c.execute("""
            CREATE TABLE IF NOT EXISTS uplinked_record (
                vehicle TEXT NOT NULL,
                run     TEXT NOT NULL,
                seq     INTEGER NOT NULL,
                PRIMARY KEY (vehicle, run, seq)
            ) WITHOUT ROWID
            """)
        insertIdentity = try c.prepare("INSERT OR IGNORE INTO uplinked_record (vehicle, run, seq) VALUES (?1, ?2, ?3)")
        lookUpIdentity = try c.prepare("SELECT 1 FROM uplinked_record WHERE vehicle = ?1 AND run = ?2 AND seq = ?3")
        lookUpRange = try c.prepare("SELECT seq FROM uplinked_record WHERE vehicle = ?1 AND run = ?2 AND seq BETWEEN ?3 AND ?4")
    }

    /// The indices of the sequences whose identity is not stored yet. A message's sequences
    /// are a short run of one gateway's counter: one range query finds those already stored
    /// (one statement, one read lock — a look-up per record took and dropped SQLite's file
    /// lock for every record, a tenth of the collector's CPU).
    public func unseen(vehicle: String, run: String, sequences: [UInt64]) throws(SinkError) -> [Int] {
        guard let low = sequences.min(), let high = sequences.max() else { return [] }
        // Sequences are stored as their Int64 bit patterns: a range across 2^63 is not one range there.
        guard Int64(bitPattern: low) <= Int64(bitPattern: high) else { return try unseenOneByOne(vehicle: vehicle, run: run, sequences: sequences) }
        let s = lookUpRange
        s.bind(1, vehicle); s.bind(2, run); s.bind(3, Int64(bitPattern: low)); s.bind(4, Int64(bitPattern: high))
        defer { s.reset() }
        var known = Set<UInt64>()
        while try s.step() { known.insert(UInt64(bitPattern: s.int64(0))) }
        if known.isEmpty { return Array(sequences.indices) }
        return sequences.indices.filter { !known.contains(sequences[$0]) }
    }

    private func unseenOneByOne(vehicle: String, run: String, sequences: [UInt64]) throws(SinkError) -> [Int] {
        var fresh: [Int] = []
        for (i, sequence) in sequences.enumerated() {
            let s = lookUpIdentity
            s.bind(1, vehicle); s.bind(2, run); s.bind(3, Int64(bitPattern: sequence))
            let known = try s.step()
            s.reset()
            if !known { fresh.append(i) }
        }
        return fresh
    }

    /// Stores the records not stored before (by identity) in one transaction with their
    /// identities; returns how many were duplicates. `identities[i]` names `records[i]`;
    /// `run` is the text form of the run id.
    public func write(vehicle: String, run: String, sequences: [UInt64], records: [TelemetryRecord]) throws(SinkError) -> Int {
        precondition(sequences.count == records.count, "one sequence per record")
        let fresh = try unseen(vehicle: vehicle, run: run, sequences: sequences)
        var duplicates = records.count - fresh.count
        guard !fresh.isEmpty else { return duplicates }
        let handle = store.connection.handle
        try store.write(fresh.map { records[$0] }) { () throws(SinkError) in
            for i in fresh {
                let s = insertIdentity
                s.bind(1, vehicle); s.bind(2, run); s.bind(3, Int64(bitPattern: sequences[i]))
                try s.run()
                // Another collector stored it since the look-up: its rows were ignored above.
                if sqlite3_changes(handle) == 0 { duplicates += 1 }
            }
        }
        return duplicates
    }

    /// Identities stored so far.
    public func identityCount() throws(SinkError) -> Int {
        Int(try store.connection.integer("SELECT count(*) FROM uplinked_record"))
    }

    public func close() throws(SinkError) {
        insertIdentity.finalize()
        lookUpIdentity.finalize()
        lookUpRange.finalize()
        try store.close()
    }
}
