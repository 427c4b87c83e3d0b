import Collector
import Gateway
import MQTT
import Telemetry

extension FuzzTargets {
    /// An uplinked MQTT message as `candor collect` unpacks it (`UplinkPayload`): the input is
    /// the topic, a newline, then the payload (JSON, or zlib when it starts with 0x78), fleet
    /// `fuzz`. A bad message must be refused with `MalformedPayload`, never trap. One property
    /// traps when broken: every record of an accepted message, encoded (`JSONLinesFormat`) and
    /// decoded again, encodes to the same bytes — the reader and the writer of the records'
    /// JSON agree (not "to the input": the input may spell a number or a string differently).
    public static func collector(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
        let topic = String(decoding: bytes[..<newline], as: UTF8.self)
        let payload = newline < bytes.endIndex ? Array(bytes[(newline + 1)...]) : []
        guard let unpacked = try? UplinkPayload(MQTTIncoming(topic: topic, payload: payload), fleet: "fuzz") else { return }
        var once: [UInt8] = []
        var twice: [UInt8] = []
        for record in unpacked.records {
            once.removeAll(keepingCapacity: true)
            JSONLinesFormat.append(record, to: &once)
            guard let again = try? JSONLinesFormat.record(line: once) else {
                preconditionFailure("a decoded record, encoded again, does not decode: \(String(decoding: once, as: UTF8.self))")
            }
            twice.removeAll(keepingCapacity: true)
            JSONLinesFormat.append(again, to: &twice)
            precondition(once == twice, "record JSON not a fixed point: \(String(decoding: once, as: UTF8.self)) → \(String(decoding: twice, as: UTF8.self))")
        }
    }
}
