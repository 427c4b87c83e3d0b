import Testing
@testable import CANDatabase

/// Checklist rows 6-13, 22, 31-33, 38: messages, signals, value descriptions, value types,
/// transmitters, signal groups, and the consistency warnings.
@Suite struct ParserMessageTests {
    let load = ParserSupport.load
    let places = ParserSupport.places

    @Test func bit31MarksAnExtendedID() {
        let r = load("BO_ 2566844927 J1939: 8 X\nBO_ 291 STD: 8 X\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.messages[0].id == 0x18FE_F1FF)
        #expect(r.database.messages[0].isExtended)
        #expect(r.database.messages[1].id == 0x123)
        #expect(!r.database.messages[1].isExtended)
    }

    @Test func independentSignalsMessageIsDropped() {
        let r = load("BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX\n SG_ Orphan : 0|8@1+ (1,0) [0|0] \"\" X\nVAL_ 3221225472 Orphan 1 \"x\";\nBO_ 1 M: 8 X\n")
        #expect(places(r) == ["1:1 note"])
        #expect(r.database.messages.map(\.name) == ["M"])
    }

    @Test func standardIDAbove11BitsLoadsAsExtended() {
        let r = load("BO_ 1279 OK: 8 X\nBO_ 306380831 BIG: 8 X\n")
        #expect(places(r) == ["2:1 warning"])
        #expect(r.database.messages[1].id == 0x1243_001F)
        #expect(r.database.messages[1].isExtended)
        #expect(r.database.messages[0].isExtended == false)
    }

    @Test func signalFields() {
        let r = load("BO_ 36 KINEMATICS: 8 ECU\n SG_ ACCEL_X : 7|16@0- (0.01,-1) [-327.68|327.67] \"m/s^2\" GW,DASH\n")
        #expect(r.diagnostics.isEmpty)
        let s = r.database.messages[0].signals[0]
        #expect(s.name == "ACCEL_X")
        #expect(s.startBit == 7)
        #expect(s.length == 16)
        #expect(s.byteOrder == .bigEndian)
        #expect(s.isSigned)
        #expect(s.factor == .real(0.01))
        #expect(s.offset == .integer(-1))
        #expect(s.minimum == -327.68)
        #expect(s.maximum == 327.67)
        #expect(s.unit == "m/s^2")
        #expect(s.receivers == ["GW", "DASH"])
        #expect(s.location == SourceLocation(file: "t.dbc", line: 2, column: 2))
        #expect(r.database.messages[0].senders == ["ECU"])
    }

    @Test func intelUnsignedSignal() {
        let s = load("BO_ 1 M: 8 X\n SG_ S : 12|20@1+ (1,0) [0|1048575] \"\" Y\n").database.messages[0].signals[0]
        #expect(s.byteOrder == .littleEndian)
        #expect(!s.isSigned)
        #expect(s.factor == .integer(1) && s.offset == .integer(0))
    }

    @Test func zeroZeroRangeMeansNoRange() {
        let m = load("BO_ 1 M: 8 X\n SG_ A : 0|8@1+ (1,0) [0|0] \"\" Y\n SG_ B : 8|8@1+ (1,0) [0.0|0] \"\" Y\n SG_ C : 16|8@1+ (1,0) [0|10] \"\" Y\n").database.messages[0]
        #expect(m.signals[0].minimum == nil && m.signals[0].maximum == nil)
        // cantools compares the text: [0.0|0] is a range.
        #expect(m.signals[1].minimum == 0 && m.signals[1].maximum == 0)
        #expect(m.signals[2].minimum == 0 && m.signals[2].maximum == 10)
    }

    @Test func vectorXXXReceiversAndSendersMeanNone() {
        let r = load("BO_ 1 M: 8 Vector__XXX\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" Vector__XXX\n")
        #expect(r.database.messages[0].senders.isEmpty)
        #expect(r.database.messages[0].signals[0].receivers.isEmpty)
    }

    @Test func largeIntegerFactorStaysExact() {
        let s = load("BO_ 1 M: 8 X\n SG_ S : 0|64@1+ (1,-9223372036854775808) [0|0] \"\" Y\n").database.messages[0].signals[0]
        #expect(s.offset == .integer(.min))
        let big = load("BO_ 1 M: 8 X\n SG_ S : 0|64@1+ (1,99999999999999999999) [0|0] \"\" Y\n")
        #expect(places(big) == ["2:21 warning"])
        #expect(big.database.messages[0].signals[0].offset == .real(1e20))
    }

    @Test func lengthOver8IsFD() {
        let r = load("BO_ 1 FD: 64 X\nBO_ 2 CLASSIC: 8 X\nBO_ 3 ODD: 10 X\n")
        #expect(places(r) == ["3:1 warning"])
        #expect(r.database.messages.map(\.isFD) == [true, false, true])
    }

    @Test func signalValueDescriptionsIncludingNegativeAnd64Bit() {
        let r = load("""
        BO_ 1 M: 16 X
         SG_ S : 0|64@1- (1,0) [0|0] "" Y
         SG_ U : 64|64@1+ (1,0) [0|0] "" Y
        VAL_ 1 S -1 "minus one" 9223372036854775807 "max" -9223372036854775808 "min" 0 "zero" ;
        VAL_ 1 U 18446744073709551615 "all ones";

        """)
        #expect(places(r) == ["5:10 warning"])
        let m = r.database.messages[0]
        #expect(m.signals[0].label(forRaw: -1) == "minus one")
        #expect(m.signals[0].label(forRaw: .max) == "max")
        #expect(m.signals[0].label(forRaw: .min) == "min")
        #expect(m.signals[1].valueDescriptions == [ValueDescription(value: -1, label: "all ones")])
    }

    @Test func repeatedValueKeepsItsPlaceAndTakesTheLastLabel() {
        let m = load("BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" Y\nVAL_ 1 S 1 \"a\" 2 \"b\" 1 \"c\";\n").database.messages[0]
        #expect(m.signals[0].valueDescriptions == [ValueDescription(value: 1, label: "c"), ValueDescription(value: 2, label: "b")])
    }

    @Test func valueDescriptionsForUnknownMessageOrSignalWarn() {
        let r = load("BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" Y\nVAL_ 1 NOPE 1 \"a\";\nVAL_ 2 S 1 \"a\";\nVAL_ 1 EMPTY ;\n")
        #expect(places(r) == ["3:1 warning", "4:1 warning"])
        #expect(!r.hasErrors)
    }

    @Test func environmentVariableValueDescriptions() {
        let r = load("EV_ Speed: 0 [0|300] \"km/h\" 0 1 DUMMY_NODE_VECTOR0 Vector__XXX;\nVAL_ Speed 0 \"stopped\" 1 \"moving\";\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.environmentVariables[0].valueDescriptions.map(\.label) == ["stopped", "moving"])
    }

    @Test func signalValueTypes() {
        let r = load("""
        BO_ 1 M: 16 X
         SG_ F : 0|32@1- (1,0) [0|0] "" Y
         SG_ D : 39|64@0- (1,0) [0|0] "" Y
         SG_ I : 96|8@1+ (1,0) [0|0] "" Y
         SG_ BAD : 104|24@1- (1,0) [0|0] "" Y
        SIG_VALTYPE_ 1 F : 1;
        SIG_VALTYPE_ 1 D : 2;
        SIG_VALTYPE_ 1 BAD : 1;
        SIG_VALTYPE_ 1 MISSING : 1;

        """)
        #expect(places(r) == ["8:1 error", "9:1 warning"])
        #expect(r.database.messages[0].signals.map(\.valueType) == [.float32, .float64, .integer, .integer])
    }

    /// cantools: the length picks the float format, the code only says "float".
    @Test func floatFormatFollowsTheLength() {
        let r = load("""
        BO_ 1 M: 16 X
         SG_ HALF : 0|16@1- (1,0) [0|0] "" Y
         SG_ ONE_ON_64 : 16|64@1- (1,0) [0|0] "" Y
         SG_ TWO_ON_32 : 80|32@1- (1,0) [0|0] "" Y
        SIG_VALTYPE_ 1 HALF : 1;
        SIG_VALTYPE_ 1 ONE_ON_64 : 1;
        SIG_VALTYPE_ 1 TWO_ON_32 : 2;

        """)
        #expect(places(r) == ["5:1 warning", "6:1 warning", "7:1 warning"])
        #expect(!r.hasErrors)
        #expect(r.database.messages[0].signals.map(\.valueType) == [.float32, .float64, .float32])
    }

    @Test func transmittersAddSenders() {
        let r = load("BO_ 1 M: 8 A\nBO_TX_BU_ 1 : B,A,C;\nBO_TX_BU_ 7 : B;\n")
        #expect(places(r) == ["3:1 warning"])
        #expect(r.database.messages[0].senders == ["A", "B", "C"])
    }

    @Test func signalGroups() {
        let r = load("BO_ 1 M: 8 A\n SG_ S1 : 0|8@1+ (1,0) [0|0] \"\" Y\n SG_ S2 : 8|8@1+ (1,0) [0|0] \"\" Y\nSIG_GROUP_ 1 Group 1 : S1 S2;\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.signalGroups == [SignalGroup(messageID: 1, isExtended: false, name: "Group", repetitions: 1, signalNames: ["S1", "S2"])])
    }

    @Test func duplicateIDsOverlapsAndOverrunsWarn() {
        let r = load("""
        BO_ 1 FIRST: 8 A
         SG_ S1 : 0|8@1+ (1,0) [0|0] "" Y
        BO_ 1 SECOND: 2 A
         SG_ S1 : 0|8@1+ (1,0) [0|0] "" Y
         SG_ S2 : 4|8@1+ (1,0) [0|0] "" Y
         SG_ S3 : 23|8@0+ (1,0) [0|0] "" Y

        """)
        #expect(places(r) == ["3:1 warning", "5:2 warning", "6:2 warning"])
        #expect(r.database.message(id: 1, isExtended: false)?.name == "SECOND")
    }

    @Test func motorolaFootprintCrossesBytes() {
        // 7|16@0 covers byte 0 and byte 1; 15|8@0 is byte 1: they overlap.
        let r = load("BO_ 1 M: 8 A\n SG_ W : 7|16@0+ (1,0) [0|0] \"\" Y\n SG_ B : 15|8@0+ (1,0) [0|0] \"\" Y\n SG_ C : 23|8@0+ (1,0) [0|0] \"\" Y\n")
        #expect(places(r) == ["3:2 warning"])
    }

    @Test func badSignalGeometryIsAnErrorAndTheSignalIsSkipped() {
        let r = load("BO_ 1 M: 8 A\n SG_ Z : 0|0@1+ (1,0) [0|0] \"\" Y\n SG_ OK : 0|8@1+ (1,0) [0|0] \"\" Y\n")
        #expect(places(r) == ["2:2 error"])
        #expect(r.database.messages[0].signals.map(\.name) == ["OK"])
    }

    @Test func malformedSignalLineIsSkippedAndTheRestLoads() {
        let r = load("BO_ 1 M: 8 A\n SG_ BAD : 0|8@2+ (1,0) [0|0] \"\" Y\n SG_ OK : 8|8@1+ (1,0) [0|0] \"\" Y\nBO_ 2 N: 8 A\n")
        #expect(places(r) == ["2:16 error"])
        #expect(r.diagnostics[0].message == "expected the byte order 0 (Motorola) or 1 (Intel), found number '2'")
        #expect(r.database.messages.map(\.name) == ["M", "N"])
        #expect(r.database.messages[0].signals.map(\.name) == ["OK"])
    }

    @Test func malformedMessageSkipsItsSignals() {
        let r = load("BO_ x M: 8 A\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" Y\nBO_ 2 N: 8 A\n")
        #expect(places(r) == ["1:5 error"])
        #expect(r.database.messages.map(\.name) == ["N"])
    }
}
