import CANCapture
import CANCore
import CANDatabase
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
}

/// Runs candor's benchmark: DBC load, decode-only, end-to-end (candump text in, decoded
/// frames out and discarded), and peak memory at two capture lengths.
public struct BenchRunner {
    public var frames: Int
    public var repetitions: Int
    public var directory: String
    public var workload: BenchWorkload
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

    /// Writes the DBC and the captures; returns the parsed DBC.
    public func prepare() throws -> Database {
        try writeFile(dbcPath, Array(workload.dbcText.utf8))
        for count in [frames / 4, frames] {
            progress("writing \(count) frames to \(capturePath(frames: count))")
            let writer = try CaptureWriter(path: capturePath(frames: count), format: .candumpLog)
            for frame in workload.frames(count: count) { try writer.write(frame) }
            try writer.close()
        }
        let loaded = DBCParser.parse(Array(workload.dbcText.utf8), file: dbcPath)
        return loaded.database
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

        results += try pipelineResults(database: database)

        return results
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
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(description: "\(path): cannot create: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(description: "\(path): write failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
