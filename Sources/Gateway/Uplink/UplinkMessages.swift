import CANCapture
import CANCore
import MQTT
import Outbox
import Telemetry

/// What goes up, and how it is packed.
///
/// Topic `candor/v1/<fleet>/<vehicle>/<kind>`, kind one of `signals`, `health`, `operations`,
/// `episodes`, `status`. One message per (vehicle, kind) per batch (a window close), at most
/// `maxRecords` records each. Payload, keys sorted:
///
///     {"kind":"signals","records":[<JSONL record>,…],"run":"<uuid>","seqs":[17,18,…],"v":1,"vehicle":"van"}
///
/// where each record is exactly the JSON-lines sink's object for it and `seqs[i]` its sequence
/// in the run: (vehicle, run, seq) is the record identity a receiver removes duplicates by.
/// The payload is zlib-compressed (first byte 0x78) when that makes it smaller; uncompressed
/// it starts with `{`. The outbox label carries the MQTT 5 properties' inputs:
/// `topic|run|first-seq|last-seq`.
public enum UplinkKind: String, Sendable, CaseIterable {
    case signals, health, operations, episodes, status

    var outboxClass: OutboxClass {
        switch self {
        case .signals: .signals
        case .health: .health
        case .operations, .episodes, .status: .essential
        }
    }
}

struct UplinkMessage {
    var label: String
    var payload: [UInt8]
    var outboxClass: OutboxClass
    var records: Int
}

struct UplinkEncoder {
    let settings: UplinkSettings
    static let maxRecords = 2000
    /// The window lengths that go up: one or two, so a scan beats hashing.
    private let lengths: [Int64]
    /// `settings.mappedSignals` by signal name: `goesUp` hashes one name per window instead
    /// of `SignalKey`'s four strings (the selection looks at every window of an uplinked
    /// length, mapped or not, on the ingest thread).
    private let mappedBySignal: [String: [SignalKey]]
    /// `messages`' scratch, kept from batch to batch: the JSON buffer and the zlib stream.
    private let scratch = Scratch()

    init(_ settings: UplinkSettings) {
        self.settings = settings
        lengths = Array(Set(settings.windowLengths)).sorted()
        mappedBySignal = Dictionary(grouping: settings.mappedSignals, by: \.signal)
    }

    static func topic(fleet: String, vehicle: String, kind: UplinkKind) -> String {
        "candor/v1/\(fleet)/\(vehicle)/\(kind.rawValue)"
    }

    /// Whether a record goes up: a window of an uplinked length (a mapped signal's, unless
    /// all signals go up; health only with `health`), every episode and operations figure.
    func goesUp(_ record: TelemetryRecord) -> Bool {
        switch record {
        case .signalWindow(let r):
            lengths.contains(r.windowLength) && (settings.allSignals || isMapped(r))
        case .messageHealth(let r): settings.health && lengths.contains(r.windowLength)
        case .busHealth(let r): settings.health && lengths.contains(r.windowLength)
        case .silentEpisode, .faultEpisode, .operations: true
        }
    }

    /// Whether `r` is a window of a mapped signal (`settings.mappedSignals`).
    private func isMapped(_ r: SignalWindowRecord) -> Bool {
        guard let keys = mappedBySignal[r.signal] else { return false }
        return keys.contains { $0.message == r.message && $0.bus == r.bus && $0.vehicle == r.vehicle }
    }

    /// The kind of a record that goes up (`goesUp`).
    static func kind(ofUplinked record: TelemetryRecord) -> UplinkKind {
        switch record {
        case .signalWindow: .signals
        case .messageHealth, .busHealth: .health
        case .silentEpisode, .faultEpisode: .episodes
        case .operations: .operations
        }
    }

    /// The indices of the records that go up. Most of a batch stays on the vehicle (every 1 s
    /// window). Looking at a record copies it (Swift copies an enum to read its case), so with
    /// the batch's window runs only the runs of an uplinked length and the records between
    /// runs (episodes, operations) are looked at; without them, every record.
    func uplinked(_ batch: RecordBatch) -> [Int] {
        var indices: [Int] = []
        batch.records.withUnsafeBufferPointer { records in
            func pick(_ range: Range<Int>) {
                for i in range where goesUp(records[i]) { indices.append(i) }
            }
            guard let runs = batch.windowRuns else { return pick(records.indices) }
            var next = 0
            for run in runs {
                pick(next..<run.range.lowerBound)
                if lengths.contains(run.length) { pick(run.range) }
                next = run.range.upperBound
            }
            pick(next..<records.count)
        }
        return indices
    }

    /// The records of one message: a vehicle's records of one kind in a batch.
    private struct Group {
        let kind: UplinkKind
        let vehicle: String
        var indices: [Int]
    }

    /// The messages for one batch, in the order of each group's first record: records grouped
    /// by vehicle and kind. `selected`: the batch is a selection of `uplinked` records (what
    /// the uplink's queue carries), so every record goes up and is not looked at again;
    /// otherwise the records that go up are picked here. One thread at a time (the uplink's
    /// record thread): the scratch is shared.
    func messages(_ batch: RecordBatch, selected: Bool = false) -> [UplinkMessage] {
        // A batch holds one group per kind and vehicle — a handful — so a scan finds a
        // record's group without hashing a key per record.
        var groups: [Group] = []
        batch.records.withUnsafeBufferPointer { records in
            for i in records.indices {
                guard selected || goesUp(records[i]) else { continue }
                let kind = Self.kind(ofUplinked: records[i])
                let vehicle = records[i].vehicle
                if let g = groups.lastIndex(where: { $0.kind == kind && $0.vehicle == vehicle }) {
                    groups[g].indices.append(i)
                } else {
                    groups.append(Group(kind: kind, vehicle: vehicle, indices: [i]))
                }
            }
        }
        let run = batch.run.description
        var out: [UplinkMessage] = []
        var json: [UInt8] = []
        swap(&json, &scratch.json)
        defer { swap(&json, &scratch.json) }
        for group in groups {
            var start = 0
            while start < group.indices.count {
                let chunk = group.indices[start..<min(start + Self.maxRecords, group.indices.count)]
                out.append(message(batch, run: run, kind: group.kind, vehicle: group.vehicle, indices: chunk, json: &json))
                start += chunk.count
            }
        }
        return out
    }

    private func message(_ batch: RecordBatch, run: String, kind: UplinkKind, vehicle: String, indices: ArraySlice<Int>,
                         json: inout [UInt8]) -> UplinkMessage {
        json.removeAll(keepingCapacity: true)
        json.append(contentsOf: #"{"kind":""#.utf8)
        json.append(contentsOf: kind.rawValue.utf8)
        json.append(contentsOf: #"","records":["#.utf8)
        batch.records.withUnsafeBufferPointer { records in
            for i in indices {
                if i != indices.first { json.append(UInt8(ascii: ",")) }
                JSONLinesFormat.append(records[i], to: &json)
                json.removeLast()  // the line's "\n"
            }
        }
        json.append(contentsOf: #"],"run":""#.utf8)
        json.append(contentsOf: run.utf8)
        json.append(contentsOf: #"","seqs":["#.utf8)
        for i in indices {
            if i != indices.first { json.append(UInt8(ascii: ",")) }
            DecimalText.appendUnsigned(batch.sequence(at: i), to: &json)
        }
        json.append(contentsOf: #"],"v":1,"vehicle":""#.utf8)
        json.append(contentsOf: vehicle.utf8)
        json.append(contentsOf: #""}"#.utf8)
        let packed = scratch.deflate.compress(json)
        let topic = Self.topic(fleet: settings.fleet, vehicle: vehicle, kind: kind)
        let first = batch.sequence(at: indices.first!)
        let last = batch.sequence(at: indices.last!)
        return UplinkMessage(label: UplinkLabel.records(topic: topic, run: run, first: first, last: last), payload: packed.count < json.count ? packed : json,
                             outboxClass: kind.outboxClass, records: indices.count)
    }

    /// What `messages` keeps between batches: the JSON buffer (its capacity) and the
    /// compressor (`DeflateCompressor`: its state made once, not per message).
    private final class Scratch {
        var json: [UInt8] = []
        let deflate = DeflateCompressor(level: UplinkEncoder.compressionLevel)
    }
}

extension UplinkEncoder {
    /// libdeflate's level 1: on the van's uplinked records (60 s windows of the mapped roles
    /// and health) it takes about half of zlib level 3's CPU for 2 % fewer bytes
    /// (`DeflateCompressor`); its levels 2–6 cost as much as zlib 3 or more, for 5–14 % fewer. The CPU
    /// is the uplink's tighter budget (2 % of the pipeline's), the bytes are well inside
    /// theirs (200 KB per vehicle-hour).
    static let compressionLevel: Int32 = 1
}

/// An uplink message's outbox label: what its MQTT message needs besides the payload. Built
/// here when a message is stored (`records`, `captureChunk`, `captureIndex`) and split once
/// when it is handed out: its MQTT message (`UplinkLink.outgoing`) and, with `confirm:
/// collector`, its identity (`UplinkMessageIdentity(label:)`) both read the one split.
///
///     records:  <topic>|<run>|<first seq>|<last seq>
///     capture:  <topic>|<run>|capture|<number>|<chunk, or index>|<chunks>
struct UplinkLabel {
    /// The `|`-separated fields, empty ones kept; there is always a first (the topic).
    let fields: [Substring]

    init(_ label: String) {
        fields = label.split(separator: "|", omittingEmptySubsequences: false)
    }

    static func records(topic: String, run: String, first: UInt64, last: UInt64) -> String {
        "\(topic)|\(run)|\(first)|\(last)"
    }

    /// Chunk `chunk` (from 0) of capture `number`'s `chunks`.
    static func captureChunk(topic: String, run: String, number: Int, chunk: Int, chunks: Int) -> String {
        "\(topic)|\(run)|capture|\(number)|\(chunk)|\(chunks)"
    }

    /// Capture `number`'s index, sent after its `chunks` chunks.
    static func captureIndex(topic: String, run: String, number: Int, chunks: Int) -> String {
        "\(topic)|\(run)|capture|\(number)|index|\(chunks)"
    }

    var topic: Substring { fields[0] }
    /// Empty in a label of neither shape.
    var run: Substring { fields.count > 1 ? fields[1] : "" }
    var isCapture: Bool { fields.count == 6 && fields[2] == "capture" }
    /// A records label's sequence numbers, as written.
    var firstSequence: Substring? { !isCapture && fields.count > 3 ? fields[2] : nil }
    var lastSequence: Substring? { !isCapture && fields.count > 3 ? fields[3] : nil }
    /// A capture label's number, chunk (`index` for the index) and chunk count, as written.
    var captureNumber: Substring? { isCapture ? fields[3] : nil }
    var captureChunk: Substring? { isCapture ? fields[4] : nil }
    var captureChunks: Substring? { isCapture ? fields[5] : nil }
}

extension UplinkLink {
    /// The MQTT message of a stored one (its label, `label`, carries topic, run and sequences).
    func outgoing(_ message: OutboxMessage, _ label: UplinkLabel) -> MQTTOutgoing {
        if label.isCapture { return Self.captureOutgoing(message, label) }
        let compressed = message.payload.first == 0x78
        var properties = [("run", String(label.run))]
        if let first = label.firstSequence, let last = label.lastSequence {
            properties += [("first_seq", String(first)), ("last_seq", String(last))]
        }
        // When the batch was stored (window close, wall clock): the collector's latency figure.
        properties.append(("stored_ms", String(message.storedMillis)))
        return MQTTOutgoing(topic: String(label.topic), payload: message.payload, qos: 1,
                            contentType: compressed ? "application/zlib" : "application/json", userProperties: properties)
    }

    static func status(_ state: String, _ settings: UplinkSettings) -> MQTTOutgoing {
        let vehicle = settings.vehicles.first ?? settings.broker.clientID
        let json = #"{"client":"\#(settings.broker.clientID)","config":"\#(settings.configHash)","state":"\#(state)","version":"\#(UplinkService.version)"}"#
        return MQTTOutgoing(topic: UplinkEncoder.topic(fleet: settings.fleet, vehicle: vehicle, kind: .status),
                            payload: Array(json.utf8), qos: 1, retain: true, contentType: "application/json")
    }
}
