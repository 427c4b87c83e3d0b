import Foundation
import TestSupport
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

    /// The opendbc DBC directory: `CANDOR_OPENDBC_DIR`, else the one of the `opendbc` package
    /// that `PythonOracle` finds.
    static func opendbcDirectory() -> String? {
        if let dir = ProcessInfo.processInfo.environment["CANDOR_OPENDBC_DIR"], FileManager.default.fileExists(atPath: dir) { return dir }
        guard let python = PythonOracle.find(importing: ["opendbc"]),
              let located = try? PythonOracle.run(python, script: "import opendbc, os; print(os.path.join(os.path.dirname(opendbc.__file__), 'dbc'))")
        else { return nil }
        let dir = located.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.fileExists(atPath: dir) ? dir : nil
    }

    /// A Python with cantools (`PythonOracle`).
    static func venvPython() -> String? {
        PythonOracle.find(importing: ["cantools"])
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Runs a program to completion (killed after 20 minutes: the opendbc corpus through
    /// cantools takes minutes on a busy host); its exit status.
    static func run(_ program: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        try process.run()
        let deadline = ProcessDeadline(process, seconds: 1200)
        process.waitUntilExit()
        try deadline.check()
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

extension ParserSupport {
    /// A synthetic DBC with `messages` messages of 8 signals each (Intel and Motorola, value
    /// tables, comments, attributes, a multiplexed message every 10th), for speed and fuzz tests.
    static func syntheticDBC(messages: Int) -> String {
        var s = """
        VERSION "synthetic"

        NS_ :
        \tCM_
        \tBA_DEF_
        \tVAL_

        BS_:

        BU_: ECU1 ECU2 GW

        BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;
        BA_DEF_ SG_ "GenSigStartValue" INT 0 100000;
        BA_DEF_DEF_ "GenMsgCycleTime" 100;
        BA_DEF_DEF_ "GenSigStartValue" 0;

        """
        for m in 0..<messages {
            let id = m < 200 ? 0x100 + m : (0x8000_0000 | (0x18FF_0000 + m))
            s += "BO_ \(id) MSG_\(m): 8 ECU\(m % 2 + 1)\n"
            let muxed = m % 10 == 9
            for k in 0..<8 {
                let mux = muxed ? (k == 0 ? " M" : " m\(k % 3)") : ""
                if k % 2 == 0 {
                    s += " SG_ SIG_\(m)_\(k)\(mux) : \(k * 8)|8@1+ (0.5,-40) [-40|87.5] \"degC\" GW,ECU2\n"
                } else {
                    s += " SG_ SIG_\(m)_\(k)\(mux) : \(k * 8 + 7)|8@0- (1,0) [-128|127] \"\" Vector__XXX\n"
                }
            }
            s += "\n"
        }
        for m in 0..<messages {
            let id = m < 200 ? 0x100 + m : (0x8000_0000 | (0x18FF_0000 + m))
            s += "CM_ BO_ \(id) \"Message number \(m)\";\n"
            s += "CM_ SG_ \(id) SIG_\(m)_1 \"A signed Motorola signal\";\n"
            s += "BA_ \"GenMsgCycleTime\" BO_ \(id) \(10 * (m % 10 + 1));\n"
            s += "VAL_ \(id) SIG_\(m)_2 0 \"off\" 1 \"on\" 2 \"error\" 3 \"not available\" ;\n"
        }
        return s
    }
}

extension ParserSupport {
    static func readBytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
