import Foundation
import MQTT
import TestSupport
import Testing

/// `uplink.captures` end to end: `candor replay` of the van-urban-faults bundle against a real
/// mosquitto; a persistent-session subscriber takes what arrived on `…/capture`, reassembles the
/// chunks by the index, and Python (gzip, zlib, python-can's candump reader) checks the
/// reassembled log: its CRC-32 and frames against the bundle's own capture lines between the
/// trigger − before and the trigger + after, read by python-can from the committed file.
/// The trigger instants come from oracles outside candor: the bundle's truth.json (the fault
/// episodes the simulator injected) and cantools' decode of the capture (a signal's crossings).
@Suite(.serialized) struct CaptureBrokerTests {
    static let fixture = PythonOracle.repositoryRoot.appendingPathComponent("Fixtures/captures/fleet/van-urban-faults").path
    static let vehicle = "van01"

    /// The bundle copied to a fresh directory, its candor.yaml with `uplink:` and `captures`.
    static func prepare(_ name: String, port: Int, captures: String) throws -> String {
        let directory = NSTemporaryDirectory() + "candor-capture-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ["van.dbc", "capture.log.gz"] {
            try FileManager.default.copyItem(atPath: fixture + "/" + file, toPath: directory + "/" + file)
        }
        var yaml = try String(contentsOfFile: fixture + "/candor.yaml", encoding: .utf8)
        yaml += """

        uplink:
          mqtt:
            url: mqtt://127.0.0.1:\(port)
            fleet: testfleet
            keepalive: 5s
          outbox:
            path: outbox
          drain_timeout: 30s
          captures:
        \(captures.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

        """
        try yaml.write(toFile: directory + "/candor.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    struct Capture {
        var index: [String: Any]
        var gzip: Data
    }

    /// The captures among `received`, each reassembled from its chunks in order; every chunk
    /// named by an index is there once (duplicates by (run, capture, chunk) are dropped).
    static func reassemble(_ received: [MQTTIncoming]) throws -> [Capture] {
        var indexes: [[String: Any]] = []
        var chunks: [String: Data] = [:]
        for m in received where m.topic == "candor/v1/testfleet/\(vehicle)/capture" {
            let payload = Data(m.payload)
            if let newline = payload.firstIndex(of: 0x0A) {
                let header = try #require(try JSONSerialization.jsonObject(with: payload[..<newline]) as? [String: Any])
                #expect(header["kind"] as? String == "capture_chunk" && header["vehicle"] as? String == vehicle)
                let key = "\(header["run"]!)/\(header["capture"]!)/\(header["chunk"]!)"
                chunks[key] = Data(payload[(newline + 1)...])
            } else {
                let index = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
                #expect(index["kind"] as? String == "capture" && index["v"] as? Int == 1)
                indexes.append(index)
            }
        }
        return try indexes.map { index in
            var gzip = Data()
            for i in 0..<(index["chunks"] as! Int) {
                gzip += try #require(chunks["\(index["run"]!)/\(index["capture"]!)/\(i)"], "chunk \(i) of capture \(index["capture"]!) missing")
            }
            return Capture(index: index, gzip: gzip)
        }
    }

    static func check(_ capture: Capture, directory: String, python: String) throws -> Int {
        let path = directory + "/got-\(capture.index["capture"]!).log.gz"
        try capture.gzip.write(to: URL(fileURLWithPath: path))
        let from = (capture.index["from"] as! NSNumber).int64Value, to = (capture.index["to"] as! NSNumber).int64Value
        let verdict = try CaptureLogOracle.verdict(python: python, capture: path, bundle: fixture + "/capture.log.gz", from: from, to: to,
                                                   crc32: capture.index["crc32"] as! String)
        print("CaptureBrokerTests: capture \(capture.index["capture"]!) \(from)...\(to): python: \(verdict)")
        #expect(verdict.hasPrefix("frames "), "\(verdict)")
        let count = Int(verdict.dropFirst("frames ".count)) ?? -1
        #expect(count == capture.index["frames"] as? Int)
        return count
    }

    /// A fresh mosquitto, the bundle with `captures`, a subscriber, `candor replay`: the
    /// replay's output, the captures that arrived (reassembled) and the bundle's directory.
    static func run(_ name: String, captures: String) throws -> (output: String, captures: [Capture], directory: String) {
        let broker = try MosquittoBroker(name: "capture-\(name)", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        try broker.start()
        defer { broker.stop() }
        let directory = try prepare(name, port: broker.port, captures: captures)
        let subscriber = try FleetSubscriber(port: broker.port, id: "capture-\(name)-test")
        let (status, output) = try ProcessDeadline.run(CandorBinary.path, ["replay", "--config", directory + "/candor.yaml", directory + "/capture.log.gz"],
                                                       seconds: 600)
        #expect(status == 0, "\(output)")
        try subscriber.drain()
        return (output, try reassemble(subscriber.received), directory)
    }

    /// truth.json's fault episodes of level 2 and up (the injected BMS alarms), by start.
    static func truthFaults() throws -> [(kind: String, level: Int, start: Double)] {
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture + "/truth.json"))) as? [String: Any])
        let episodes = try #require(truth["fault_episodes"] as? [[String: Any]])
        return episodes.compactMap { e in
            guard let level = e["level"] as? Int, level >= 2 else { return nil }
            return (e["kind"] as! String, level, (e["start"] as! NSNumber).doubleValue)
        }.sorted { $0.start < $1.start }
    }

    /// A fault trigger (level ≥ 2, any kind) with one capture an hour: the first injected
    /// alarm (truth.json) is captured, 5 s before to 10 s after its start; the second alarm,
    /// outside that window, is over the limit.
    @Test(.enabled(if: PythonOracle.shouldRun(importing: ["can"])))
    func aFaultEpisodeUploadsOneCaptureOfTheFramesAroundIt() throws {
        let python = try #require(PythonOracle.find(importing: ["can"]))
        let faults = try Self.truthFaults()
        #expect(faults.count == 2, "\(faults)")
        let (output, captures, directory) = try Self.run("fault", captures: """
        before: 5s
        after: 10s
        max_per_hour: 1
        chunk_bytes: 4096
        triggers:
          - { kind: fault, level: 2 }
        """)
        print("CaptureBrokerTests fault: \(captures.map(\.index)) \(output.split(separator: "\n").filter { $0.contains("captures:") })")
        #expect(output.contains("captures: 1 taken, 1 stored") && output.contains("1 over the hourly limit"), "\(output)")
        try #require(captures.count == 1)
        let index = captures[0].index
        let trigger = try #require(index["trigger"] as? [String: Any])
        #expect(trigger["kind"] as? String == "fault" && trigger["fault"] as? String == faults[0].kind && trigger["level"] as? Int == faults[0].level)
        let time = (index["time"] as! NSNumber).int64Value
        // The episode starts at the first alarm frame at or after the injection (BMS_Alarm every 100 ms).
        let lag = Double(time) / 1e9 - faults[0].start
        print("CaptureBrokerTests fault: trigger \(time) ns, truth start \(faults[0].start) s, lag \(lag) s")
        #expect(lag >= 0 && lag < 0.2)
        #expect((index["from"] as! NSNumber).int64Value == time - 5_000_000_000 && (index["to"] as! NSNumber).int64Value == time + 10_000_000_000)
        #expect(index["history_complete"] as? Bool == true && index["ended_early"] as? Bool == false)
        #expect((index["chunks"] as! Int) > 1, "4 KiB chunks: a 15 s window is several")
        let frames = try Self.check(captures[0], directory: directory, python: python)
        #expect(frames > 5000, "15 s of the van's bus at about 560 frames/s")
    }

    /// A signal trigger on a mapped role: every crossing of the threshold (cantools' decode of
    /// the capture, each sample against the one before) is one trigger; the first is captured,
    /// those inside its window are covered, the rest are over the limit of 1 an hour.
    @Test(.enabled(if: PythonOracle.shouldRun(importing: ["can", "cantools"])))
    func aSignalCrossingUploadsTheFramesAroundItsFirstCrossing() throws {
        let python = try #require(PythonOracle.find(importing: ["can", "cantools"]))
        let threshold = 40.0  // km/h: the urban cycle passes it three times, 21 s and 61 s apart
        let crossings = try PythonOracle.run(python, script: #"""
        import sys, gzip, cantools, can, tempfile
        db = cantools.database.load_file(sys.argv[1])
        msg = db.get_message_by_name('VCU_Status')
        prev, out = None, []
        with tempfile.TemporaryDirectory() as d:
            open(d + '/b.log', 'wb').write(gzip.decompress(open(sys.argv[2], 'rb').read()))
            for m in can.CanutilsLogReader(d + '/b.log'):
                if m.is_error_frame or m.arbitration_id != msg.frame_id:
                    continue
                v = msg.decode(bytes(m.data))['VCU_VehicleSpeed']
                beyond = v > float(sys.argv[3])
                if prev is False and beyond:
                    out.append(round(m.timestamp * 1e6))
                prev = beyond
        print(' '.join(map(str, out)))
        """#, arguments: [Self.fixture + "/van.dbc", Self.fixture + "/capture.log.gz", String(threshold)])
        let instants = crossings.text.split(separator: " ").compactMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        print("CaptureBrokerTests signal: cantools: VCU_VehicleSpeed crosses \(threshold) at \(instants) µs \(crossings.errors)")
        try #require(instants.count == 3, "the test wants a crossing inside the first window and one after it")
        let (output, captures, directory) = try Self.run("signal", captures: """
        before: 2s
        after: 25s
        max_per_hour: 1
        triggers:
          - { kind: signal, role: vehicle_speed, above: \(threshold) }
        """)
        try #require(captures.count == 1, "\(output)")
        let index = captures[0].index
        let time = (index["time"] as! NSNumber).int64Value
        #expect(time == instants[0] * 1000, "capture at \(time), cantools' first crossing at \(instants[0]) µs")
        let covered = instants.dropFirst().filter { $0 * 1000 >= time - 2_000_000_000 && $0 * 1000 <= time + 25_000_000_000 }.count
        let limited = instants.count - 1 - covered
        print("CaptureBrokerTests signal: \(output.split(separator: "\n").filter { $0.contains("captures:") }); oracle: covered \(covered), limited \(limited)")
        #expect(output.contains("captures: 1 taken, 1 stored"))
        #expect(limited == 0 ? !output.contains("over the hourly limit") : output.contains("\(limited) over the hourly limit"))
        #expect(covered == 0 ? !output.contains("inside a capture") : output.contains("\(covered) inside a capture already taken"))
        _ = try Self.check(captures[0], directory: directory, python: python)
    }

    /// A bus-off trigger with a small ring: 2 s before and after, 1 s of hold, sized for 600
    /// frames/s (3,000 frames, about 5.4 s of the van's bus). The bus-off episode (truth.json:
    /// 2 s) is known at the frame that ends it, not at the replay's next batch of records
    /// (65,536 frames, about 2 minutes of this bus): the ring still holds its `before`.
    @Test(.enabled(if: PythonOracle.shouldRun(importing: ["can"])))
    func aBusOffIsCapturedFromASmallRingWithItsWholeHistory() throws {
        let python = try #require(PythonOracle.find(importing: ["can"]))
        let (output, captures, directory) = try Self.run("busoff", captures: """
        before: 2s
        after: 2s
        hold: 1s
        frame_rate: 600
        triggers:
          - { kind: bus_off, bus: can0 }
        """)
        try #require(captures.count == 1, "\(output)")
        let index = captures[0].index
        let trigger = try #require(index["trigger"] as? [String: Any])
        #expect(trigger["kind"] as? String == "bus_off" && trigger["bus"] as? String == "can0")
        #expect(index["history_complete"] as? Bool == true, "\(index)")
        let frames = try Self.check(captures[0], directory: directory, python: python)
        print("CaptureBrokerTests bus-off: \(frames) frames from \(index["from"]!) to \(index["to"]!)")
    }
}
