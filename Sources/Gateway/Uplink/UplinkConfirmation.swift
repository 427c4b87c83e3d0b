import CANCore
import Telemetry

/// When a message leaves the uplink's outbox (`uplink.outbox.confirm`).
public enum UplinkConfirmation: String, Sendable, Hashable {
    /// On the broker's PUBACK: the broker has it. A broker that loses what it acknowledged
    /// (mosquitto 2.0 after `kill -9`: its persistence is a snapshot) loses it for good.
    case puback
    /// On the collector's confirmation (`UplinkConfirmationMessage`), sent once the message's
    /// records are committed to the fleet store; a PUBACK only ends the message's flight.
    /// Needs a `candor collect` that confirms (every one since this key exists).
    case collector
}

/// What names one uplinked message end to end: its vehicle and run, then the first record
/// sequence of a records message (sequences count every record of a run, so the first one
/// names the message), or the capture number and chunk (`index` for the index) of a capture
/// message. The gateway reads it from the outbox label, the collector from the payload.
public struct UplinkMessageIdentity: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case records(firstSequence: UInt64)
        case capture(number: Int, chunk: String)
    }

    public var vehicle: String
    public var run: String
    public var part: Part

    public init(vehicle: String, run: String, part: Part) {
        self.vehicle = vehicle
        self.run = run
        self.part = part
    }

    /// From an outbox label (`topic|run|first|last` or `topic|run|capture|N|i|n`); nil for a
    /// label of neither shape.
    init?(label: String) {
        self.init(label: UplinkLabel(label))
    }

    /// From an outbox label already split (`UplinkLink.send` splits it once per hand-out).
    init?(label: UplinkLabel) {
        let levels = label.topic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 5 else { return nil }
        vehicle = String(levels[3])
        run = String(label.run)
        if let number = label.captureNumber, let chunk = label.captureChunk {
            guard let number = Int(number) else { return nil }
            part = .capture(number: number, chunk: String(chunk))
        } else {
            guard let first = label.firstSequence.flatMap({ UInt64($0) }) else { return nil }
            part = .records(firstSequence: first)
        }
    }
}

/// The collector's confirmation, QoS 1 on `candor/confirm/v1/<fleet>/<vehicle>`, sent after
/// the named messages' records (or capture files) were committed, duplicates included:
///
///     {"confirmed":[{"first_seq":17,"run":"<uuid>"},{"capture":3,"chunk":0,"run":"<uuid>"},
///                   {"capture":3,"chunk":"index","run":"<uuid>"}],"v":1}
///
/// The gateway subscribes to its vehicles' topics with its persistent session, so what is
/// confirmed while it is away waits for it at the broker. The topics are outside the fleet's
/// `candor/v1/<fleet>/#`: whoever consumes the uplink (collectors, other subscribers) never
/// gets them; an ACL gives a vehicle read on its own (and write on its `candor/v1/…/#`).
public enum UplinkConfirmationMessage {
    public static let version = 1
    /// Identities per message at most: a confirmation stays small (about 60 bytes each).
    public static let maxIdentities = 500

    public static func topic(fleet: String, vehicle: String) -> String { "candor/confirm/v1/\(fleet)/\(vehicle)" }

    public static func encode(_ identities: [UplinkMessageIdentity]) -> [UInt8] {
        var text = #"{"confirmed":["#
        for (n, identity) in identities.enumerated() {
            if n > 0 { text += "," }
            switch identity.part {
            case .records(let first):
                text += #"{"first_seq":\#(first),"run":\#(CANCore.JSONString.quoted(identity.run))}"#
            case .capture(let number, let chunk):
                let c = Int(chunk).map(String.init) ?? CANCore.JSONString.quoted(chunk)
                text += #"{"capture":\#(number),"chunk":\#(c),"run":\#(CANCore.JSONString.quoted(identity.run))}"#
            }
        }
        text += #"],"v":\#(version)}"#
        return Array(text.utf8)
    }

    /// The identities a confirmation for `vehicle` names; nil when it is not one.
    public static func decode(_ payload: [UInt8], vehicle: String) -> [UplinkMessageIdentity]? {
        guard let top = try? JSONParser.parse(payload), case .number(let v)? = top["v"], let version = Int(v), version >= 1,
              case .array(let items)? = top["confirmed"] else { return nil }
        var out: [UplinkMessageIdentity] = []
        for item in items {
            guard case .string(let run)? = item["run"] else { return nil }
            if case .number(let text)? = item["first_seq"], let first = UInt64(text) {
                out.append(UplinkMessageIdentity(vehicle: vehicle, run: run, part: .records(firstSequence: first)))
            } else if case .number(let text)? = item["capture"], let number = Int(text) {
                switch item["chunk"] {
                case .number(let chunk)?: out.append(UplinkMessageIdentity(vehicle: vehicle, run: run, part: .capture(number: number, chunk: chunk)))
                case .string(let chunk)?: out.append(UplinkMessageIdentity(vehicle: vehicle, run: run, part: .capture(number: number, chunk: chunk)))
                default: return nil
                }
            } else {
                return nil
            }
        }
        return out
    }
}
