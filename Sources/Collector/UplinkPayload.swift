import CANCapture
import Gateway
import MQTT
import Telemetry

/// What is wrong with a received message; the collector counts each kind and logs the first
/// of each kind with its topic.
public enum MalformedKind: String, Sendable, CaseIterable {
    /// The topic is not `candor/v1/<fleet>/<vehicle>/<kind>` of this fleet.
    case topic
    /// Not JSON (or a zlib stream that does not inflate, or inflates past the limit).
    case json
    /// `v` newer than this collector reads.
    case version
    /// A message kind this collector does not know.
    case kind
    /// The envelope's members are missing or do not agree (vehicle, kind, seqs vs records).
    case envelope
    /// A record that is not one the gateway writes.
    case record
}

public struct MalformedPayload: Error, Sendable, CustomStringConvertible {
    public var kind: MalformedKind
    public var topic: String
    public var reason: String
    public var description: String { "\(topic): \(kind.rawValue): \(reason)" }
}

/// One uplinked message, unpacked (the envelope `UplinkEncoder` writes):
///
///     {"kind":"signals","records":[…],"run":"<uuid>","seqs":[17,18,…],"v":1,"vehicle":"van01"}
///
/// zlib-compressed when its first byte is 0x78. A `status` message carries no records.
public struct UplinkPayload: Sendable {
    public static let version = 1
    /// Inflated payloads larger than this are refused (the gateway sends at most 2000 records).
    public static let maxInflatedBytes = 64 << 20
    public static let kinds: Set<String> = ["signals", "health", "operations", "episodes"]

    /// The vehicle of a capture message's topic (`candor/v1/<fleet>/<vehicle>/capture`), or nil.
    static func captureVehicle(_ topic: String, fleet: String) -> String? {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "candor", parts[1] == "v1", parts[2] == fleet, !parts[3].isEmpty, parts[4] == "capture" else { return nil }
        return String(parts[3])
    }

    public var vehicle: String
    public var kind: String
    public var run: String
    public var sequences: [UInt64]
    public var records: [TelemetryRecord]
    /// For `status`: `online` or `offline`.
    public var state: String?

    /// `fleet` is the one the collector subscribed to.
    public init(_ message: MQTTIncoming, fleet: String) throws(MalformedPayload) {
        let topic = message.topic
        func bad(_ kind: MalformedKind, _ reason: String) -> MalformedPayload { MalformedPayload(kind: kind, topic: topic, reason: reason) }
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "candor", parts[1] == "v1", parts[2] == fleet, !parts[3].isEmpty else {
            throw bad(.topic, "expected candor/v1/\(fleet)/<vehicle>/<kind>")
        }
        vehicle = String(parts[3])
        kind = String(parts[4])
        var bytes = message.payload
        if bytes.first == 0x78 {
            guard let inflated = Deflate.decompress(bytes, limit: Self.maxInflatedBytes) else { throw bad(.json, "zlib stream does not inflate") }
            bytes = inflated
        }
        let top: JSONValue
        do { top = try JSONParser.parse(bytes) } catch { throw bad(.json, "byte \(error.offset): expected \(error.expected)") }
        guard case .object = top else { throw bad(.json, "not an object") }
        if kind == "status" {
            guard case .string(let s)? = top["state"] else { throw bad(.envelope, "status without state") }
            state = s
            run = ""
            sequences = []
            records = []
            return
        }
        state = nil
        guard case .number(let v)? = top["v"], let version = Int(v) else { throw bad(.envelope, "no version v") }
        guard version <= Self.version else { throw bad(.version, "v \(version); this collector reads v \(Self.version)") }
        guard Self.kinds.contains(kind) else { throw bad(.kind, "unknown message kind \(kind)") }
        guard case .string(kind)? = top["kind"], case .string(vehicle)? = top["vehicle"] else {
            throw bad(.envelope, "kind or vehicle differ from the topic")
        }
        guard case .string(let r)? = top["run"], !r.isEmpty, case .array(let seqs)? = top["seqs"],
              case .array(let items)? = top["records"], seqs.count == items.count else {
            throw bad(.envelope, "run, seqs and records missing or of different lengths")
        }
        run = r
        var sequences: [UInt64] = []
        var records: [TelemetryRecord] = []
        sequences.reserveCapacity(seqs.count)
        records.reserveCapacity(items.count)
        for (seq, item) in zip(seqs, items) {
            guard case .number(let text) = seq, let n = UInt64(text), n > 0 else { throw bad(.envelope, "sequence \(seq)") }
            let record: TelemetryRecord
            do { record = try JSONLinesFormat.record(item) } catch { throw bad(.record, "sequence \(n): \(error.reason)") }
            guard record.vehicle == vehicle else { throw bad(.record, "sequence \(n) names vehicle \(record.vehicle)") }
            sequences.append(n)
            records.append(record)
        }
        self.sequences = sequences
        self.records = records
    }
}
