import Foundation
import Testing

/// Runs Python (cantools, prometheus_client, …) as an oracle for tests; shared by every test
/// target that compares with a Python implementation.
///
/// Looks for `$CANDOR_VENV/bin/python`, then `.venv/bin/python` at the repository root,
/// then `/tmp/venv/bin/python`, then `python3` on `PATH`. Without one that has the modules a
/// test is skipped with a message — unless `CANDOR_VENV` is set (the suite, `Tests/run.sh`,
/// sets it after installing the venv): then the missing oracle is a test failure, so a broken
/// install cannot pass as a skip.
public enum PythonOracle {
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static func interpreters() -> [String] {
        var candidates: [String] = []
        if let venv = ProcessInfo.processInfo.environment["CANDOR_VENV"], !venv.isEmpty {
            candidates.append(venv + "/bin/python")
        }
        candidates.append(repositoryRoot.appendingPathComponent(".venv/bin/python").path)
        candidates.append("/tmp/venv/bin/python")
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(dir + "/python3")
        }
        return candidates.filter { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The first interpreter that can `import` every module in `modules`, or nil; silent.
    public static func locate(importing modules: [String] = []) -> String? {
        let check = modules.isEmpty ? "pass" : "import " + modules.joined(separator: ", ")
        return interpreters().first { python in
            (try? run(python, script: check, input: Data()))?.status == 0
        }
    }

    /// For `.enabled(if:)`: an interpreter with `modules` exists, or oracles are required
    /// (`CANDOR_VENV` set; the test then runs and `find` fails it).
    public static func shouldRun(importing modules: [String] = []) -> Bool {
        OracleTool.isRequired || locate(importing: modules) != nil
    }

    /// The first interpreter that can `import` every module in `modules`; nil (with a
    /// "skipped" line, or a recorded issue when `CANDOR_VENV` is set) when there is none.
    public static func find(importing modules: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        if let python = locate(importing: modules) { return python }
        let wanted = modules.isEmpty ? "Python" : "Python with " + modules.joined(separator: ", ")
        if let venv = ProcessInfo.processInfo.environment["CANDOR_VENV"], !venv.isEmpty {
            Issue.record("CANDOR_VENV=\(venv) is set but no \(wanted) was found: the oracle is missing", sourceLocation: sourceLocation)
        } else {
            print("skipped: no \(wanted) (set CANDOR_VENV)")
        }
        return nil
    }

    public struct Result: Sendable {
        public var status: Int32
        public var output: Data
        public var errors: String
        /// `output` as UTF-8 text.
        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Runs `script` (`python -c script arguments…`) with `input` on stdin; output and errors
    /// are read while it runs. Killed after `timeout` seconds (then this throws).
    public static func run(
        _ python: String, script: String, arguments: [String] = [], input: Data = Data(), timeout: Double = 900
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let deadline = ProcessDeadline(process, seconds: timeout)
        let writing = stdin.fileHandleForWriting
        DispatchQueue.global().async {
            writing.write(input)
            try? writing.close()
        }
        let errors = Collected()
        let errorsDone = DispatchSemaphore(value: 0)
        let reading = stderr.fileHandleForReading
        DispatchQueue.global().async {
            errors.data = reading.readDataToEndOfFile()
            errorsDone.signal()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorsDone.wait()
        try deadline.check()
        return Result(status: process.terminationStatus, output: output, errors: String(decoding: errors.data, as: UTF8.self))
    }

    /// Bytes filled in by one reader before a semaphore is signalled.
    final class Collected: @unchecked Sendable {
        var data = Data()
    }
}
