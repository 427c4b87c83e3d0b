import Foundation
import Testing
@testable import CANDatabase

/// Helpers shared by the parser tests.
enum ParserSupport {
    static func load(_ text: String) -> DBCLoadResult {
        DBCParser.parse(Array(text.utf8), file: "t.dbc")
    }

    /// `line:column severity` for each diagnostic, the form the tests compare.
    static func places(_ result: DBCLoadResult) -> [String] {
        result.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.severity.rawValue)" }
    }

    /// The opendbc DBC directory: `CANDOR_OPENDBC_DIR`, else the one in the venv
    /// (`CANDOR_VENV`, default `.venv` at the repository root, then /tmp/venv).
    static func opendbcDirectory() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["CANDOR_OPENDBC_DIR"], FileManager.default.fileExists(atPath: dir) { return dir }
        var venvs = [env["CANDOR_VENV"] ?? "\(repositoryRoot)/.venv"]
        venvs.append("/tmp/venv")
        for venv in venvs {
            let lib = "\(venv)/lib"
            guard let pythons = try? FileManager.default.contentsOfDirectory(atPath: lib) else { continue }
            for python in pythons.sorted() {
                let dir = "\(lib)/\(python)/site-packages/opendbc/dbc"
                if FileManager.default.fileExists(atPath: dir) { return dir }
            }
        }
        return nil
    }

    /// The venv's python with cantools: `CANDOR_VENV` (default `.venv` at the repository root),
    /// else /tmp/venv.
    static func venvPython() -> String? {
        let env = ProcessInfo.processInfo.environment
        for venv in [env["CANDOR_VENV"] ?? "\(repositoryRoot)/.venv", "/tmp/venv"] {
            let python = "\(venv)/bin/python3"
            if FileManager.default.isExecutableFile(atPath: python) { return python }
        }
        return nil
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Runs a program to completion; its exit status.
    static func run(_ program: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Every `.dbc` under a directory, sorted.
    static func dbcFiles(under dir: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        var files: [String] = []
        while let p = e.nextObject() as? String {
            if p.hasSuffix(".dbc") { files.append("\(dir)/\(p)") }
        }
        return files.sorted()
    }
}
