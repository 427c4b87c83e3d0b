import Testing
@testable import CANDatabase

/// Checklist rows 1-5, 14-18, 37, 40: header sections, lexical corners, encodings, order.
@Suite struct ParserHeaderTests {
    let load = ParserSupport.load
    let places = ParserSupport.places

    @Test func versionIsOptionalAndHeaderlessFilesLoad() {
        let r = load("BO_ 100 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" Y\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.version == "")
        #expect(r.database.messages.map(\.name) == ["A"])
    }

    @Test func versionIsRead() {
        let r = load("VERSION \"1.2 beta\"\nNS_ :\nBS_:\nBU_: A\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.version == "1.2 beta")
        #expect(r.database.nodes.map(\.name) == ["A"])
    }

    @Test func concatenatedBlocksLoad() {
        let r = load("""
        VERSION "a"
        NS_ :
        \tCM_
        BS_:
        BU_: ECU1
        BO_ 1 M1: 8 ECU1
         SG_ S1 : 0|8@1+ (1,0) [0|0] "" ECU1
        CM_ "IMPORT other.dbc";
        VERSION "b"
        NS_ :
        BS_:
        BU_: ECU2 ECU1
        BO_ 2 M2: 8 ECU2
         SG_ S2 : 0|8@1+ (1,0) [0|0] "" ECU1

        """)
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.version == "a")
        #expect(r.database.messages.map(\.name) == ["M1", "M2"])
        #expect(r.database.nodes.map(\.name) == ["ECU1", "ECU2"])
    }

    @Test func newSymbolsTakeAnyTokens() {
        let r = load("NS_ :\n\tNS_DESC_\n\tCM_\n\tBA_DEF_\n\tSG_MUL_VAL_\n\tFOO_BAR\n\tCAT_\n\nBS_:\nBU_:\n")
        #expect(r.diagnostics.isEmpty)
        let empty = load("NS_ :\nBS_:\nBU_: A B\n")
        #expect(empty.diagnostics.isEmpty)
        #expect(empty.database.nodes.map(\.name) == ["A", "B"])
    }

    @Test func bitTimingWithBaudRate() {
        let r = load("BS_: 500 : 12,34\nBU_: A\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.bitTiming == BitTiming(baudRate: 500, btr1: 12, btr2: 34))
        #expect(load("BS_:\nBU_: A\n").database.bitTiming == nil)
    }

    @Test func nodesOverSeveralLines() {
        let r = load("BU_: A B\n  C\n\tD\nBO_ 1 M: 8 D\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.nodes.map(\.name) == ["A", "B", "C", "D"])
    }

    @Test func valueTablesOverSeveralLines() {
        let r = load("VAL_TABLE_ Gear 0 \"P\"\n 1 \"R\"\n 2 \"N\" -1 \"invalid\" ;\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.valueTables["Gear"] == [
            ValueDescription(value: 0, label: "P"), ValueDescription(value: 1, label: "R"),
            ValueDescription(value: 2, label: "N"), ValueDescription(value: -1, label: "invalid"),
        ])
    }

    @Test func anySectionOrder() {
        let r = load("""
        VAL_ 100 S 1 "one";
        CM_ SG_ 100 S "comment first";
        BA_ "GenMsgCycleTime" BO_ 100 20;
        BO_ 100 M: 8 X
         SG_ S : 0|8@1+ (1,0) [0|0] "" Y
        BA_DEF_ BO_ "GenMsgCycleTime" INT 0 1000;
        BU_: X Y

        """)
        #expect(r.diagnostics.isEmpty)
        let s = r.database.messages[0].signals[0]
        #expect(s.comment == "comment first")
        #expect(s.valueDescriptions == [ValueDescription(value: 1, label: "one")])
        #expect(r.database.messages[0].cycleTime == 20)
    }

    @Test func lineCommentsAreSkipped() {
        let r = load("// header comment\nBO_ 1 M: 8 X // trailing\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" Y\n// end")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.messages[0].signals.count == 1)
    }

    @Test func blockCommentsAreSkippedWithAWarning() {
        let r = load("BO_ 1 M: 8 X\n  /* a\n block */ SG_ S : 0|8@1+ (1,0) [0|0] \"\" Y\n")
        #expect(places(r) == ["2:3 warning"])
        #expect(r.database.messages[0].signals.count == 1)
        let open = load("BO_ 1 M: 8 X\n/* never closed\n")
        #expect(places(open) == ["2:1 error"])
    }

    @Test func quotedStringsSpanLinesAndEscapeQuotes() {
        let r = load("CM_ \"first line\nsecond \\\"quoted\\\" line\";\nBO_ 1 M: 8 X\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.comment == "first line\nsecond \"quoted\" line")
        #expect(r.database.messages[0].location?.line == 3)
    }

    @Test func trailingBackslashBeforeClosingQuote() {
        let r = load("CM_ BO_ 1 \"C:\\dir\\\";\nBO_ 1 M: 8 X\n")
        #expect(places(r) == ["1:18 warning"])
        #expect(r.database.messages[0].comment == "C:\\dir\\")
    }

    @Test func unterminatedStringIsAnError() {
        let r = load("BO_ 1 M: 8 X\nCM_ BO_ 1 \"no end;\n")
        #expect(places(r).contains("2:11 error"))
        #expect(r.hasErrors)
    }

    @Test func validUTF8IsReadAsUTF8() {
        let r = load("BO_ 1 M: 8 X\n SG_ T : 0|8@1+ (1,0) [0|0] \"°C\" Y\n")
        #expect(r.database.messages[0].signals[0].unit == "°C")
    }

    @Test func otherBytesAreReadAsWindows1252() {
        // 0xB0 is the degree sign, 0x80 the euro sign, 0x9F Ÿ, 0x8D undefined (stays U+008D).
        var bytes = Array("BO_ 1 M: 8 X\n SG_ T : 0|8@1+ (1,0) [0|0] \"".utf8)
        bytes += [0xB0, 0x43, 0x80, 0x9F, 0x8D]
        bytes += Array("\" Y\n".utf8)
        let r = DBCParser.parse(bytes, file: "t.dbc")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.messages[0].signals[0].unit == "°C€Ÿ\u{8D}")
        // Every 0x80...0x9F byte maps to the cp1252 character.
        var table = Array("CM_ \"".utf8)
        table += Array(0x80...0x9F)
        table += Array("\";".utf8)
        let t = DBCParser.parse(table, file: "t.dbc")
        #expect(t.database.comment == "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8D}Ž\u{8F}\u{90}‘’“”•–—˜™š›œ\u{9D}žŸ")
    }

    @Test func numbersWithoutLeadingDigitWarn() {
        let r = load("BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (.5,-.25) [0|1E+002] \"\" Y\n")
        #expect(places(r) == ["2:18 warning", "2:21 warning"])
        let s = r.database.messages[0].signals[0]
        #expect(s.factor == .real(0.5))
        #expect(s.offset == .real(-0.25))
        #expect(s.maximum == 100)
    }

    @Test func numberForms() {
        let r = load("BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1E-005,+1) [-4E+1|+7] \"\" Y\n")
        #expect(r.diagnostics.isEmpty)
        let s = r.database.messages[0].signals[0]
        #expect(s.factor == .real(1e-5))
        #expect(s.offset == .integer(1))
        #expect(s.minimum == -40)
        #expect(s.maximum == 7)
    }

    @Test func namesStartingWithADigitWarn() {
        let r = load("BO_ 1275 2017_5: 8 XXX\n SG_ 0_COUNTER : 35|4@0+ (1,0) [0|255] \"\" XXX\n")
        #expect(places(r) == ["1:10 warning", "2:6 warning"])
        #expect(r.database.messages[0].name == "2017_5")
        #expect(r.database.messages[0].signals[0].name == "0_COUNTER")
    }

    @Test func byteOrderMarkIsSkipped() {
        let r = DBCParser.parse([0xEF, 0xBB, 0xBF] + Array("BO_ 1 M: 8 X\n".utf8), file: "t.dbc")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.messages.count == 1)
    }
}
