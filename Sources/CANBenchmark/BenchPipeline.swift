import CANCapture
import CANCore
import CANDatabase
import Gateway
import SystemIO
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// The gateway's frame pipeline (`Gateway.FramePipeline`, the one replay and the daemon run)
/// on a workload's capture: candump log → decode → aggregate, then no sink, the SQLite store,
/// JSON lines or line protocol (so each sink's share shows as a ratio to the same replay
/// without a sink, measured in the same run).
///
/// The telemetry configuration is built in code: one vehicle, the workload's DBC on `can0`
/// (1 Mbit/s, 5 Mbit/s data phase for the FD frames), the default 1 s and 60 s windows over
/// every signal, message and bus health; no semantic map (no operations figures).
extension BenchRunner {
    /// Where the closed windows go.
    public enum PipelineSink: String, CaseIterable, Sendable {
        case none = "no sink"
        case sqlite = "SQLite"
        case jsonl = "JSON lines"
        case lineProtocol = "line protocol"
    }

    /// The vehicle the pipeline rows use.
    static func pipelineLayout(_ plan: DecodePlan) throws -> TelemetryLayout {
        let bus = BusConfiguration(interface: "can0", rules: BusRules(bitrate: 1_000_000, dataBitrate: 5_000_000), plan: plan)
        return try TelemetryLayout(TelemetryConfiguration(vehicles: [VehicleConfiguration(name: "bench", buses: [bus])]))
    }

    /// Result rows on one workload's large capture: pipeline frames/s into each sink, with
    /// its ratio to the replay without a sink (`BenchResult.ratio` is left to cantools).
    public func pipelineResults(for w: BenchWorkload) throws -> [BenchResult] {
        let plan = DecodePlan(w.database)
        let layout = try Self.pipelineLayout(plan)
        let capture = capturePath(w)
        var results: [BenchResult] = []
        var bare = 0.0
        for sink in PipelineSink.allCases {
            var rates: [Double] = []
            var stored = 0
            progress("\(w.name): pipeline → \(sink.rawValue), \(repetitions) × \(capture)")
            for _ in 0..<repetitions {
                let path = directory + "/bench-sink"
                for suffix in ["", "-wal", "-shm"] { try Syscall.unlinkIfPresent(path + suffix) }
                let t0 = Self.now()
                let (n, records) = try Self.runPipeline(capture, plan: plan, layout: layout, sink: sink, path: path)
                rates.append(Double(n) / (Self.now() - t0))
                stored = records
            }
            let rate = Self.median(rates)
            if sink == .none { bare = rate }
            let share = sink == .none || bare == 0 ? "" : ", \(Int((rate / bare * 100).rounded())) % of no sink"
            results.append(BenchResult(
                name: "\(w.name): replay → \(sink.rawValue) (\(stored) records\(share))",
                value: rate, unit: "frames/s", samples: rates))
        }
        return results
    }

    /// Reads every frame of `path` through the gateway's `FramePipeline` (decode, aggregate);
    /// the records of each batch of closed windows go to the sink, as a service of a
    /// `SinkSet` (the SQLite store writes one transaction per batch); closes it.
    /// Returns (frames, records).
    static func runPipeline(
        _ capture: String, plan: DecodePlan, layout: TelemetryLayout, sink: PipelineSink, path: String
    ) throws -> (Int, Int) {
        let reader = try CaptureReader(path: capture, format: .candumpLog, strict: true)
        let service: (any RecordService)?
        switch sink {
        case .none: service = nil
        case .sqlite: service = try SQLiteStore(path: path)
        case .jsonl: service = try JSONLinesSink(path: path, mode: .truncate)
        case .lineProtocol: service = try LineProtocolSink(path: path, mode: .truncate)
        }
        let services = try SinkSet(services: service.map { [$0] } ?? [])
        var pipeline = FramePipeline(layout: layout, plans: [plan], batchFrames: 1024) { try services.write($0) }
        var frames = 0
        while let frame = try reader.next() {
            frames += 1
            _ = try pipeline.ingest(frame)
        }
        _ = try pipeline.finish()
        try services.close()
        return (frames, pipeline.records)
    }
}
