import CANCapture
import CANCore
import CANDatabase
import Foundation
import FleetSimulator
@testable import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

private let repository: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}()

private func captureFrames(_ path: String) throws -> [CANFrame] {
    let reader = try CaptureReader(path: path)
    var frames: [CANFrame] = []
    while let frame = try reader.next() { frames.append(frame) }
    return frames
}

/// Corner fixtures whose expected decode is cantools' (or the reviewed equivalent), not J1939.
private let cornerFixtures: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: repository + "/Fixtures/expected")) ?? []
    return names.filter { $0.hasSuffix(".jsonl") && !$0.hasSuffix(".j1939.jsonl") }.map { String($0.dropLast(6)) }.sorted()
}()

/// Blocks every write until `release()`: a disk that stalls.
private final class StalledLogOutput: DecodedLogOutput, @unchecked Sendable {
    private let gate = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var lines: [String] = []
    private(set) var closed = false

    func write(_ batch: DecodedLogBatch) -> DecodedLogWriteResult {
        gate.wait()
        gate.signal()
        lock.lock(); defer { lock.unlock() }
        batch.forEachLine { (_, line) in lines.append(String(decoding: line, as: UTF8.self)) }
        return DecodedLogWriteResult(written: batch.lineCount)
    }

    func close() throws(SinkError) { closed = true }
    func release() { gate.signal() }
    var received: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

@Suite struct DecodedLogTests {
    /// The oracle: `Fixtures/expected/<name>.jsonl`, cantools' decode of the fixture capture
    /// (what `candor decode` prints). The live gateway's log of the same frames is the same
    /// bytes: every line, in order, error frames left out.
    @Test(arguments: cornerFixtures)
    func logEqualsTheCantoolsDecodeOfTheSameFrames(_ name: String) throws {
        let frames = try captureFrames(repository + "/Fixtures/captures/corner/\(name).log")
        var interfaces: [String] = []
        for frame in frames where !interfaces.contains(frame.bus) { interfaces.append(frame.bus) }
        let setup = try GatewaySetup(dbcPath: repository + "/Fixtures/dbc/corner/\(name).dbc", interfaces: interfaces, bitrate: 500_000)
        let directory = try TemporaryDirectory.make("decodedlog-\(name)")
        let options = DecodedLogOptions(directory: directory, maxFileBytes: 1 << 30)
        let log = try DecodedFrameLog(options: options)
        let gateway = LiveGateway(setup: setup, decodedLog: log) { _ in }
        try gateway.run(FrameListInput(frames))
        try log.close()
        let expected = try TestFile.read(repository + "/Fixtures/expected/\(name).jsonl")
        let written = try TestFile.read(options.currentPath)
        #expect(written == expected, "\(name): \(written.count) bytes logged, cantools \(expected.count)")
        #expect(gateway.counts.decodedLogDrops == 0 && log.statistics.dropped == 0)
    }

    /// Bus and message filters on a simulated van: exactly the canonical lines whose bus is
    /// listed and whose message matches a glob (checked on the parsed JSON), in order.
    @Test func filtersKeepExactlyTheSelectedBusesAndMessages() throws {
        let bundle = try SimulatedBundle(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 20, seed: 8), name: "decodedlog-filter")
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        let frames = try captureFrames(bundle.capture)
        // Every canonical line of the capture, built as `candor decode` builds them.
        var all: [String] = []
        var values = DecodedSignals(capacity: setup.plans.map(\.maxSignalsPerMessage).max()!)
        var buffer: [UInt8] = []
        for frame in frames where frame.kind != .error {
            guard let b = setup.layout.busIndex(interface: frame.bus) else { continue }
            let outcome = setup.plans[b].decode(frame, into: &values)
            buffer.removeAll()
            CanonicalLine.append(frame: frame, plan: setup.plans[b], outcome: outcome, values: values, to: &buffer)
            all.append(String(decoding: buffer, as: UTF8.self))
        }
        let names = Set(all.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }.compactMap { $0["msg"] as? String }).sorted()
        #expect(names.count >= 3)
        let globs = [String(names[0].prefix(3)) + "*", names[names.count / 2]]
        let bus = frames[0].bus
        print("filter: buses [\(bus)], messages \(globs) of \(names)")

        let directory = try TemporaryDirectory.make("decodedlog-filtered")
        let options = DecodedLogOptions(directory: directory, buses: [bus], messages: globs)
        let log = try DecodedFrameLog(options: options)
        try LiveGateway(setup: setup, decodedLog: log) { _ in }.run(FrameListInput(frames))
        try log.close()
        let expected = all.filter { line in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard object["bus"] as? String == bus, let msg = object["msg"] as? String else { return false }
            return globs.contains { fnmatch($0, msg, 0) == 0 }
        }
        let logged = try linesOfFile(options.currentPath)
        #expect(expected.count > 100 && expected.count < all.count)
        #expect(logged == expected)
    }

    @Test func withoutAMessageFilterUnknownIdsAreLoggedWithOneTheyAreNot() throws {
        let dbc = repository + "/Fixtures/dbc/corner/mux_simple.dbc"
        let setup = try GatewaySetup(dbcPath: dbc, interfaces: ["can0", "can1"], bitrate: 500_000)
        let known = CANFrame(timestamp: CANTimestamp(totalNanoseconds: 1_000_000_000, fractionDigits: 6), bus: "can0", id: 0x180, bytes: Array(repeating: 0, count: 8))
        var unknown = known
        unknown.id = 0x7FF
        var other = known
        other.bus = "can1"
        func logged(_ options: DecodedLogOptions) throws -> [String] {
            let log = try DecodedFrameLog(options: options)
            try LiveGateway(setup: setup, decodedLog: log) { _ in }.run(FrameListInput([known, unknown, other]))
            try log.close()
            return try linesOfFile(options.currentPath)
        }
        let everything = try logged(DecodedLogOptions(directory: try TemporaryDirectory.make("decodedlog-all")))
        #expect(everything.count == 3 && everything[1].contains(#""msg":null,"signals":{}"#))
        let can0 = try logged(DecodedLogOptions(directory: try TemporaryDirectory.make("decodedlog-can0"), buses: ["can0"]))
        #expect(can0 == Array(everything.prefix(2)))
        let bms = try logged(DecodedLogOptions(directory: try TemporaryDirectory.make("decodedlog-bms"), messages: ["BMS_*"]))
        #expect(bms == [everything[0], everything[2]])
    }

    /// After a reload the gateway decodes with new plans (maybe more buses): the log's filters
    /// are resolved again against them at the swap. A log of `can1` only, started with a setup
    /// that has no can1, logs can1's frames once a setup with can1 is swapped in (a reload
    /// submitted before the first frame takes effect at once).
    @Test func theSelectionFollowsAReload() throws {
        let dbc = repository + "/Fixtures/dbc/corner/mux_simple.dbc"
        let before = try GatewaySetup(dbcPath: dbc, interfaces: ["can0"], bitrate: 500_000)
        let after = try GatewaySetup(dbcPath: dbc, interfaces: ["can0", "can1"], bitrate: 500_000)
        let options = DecodedLogOptions(directory: try TemporaryDirectory.make("decodedlog-reload"), buses: ["can1"])
        let log = try DecodedFrameLog(options: options)
        let request = ReloadRequest()
        let gateway = LiveGateway(setup: before, decodedLog: log, reloads: request) { _ in }
        _ = request.submit(after)
        let on0 = CANFrame(timestamp: CANTimestamp(totalNanoseconds: 1_000_000_000, fractionDigits: 6), bus: "can0", id: 0x180, bytes: Array(repeating: 0, count: 8))
        var on1 = on0
        on1.bus = "can1"
        try gateway.run(FrameListInput([on0, on1, on0, on1]))
        try log.close()
        let lines = try linesOfFile(options.currentPath)
        #expect(gateway.counts.unknownBusFrames == 0, "can1 frames decoded with the reloaded setup")
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix(#"{"bus":"can1","#) && $0.contains(#""msg":"BMS_CELL_VOLTAGES""#) })
    }

    /// A stalled disk never stalls ingest: `append` returns at once; lines that do not fit in
    /// the queue are refused and counted; the accepted ones are written in order.
    @Test func aFullQueueDropsAndCountsWithoutBlocking() throws {
        let output = StalledLogOutput()
        let options = DecodedLogOptions(directory: "/nonexistent", queueBytes: 64 * 1024)
        let log = DecodedFrameLog(output: output, options: options)
        let lines = decodedLogLines(count: 5000, seed: 9)
        var accepted: [String] = []
        for (time, line) in lines where log.append(Array(line.utf8), time: CANTimestamp(totalNanoseconds: time)) {
            accepted.append(line)
        }
        let refused = lines.count - accepted.count
        print("queue of 64 KiB: \(accepted.count) accepted, \(refused) refused while the output was stalled")
        #expect(refused > 0 && accepted.count > 100)
        #expect(log.statistics.dropped == UInt64(refused))
        output.release()
        log.flush()
        try log.close()
        #expect(output.received == accepted && output.closed)
        #expect(log.statistics == DecodedLogStatistics(written: UInt64(accepted.count), dropped: UInt64(refused), writeFailures: 0))
        #expect(!log.append(Array("{}".utf8), time: .zero))
        #expect(log.statistics.dropped == UInt64(refused + 1))
    }

    @Test func theGatewayCountsTheLinesTheLogRefused() throws {
        let output = StalledLogOutput()
        let dbc = repository + "/Fixtures/dbc/corner/mux_simple.dbc"
        let setup = try GatewaySetup(dbcPath: dbc, interfaces: ["can0"], bitrate: 500_000)
        let log = DecodedFrameLog(output: output, options: DecodedLogOptions(directory: "/nonexistent", queueBytes: 4096))
        let frames = (0..<1000).map { i in
            CANFrame(timestamp: CANTimestamp(totalNanoseconds: Int64(i) * 1_000_000, fractionDigits: 6), bus: "can0", id: 0x180, bytes: Array(repeating: UInt8(i % 256), count: 8))
        }
        let gateway = LiveGateway(setup: setup, decodedLog: log) { _ in }
        try gateway.run(FrameListInput(frames))
        output.release()
        try log.close()
        #expect(gateway.counts.decodedLogDrops > 0)
        #expect(UInt64(gateway.counts.decodedLogDrops) == log.statistics.dropped)
        #expect(output.received.count + gateway.counts.decodedLogDrops == 1000)
    }
}
