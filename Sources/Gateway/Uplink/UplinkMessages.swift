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

    init(_ settings: UplinkSettings) {
        self.settings = settings
        lengths = Array(Set(settings.windowLengths)).sorted()
    }

    static func topic(fleet: String, vehicle: String, kind: UplinkKind) -> String {
        "candor/v1/\(fleet)/\(vehicle)/\(kind.rawValue)"
    }

    /// The kind a record goes up as, or nil when it stays on the vehicle.
    func kind(of record: TelemetryRecord) -> UplinkKind? {
        switch record {
        case .signalWindow(let r):
            guard lengths.contains(r.windowLength) else { return nil }
            return settings.allSignals || settings.mappedSignals.contains(SignalKey(r)) ? .signals : nil
        case .messageHealth(let r): return settings.health && lengths.contains(r.windowLength) ? .health : nil
        case .busHealth(let r): return settings.health && lengths.contains(r.windowLength) ? .health : nil
        case .silentEpisode, .faultEpisode: return .episodes
        case .operations: return .operations
        }
    }

    /// The indices of the records that go up. Most of a batch stays on the vehicle (every 1 s
    /// window), so records are looked at in place through the array's buffer — no record is
    /// copied (no retain of its strings) to be classified.
    func uplinked(_ batch: RecordBatch) -> [Int] {
        var indices: [Int] = []
        batch.records.withUnsafeBufferPointer { records in
            for i in records.indices where kind(of: records[i]) != nil { indices.append(i) }
        }
        return indices
    }

    /// The messages for one batch (a selection, `uplinked`, or a whole batch), in the order of
    /// each group's first record: records grouped by vehicle and kind.
    func messages(_ batch: RecordBatch) -> [UplinkMessage] {
        var groups: [String: (kind: UplinkKind, vehicle: String, indices: [Int])] = [:]
        var order: [String] = []
        batch.records.withUnsafeBufferPointer { records in
            for i in records.indices {
                guard let kind = kind(of: records[i]) else { continue }
                let vehicle = records[i].vehicle
                let key = vehicle + "/" + kind.rawValue
                if groups[key] == nil {
                    groups[key] = (kind, vehicle, [])
                    order.append(key)
                }
                groups[key]!.indices.append(i)
            }
        }
        let run = batch.run.description
        var out: [UplinkMessage] = []
        for key in order {
            let group = groups[key]!
            var start = 0
            while start < group.indices.count {
                let chunk = group.indices[start..<min(start + Self.maxRecords, group.indices.count)]
                out.append(message(batch, run: run, kind: group.kind, vehicle: group.vehicle, indices: chunk))
                start += chunk.count
            }
        }
        return out
    }

    private func message(_ batch: RecordBatch, run: String, kind: UplinkKind, vehicle: String, indices: ArraySlice<Int>) -> UplinkMessage {
        var json: [UInt8] = []
        json.reserveCapacity(256 * indices.count)
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
        let packed = Deflate.compress(json, level: Self.compressionLevel)
        let topic = Self.topic(fleet: settings.fleet, vehicle: vehicle, kind: kind)
        let first = batch.sequence(at: indices.first!)
        let last = batch.sequence(at: indices.last!)
        return UplinkMessage(label: "\(topic)|\(run)|\(first)|\(last)", payload: packed.count < json.count ? packed : json,
                             outboxClass: kind.outboxClass, records: indices.count)
    }
}

extension UplinkEncoder {
    /// zlib level 3: on the van's uplinked records (60 s windows of the mapped roles and
    /// health, batched per ~2 minutes) it halves level 6's CPU for 15 % more bytes — the
    /// CPU is the uplink's tighter budget (2 % of the pipeline), the bytes are well inside
    /// theirs (200 KB per vehicle-hour).
    static let compressionLevel: Int32 = 3
}

extension UplinkLink {
    /// The MQTT message of a stored one (the label carries topic, run and sequences).
    func outgoing(_ message: OutboxMessage) -> MQTTOutgoing {
        let parts = message.label.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 6 && parts[2] == "capture" { return Self.captureOutgoing(message, parts) }
        let compressed = message.payload.first == 0x78
        var properties = [("run", parts.count > 1 ? parts[1] : "")]
        if parts.count > 3 { properties += [("first_seq", parts[2]), ("last_seq", parts[3])] }
        // When the batch was stored (window close, wall clock): the collector's latency figure.
        properties.append(("stored_ms", String(message.storedMillis)))
        return MQTTOutgoing(topic: parts[0], payload: message.payload, qos: 1,
                            contentType: compressed ? "application/zlib" : "application/json", userProperties: properties)
    }

    static func status(_ state: String, _ settings: UplinkSettings) -> MQTTOutgoing {
        let vehicle = settings.vehicles.first ?? settings.broker.clientID
        let json = #"{"client":"\#(settings.broker.clientID)","config":"\#(settings.configHash)","state":"\#(state)","version":"\#(UplinkService.version)"}"#
        return MQTTOutgoing(topic: UplinkEncoder.topic(fleet: settings.fleet, vehicle: vehicle, kind: .status),
                            payload: Array(json.utf8), qos: 1, retain: true, contentType: "application/json")
    }
}
