import Foundation
import Testing
@testable import CANDatabase

/// Loads every opendbc DBC. None may produce an `error` diagnostic; warnings are listed.
@Suite struct ParserCorpusTests {
    @Test func opendbcCorpusLoadsWithoutErrors() throws {
        guard let dir = ParserSupport.opendbcDirectory() else {
            print("ParserCorpusTests: opendbc corpus not found (set CANDOR_OPENDBC_DIR or CANDOR_VENV); skipped")
            return
        }
        let files = ParserSupport.dbcFiles(under: dir)
        #expect(files.count >= 100, "expected the opendbc corpus under \(dir)")
        var summary: [String] = []
        for path in files {
            let result = try DBCFile.load(path: path)
            let errors = result.diagnostics.filter { $0.severity == .error }
            #expect(errors.isEmpty, "\(path): \(errors.map(\.description).joined(separator: "\n"))")
            let warnings = result.diagnostics.filter { $0.severity == .warning }.count
            let notes = result.diagnostics.filter { $0.severity == .note }.count
            let name = String(path.dropFirst(dir.count + 1))
            summary.append("\(name): \(result.database.messages.count) messages, \(errors.count) errors, \(warnings) warnings, \(notes) notes")
            if ProcessInfo.processInfo.environment["CANDOR_DBC_VERBOSE"] != nil {
                for d in result.diagnostics { summary.append("  \(d)") }
            }
        }
        print("opendbc corpus (\(files.count) files):\n" + summary.joined(separator: "\n"))
    }
}
