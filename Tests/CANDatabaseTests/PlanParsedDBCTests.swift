import CANCore
import Foundation
import Testing
@testable import CANDatabase
import TestSupport

/// Parser and plan together against cantools: DBC text parsed by `DBCParser`, compiled,
/// and random frames decoded by both. Skipped, with a message, without Python and cantools.
@Suite struct PlanParsedDBCTests {
    /// Corners that involve the parser's reading of the text, not only decoding.
    static let dbcs: [(name: String, text: String)] = PlanCantoolsTests.dbcs + [
        ("parsed_corners", """
        VERSION ""
        BU_: A B
        BO_ 300 INTEGRAL_REALS: 8 A
         SG_ TWO_POINT_ZERO : 0|16@1+ (2.0,0.0) [0|0] "" B
         SG_ ONE_POINT_ZERO : 16|16@1- (1.0,0) [0|0] "" B
         SG_ EXPONENT : 32|16@1+ (1E-005,-4E+1) [0|0] "" B
         SG_ PLUS_SIGN : 55|16@0+ (+1,+0) [0|0] "" B
        BO_ 2147484000 EXT_LOW_ID: 2 A
         SG_ E : 0|16@1+ (1,0) [0|0] "" B
        BO_ 352 EXT_LOW_ID_STD: 2 A
         SG_ F : 0|16@1+ (1,0) [0|0] "" B
        BO_ 301 DUPLICATE: 1 A
         SG_ FIRST : 0|8@1+ (1,0) [0|0] "" B
        BO_ 301 DUPLICATE: 1 A
         SG_ SECOND : 0|8@1- (1,0) [0|0] "" B
        BO_ 302 MUX_SWITCH_LAST: 3 A
         SG_ P0 m0 : 8|16@1+ (1,0) [0|0] "" B
         SG_ P1 m1 : 8|8@1+ (0.5,0) [0|0] "" B
         SG_ SW M : 0|8@1+ (1,0) [0|0] "" B
        BO_ 303 SIGNED_VAL: 1 A
         SG_ SV : 0|8@1- (1,0) [0|0] "" B
        VAL_ 303 SV -1 "MINUS ONE" 1 "ONE" ;
        VAL_ 302 SW 5 "FIVE" ;
        """),
    ]

    @Test func parsedDBCsDecodeAsCantools() throws {
        guard let python = PythonOracle.find(importing: ["cantools"]) else {
            print("SKIPPED PlanParsedDBCTests: no Python with cantools (set CANDOR_VENV or run Tests/setup.sh)")
            return
        }
        let seed: UInt64 = 0x9A45_ED00_0000_0003
        print("PlanParsedDBCTests.parsedDBCsDecodeAsCantools seed 0x\(String(seed, radix: 16))")
        let sources = Self.dbcs.map { PlanCantoolsTests.Source(name: $0.name, kind: "text", payload: $0.text) }
        let (frames, mismatches) = try PlanCantoolsTests.compare(sources, framesPerMessage: 150, seed: seed, python: python) { source, _ in
            DBCParser.parse(source.payload, file: source.name + ".dbc").database
        }
        print("compared \(frames) frames (our parser + plan vs cantools): \(mismatches) mismatches")
        #expect(frames > 1000)
        #expect(mismatches == 0)
    }

    @Test func parsedOpendbcFilesDecodeAsCantools() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "opendbc"]) else {
            print("SKIPPED PlanParsedDBCTests.opendbc: no Python with cantools and opendbc")
            return
        }
        let located = try PythonOracle.run(python, script: "import opendbc, os; print(os.path.join(os.path.dirname(opendbc.__file__), 'dbc'))", input: Data())
        let directory = String(decoding: located.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var names = ["vw_mqb.dbc", "tesla_model3_party.dbc", "toyota_adas.dbc", "vw_pq.dbc", "cadillac_ct6_object.dbc"]
        if ProcessInfo.processInfo.environment["CANDOR_OPENDBC_ALL"] == "1" {
            names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".dbc") }.sorted()
        }
        let sources = names.map { PlanCantoolsTests.Source(name: $0, kind: "file", payload: directory + "/" + $0) }
            .filter { FileManager.default.fileExists(atPath: $0.payload) }
        let seed: UInt64 = 0x9A45_ED00_0000_0004
        print("PlanParsedDBCTests.parsedOpendbcFilesDecodeAsCantools seed 0x\(String(seed, radix: 16)) files \(sources.count)")
        let (frames, mismatches) = try PlanCantoolsTests.compare(sources, framesPerMessage: 10, seed: seed, python: python) { source, _ in
            (try? DBCFile.load(path: source.payload).database) ?? Database()
        }
        print("compared \(frames) opendbc frames (our parser + plan vs cantools): \(mismatches) mismatches")
        #expect(mismatches == 0)
    }
}
