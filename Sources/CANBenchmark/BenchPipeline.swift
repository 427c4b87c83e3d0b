import CANCapture
import CANCore
import CANDatabase
import Gateway
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// The gateway's frame pipeline (`Gateway.FramePipeline`, the one replay and the daemon run)
/// on the bench workload: candump log → decode → aggregate → SQLite store, and the same
/// without the store (so the store's share shows).
///
/// The telemetry configuration is built in code: one vehicle, the bench DBC on `can0`
/// (1 Mbit/s, 5 Mbit/s data phase for the FD frames), the default 1 s and 60 s windows over
/// every signal, message and bus health; no semantic map (no operations figures).
extension BenchRunner {
    /// The vehicle the pipeline rows use.
    static func pipelineLayout(_ plan: DecodePlan) throws -> TelemetryLayout {
        let bus = BusConfiguration(interface: "can0", bitrate: 1_000_000, dataBitrate: 5_000_000, plan: plan)
        return try TelemetryLayout(TelemetryConfiguration(vehicles: [VehicleConfiguration(name: "bench", buses: [bus])]))
    }

    /// Result rows: pipeline frames/s with and without the store, and the records stored.
    public func pipelineResults(database: Database) throws -> [BenchResult] {
        let plan = DecodePlan(database)
        let layout = try Self.pipelineLayout(plan)
        let capture = capturePath(frames: frames)
        let storePath = directory + "/bench-store.db"
        var results: [BenchResult] = []
        for withStore in [false, true] {
            var rates: [Double] = []
            var stored = 0
            progress("pipeline\(withStore ? " + SQLite" : ""): \(repetitions) × \(frames) frames from \(capture)")
            for _ in 0..<repetitions {
                for suffix in ["", "-wal", "-shm"] { unlink(storePath + suffix) }
                let store = withStore ? try SQLiteStore(path: storePath) : nil
                let t0 = Self.now()
                let (n, records) = try Self.runPipeline(capture, plan: plan, layout: layout, store: store)
                rates.append(Double(n) / (Self.now() - t0))
                stored = records
            }
            let name = withStore
                ? "pipeline, candump log → decode → aggregate → SQLite (\(frames) frames, \(stored) records)"
                : "pipeline, candump log → decode → aggregate, no sink (\(frames) frames, \(stored) records)"
            results.append(BenchResult(name: name, value: Self.median(rates), unit: "frames/s", samples: rates))
        }
        return results
    }

    /// Reads every frame of `path` through the gateway's `FramePipeline` (decode, aggregate);
    /// the records of each batch of closed windows go to `store`, as a service of a `SinkSet`,
    /// in one transaction; closes the store. Returns (frames, records).
    static func runPipeline(_ path: String, plan: DecodePlan, layout: TelemetryLayout, store: SQLiteStore?) throws -> (Int, Int) {
        let reader = try CaptureReader(path: path, format: .candumpLog, strict: true)
        let services = try SinkSet(services: store.map { [$0] } ?? [])
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
