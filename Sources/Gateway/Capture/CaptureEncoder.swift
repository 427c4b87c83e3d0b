import CANCapture
import CANCore
import MQTT
import Outbox

/// A capture as outbox messages, all under `candor/v1/<fleet>/<vehicle>/capture`:
///
/// - the frames as a candump log (`candump -L` lines, `CandumpLogFormatter`), gzip'd, cut
///   into chunks of at most `chunk_bytes`; each chunk's payload is one JSON line, a newline
///   and the chunk's bytes:
///
///       {"capture":3,"chunk":0,"chunks":2,"kind":"capture_chunk","run":"<uuid>","v":1,"vehicle":"van01"}\n<bytes>
///
/// - then the index, JSON alone: what fired, the instant and the window (nanoseconds on the
///   capture clock), the frame count, the chunk count, the gzip's size and CRC-32 (of the
///   chunks' bytes joined), and whether the window is whole:
///
///       {"after_ns":…,"before_ns":…,"bytes":…,"capture":3,"chunks":2,"crc32":"9a0c…","ended_early":false,
///        "frames":8123,"from":…,"history_complete":true,"kind":"capture","run":"<uuid>","time":…,"to":…,
///        "trigger":{"kind":"fault",…},"v":1,"vehicle":"van01"}
///
/// (vehicle, run, capture) names a capture for a receiver removing duplicates. The payloads
/// carry everything (MQTT 3.1.1 has no properties); on MQTT 5 the properties repeat the
/// numbers. Chunks go in the outbox's `signals` class (evicted first when it is full), the
/// index in `essential` (kept longest: the fleet learns a capture was taken even when its
/// chunks were evicted).
struct CaptureEncoder {
    let fleet: String
    let chunkBytes: Int
    let before: Int64
    let after: Int64

    func topic(_ vehicle: String) -> String { "candor/v1/\(fleet)/\(vehicle)/capture" }

    /// The candump log of the frames, gzip'd.
    static func log(_ frames: [CANFrame]) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(frames.count * 48)
        for frame in frames { CandumpLogFormatter.appendLine(frame, to: &text) }
        return Deflate.gzip(text)
    }

    func messages(_ cut: CaptureCut) -> (messages: [UplinkMessage], bytes: Int) {
        let gz = Self.log(cut.frames)
        let topic = topic(cut.vehicle)
        let run = cut.run.description
        let chunks = max(1, (gz.count + chunkBytes - 1) / chunkBytes)
        var out: [UplinkMessage] = []
        for i in 0..<chunks {
            let header = "{\"capture\":\(cut.number),\"chunk\":\(i),\"chunks\":\(chunks),\"kind\":\"capture_chunk\",\"run\":\"\(run)\",\"v\":1,"
                + "\"vehicle\":\(CANCore.JSONString.quoted(cut.vehicle))}\n"
            let bytes = gz[min(gz.count, i * chunkBytes)..<min(gz.count, (i + 1) * chunkBytes)]
            out.append(UplinkMessage(label: UplinkLabel.captureChunk(topic: topic, run: run, number: cut.number, chunk: i, chunks: chunks),
                                     payload: Array(header.utf8) + bytes,
                                     outboxClass: .signals, records: 0))
        }
        let crc = String(Deflate.crc32(gz), radix: 16)
        var fields: [String] = []
        fields.append("\"after_ns\":\(after),\"before_ns\":\(before),\"bytes\":\(gz.count),\"capture\":\(cut.number),\"chunks\":\(chunks)")
        fields.append("\"crc32\":\"" + String(repeating: "0", count: 8 - crc.count) + crc + "\"")
        fields.append("\"ended_early\":\(cut.endedEarly),\"frames\":\(cut.frames.count),\"from\":\(cut.from)")
        fields.append("\"history_complete\":\(cut.historyComplete),\"kind\":\"capture\",\"run\":\"\(run)\",\"time\":\(cut.time),\"to\":\(cut.to)")
        fields.append("\"trigger\":" + cut.triggerJSON + ",\"v\":1,\"vehicle\":" + CANCore.JSONString.quoted(cut.vehicle))
        let index = "{" + fields.joined(separator: ",") + "}"
        out.append(UplinkMessage(label: UplinkLabel.captureIndex(topic: topic, run: run, number: cut.number, chunks: chunks), payload: Array(index.utf8),
                                 outboxClass: .essential, records: 0))
        return (out, gz.count)
    }
}

extension UplinkLink {
    /// The MQTT message of a stored capture chunk or index (label `topic|run|capture|N|i|n`,
    /// `i` = `index` for the index).
    static func captureOutgoing(_ message: OutboxMessage, _ label: UplinkLabel) -> MQTTOutgoing {
        let number = label.captureNumber ?? "", chunk = label.captureChunk ?? "", chunks = label.captureChunks ?? ""
        return MQTTOutgoing(topic: String(label.topic), payload: message.payload, qos: 1,
                            contentType: chunk == "index" ? "application/json" : "application/octet-stream",
                            userProperties: [("run", String(label.run)), ("capture", String(number)), ("chunk", String(chunk)),
                                             ("chunks", String(chunks)), ("stored_ms", String(message.storedMillis))])
    }
}
