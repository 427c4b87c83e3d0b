import Testing
@testable import CANDatabase

/// Checklist rows 20-21: simple and extended multiplexing, as cantools reads them.
@Suite struct ParserMultiplexTests {
    let load = ParserSupport.load
    let places = ParserSupport.places

    @Test func simpleMultiplexing() {
        let m = load("""
        BO_ 1 M: 8 X
         SG_ A m0 : 8|8@1+ (1,0) [0|0] "" Y
         SG_ B m1 : 8|8@1+ (1,0) [0|0] "" Y
         SG_ SW M : 0|8@1+ (1,0) [0|0] "" Y
         SG_ PLAIN : 16|8@1+ (1,0) [0|0] "" Y

        """).database.messages[0]
        #expect(m.multiplexer?.name == "SW")
        #expect(m.signals[0].multiplexer == Signal.MultiplexCondition(switchName: "SW", ranges: [0...0]))
        #expect(m.signals[1].multiplexer == Signal.MultiplexCondition(switchName: "SW", ranges: [1...1]))
        #expect(m.signals[2].isMultiplexer && m.signals[2].multiplexer == nil)
        #expect(m.signals[3].multiplexer == nil && !m.signals[3].isMultiplexer)
    }

    @Test func multiplexedSignalsDoNotOverlapEachOther() {
        let r = load("BO_ 1 M: 8 X\n SG_ SW M : 0|8@1+ (1,0) [0|0] \"\" Y\n SG_ A m0 : 8|8@1+ (1,0) [0|0] \"\" Y\n SG_ B m1 : 8|8@1+ (1,0) [0|0] \"\" Y\n SG_ C m1 : 12|8@1+ (1,0) [0|0] \"\" Y\n")
        #expect(places(r) == ["5:2 warning"])
    }

    @Test func switchWithValueButNoRangesIsAPlainSwitch() {
        // cantools: the only m<n>M signal of a message is its switch; m<n> is not used.
        let r = load("BO_ 1 M: 8 X\n SG_ SW m3M : 0|8@1+ (1,0) [0|0] \"\" Y\n SG_ A m1 : 8|8@1+ (1,0) [0|0] \"\" Y\n")
        #expect(places(r) == ["2:2 warning"])
        let m = r.database.messages[0]
        #expect(m.signals[0].isMultiplexer && m.signals[0].multiplexer == nil)
        #expect(m.signals[1].multiplexer == Signal.MultiplexCondition(switchName: "SW", ranges: [1...1]))
    }

    @Test func extendedMultiplexingWithRanges() {
        let r = load("""
        BO_ 1 M: 8 X
         SG_ S0 M : 0|4@1+ (1,0) [0|0] "" Y
         SG_ S1 m1M : 4|4@1+ (1,0) [0|0] "" Y
         SG_ A m2 : 8|8@1+ (1,0) [0|0] "" Y
         SG_ B m0 : 16|8@1+ (1,0) [0|0] "" Y
        SG_MUL_VAL_ 1 S1 S0 1-1;
        SG_MUL_VAL_ 1 A S1 2-2, 4-6, 3-3;
        SG_MUL_VAL_ 1 B S0 0-0,8 - 9;

        """)
        #expect(r.diagnostics.isEmpty)
        let m = r.database.messages[0]
        #expect(m.signals[0].isMultiplexer && m.signals[0].multiplexer == nil)
        #expect(m.signals[1].isMultiplexer)
        #expect(m.signals[1].multiplexer == Signal.MultiplexCondition(switchName: "S0", ranges: [1...1]))
        #expect(m.signals[2].multiplexer == Signal.MultiplexCondition(switchName: "S1", ranges: [2...6]))
        #expect(m.signals[3].multiplexer == Signal.MultiplexCondition(switchName: "S0", ranges: [0...0, 8...9]))
    }

    @Test func severalSwitchesWithoutRangesDecodeUnconditionally() {
        let r = load("BO_ 1 M: 8 X\n SG_ S0 M : 0|4@1+ (1,0) [0|0] \"\" Y\n SG_ S1 m1M : 4|4@1+ (1,0) [0|0] \"\" Y\n SG_ A m2 : 8|8@1+ (1,0) [0|0] \"\" Y\n")
        #expect(places(r) == ["4:2 warning"])
        #expect(r.database.messages[0].signals[2].multiplexer == nil)
    }

    @Test func multiplexedSignalWithoutSwitchWarns() {
        let r = load("BO_ 1 M: 8 X\n SG_ A m2 : 8|8@1+ (1,0) [0|0] \"\" Y\n")
        #expect(places(r) == ["2:2 warning"])
        #expect(r.database.messages[0].signals[0].multiplexer == nil)
    }

    @Test func simpleSwitchAddsRangesFromSGMULVAL() {
        let r = load("BO_ 1 M: 8 X\n SG_ SW M : 0|8@1+ (1,0) [0|0] \"\" Y\n SG_ A m1 : 8|8@1+ (1,0) [0|0] \"\" Y\nSG_MUL_VAL_ 1 A SW 3-4;\n")
        #expect(r.diagnostics.isEmpty)
        #expect(r.database.messages[0].signals[1].multiplexer == Signal.MultiplexCondition(switchName: "SW", ranges: [1...1, 3...4]))
    }

    @Test func unusedOrEmptyRangesWarn() {
        let r = load("BO_ 1 M: 8 X\n SG_ SW M : 0|8@1+ (1,0) [0|0] \"\" Y\nSG_MUL_VAL_ 1 NOPE SW 1-1;\nSG_MUL_VAL_ 1 SW SW 5-2;\n")
        #expect(places(r) == ["3:1 warning", "4:21 warning"])
    }

    @Test func unknownIndicatorIsIgnoredWithAWarning() {
        let r = load("BO_ 1 M: 8 X\n SG_ A m : 8|8@1+ (1,0) [0|0] \"\" Y\n")
        #expect(places(r) == ["2:8 warning"])
        #expect(r.database.messages[0].signals[0].multiplexer == nil)
    }
}
