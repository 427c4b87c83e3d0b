import Foundation
import Testing
@testable import CANDatabase

/// candor's model against cantools' (the independent oracle) for every opendbc file that
/// cantools loads: message ids, lengths, senders, cycle times, FD flags, and every signal
/// field that decoding depends on, plus comments, value tables and start values.
@Suite struct ParserCantoolsTests {
    static func escape(_ s: String?) -> String {
        guard let s else { return "-" }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " ": out += "\\s"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func number(_ n: Signal.Number) -> String {
        switch n {
        case .integer(let v): return String(v)
        case .real(let d): return String(d)
        }
    }

    /// The conversion cantools builds (which decides whether decoded values are ints or floats).
    static func conversionKind(_ s: Signal) -> String {
        let factor = s.factor.doubleValue
        let offset = s.offset.doubleValue
        if factor == 1 && offset == 0 { return "Identity" }
        if factor.rounded() == factor && offset.rounded() == offset && s.valueType == .integer { return "LinearInteger" }
        return "Linear"
    }

    /// The same lines `Tests/Scripts/cantools_dbc_dump.py` prints.
    static func dump(_ db: Database) -> [String] {
        var lines: [String] = []
        for m in db.messages {
            lines.append([
                "M", String(m.id), m.isExtended ? "1" : "0", escape(m.name), String(m.length),
                escape(m.senders.joined(separator: ",")), m.cycleTime.map(String.init) ?? "-",
                m.isFD ? "1" : "0", escape(m.comment),
            ].joined(separator: " "))
            for s in m.signals.sorted(by: { ($0.name, $0.startBit) < ($1.name, $1.startBit) }) {
                let choices = s.valueDescriptions.isEmpty ? "-"
                    : escape(s.valueDescriptions.map { "\($0.value)=\($0.label)" }.joined(separator: ";"))
                var ids = "-"
                if let c = s.multiplexer {
                    ids = c.ranges.flatMap { r in r.count < 10_000 ? Array(r) : [r.lowerBound, r.upperBound] }
                        .map(String.init).joined(separator: ",")
                }
                lines.append([
                    "S", escape(m.name), escape(s.name), String(s.startBit), String(s.length),
                    s.byteOrder == .bigEndian ? "be" : "le", s.isSigned ? "1" : "0",
                    s.valueType == .integer ? "0" : "1", conversionKind(s),
                    String(s.factor.doubleValue), String(s.offset.doubleValue),
                    s.minimum.map { String($0) } ?? "-", s.maximum.map { String($0) } ?? "-",
                    escape(s.unit), escape(s.receivers.joined(separator: ",")), s.isMultiplexer ? "1" : "0",
                    escape(s.multiplexer?.switchName), ids, choices, escape(s.comment),
                    s.startValue.map { String($0) } ?? "-",
                ].joined(separator: " "))
            }
        }
        return lines
    }

    @Test func opendbcModelsMatchCantools() throws {
        guard let dir = ParserSupport.opendbcDirectory(), let python = ParserSupport.venvPython() else {
            print("ParserCantoolsTests: no venv with cantools and opendbc (set CANDOR_VENV); skipped")
            return
        }
        try Self.compare(ParserSupport.dbcFiles(under: dir), under: dir, python: python, corpus: "opendbc")
    }

    /// The corner-case fixtures (one construct each), wherever cantools loads them.
    @Test func cornerFixturesMatchCantools() throws {
        guard let python = ParserSupport.venvPython() else {
            print("ParserCantoolsTests: no venv with cantools (set CANDOR_VENV); skipped")
            return
        }
        let dir = "\(ParserSupport.repositoryRoot)/Fixtures/dbc/corner"
        try Self.compare(ParserSupport.dbcFiles(under: dir), under: dir, python: python, corpus: "corner fixtures")
    }

    static func compare(_ files: [String], under dir: String, python: String, corpus: String) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("candor-cantools-\(getpid())-\(corpus.count)").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let script = "\(ParserSupport.repositoryRoot)/Tests/Scripts/cantools_dbc_dump.py"
        #expect(try ParserSupport.run(python, [script, out] + files) == 0)

        var compared = 0
        var refused: [String] = []
        for (index, path) in files.enumerated() {
            let expected = try String(contentsOfFile: "\(out)/\(index).txt", encoding: .utf8)
            let name = String(path.dropFirst(dir.count + 1))
            if expected.hasPrefix("FAIL ") {
                refused.append(name)
                continue
            }
            let ours = Self.dump(try DBCFile.load(path: path).database)
            let theirs = expected.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            let missing = theirs.filter { !Set(ours).contains($0) }
            let extra = ours.filter { !Set(theirs).contains($0) }
            #expect(missing.isEmpty && extra.isEmpty,
                    "\(name):\n cantools: \(missing.prefix(4).joined(separator: "\n           "))\n candor:   \(extra.prefix(4).joined(separator: "\n           "))")
            compared += 1
        }
        print("ParserCantoolsTests: \(corpus): \(compared) files compared with cantools; cantools refuses \(refused.count): \(refused.joined(separator: ", "))")
    }
}
