import ArgumentParser
import CANCapture
import CANDatabase

/// Options shared by every command that reads captures.
struct CaptureInputOptions: ParsableArguments {
    @Option(
        name: .customLong("input-format"),
        help: "Force the capture format instead of detecting it: \(CaptureFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var inputFormat: CaptureFormat?

    @Flag(help: "Treat a malformed capture line as an error (with file:line) instead of counting and skipping it.")
    var strict = false
}

extension CaptureFormat: ExpressibleByArgument {}

/// Loading a DBC for a command: diagnostics go to stderr, errors in tolerant mode are warnings.
enum DatabaseLoading {
    static func load(path: String, quiet: Bool = false) throws(CommandFailure) -> Database {
        let result: DBCLoadResult
        do {
            result = try DBCFile.load(path: path)
        } catch {
            throw .input(error.description)
        }
        if !quiet {
            let errors = result.diagnostics.filter { $0.severity == .error }.count
            let warnings = result.diagnostics.filter { $0.severity == .warning }.count
            if errors + warnings > 0 {
                Terminal.printError(
                    "candor: \(path): loaded with \(errors) error(s) and \(warnings) warning(s); run `candor dbc check \(path)` for details")
            }
        }
        return result.database
    }
}

/// Monotonic seconds, for progress and timing (never for event time).
enum MonotonicClock {
    static func now() -> Double {
        var ts = timespec()
        precondition(clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "clock_gettime(CLOCK_MONOTONIC) failed")
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Progress on stderr, only when stderr is a terminal; at most a few updates per second.
struct ProgressLine {
    private let enabled = Terminal.stderrIsTerminal
    private var lastUpdate = MonotonicClock.now()
    private let start = MonotonicClock.now()
    private var shown = false

    mutating func update(frames: Int, file: String) {
        guard enabled, frames & 0xFFFF == 0 else { return }
        let now = MonotonicClock.now()
        guard now - lastUpdate >= 0.25 else { return }
        lastUpdate = now
        shown = true
        let rate = Double(frames) / max(now - start, 1e-9)
        Terminal.printProgress("\(file): \(frames) frames, \(Int(rate)) frames/s")
    }

    func finish() {
        guard shown else { return }
        Terminal.printProgress("")
    }
}
