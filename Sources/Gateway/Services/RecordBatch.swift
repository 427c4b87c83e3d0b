import Telemetry

/// One daemon start (or one replay): 128 random bits, written as a version-4 UUID. It changes
/// every time candor starts, so that a record's sequence number, which starts again at 1, never
/// names two different records: a receiver removes duplicates on (vehicle, run, sequence).
public struct RunID: Sendable, Hashable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// From the system's random source (getrandom(2)), with the UUID version and variant bits set.
    public static func random() -> RunID {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000
        let low = (generator.next() as UInt64) & ~(0b11 << 62) | (0b10 << 62)
        return RunID(high: high, low: low)
    }

    /// `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, lowercase.
    public var description: String {
        String(unsafeUninitializedCapacity: 36) { text in
            var n = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[n] = UInt8(ascii: "-")
                    n += 1
                }
                let word = nibble < 16 ? high : low
                let digit = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (nibble % 16))) & 0xF
                text[n] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                n += 1
            }
            return n
        }
    }
}

/// What names one record for good: the vehicle it describes, the run that emitted it and its
/// sequence number in that run. Two records with the same identity are the same record (sent
/// twice after a reconnect, say).
public struct RecordIdentity: Sendable, Hashable {
    public var vehicle: String
    public var run: RunID
    public var sequence: UInt64

    public init(vehicle: String, run: RunID, sequence: UInt64) {
        self.vehicle = vehicle
        self.run = run
        self.sequence = sequence
    }
}

/// Records the aggregator emitted together (closed windows, ended episodes, trip and day
/// summaries), in emission order, with their identity.
///
/// Sequence numbers count every record of the run, all vehicles together, from 1 without a gap:
/// `records[i]` has `firstSequence + i`, and the next batch starts where this one ends. A
/// receiver of every record can therefore tell a lost batch from a duplicate one.
///
/// A *selection* (`selecting(_:)`) is the part of a batch one consumer wants, made on the
/// ingest thread so the consumer's queue carries only that: its records keep their own
/// sequence numbers (`sequence(at:)`), which then have gaps.
public struct RecordBatch: Sendable {
    public let run: RunID
    public let firstSequence: UInt64
    public let records: [TelemetryRecord]
    /// Where each closed window's records sit (`EmittedRecords.windowRuns`), so that a
    /// consumer picking a few window lengths need not read every record; nil when not known
    /// (and for a selection).
    public let windowRuns: [WindowRun]?
    /// A selection's sequence numbers, one per record; nil for a whole batch.
    private let sequences: [UInt64]?

    public init(run: RunID, firstSequence: UInt64, records: [TelemetryRecord], windowRuns: [WindowRun]? = nil) {
        precondition(firstSequence > 0, "sequence numbers start at 1")
        self.run = run
        self.firstSequence = firstSequence
        self.records = records
        self.windowRuns = windowRuns
        sequences = nil
    }

    /// The records at `indices` (increasing) with their sequence numbers, or nil when there
    /// are none. Copies only those records.
    public func selecting(_ indices: [Int]) -> RecordBatch? {
        guard let first = indices.first else { return nil }
        if indices.count == records.count { return self }
        return RecordBatch(run: run, firstSequence: sequence(at: first),
                           records: indices.map { records[$0] }, sequences: indices.map { sequence(at: $0) })
    }

    private init(run: RunID, firstSequence: UInt64, records: [TelemetryRecord], sequences: [UInt64]) {
        self.run = run
        self.firstSequence = firstSequence
        self.records = records
        self.windowRuns = nil
        self.sequences = sequences
    }

    /// The sequence number of `records[index]`.
    public func sequence(at index: Int) -> UInt64 {
        sequences?[index] ?? firstSequence + UInt64(index)
    }

    /// The sequence number the batch after this one starts with (after a selection's last
    /// record: where the next selection's may start at the earliest).
    public var nextSequence: UInt64 {
        records.isEmpty ? firstSequence : sequence(at: records.count - 1) + 1
    }

    public func identity(at index: Int) -> RecordIdentity {
        RecordIdentity(vehicle: records[index].vehicle, run: run, sequence: sequence(at: index))
    }
}

extension TelemetryRecord {
    /// The vehicle the record describes (every record has one).
    public var vehicle: String {
        switch self {
        case .signalWindow(let r): r.vehicle
        case .messageHealth(let r): r.vehicle
        case .busHealth(let r): r.vehicle
        case .silentEpisode(let r): r.vehicle
        case .faultEpisode(let r): r.vehicle
        case .operations(let r): r.vehicle
        }
    }
}
