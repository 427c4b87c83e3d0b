import CANCore
import Testing
@testable import CANDatabase

@Suite struct PlanDecodeTests {
    // MARK: Matching

    static let matching = Database(messages: [
        Message(id: 0x24, name: "STD_24", length: 2, signals: [Signal(name: "A", startBit: 0, length: 16)]),
        Message(id: 0x24, isExtended: true, name: "EXT_24", length: 2, signals: [Signal(name: "B", startBit: 0, length: 16)]),
        Message(id: 0x30, name: "STD_30", length: 1, signals: [Signal(name: "C", startBit: 0, length: 8)]),
        Message(id: 0x30, name: "STD_30_AGAIN", length: 1, signals: [Signal(name: "D", startBit: 0, length: 8)]),
        Message(id: 0x18FE_F100, isExtended: true, name: "EXT_BIG", length: 1, signals: [Signal(name: "E", startBit: 0, length: 8)]),
    ])

    @Test func extendedFrameMatchesExtendedMessageFirst() {
        let plan = DecodePlan(Self.matching)
        #expect(plan.messageIndex(for: frame(0x24, [1, 0], extended: true)) == 1)
        #expect(plan.messageIndex(for: frame(0x24, [1, 0])) == 0)
    }

    @Test func extendedFrameFallsBackToStandardMessage() {
        let plan = DecodePlan(Self.matching)
        #expect(plan.messageIndex(for: frame(0x30, [7], extended: true)) == 3)
        #expect(plan.messageIndex(for: frame(0x18FE_F100, [7], extended: true)) == 4)
        #expect(plan.messageIndex(for: frame(0x18FE_F101, [7], extended: true)) == nil)
        // A standard frame never matches an extended message.
        #expect(plan.messageIndex(for: frame(0x7FF, [7])) == nil)
    }

    @Test func duplicateIdentifierLastDefinitionWins() {
        let plan = DecodePlan(Self.matching)
        let (outcome, values) = decoded(plan, frame(0x30, [9]))
        #expect(outcome == .decoded(message: 3))
        #expect(values == ["D": .unsigned(9)])
        #expect(plan.messageIndex(named: "STD_30") == 2)
    }

    @Test func errorFramesMatchNothingAndPrintNothing() {
        let plan = DecodePlan(Self.matching)
        let error = CANFrame(id: 0x24, kind: .error, length: 8)
        var values = DecodedSignals()
        #expect(plan.decode(error, into: &values) == .unknownMessage)
        var buffer: [UInt8] = []
        CanonicalLine.append(frame: error, plan: plan, outcome: .unknownMessage, values: values, to: &buffer)
        #expect(buffer.isEmpty)
    }

    @Test func shortPayloadRemoteFrameAndExcessBytes() {
        let plan = DecodePlan(Self.matching)
        #expect(decoded(plan, frame(0x24, [1])).0 == .failed(message: 0, .shortPayload(got: 1, expected: 2)))
        let remote = CANFrame(timestamp: CANTimestamp(seconds: 1, nanoseconds: 0), bus: "can0", id: 0x24, kind: .remote, length: 2)
        #expect(decoded(plan, remote).0 == .failed(message: 0, .remoteFrame))
        #expect(canonicalLine(plan, remote) == #"{"bus":"can0","error":"remote frame","ext":false,"id":36,"msg":"STD_24","t":1.000000}"#)
        #expect(canonicalLine(plan, frame(0x24, [1])) == #"{"bus":"can0","error":"short payload: 1 of 2 bytes","ext":false,"id":36,"msg":"STD_24","t":1.000000}"#)
        // Bytes past the DBC length are ignored.
        #expect(decoded(plan, frame(0x24, [1, 2, 3, 4, 5, 6, 7, 8])).1 == ["A": .unsigned(0x0201)])
    }

    @Test func unknownIdentifierLine() {
        let plan = DecodePlan(Self.matching)
        #expect(canonicalLine(plan, frame(0x7FF, [1])) == #"{"bus":"can0","ext":false,"id":2047,"msg":null,"signals":{},"t":1.000000}"#)
        #expect(canonicalLine(plan, frame(0x1234567, [1], extended: true)) == #"{"bus":"can0","ext":true,"id":19088743,"msg":null,"signals":{},"t":1.000000}"#)
    }

    @Test func signalsOverhangingTheDBCLengthReadZerosNotExcessBytes() {
        let db = Database(messages: [Message(id: 1, name: "M", length: 1, signals: [Signal(name: "W", startBit: 0, length: 16)])])
        let plan = DecodePlan(db)
        #expect(decoded(plan, frame(1, [0x11, 0x22, 0x33])).1 == ["W": .unsigned(0x11)])
    }

    // MARK: J1939

    static let j1939 = Database(messages: [
        // PDU2 (PF 0xFE >= 240): PGN 0xFEF1, source address 0x00.
        Message(id: 0x18FE_F100, isExtended: true, name: "CCVS", length: 1, signals: [Signal(name: "S", startBit: 0, length: 8)]),
        // PDU1 (PF 0xEF < 240): destination 0x25, source 0x17.
        Message(id: 0x18EF_2517, isExtended: true, name: "PROP_A", length: 1, signals: [Signal(name: "P", startBit: 0, length: 8)]),
    ])

    @Test func j1939MatchesByPGN() {
        let exact = DecodePlan(Self.j1939)
        let pgn = DecodePlan(Self.j1939, options: DecodeOptions(matchJ1939ByPGN: true))
        // Another source address, another priority.
        #expect(exact.messageIndex(for: frame(0x0CFE_F1EE, [1], extended: true)) == nil)
        #expect(pgn.messageIndex(for: frame(0x0CFE_F1EE, [1], extended: true)) == 0)
        // PDU2: the PS byte is the group extension and must match.
        #expect(pgn.messageIndex(for: frame(0x18FE_F2EE, [1], extended: true)) == nil)
        // PDU1: destination and source are ignored.
        #expect(pgn.messageIndex(for: frame(0x18EF_FF00, [1], extended: true)) == 1)
        #expect(pgn.messageIndex(for: frame(0x18EE_2517, [1], extended: true)) == nil)
        #expect(J1939.parameterGroupNumber(0x18FE_F100) == 0xFEF1)
        #expect(J1939.parameterGroupNumber(0x18EF_2517) == 0xEF00)
    }

    // MARK: Values

    @Test func sixtyFourBitIntegersStayExact() {
        let db = Database(messages: [Message(id: 1, name: "M", length: 8, signals: [
            Signal(name: "U", startBit: 0, length: 64),
        ]), Message(id: 2, name: "N", length: 8, signals: [
            Signal(name: "S", startBit: 7, length: 64, byteOrder: .bigEndian, isSigned: true),
        ]), Message(id: 3, name: "O", length: 9, signals: [
            // Unaligned 64-bit Intel: spans 9 bytes.
            Signal(name: "W", startBit: 4, length: 64, factor: .integer(2), offset: .integer(1)),
        ], isFD: true)])
        let plan = DecodePlan(db)
        #expect(decoded(plan, frame(1, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])).1 == ["U": .unsigned(UInt64.max)])
        #expect(decoded(plan, frame(2, [0x80, 0, 0, 0, 0, 0, 0, 1])).1 == ["S": .integer(Int64.min + 1)])
        // raw = 0xFFFF_FFFF_FFFF_FFFF -> 2 * raw + 1 = 2^65 - 1: beyond 64 bits, still exact.
        let wide = decoded(plan, frame(3, [0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]))
        #expect(wide.1 == ["W": .wideInteger(WideInteger((Int128(1) << 65) - 1))])
        #expect(canonicalLine(plan, frame(3, [0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])).contains(#"{"W":36893488147419103231}"#))
        let small = decoded(plan, frame(3, [0x30, 0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(small.1 == ["W": .integer(7)])
        #expect(canonicalLine(plan, frame(1, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])).contains(#""U":18446744073709551615"#))
    }

    @Test func floatSignals() {
        let db = Database(messages: [Message(id: 1, name: "M", length: 12, signals: [
            Signal(name: "F32", startBit: 0, length: 32, valueType: .float32),
            Signal(name: "F64", startBit: 39, length: 64, byteOrder: .bigEndian, valueType: .float64),
        ], isFD: true)])
        let plan = DecodePlan(db)
        var bytes = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: Float(0.1).bitPattern.littleEndian) { for i in 0..<4 { bytes[i] = $0[i] } }
        withUnsafeBytes(of: (-2.5).bitPattern.bigEndian) { for i in 0..<8 { bytes[4 + i] = $0[i] } }
        let (_, values) = decoded(plan, frame(1, bytes))
        #expect(values == ["F32": .real(Double(Float(0.1))), "F64": .real(-2.5)])
        #expect(canonicalLine(plan, frame(1, bytes)).contains(#"{"F32":0.10000000149011612,"F64":-2.5}"#))
        // NaN and infinities are strings in the canonical line.
        withUnsafeBytes(of: Float.infinity.bitPattern.littleEndian) { for i in 0..<4 { bytes[i] = $0[i] } }
        withUnsafeBytes(of: Double.nan.bitPattern.bigEndian) { for i in 0..<8 { bytes[4 + i] = $0[i] } }
        #expect(canonicalLine(plan, frame(1, bytes)).contains(#"{"F32":"Infinity","F64":"NaN"}"#))
    }

    @Test func floatWidthFollowsTheSignalLength() {
        // cantools reads SIG_VALTYPE_ 1 on a 64-bit signal as a double, on 16 bits as a half.
        let db = Database(messages: [Message(id: 1, name: "M", length: 10, signals: [
            Signal(name: "D", startBit: 0, length: 64, valueType: .float32),
            Signal(name: "H", startBit: 64, length: 16, valueType: .float32),
        ], isFD: true)])
        var bytes = [UInt8](repeating: 0, count: 10)
        withUnsafeBytes(of: (1.5).bitPattern.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
        withUnsafeBytes(of: Float16(-2.25).bitPattern.littleEndian) { for i in 0..<2 { bytes[8 + i] = $0[i] } }
        #expect(decoded(DecodePlan(db), frame(1, bytes)).1 == ["D": .real(1.5), "H": .real(-2.25)])
    }

    @Test func duplicateSignalNamesKeepOneValue() {
        // cantools: raw bits of the lowest-starting Intel signal, conversion of the last one.
        let db = Database(messages: [Message(id: 1, name: "M", length: 3, signals: [
            Signal(name: "TWIN", startBit: 16, length: 8, factor: .integer(2), offset: .integer(1)),
            Signal(name: "OTHER", startBit: 8, length: 8),
            Signal(name: "TWIN", startBit: 0, length: 8),
        ])])
        let plan = DecodePlan(db)
        #expect(canonicalLine(plan, frame(1, [10, 20, 30])).contains(#"{"OTHER":20,"TWIN":21}"#))
    }

    @Test func negativeFactorAndConversionTypes() {
        let db = Database(messages: [Message(id: 1, name: "M", length: 8, signals: [
            // dbc-grammar row 12: 23|12@0- (-0.5,0), raw 0x800 -> 1024.0
            Signal(name: "NEG", startBit: 23, length: 12, byteOrder: .bigEndian, isSigned: true, factor: .real(-0.5), offset: .integer(0)),
            Signal(name: "INT", startBit: 0, length: 8, factor: .integer(-2), offset: .integer(10)),
            Signal(name: "REAL_INTEGRAL", startBit: 8, length: 8, factor: .real(2.0), offset: .real(0)),
            Signal(name: "ONE_POINT_ZERO", startBit: 40, length: 8, factor: .real(1.0), offset: .real(0.0)),
            Signal(name: "OFFSET", startBit: 48, length: 8, factor: .integer(1), offset: .real(0.5)),
        ])])
        let plan = DecodePlan(db)
        let bytes: [UInt8] = [3, 4, 0x80, 0x0F, 0, 7, 1, 0]
        let (_, values) = decoded(plan, frame(1, bytes))
        #expect(values["NEG"] == .real(1024.0))
        #expect(values["INT"] == .integer(4))
        #expect(values["REAL_INTEGRAL"] == .integer(8))  // cantools: 2.0.is_integer() -> LinearIntegerConversion
        #expect(values["ONE_POINT_ZERO"] == .unsigned(7))  // identity
        #expect(values["OFFSET"] == .real(1.5))
        #expect(canonicalLine(plan, frame(1, bytes)) ==
            #"{"bus":"can0","ext":false,"id":1,"msg":"M","signals":{"INT":4,"NEG":1024.0,"OFFSET":1.5,"ONE_POINT_ZERO":7,"REAL_INTEGRAL":8},"t":1.000000}"#)
    }

    // MARK: Multiplexing

    /// Simple mux: MUX (M) selects A (m0) or B (m1); C is always there.
    static let simpleMux = Database(messages: [Message(id: 0x10, name: "MUXED", length: 4, signals: [
        Signal(name: "C", startBit: 24, length: 8),
        Signal(name: "A", startBit: 8, length: 16, multiplexer: .init(switchName: "MUX", ranges: [0...0])),
        Signal(name: "B", startBit: 8, length: 8, isSigned: true, multiplexer: .init(switchName: "MUX", ranges: [1...1])),
        Signal(name: "MUX", startBit: 0, length: 8, isMultiplexer: true,
               valueDescriptions: [ValueDescription(value: 5, label: "EMPTY")]),
    ])])

    @Test func simpleMultiplexing() {
        let plan = DecodePlan(Self.simpleMux)
        #expect(decoded(plan, frame(0x10, [0, 0x34, 0x12, 9])).1 == ["MUX": .unsigned(0), "A": .unsigned(0x1234), "C": .unsigned(9)])
        #expect(decoded(plan, frame(0x10, [1, 0xFF, 0x12, 9])).1 == ["MUX": .unsigned(1), "B": .integer(-1), "C": .unsigned(9)])
        // A value with only a value description is defined: no branch signals.
        #expect(decoded(plan, frame(0x10, [5, 0, 0, 9])).1 == ["MUX": .unsigned(5), "C": .unsigned(9)])
        #expect(decoded(plan, frame(0x10, [2, 0, 0, 9])).0 == .failed(message: 0, .undefinedMultiplexerValue(switchName: "MUX", value: 2)))
        #expect(canonicalLine(plan, frame(0x10, [2, 0, 0, 9])) ==
            #"{"bus":"can0","error":"undefined multiplexer value 2 for MUX","ext":false,"id":16,"msg":"MUXED","t":1.000000}"#)
        #expect(canonicalLine(plan, frame(0x10, [1, 0xFE, 0x12, 9])) ==
            #"{"bus":"can0","ext":false,"id":16,"msg":"MUXED","signals":{"B":-2,"C":9,"MUX":1},"t":1.000000}"#)
    }

    /// Extended mux: S1 (root switch) 0..3 -> S2 (switch) ; S2 in 10-12 or 20 -> X; S1 == 4 -> Y.
    static let extendedMux = Database(messages: [Message(id: 0x20, name: "EXT", length: 4, signals: [
        Signal(name: "S1", startBit: 0, length: 8, isMultiplexer: true),
        Signal(name: "S2", startBit: 8, length: 8, isMultiplexer: true, multiplexer: .init(switchName: "S1", ranges: [0...3])),
        Signal(name: "X", startBit: 16, length: 8, multiplexer: .init(switchName: "S2", ranges: [10...12, 20...20])),
        Signal(name: "Y", startBit: 16, length: 16, multiplexer: .init(switchName: "S1", ranges: [4...4])),
        // Never decoded: its switch is not a multiplexer.
        Signal(name: "ORPHAN", startBit: 24, length: 8, multiplexer: .init(switchName: "Y", ranges: [0...255])),
    ])])

    @Test func extendedMultiplexingWithRanges() {
        let plan = DecodePlan(Self.extendedMux)
        #expect(decoded(plan, frame(0x20, [2, 11, 7, 0])).1 == ["S1": .unsigned(2), "S2": .unsigned(11), "X": .unsigned(7)])
        #expect(decoded(plan, frame(0x20, [3, 20, 7, 0])).1 == ["S1": .unsigned(3), "S2": .unsigned(20), "X": .unsigned(7)])
        #expect(decoded(plan, frame(0x20, [4, 99, 7, 1])).1 == ["S1": .unsigned(4), "Y": .unsigned(0x107)])
        #expect(decoded(plan, frame(0x20, [2, 13, 7, 0])).0 == .failed(message: 0, .undefinedMultiplexerValue(switchName: "S2", value: 13)))
        // A signed switch: the value is negative, as cantools prints it.
        var signed = Self.extendedMux
        signed.messages[0].signals[0].isSigned = true
        let signedPlan = DecodePlan(signed)
        #expect(canonicalLine(signedPlan, frame(0x20, [0xFF, 0, 0, 0])).contains(#""error":"undefined multiplexer value -1 for S1""#))
        #expect(decoded(plan, frame(0x20, [5, 11, 7, 0])).0 == .failed(message: 0, .undefinedMultiplexerValue(switchName: "S1", value: 5)))
    }

    // MARK: Encoder

    @Test func encoderSetsMultiplexerAndFillsFrame() throws {
        let plan = DecodePlan(Self.extendedMux)
        let f = try plan.encode(messageIndex: 0, physical: ["S1": 1, "S2": 12, "X": 200])
        #expect(f.id == 0x20 && !f.isExtended && f.kind == .classic && f.length == 4)
        #expect(f.bytes == [1, 12, 200, 0])
        #expect(throws: EncodeError.missingSignal(message: "EXT", signal: "X")) {
            try plan.encode(messageIndex: 0, physical: ["S1": 1, "S2": 12])
        }
        #expect(throws: EncodeError.undefinedMultiplexerValue(switchName: "S1", value: 9)) {
            try plan.encode(messageIndex: 0, physical: ["S1": 9])
        }
    }

    @Test func encoderRoundsHalfToEvenAndClamps() throws {
        let db = Database(messages: [Message(id: 1, name: "M", length: 20, signals: [
            Signal(name: "T", startBit: 0, length: 8, factor: .real(0.5), offset: .real(-40)),
            Signal(name: "S", startBit: 8, length: 4, isSigned: true),
            Signal(name: "E", startBit: 12, length: 4),
        ], isFD: true)])
        let plan = DecodePlan(db)
        let f = try plan.encode(messageIndex: 0, physical: ["T": -39.75, "S": -100, "E": 2.5])
        // (-39.75 + 40) / 0.5 = 0.5 -> 0 (half to even); S clamps to -8; E 2.5 -> 2.
        #expect(f.kind == .fd && f.length == 20)
        #expect(Array(f.bytes.prefix(2)) == [0, 0x28])
        let g = try plan.encode(messageIndex: 0, physical: ["T": 1000, "S": 100, "E": -3])
        #expect(Array(g.bytes.prefix(2)) == [0xFF, 0x07])
    }

    // MARK: Text

    @Test func textFrameLineLooksLikeLog2long() {
        // `log2long` (can-utils) prints these frames as shown, minus its ASCII column.
        let plan = DecodePlan(Self.matching)
        func text(_ f: CANFrame) -> String {
            var values = DecodedSignals()
            let outcome = plan.decode(f, into: &values)
            var buffer: [UInt8] = []
            DecodedText.append(frame: f, plan: plan, outcome: outcome, values: values, to: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        }
        #expect(text(frame(0x18FE_F100, [1], extended: true)) == "(1.000000)  can0  18FEF100   [1]  01  EXT_BIG\n  E = 1")
        #expect(text(frame(0x123, [1, 2], extended: true)) == "(1.000000)  can0  00000123   [2]  01 02  (unknown)")
        let remote = CANFrame(timestamp: CANTimestamp(seconds: 1, nanoseconds: 0), bus: "can0", id: 0x24, kind: .remote, length: 2)
        #expect(text(remote) == "(1.000000)  can0       024   [2]  remote request  STD_24\n  error: remote frame")
        let fd = CANFrame(timestamp: CANTimestamp(seconds: 1, nanoseconds: 0), bus: "can0", id: 0x123, bytes: Array(1...9), fd: true)
        #expect(text(fd) == "(1.000000)  can0       123  [09]  01 02 03 04 05 06 07 08 09  (unknown)")
    }

    @Test func textOutputForPeople() {
        var db = Self.simpleMux
        db.messages[0].signals[0].unit = "km/h"
        db.messages[0].signals[2].valueDescriptions = [ValueDescription(value: -2, label: "MINUS TWO")]
        let plan = DecodePlan(db)
        let f = frame(0x10, [1, 0xFE, 0x12, 9])
        var values = DecodedSignals()
        let outcome = plan.decode(f, into: &values)
        var buffer: [UInt8] = []
        DecodedText.append(frame: f, plan: plan, outcome: outcome, values: values, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == """
            (1.000000)  can0       010   [4]  01 FE 12 09  MUXED
              B = -2 "MINUS TWO"
              C = 9 km/h
              MUX = 1
            """)
    }
}
