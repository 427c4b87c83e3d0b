import Foundation
import Testing
@testable import CANDatabase

/// `DBCWriter`: what it writes reads back to the same database (locations aside).
@Suite struct RenderWriterTests {
    /// The database without source locations (they differ between the two texts).
    static func withoutLocations(_ db: Database) -> Database {
        var db = db
        for i in db.messages.indices {
            db.messages[i].location = nil
            for j in db.messages[i].signals.indices { db.messages[i].signals[j].location = nil }
        }
        return db
    }

    static func roundTrips(_ db: Database) -> (Bool, String) {
        let text = DBCWriter.write(db)
        let again = DBCParser.parse(Array(text.utf8), file: "written.dbc")
        return (withoutLocations(again.database) == withoutLocations(db) && !again.hasErrors, text)
    }

    @Test func richDatabaseRoundTrips() {
        let r = ParserSupport.load("""
        VERSION "3.1"
        BS_: 500 : 1,2
        BU_: ECU GW DASH
        VAL_TABLE_ OnOff 0 "off" 1 "on" ;
        BO_ 36 KINEMATICS: 8 ECU
         SG_ ACCEL_X : 0|16@1- (0.01,-1.5) [-327.68|327.67] "m/s^2" GW,DASH
         SG_ MODE M : 16|2@1+ (1,0) [0|0] "" GW
         SG_ TEMP m1 : 18|8@1+ (0.5,-40) [-40|87.5] "°C \\"inside\\"" GW
         SG_ OTHER m2 : 18|8@1+ (1.0,0.0) [0.0|0] "" GW
        BO_ 2566844927 FD_MSG: 64 GW
         SG_ F : 0|32@1- (1,0) [0|0] "" ECU
         SG_ D : 32|64@1- (1,0) [0|0] "" ECU
         SG_ S0 M : 96|4@1+ (1,0) [0|0] "" ECU
         SG_ S1 m1M : 100|4@1+ (1,0) [0|0] "" ECU
         SG_ LEAF m3 : 104|8@1+ (1,0) [0|0] "" ECU
        BO_TX_BU_ 36 : GW,DASH;
        EV_ Speed: 1 [0|300.5] "km/h" 10 7 DUMMY_NODE_VECTOR8000 ECU,GW;
        CM_ "database
        comment";
        CM_ BU_ ECU "engine";
        CM_ BO_ 36 "kinematics";
        CM_ SG_ 36 ACCEL_X "longitudinal";
        CM_ EV_ Speed "speed";
        BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;
        BA_DEF_ SG_ "GenSigStartValue" FLOAT 0 1E+009;
        BA_DEF_ BO_ "VFrameFormat" ENUM "StandardCAN","ExtendedCAN","StandardCAN_FD","ExtendedCAN_FD";
        BA_DEF_ BO_ "CANFD_BRS" ENUM "0","1";
        BA_DEF_ "BusType" STRING ;
        BA_DEF_ BU_ "NodeLayer" HEX 0 255;
        BA_DEF_REL_ BU_SG_REL_ "RelSig" INT 0 100;
        BA_DEF_DEF_ "GenMsgCycleTime" 100;
        BA_DEF_DEF_ "VFrameFormat" "StandardCAN";
        BA_DEF_DEF_ "CANFD_BRS" "1";
        BA_DEF_DEF_ "BusType" "CAN FD";
        BA_DEF_DEF_REL_ "RelSig" 3;
        BA_ "BusType" "CAN FD";
        BA_ "NodeLayer" BU_ GW 12;
        BA_ "GenMsgCycleTime" BO_ 36 10;
        BA_ "VFrameFormat" BO_ 2566844927 3;
        BA_ "GenSigStartValue" SG_ 36 TEMP 80.5;
        VAL_ 36 MODE 0 "idle" 1 "temp" 2 "other" -1 "bad" ;
        VAL_ Speed 0 "stopped" ;
        SIG_GROUP_ 36 Group 1 : ACCEL_X MODE;
        SIG_VALTYPE_ 2566844927 F : 1;
        SIG_VALTYPE_ 2566844927 D : 2;
        SG_MUL_VAL_ 36 TEMP MODE 1-1, 3-4;
        SG_MUL_VAL_ 2566844927 S1 S0 1-1;
        SG_MUL_VAL_ 2566844927 LEAF S1 3-3, 5-9;

        """)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics)")
        let (same, text) = Self.roundTrips(r.database)
        #expect(same, "written:\n\(text)")
    }

    @Test func syntheticDatabaseRoundTrips() {
        let r = ParserSupport.load(ParserSupport.syntheticDBC(messages: 40))
        let (same, _) = Self.roundTrips(r.database)
        #expect(same)
    }

    /// Every opendbc file and corner fixture, except those with several messages under one id.
    @Test func filesRoundTrip() throws {
        var dirs = ["\(ParserSupport.repositoryRoot)/Fixtures/dbc/corner"]
        if let opendbc = ParserSupport.opendbcDirectory() { dirs.append(opendbc) } else {
            print("RenderWriterTests: opendbc corpus not found; only the corner fixtures")
        }
        var checked = 0
        var skipped: [String] = []
        for dir in dirs {
            for path in ParserSupport.dbcFiles(under: dir) {
                let db = try DBCFile.load(path: path).database
                let ids = db.messages.map { DBCText.rawID($0) }
                guard Set(ids).count == ids.count else {
                    skipped.append(String(path.dropFirst(dir.count + 1)))
                    continue
                }
                let (same, _) = Self.roundTrips(db)
                #expect(same, "\(path) does not round-trip")
                checked += 1
            }
        }
        print("RenderWriterTests: \(checked) files round-trip; skipped (duplicate ids): \(skipped.joined(separator: ", "))")
    }
}

/// cantools reads what `DBCWriter` writes to the same model candor reads from it.
@Suite struct RenderWriterCantoolsTests {
    @Test func cantoolsReadsWrittenFilesAlike() throws {
        guard let python = ParserSupport.venvPython() else {
            print("RenderWriterCantoolsTests: no venv with cantools (set CANDOR_VENV); skipped")
            return
        }
        var sources = ParserSupport.dbcFiles(under: "\(ParserSupport.repositoryRoot)/Fixtures/dbc/corner")
        if let opendbc = ParserSupport.opendbcDirectory() { sources += ParserSupport.dbcFiles(under: opendbc) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("candor-written-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var written: [String] = []
        for (index, source) in sources.enumerated() {
            let path = "\(dir)/\(index)_\(URL(fileURLWithPath: source).lastPathComponent)"
            try Data(DBCWriter.write(try DBCFile.load(path: source).database).utf8).write(to: URL(fileURLWithPath: path))
            written.append(path)
        }
        try ParserCantoolsTests.compare(written, under: dir, python: python, corpus: "written by DBCWriter")
    }
}
