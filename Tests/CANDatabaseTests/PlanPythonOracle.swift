import Foundation

/// Runs Python (cantools' interpreter) as an oracle for tests.
///
/// Looks for `$CANDOR_VENV/bin/python`, then `.venv/bin/python` at the repository root,
/// then `/tmp/venv/bin/python`, then `python3` on `PATH`.
enum PythonOracle {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func interpreters() -> [String] {
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

    /// The first interpreter that can `import` every module in `modules`.
    static func find(importing modules: [String] = []) -> String? {
        for python in interpreters() {
            let check = modules.isEmpty ? "pass" : "import " + modules.joined(separator: ", ")
            if let result = try? run(python, script: check, input: Data()), result.status == 0 { return python }
        }
        return nil
    }

    struct Result {
        var status: Int32
        var output: Data
        var errors: String
    }

    /// Runs `script` with `input` on stdin; output and errors are read while it runs.
    static func run(_ python: String, script: String, input: Data) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
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
        return Result(status: process.terminationStatus, output: output, errors: String(decoding: errors.data, as: UTF8.self))
    }

    /// Bytes filled in by one reader before a semaphore is signalled.
    final class Collected: @unchecked Sendable {
        var data = Data()
    }
}
