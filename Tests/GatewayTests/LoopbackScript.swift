import Foundation
import TestSupport

/// A helper script (Python) that prints the loopback port it listens on as its first line,
/// run under a deadline and stopped by SIGTERM.
final class LoopbackScript {
    let port: Int
    private let process: Process
    private let deadline: ProcessDeadline

    init(python: String, script: String, arguments: [String], seconds: Double) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [PythonOracle.repositoryRoot.appendingPathComponent(script).path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        deadline = ProcessDeadline(process, seconds: seconds)
        var line: [UInt8] = []
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let found = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw TestFailure("\(script) did not start")
        }
        port = found
    }

    func stop() throws {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try deadline.check()
    }
}
