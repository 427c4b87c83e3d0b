import CANCapture
import CANCore
import CANDatabase
import Gateway
import SystemIO
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// `candor replay` on a workload's capture: the same `ReplayPipeline` (captures merged in
/// front of the one `FramePipeline`: candump log → decode → aggregate, a batch of records to
/// the services every 65,536 frames), into no sink, the SQLite store, JSON lines or line
/// protocol — the `SinkSet` replay builds from its sink settings — so each sink's share shows
/// as a ratio to the same replay without a sink, measured in the same run.
///
/// The setup is what `candor replay --dbc FILE --bus can0` resolves (`GatewaySetup(dbcPath:)`),
/// with a 1 Mbit/s bus and a 5 Mbit/s data phase for the FD frames: one vehicle, the default
/// 1 s and 60 s windows over every signal, message and bus health; no semantic map (no
/// operations figures).
extension BenchRunner {
    /// Where the closed windows go.
    public enum PipelineSink: String, CaseIterable, Sendable {
        case none = "no sink"
        case sqlite = "SQLite"
        case jsonl = "JSON lines"
        case lineProtocol = "line protocol"
    }

    /// The vehicle the pipeline rows use, its bus decoded with `dbc`.
    static func pipelineSetup(dbc: String) throws -> GatewaySetup {
        try GatewaySetup(dbcPath: dbc, interfaces: ["can0"], bitrate: 1_000_000, dataBitrate: 5_000_000, vehicle: "bench")
    }

    /// Result rows on one workload's large capture: pipeline frames/s into each sink, with
    /// its ratio to the replay without a sink (`BenchResult.ratio` is left to cantools).
    public func pipelineResults(for w: BenchWorkload) throws -> [BenchResult] {
        let setup = try Self.pipelineSetup(dbc: dbcPath(w))
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
                let (n, records) = try Self.runPipeline(capture, setup: setup, sink: sink, path: path)
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

    /// Replays `capture` as `candor replay` does: `ReplayPipeline.run` with replay's batch
    /// size, each batch to the `SinkSet` made from the sink's settings (the SQLite store
    /// writes one transaction per batch), which is closed at the end. Returns (frames, records).
    static func runPipeline(
        _ capture: String, setup: GatewaySetup, sink: PipelineSink, path: String
    ) throws -> (Int, Int) {
        var settings = SinkSettings()
        switch sink {
        case .none: break
        case .sqlite: settings.sqlitePath = path
        case .jsonl: settings.jsonlPath = path
        case .lineProtocol: settings.lineProtocolPath = path
        }
        let merge = try CaptureMerge(paths: [capture], format: .candumpLog, strict: true)
        let sinks = try SinkSet(settings)
        let result = try ReplayPipeline(setup: setup).run(merge) { try sinks.write($0) }
        try sinks.close()
        if let error = result.inputError { throw error }
        return (result.frames, result.records)
    }
}
