import Testing
@testable import CANDatabase

/// Checklist rows 19, 23-29, 34-36: comments, attributes and the ones with a meaning,
/// environment variables, skipped sections.
@Suite struct ParserAttributeTests {
    let load = ParserSupport.load
    let places = ParserSupport.places

    @Test func commentsForEveryTarget() {
        let r = load("""
        BU_: ECU
        BO_ 1 M: 8 ECU
         SG_ S : 0|8@1+ (1,0) [0|0] "" ECU
        EV_ Var: 0 [0|1] "" 0 1 DUMMY_NODE_VECTOR0 ECU;
        CM_ "database";
        CM_ " too";
        CM_ BU_ ECU "node";
        CM_ BO_ 1 "message
        on two lines";
        CM_ SG_ 1 S "signal";
        CM_ EV_ Var "variable";

        """)
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.comment == "database too")
        #expect(r.database.nodes[0].comment == "node")
        #expect(r.database.messages[0].comment == "message\non two lines")
        #expect(r.database.messages[0].signals[0].comment == "signal")
        #expect(r.database.environmentVariables[0].comment == "variable")
    }

    @Test func missingSemicolonAfterCommentIsRecovered() {
        let r = load("CM_ BO_ 1 \"no semicolon\"\nBO_ 1 M: 8 X\nCM_ SG_ 1 S \"fine\";\n")
        #expect(places(r) == ["1:11 warning"])
        #expect(r.database.messages[0].comment == "no semicolon")
    }

    @Test func attributeDefinitionsOfEveryTypeAndScope() {
        let r = load("""
        BA_DEF_ "DBName" STRING ;
        BA_DEF_ BU_ "NodeLayer" INT 0 10;
        BA_DEF_ BO_ "GenMsgSendType" ENUM "Cyclic","Event","IfActive";
        BA_DEF_ SG_ "SigScale" FLOAT -1.5 1E+009;
        BA_DEF_ EV_ "EvMask" HEX 0 255;
        BA_DEF_REL_ BU_SG_REL_ "RelSig" INT 0 100;
        BA_DEF_REL_ BU_BO_REL_ "RelMsg" STRING ;
        BA_DEF_REL_ BU_EV_REL_ "RelEv" ENUM "a","b";
        BA_DEF_DEF_ "DBName" "demo";
        BA_DEF_DEF_ "NodeLayer" 3;
        BA_DEF_DEF_ "GenMsgSendType" "Event";
        BA_DEF_DEF_ "SigScale" 0.5;
        BA_DEF_DEF_ "EvMask" 15;
        BA_DEF_DEF_REL_ "RelSig" 7;
        BA_DEF_DEF_REL_ "RelMsg" "x";

        """)
        #expect(r.diagnostics.isEmpty)
        let d = Dictionary(uniqueKeysWithValues: r.database.attributeDefinitions.map { ($0.name, $0) })
        #expect(d["DBName"] == AttributeDefinition(name: "DBName", scope: .database, kind: .string, defaultValue: .string("demo")))
        #expect(d["NodeLayer"] == AttributeDefinition(name: "NodeLayer", scope: .node, kind: .integer(min: 0, max: 10), defaultValue: .integer(3)))
        #expect(d["GenMsgSendType"] == AttributeDefinition(name: "GenMsgSendType", scope: .message, kind: .enumeration(["Cyclic", "Event", "IfActive"]), defaultValue: .string("Event")))
        #expect(d["SigScale"] == AttributeDefinition(name: "SigScale", scope: .signal, kind: .float(min: -1.5, max: 1e9), defaultValue: .real(0.5)))
        #expect(d["EvMask"] == AttributeDefinition(name: "EvMask", scope: .environmentVariable, kind: .hex(min: 0, max: 255), defaultValue: .integer(15)))
        #expect(d["RelSig"]?.scope == .nodeSignalRelation && d["RelSig"]?.defaultValue == .integer(7))
        #expect(d["RelMsg"]?.scope == .nodeMessageRelation)
        #expect(d["RelEv"]?.kind == .enumeration(["a", "b"]))
        #expect(r.database.attributeDefinitions.map(\.name).first == "DBName")
    }

    @Test func attributeValuesForEveryTarget() {
        let r = load("""
        BU_: ECU
        BO_ 1 M: 8 ECU
         SG_ S : 0|8@1+ (1,0) [0|0] "" ECU
        EV_ Var: 0 [0|1] "" 0 1 DUMMY_NODE_VECTOR0 ECU;
        BA_DEF_ "DBName" STRING ;
        BA_DEF_ BU_ "NodeLayer" INT 0 10;
        BA_DEF_ BO_ "GenMsgSendType" ENUM "Cyclic","Event";
        BA_DEF_ SG_ "SigScale" FLOAT 0 10;
        BA_DEF_ EV_ "EvMask" HEX 0 255;
        BA_DEF_REL_ BU_SG_REL_ "RelSig" INT 0 100;
        BA_DEF_REL_ BU_BO_REL_ "RelMsg" INT 0 100;
        BA_ "DBName" "demo";
        BA_ "NodeLayer" BU_ ECU 2;
        BA_ "GenMsgSendType" BO_ 1 1;
        BA_ "SigScale" SG_ 1 S 2.5;
        BA_ "EvMask" EV_ Var 1e1;
        BA_REL_ "RelSig" BU_SG_REL_ ECU SG_ 1 S 5;
        BA_REL_ "RelMsg" BU_BO_REL_ ECU 1 6;

        """)
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.attributes["DBName"] == .string("demo"))
        #expect(r.database.nodes[0].attributes["NodeLayer"] == .integer(2))
        #expect(r.database.messages[0].attributes["GenMsgSendType"] == .integer(1))
        #expect(r.database.messages[0].signals[0].attributes["SigScale"] == .real(2.5))
    }

    @Test func undefinedOrMistypedAttributesWarn() {
        let r = load("BO_ 1 M: 8 X\nBA_DEF_ BO_ \"Count\" INT 0 10;\nBA_ \"Nope\" BO_ 1 3;\nBA_ \"Count\" BO_ 1 \"three\";\nBA_DEF_DEF_ \"Gone\" 1;\n")
        #expect(places(r) == ["3:1 warning", "4:1 warning", "5:1 warning"])
        #expect(r.database.messages[0].attributes == ["Nope": .integer(3), "Count": .string("three")])
    }

    @Test func cycleTimeFromMessageValueOrDefault() {
        let r = load("""
        BO_ 1 OWN: 8 X
        BO_ 2 DEFAULTED: 8 X
        BO_ 3 ZERO: 8 X
        BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;
        BA_DEF_DEF_ "GenMsgCycleTime" 100;
        BA_ "GenMsgCycleTime" BO_ 1 20;
        BA_ "GenMsgCycleTime" BO_ 3 0;

        """)
        #expect(r.database.messages.map(\.cycleTime) == [20, 100, nil])
        // Without the BA_DEF_, cantools ignores GenMsgCycleTime values (and so do we, with a warning).
        let undefined = load("BO_ 1 M: 8 X\nBA_ \"GenMsgCycleTime\" BO_ 1 20;\n")
        #expect(undefined.database.messages[0].cycleTime == nil)
        #expect(places(undefined) == ["2:1 warning"])
    }

    @Test func startValueIsTheSignalsOwnRawValue() {
        let r = load("""
        BO_ 1 M: 8 X
         SG_ A : 0|8@1+ (0.5,0) [0|0] "" Y
         SG_ B : 8|8@1+ (0.5,0) [0|0] "" Y
        BA_DEF_ SG_ "GenSigStartValue" INT 0 255;
        BA_DEF_DEF_ "GenSigStartValue" 7;
        BA_ "GenSigStartValue" SG_ 1 A 42;

        """)
        #expect(r.database.messages[0].signals.map(\.startValue) == [42, nil])
    }

    @Test func frameFormatAsEnumMarksFD() {
        let r = load("""
        BO_ 1 CLASSIC: 8 X
        BO_ 2 FD: 8 X
        BO_ 3 DEFAULTED: 8 X
        BA_DEF_ BO_ "VFrameFormat" ENUM "StandardCAN","ExtendedCAN","StandardCAN_FD","ExtendedCAN_FD";
        BA_DEF_DEF_ "VFrameFormat" "StandardCAN_FD";
        BA_DEF_ BO_ "CANFD_BRS" ENUM "0","1";
        BA_DEF_DEF_ "CANFD_BRS" "1";
        BA_ "VFrameFormat" BO_ 1 0;
        BA_ "VFrameFormat" BO_ 2 2;
        BA_ "CANFD_BRS" BO_ 2 0;
        BA_ "CANFD_BRS" BO_ 3 1;

        """)
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.messages.map(\.isFD) == [false, true, true])
        #expect(r.database.messages.map(\.bitRateSwitch) == [nil, false, true])
    }

    @Test func frameFormatAsIntMarksFD() {
        let r = load("""
        BO_ 1 CLASSIC: 8 X
        BO_ 2 FD: 8 X
        BA_DEF_ BO_ "VFrameFormat" INT 0 15;
        BA_DEF_DEF_ "VFrameFormat" 0;
        BA_ "VFrameFormat" BO_ 2 14;

        """)
        #expect(r.database.messages.map(\.isFD) == [false, true])
    }

    @Test func busTypeCANFDMarksMessagesFDWhenVFrameFormatIsUndefined() {
        let r = load("BO_ 1 M: 8 X\nBA_DEF_ \"BusType\" STRING ;\nBA_DEF_DEF_ \"BusType\" \"CAN\";\nBA_ \"BusType\" \"CAN FD\";\n")
        #expect(r.database.messages[0].isFD)
        let classic = load("BO_ 1 M: 8 X\nBA_DEF_ \"BusType\" STRING ;\nBA_DEF_DEF_ \"BusType\" \"CAN\";\n")
        #expect(!classic.database.messages[0].isFD)
    }

    @Test func longNameAttributesRename() {
        let r = load("""
        BU_: N
        BO_ 1 SHORT: 8 N
         SG_ S : 0|8@1+ (1,0) [0|0] "" N
        BA_DEF_ BO_ "SystemMessageLongSymbol" STRING ;
        BA_DEF_ SG_ "SystemSignalLongSymbol" STRING ;
        BA_DEF_ BU_ "SystemNodeLongSymbol" STRING ;
        BA_ "SystemMessageLongSymbol" BO_ 1 "A_VERY_LONG_MESSAGE_NAME_BEYOND_32_CHARS";
        BA_ "SystemSignalLongSymbol" SG_ 1 S "A_VERY_LONG_SIGNAL_NAME_BEYOND_32_CHARS";
        BA_ "SystemNodeLongSymbol" BU_ N "A_VERY_LONG_NODE_NAME";

        """)
        let m = r.database.messages[0]
        #expect(m.name == "A_VERY_LONG_MESSAGE_NAME_BEYOND_32_CHARS")
        #expect(m.signals[0].name == "A_VERY_LONG_SIGNAL_NAME_BEYOND_32_CHARS")
        #expect(m.senders == ["A_VERY_LONG_NODE_NAME"])
        #expect(r.database.nodes[0].name == "A_VERY_LONG_NODE_NAME")
    }

    @Test func environmentVariablesWithData() {
        let r = load("""
        BU_: A B
        EV_ Speed: 1 [0|300.5] "km/h" 10 7 DUMMY_NODE_VECTOR8000 A,B;
        EV_ Blob: 0 [0|0] "" 0 8 DUMMY_NODE_VECTOR0 Vector__XXX;
        ENVVAR_DATA_ Blob: 12;
        EV_DATA_ Blob: 12;

        """)
        #expect(r.diagnostics.isEmpty)
        let ev = r.database.environmentVariables
        #expect(ev.count == 2)
        #expect(ev[0] == EnvironmentVariable(name: "Speed", type: 1, minimum: 0, maximum: 300.5, unit: "km/h", initialValue: 10, id: 7, accessType: "DUMMY_NODE_VECTOR8000", accessNodes: ["A", "B"]))
    }

    @Test func rareSectionsAreSkippedWithNotes() {
        let r = load("""
        SGTYPE_ Temp : 8@1+ (1,0) [0|255] "C" 0 , Table;
        SGTYPE_VAL_ Temp 0 "cold" 1 "hot";
        SIG_TYPE_REF_ 1 S : Temp;
        BA_DEF_SGTYPE_ "X" INT 0 1;
        BA_SGTYPE_ "X" SGTYPE_ Temp 1;
        SIGTYPE_VALTYPE_ Temp : 1;
        CAT_DEF_ 1 Cat 0;
        CAT_ BO_ 1 1;
        FILTER 0 Cat : 1;
        BO_ 1 M: 8 X

        """)
        #expect(places(r) == (1...9).map { "\($0):1 note" })
        #expect(!r.hasErrors)
        #expect(r.database.messages.count == 1)
    }

    @Test func unknownKeywordIsAnErrorAndLoadingContinues() {
        let r = load("BO_ 1 M: 8 X\nFOO_ 1 2 3;\n  more junk\nBO_ 2 N: 8 X\n")
        #expect(places(r) == ["2:1 error"])
        #expect(r.diagnostics[0].message.hasPrefix("expected a DBC keyword"))
        #expect(r.database.messages.map(\.name) == ["M", "N"])
        #expect(r.hasErrors)
    }
}
