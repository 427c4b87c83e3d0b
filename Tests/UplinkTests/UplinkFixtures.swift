import CANCapture
import CANCore
import FleetSimulator
import Foundation
@testable import Gateway
import MQTT
import Telemetry
import TestSupport
import Testing

/// A simulated van written to a fresh directory (capture, DBCs, candor.yaml with an `uplink:`
/// section pointing at `port`), replayed through the whole pipeline with the uplink on.
struct UplinkBundle {
    let directory: String
    let definition: VehicleDefinition
    let vehicle: String
    var capture: String { directory + "/capture.log" }
    var config: String { directory + "/candor.yaml" }
    var outbox: String { directory + "/outbox" }

    init(name: String, seconds: Int = 600, seed: UInt64 = 11) throws {
        print("UplinkBundle \(name): van, \(seconds) s, seed \(seed)")
        directory = NSTemporaryDirectory() + "candor-uplink-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let simulation = try FleetSimulation(SimulationOptions(vehicle: .van, durationSeconds: seconds, seed: seed))
        let writer = try CaptureWriter(path: directory + "/capture.log", format: .candumpLog, gzip: false)
        _ = try simulation.run { (frame: CANFrame) throws(CaptureError) in try writer.write(frame) }
        try writer.close()
        definition = simulation.definition
        vehicle = "\(definition.name)01"
        for bus in definition.buses { try bus.dbcText.write(toFile: directory + "/" + bus.dbcFile, atomically: true, encoding: .utf8) }
    }

    /// candor.yaml with `uplink:` (and `extra` lines under it).
    func writeConfig(port: Int, drainTimeout: String = "20s", extra: [String] = [], outbox: [String] = ["path: outbox"]) throws {
        var yaml = BundleConfig.yaml(for: definition)
        yaml += """
        uplink:
          mqtt:
            url: mqtt://127.0.0.1:\(port)
            fleet: testfleet
            keepalive: 5s
          outbox:
        \(outbox.map { "    " + $0 }.joined(separator: "\n"))
          drain_timeout: \(drainTimeout)

        """
        for line in extra { yaml += "  " + line + "\n" }
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Replays the capture with the config's sinks; returns every record with its identity
    /// and the uplink's end statistics. `beforeClose` sees the sinks once every record was
    /// handed to them, before the uplink's drain.
    func replay(beforeClose: ((SinkSet, GatewaySetup) throws -> Void)? = nil)
        throws -> (records: [(RecordIdentity, TelemetryRecord)], uplink: UplinkService, run: RunID) {
        let setup = try GatewaySetup.load(configFile: config, environment: [:])
        let sinks = try SinkSet(setup.sinks)
        var records: [(RecordIdentity, TelemetryRecord)] = []
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [capture])) { batch in
            for r in batch { records.append((RecordIdentity(vehicle: r.vehicle, run: sinks.run, sequence: UInt64(records.count + 1)), r)) }
            try sinks.write(batch)
        }
        let uplink = sinks.services.queued(UplinkService.self)!.consumer
        try beforeClose?(sinks, setup)
        try sinks.close()
        return (records, uplink, sinks.run)
    }

    /// The roles' signals of this van (the independent restatement of "mapped roles"), without
    /// the BMS's cell and probe numbers (and the hydrogen system's probe and sensor numbers): an
    /// identity has no window statistic worth sending.
    var mappedSignals: Set<[String]> {
        let numbers: Set<SignalRole> = [.maxCellVoltageNumber, .minCellVoltageNumber, .maxCellTemperatureNumber, .minCellTemperatureNumber,
                                        .hydrogenMaxTemperatureProbe, .hydrogenMaxConcentrationSensor, .hydrogenMaxPressureSensor]
        let measured = definition.roles.filter { !numbers.contains($0.key) }.map(\.value)
        return Set((measured + definition.temperatures.map(\.ref)).map { [vehicle, $0.bus, $0.message, $0.signal] })
    }
}

/// A persistent-session subscriber to `candor/v1/testfleet/#`: subscribe first, then `drain`
/// collects what the broker kept for it.
final class FleetSubscriber {
    let client: MosquittoClient
    private(set) var received: [MQTTIncoming] = []

    init(port: Int, id: String = "test-collector") throws {
        client = MosquittoClient(options: MQTTClientOptions(host: "127.0.0.1", port: port, clientID: id))
        try connect()
        try client.subscribe("candor/v1/testfleet/#", qos: 1)
        poll(seconds: 5) { events in events.contains { if case .subscribed = $0 { true } else { false } } }
        client.disconnect()
    }

    func connect() throws {
        try client.connect()
        poll(seconds: 5) { events in events.contains { if case .connected = $0 { true } else { false } } }
    }

    /// Reconnects and collects until `quiet` seconds pass without a message.
    func drain(quiet: Double = 1.5) throws {
        try connect()
        var last = Date()
        while Date().timeIntervalSince(last) < quiet {
            for event in client.poll(timeoutMillis: 50) {
                if case .message(let m) = event {
                    received.append(m)
                    last = Date()
                }
            }
        }
        client.disconnect()
    }

    @discardableResult
    private func poll(seconds: Double, until: ([MQTTEvent]) -> Bool) -> [MQTTEvent] {
        var events: [MQTTEvent] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && !until(events) {
            for event in client.poll(timeoutMillis: 50) {
                if case .message(let m) = event { received.append(m) } else { events.append(event) }
            }
        }
        return events
    }
}

/// One uplinked message, unpacked: its records' identities and JSON objects.
struct UnpackedMessage {
    var topic: String
    var kind: String
    var vehicle: String
    var run: String
    var records: [(sequence: UInt64, object: NSDictionary)]

    /// `contentType`: check the MQTT 5 content type against the payload (none on 3.1.1).
    init(_ m: MQTTIncoming, contentType: Bool = true) throws {
        topic = m.topic
        let json = m.payload.first == 0x78 ? Deflate.decompress(m.payload, limit: 64 << 20) : m.payload
        guard let json, let top = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let kind = top["kind"] as? String, let vehicle = top["vehicle"] as? String, let run = top["run"] as? String,
              let seqs = top["seqs"] as? [NSNumber], let records = top["records"] as? [NSDictionary], seqs.count == records.count,
              top["v"] as? Int == 1 else {
            throw BrokerError("malformed uplink payload on \(m.topic)")
        }
        self.kind = kind
        self.vehicle = vehicle
        self.run = run
        self.records = zip(seqs, records).map { ($0.uint64Value, $1) }
        if !contentType { return }
        if m.payload.first == 0x78 { precondition(m.contentType == "application/zlib") } else { precondition(m.contentType == "application/json") }
    }
}

func jsonObject(_ record: TelemetryRecord) -> NSDictionary {
    try! JSONSerialization.jsonObject(with: Data(JSONLinesFormat.line(record).utf8)) as! NSDictionary
}

extension UplinkBundle {
    /// The records the uplink must send, by sequence, as the JSON-lines sink's objects: an
    /// independent restatement of the selection (the given window lengths of the van's mapped
    /// roles, health of those lengths, every episode and operations record).
    func expected(_ records: [(RecordIdentity, TelemetryRecord)], lengths: Set<Int64> = [60_000_000_000]) -> [UInt64: NSDictionary] {
        let mapped = mappedSignals
        var out: [UInt64: NSDictionary] = [:]
        for (identity, record) in records {
            let keep: Bool
            switch record {
            case .signalWindow(let r): keep = lengths.contains(r.windowLength) && mapped.contains([r.vehicle, r.bus, r.message, r.signal])
            case .messageHealth(let r): keep = lengths.contains(r.windowLength)
            case .busHealth(let r): keep = lengths.contains(r.windowLength)
            case .silentEpisode, .faultEpisode, .operations: keep = true
            }
            if keep { out[identity.sequence] = jsonObject(record) }
        }
        return out
    }
}

/// Checks what a subscriber `received` against `expected` (records by sequence, as JSON
/// objects); returns the duplicates. `complete: false` lets records be missing (given up by the
/// outbox); `mqtt311`: the messages came over MQTT 3.1.1, without a content type.
func checkUplinked(_ received: [MQTTIncoming], against expected: [UInt64: NSDictionary], run: RunID, vehicle: String,
                   complete: Bool = true, mqtt311: Bool = false) throws -> Int {
    var seen: [UInt64: Int] = [:]
    for m in received where !m.topic.hasSuffix("/status") {
        let u = try UnpackedMessage(m, contentType: !mqtt311)
        #expect(u.topic == "candor/v1/testfleet/\(vehicle)/\(u.kind)" && u.vehicle == vehicle && u.run == run.description)
        for (sequence, object) in u.records {
            seen[sequence, default: 0] += 1
            #expect(expected[sequence] == object, "record \(sequence) differs from the JSON-lines sink's")
        }
    }
    #expect(complete ? Set(seen.keys) == Set(expected.keys) : Set(seen.keys).isSubset(of: Set(expected.keys)), "missing \(Set(expected.keys).subtracting(seen.keys).count), extra \(Set(seen.keys).subtracting(expected.keys).count)")
    return seen.values.reduce(0) { $0 + $1 - 1 }  // duplicates
}
