import CANCapture
import CANCore
import CANDatabase
import Gateway
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// The full replay pipeline on the bench workload: candump log → decode → aggregate →
/// SQLite store, and the same without the store (so the store's share shows).
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
                try store?.close()
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

    /// Reads, decodes and aggregates every frame of `path`; the records of each batch of
    /// closed windows go to `store` in one transaction. Returns (frames, records).
    static func runPipeline(_ path: String, plan: DecodePlan, layout: TelemetryLayout, store: SQLiteStore?) throws -> (Int, Int) {
        let reader = try CaptureReader(path: path, format: .candumpLog, strict: true)
        var aggregator = TelemetryAggregator(layout: layout)
        var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
        var batch: [TelemetryRecord] = []
        batch.reserveCapacity(4096)
        var frames = 0
        var records = 0
        var busIndex = -1
        var busName = ""
        func drain() throws {
            aggregator.drainRecords { batch.append($0) }
            guard !batch.isEmpty else { return }
            records += batch.count
            try store?.write(batch)
            batch.removeAll(keepingCapacity: true)
        }
        while let frame = try reader.next() {
            if frame.bus != busName {
                busName = frame.bus
                busIndex = layout.busIndex(interface: busName) ?? -1
            }
            frames += 1
            guard busIndex >= 0 else { continue }
            let outcome = plan.decode(frame, into: &values)
            aggregator.ingest(frame, bus: busIndex, outcome: outcome, values: values)
            if frames & 1023 == 0 { try drain() }
        }
        aggregator.finish()
        try drain()
        return (frames, records)
    }
}
