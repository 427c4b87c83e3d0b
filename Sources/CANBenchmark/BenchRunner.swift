import CANCapture
import CANCore
import CANDatabase
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// One measured figure of `candor bench`.
public struct BenchResult: Sendable {
    public var name: String
    public var value: Double
    public var unit: String
    /// Every repetition's value, so medians can be checked.
    public var samples: [Double]
    /// How many times the Python peer's figure for the same work, measured in the same run.
    public var ratio: Double?

    public init(name: String, value: Double, unit: String, samples: [Double], ratio: Double? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.samples = samples
        self.ratio = ratio
    }
}

/// Runs candor's benchmark: DBC load, decode-only, end-to-end (candump text in, decoded
/// frames out and discarded), peak memory at two capture lengths, the user-facing stages
/// (`BenchRunner.Stage`) and the replay pipeline into each sink on every workload; with a Python peer,
/// the cantools loop on the same files and the ratios.
public struct BenchRunner {
    public var frames: Int
    public var repetitions: Int
    public var directory: String
    /// The generated workload (every figure).
    public var workload: BenchWorkload
    /// Further workloads on real DBCs (the stages only), e.g. opendbc's Toyota DBC.
    public var extraWorkloads: [BenchWorkload] = []
    /// cantools in the same run, when available.
    public var peer: PythonPeer?
    /// Lines of each capture the cantools loop decodes (it is some 20–40× slower).
    public var peerLines = 200_000
    /// Called with a line of progress text (the executable decides where it goes).
    public var progress: (String) -> Void

    public init(frames: Int, repetitions: Int, directory: String, seed: UInt64, progress: @escaping (String) -> Void) {
        self.frames = frames
        self.repetitions = repetitions
        self.directory = directory
        self.workload = BenchWorkload(seed: seed)
        self.progress = progress
    }

    public var dbcPath: String { directory + "/bench.dbc" }
    public func capturePath(frames: Int) -> String { directory + "/bench-\(frames).log" }
    public func dbcPath(_ w: BenchWorkload) -> String { w.dbcPath ?? dbcPath }
    public func capturePath(_ w: BenchWorkload) -> String {
        w.dbcPath == nil ? capturePath(frames: frames) : directory + "/\(w.name)-\(frames).log"
    }

    /// Writes the DBCs and the captures; returns the parsed generated DBC.
    public func prepare() throws -> Database {
        try writeFile(dbcPath, Array(workload.dbcText.utf8))
        for count in [frames / 4, frames] {
            try writeCapture(workload, count: count, to: capturePath(frames: count))
        }
        for extra in extraWorkloads {
            try writeCapture(extra, count: frames, to: capturePath(extra))
        }
        let loaded = DBCParser.parse(Array(workload.dbcText.utf8), file: dbcPath)
        return loaded.database
    }

    func writeCapture(_ w: BenchWorkload, count: Int, to path: String) throws {
        progress("writing \(count) frames to \(path)")
        let writer = try CaptureWriter(path: path, format: .candumpLog)
        for frame in w.frames(count: count) { try writer.write(frame) }
        try writer.close()
    }

    public func run() throws -> [BenchResult] {
        let database = try prepare()
        var results: [BenchResult] = []

        // DBC load: parse + compile.
        let text = Array(workload.dbcText.utf8)
        var loadSamples: [Double] = []
        for _ in 0..<max(repetitions, 5) {
            let t0 = Self.now()
            let db = DBCParser.parse(text, file: "bench.dbc").database
            _ = DecodePlan(db)
            loadSamples.append((Self.now() - t0) * 1e3)
        }
        results.append(BenchResult(name: "dbc load + compile (\(database.messages.count) messages, \(workload.signalCount) signals)", value: Self.median(loadSamples), unit: "ms", samples: loadSamples))

        // End to end, small then large capture: frames/s and peak RSS after each (first, so
        // that the RSS shows the streaming path alone).
        let plan = DecodePlan(database)
        var values = DecodedSignals()
        for count in [frames / 4, frames] {
            var rates: [Double] = []
            progress("end to end: \(repetitions) × \(count) frames from \(capturePath(frames: count))")
            for _ in 0..<repetitions {
                let t0 = Self.now()
                let n = try Self.decodeFile(capturePath(frames: count), plan: plan, values: &values)
                rates.append(Double(n) / (Self.now() - t0))
            }
            results.append(BenchResult(name: "end to end, candump log → decoded (\(count) frames)", value: Self.median(rates), unit: "frames/s", samples: rates))
            let rss = Double(Self.peakResidentKiB()) / 1024
            results.append(BenchResult(name: "peak RSS after \(count) frames", value: rss, unit: "MiB", samples: [rss]))
        }
        // Decode only: frames already in memory.
        let inMemory = Array(workload.frames(count: 200_000))
        var decodeSamples: [Double] = []
        progress("decode only: \(repetitions) × \(inMemory.count) frames")
        for _ in 0..<repetitions {
            var signals = 0
            let t0 = Self.now()
            for frame in inMemory {
                _ = plan.decode(frame, into: &values)
                signals &+= values.count
            }
            let elapsed = Self.now() - t0
            decodeSamples.append(elapsed * 1e9 / Double(max(signals, 1)))
        }
        results.append(BenchResult(name: "decode only", value: Self.median(decodeSamples), unit: "ns/signal", samples: decodeSamples))

        for w in [workload] + extraWorkloads {
            results += try stageResults(for: w)
        }

        for w in [workload] + extraWorkloads {
            results += try pipelineResults(for: w)
        }

        return results
    }

    /// The stages on one workload's large capture, with the cantools loop beside them.
    func stageResults(for w: BenchWorkload) throws -> [BenchResult] {
        let db = w.database
        let label = w.name
        progress("\(w.name): \(w.messageCount) messages, \(w.signalCount) signals, \(frames) frames")
        let stages = try stageResults(workload: label, capture: capturePath(w), plan: DecodePlan(db))
        guard let peer else { return stages.map(\.1) }
        progress("\(w.name): cantools loop over \(min(peerLines, frames)) lines of \(capturePath(w))")
        let (rate, version) = try peer.cantoolsLoop(dbc: dbcPath(w), capture: capturePath(w), lines: min(peerLines, frames))
        var out: [BenchResult] = stages.map { stage, result in
            var r = result
            if stage != .parse { r.ratio = result.value / rate }
            return r
        }
        out.append(BenchResult(name: "\(label): cantools \(version) loop (\(min(peerLines, frames)) frames)", value: rate, unit: "frames/s", samples: [rate]))
        return out
    }

    static func decodeFile(_ path: String, plan: DecodePlan, values: inout DecodedSignals) throws -> Int {
        let reader = try CaptureReader(path: path, format: .candumpLog, strict: true)
        var n = 0
        while let frame = try reader.next() {
            _ = plan.decode(frame, into: &values)
            n += 1
        }
        return n
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// CPU time of the calling thread: what one core spends, whatever else the machine runs.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Peak resident set size of this process, KiB (`getrusage` `ru_maxrss`).
    public static func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
    }

    struct FileError: Error, CustomStringConvertible {
        var description: String
    }

    func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        do { try FileDescriptor.write(bytes, toNewFile: path) } catch { throw FileError(description: "\(path): \(error)") }
    }
}
