import CANCore
import Foundation
import Testing
@testable import CANDatabase
import TestSupport

/// Differential tests against cantools 45.1.0 (`/tmp/venv`, `.venv` or `$CANDOR_VENV`).
///
/// cantools loads each DBC and hands us its model (so these tests check decoding, not
/// parsing); we build a `Database` from it, decode random frames, and cantools decodes the
/// same frames with `decode_choices=False`. The `signals` object (or the error) must be
/// the same text. Skipped, with a message, when Python with cantools is missing.
@Suite struct PlanCantoolsTests {
    /// Hand-written DBCs covering the decode corners.
    static let dbcs: [(name: String, text: String)] = [
        ("layouts", """
        VERSION ""
        BU_: ECU
        BO_ 100 INTEL_MOTO: 8 ECU
         SG_ I1 : 0|1@1+ (1,0) [0|1] "" ECU
         SG_ I12 : 3|12@1- (0.5,-3) [0|0] "" ECU
         SG_ M9 : 22|9@0+ (1,0) [0|0] "" ECU
         SG_ M20 : 37|20@0- (-0.25,100) [0|0] "deg" ECU
         SG_ TAIL : 58|6@1+ (3,7) [0|0] "" ECU
        BO_ 101 WIDE: 8 ECU
         SG_ U64 : 0|64@1+ (1,0) [0|0] "" ECU
        BO_ 102 WIDE_MOTO: 8 ECU
         SG_ S64 : 7|64@0- (1,0) [0|0] "" ECU
        BO_ 103 WIDE_SCALED: 8 ECU
         SG_ K : 7|64@0+ (3,1) [0|0] "" ECU
        BO_ 107 WIDE_SIGNED: 8 ECU
         SG_ KS : 0|64@1- (-4,-1000) [0|0] "" ECU
        BO_ 108 WIDE_OFFSET: 8 ECU
         SG_ KO : 0|64@1+ (1,-5) [0|0] "" ECU
        BO_ 104 WIDE_REAL: 8 ECU
         SG_ R : 0|64@1- (0.001,0) [0|0] "" ECU
        BO_ 105 FLOATS: 12 ECU
         SG_ F32 : 0|32@1- (1,0) [0|0] "" ECU
         SG_ F64 : 39|64@0- (1,0) [0|0] "" ECU
        BO_ 2566844926 J1939_LIKE: 8 ECU
         SG_ SPEED : 8|16@1+ (0.00390625,0) [0|250.996] "km/h" ECU
         SG_ INTPAIR : 24|8@1+ (2.0,5.0) [0|0] "" ECU
         SG_ MIXED : 32|32@1+ (3,0.5) [0|0] "" ECU
        BO_ 106 FD_MSG: 64 ECU
         SG_ FD_UNALIGNED : 4|64@1+ (1,0) [0|0] "" ECU
         SG_ FD_MOTO : 300|33@0- (0.1,0) [0|0] "" ECU
         SG_ FD_LAST : 504|8@1- (1,0) [0|0] "" ECU
        BO_ 109 DUPS: 4 ECU
         SG_ TWIN : 16|8@1+ (1,0) [0|0] "" ECU
         SG_ OTHER : 8|8@1+ (1,0) [0|0] "" ECU
         SG_ TWIN : 0|8@1- (2,1) [0|0] "" ECU
        BO_ 110 DUPS_MOTOROLA: 4 ECU
         SG_ PAIR : 7|8@0+ (1,0) [0|0] "" ECU
         SG_ PAIR : 23|8@0- (0.5,0) [0|0] "" ECU
         SG_ PLAIN : 15|8@0+ (1,0) [0|0] "" ECU
        BO_ 111 HALF: 2 ECU
         SG_ H : 0|16@1- (1,0) [0|0] "" ECU
        BO_ 112 TYPE1_ON_64: 8 ECU
         SG_ T1 : 0|64@1- (1,0) [0|0] "" ECU
        BO_ 113 TYPE2_ON_32: 4 ECU
         SG_ T2 : 7|32@0- (2,0) [0|0] "" ECU
        SIG_VALTYPE_ 105 F32 : 1;
        SIG_VALTYPE_ 105 F64 : 2;
        SIG_VALTYPE_ 111 H : 1;
        SIG_VALTYPE_ 112 T1 : 1;
        SIG_VALTYPE_ 113 T2 : 2;
        """),
        ("mux", """
        VERSION ""
        BU_: ECU
        BO_ 200 SIMPLE: 8 ECU
         SG_ A m0 : 8|16@1+ (1,0) [0|0] "" ECU
         SG_ B m1 : 8|8@1- (0.5,0) [0|0] "" ECU
         SG_ MUX M : 0|8@1+ (1,0) [0|0] "" ECU
         SG_ ALWAYS : 56|8@1+ (1,0) [0|0] "" ECU
        BO_ 201 EXTENDED: 8 ECU
         SG_ S1 M : 0|2@1+ (1,0) [0|0] "" ECU
         SG_ S2 m0M : 8|4@1+ (1,0) [0|0] "" ECU
         SG_ X m1 : 16|8@1+ (1,0) [0|0] "" ECU
         SG_ Y m2 : 16|16@1+ (1,0) [0|0] "" ECU
         SG_ Z m3 : 24|8@1- (1,0) [0|0] "" ECU
        BO_ 204 DUP_ACROSS: 4 ECU
         SG_ SW M : 0|4@1+ (1,0) [0|0] "" ECU
         SG_ V : 8|8@1+ (1,0) [0|0] "" ECU
         SG_ V m1 : 16|8@1- (1,0) [0|0] "" ECU
         SG_ W m2 : 16|8@1+ (1,0) [0|0] "" ECU
         SG_ V m3 : 24|8@1+ (3,0) [0|0] "" ECU
        BO_ 202 LONELY_SWITCH: 2 ECU
         SG_ L M : 0|4@1+ (1,0) [0|0] "" ECU
         SG_ O : 8|8@1+ (1,0) [0|0] "" ECU
        BO_ 203 SCALED_SWITCH: 2 ECU
         SG_ Q M : 0|4@1+ (2,1) [0|0] "" ECU
         SG_ Q3 m3 : 8|8@1+ (1,0) [0|0] "" ECU
         SG_ Q7 m7 : 8|8@1- (1,0) [0|0] "" ECU
        VAL_ 200 MUX 7 "SEVEN" 9 "NINE" ;
        SG_MUL_VAL_ 201 S2 S1 0-0;
        SG_MUL_VAL_ 201 X S2 1-3, 7-7;
        SG_MUL_VAL_ 201 Y S2 4-5;
        SG_MUL_VAL_ 201 Z S1 1-2;
        """),
    ]

    /// Dumps cantools' model of every DBC given on stdin (one `name\\tpath-or-inline` per line).
    static let dumpModel = #"""
    import sys, json, cantools
    out = []
    for line in sys.stdin.read().split('\x1e'):
        if not line.strip():
            continue
        name, kind, payload = line.split('\x1f')
        try:
            if kind == 'text':
                db = cantools.database.load_string(payload, 'dbc', strict=False)
            else:
                db = cantools.database.load_file(payload, strict=False)
        except Exception as e:
            out.append(dict(name=name, refused=str(e)))
            continue
        def num(x):
            return ('i:%d' % x) if isinstance(x, int) else ('f:' + repr(float(x)))
        msgs = []
        for m in db.messages:
            sigs = []
            for s in m.signals:
                sigs.append(dict(name=s.name, start=s.start, length=s.length, be=s.byte_order == 'big_endian',
                    signed=s.is_signed, float=s.is_float, scale=num(s.scale), offset=num(s.offset),
                    mux=s.is_multiplexer, muxsignal=s.multiplexer_signal, muxids=list(s.multiplexer_ids or []),
                    choices=sorted(int(k) for k in (s.choices or {}).keys())))
            msgs.append(dict(name=m.name, id=m.frame_id, ext=m.is_extended_frame, length=m.length, signals=sigs))
        out.append(dict(name=name, messages=msgs))
    print(json.dumps(out))
    """#

    /// Decodes `name\\tmessage index\\thex` lines with cantools; prints one result per line.
    static let decodeFrames = #"""
    import sys, json, math, cantools
    from cantools.database.can import Message
    dbs = {}
    for line in sys.stdin.read().split('\x1e'):
        if not line.strip():
            continue
        name, kind, payload = line.split('\x1f')[:3]
        if kind in ('text', 'file'):
            dbs[name] = (cantools.database.load_string(payload, 'dbc', strict=False) if kind == 'text'
                         else cantools.database.load_file(payload, strict=False))
            continue
        if name not in dbs:
            continue
        db = dbs[name]
        frame_id, ext, msg_name = kind.split(':', 2)
        # The last definition with this id, format and name (as the plan matched it).
        msg = [m for m in db.messages if m.frame_id == int(frame_id) and m.is_extended_frame == (ext == '1')
               and m.name == msg_name][-1]
        data = bytes.fromhex(payload)
        try:
            try:
                d = msg.decode(data, decode_choices=False)
            except cantools.database.DecodeError as e:
                if 'unpacking failed' not in str(e):
                    raise
                if msg.is_multiplexed():
                    # Overlapping multiplexed signals: unspecified, not compared.
                    print('SKIP')
                    continue
                # Overlapping signals: cantools cannot unpack the message at all; candor
                # decodes each signal on its own, so compare with one-signal messages.
                # A signal reaching past the message length cannot be decoded by cantools
                # at all (candor reads zeros there): such frames are not compared.
                d = {}
                for s in msg.signals:
                    single = Message(frame_id=msg.frame_id, name=msg.name, length=msg.length,
                                     signals=[s], is_extended_frame=msg.is_extended_frame, strict=False)
                    try:
                        d.update(single.decode(data, decode_choices=False))
                    except cantools.database.DecodeError:
                        d = None
                        break
                if d is None:
                    print('SKIP')
                    continue
        except cantools.database.DecodeError as e:
            text = str(e)
            if 'but got' in text:
                print('ERR:undefined multiplexer value ' + text.rsplit('but got ', 1)[1])
            elif 'Wrong data size' in text:
                print('ERR:short payload')
            else:
                print('ERR:' + text)
            continue
        def fix(v):
            if isinstance(v, float) and not math.isfinite(v):
                return 'NaN' if math.isnan(v) else ('Infinity' if v > 0 else '-Infinity')
            return v
        print(json.dumps({k: fix(v) for k, v in d.items()}, sort_keys=True, separators=(',', ':')))
    """#

    struct Source {
        var name: String
        var kind: String  // "text" or "file"
        var payload: String
    }

    static func model(_ json: Any) -> Database {
        let dict = json as! [String: Any]
        var messages: [Message] = []
        for m in dict["messages"] as! [[String: Any]] {
            var signals: [Signal] = []
            for s in m["signals"] as! [[String: Any]] {
                func number(_ text: String) -> Signal.Number {
                    text.hasPrefix("i:") ? .integer(Int64(text.dropFirst(2))!) : .real(Double(text.dropFirst(2))!)
                }
                let length = s["length"] as! Int
                let isFloat = s["float"] as! Bool
                var signal = Signal(
                    name: s["name"] as! String, startBit: s["start"] as! Int, length: length,
                    byteOrder: (s["be"] as! Bool) ? .bigEndian : .littleEndian, isSigned: s["signed"] as! Bool,
                    valueType: isFloat ? (length == 64 ? .float64 : .float32) : .integer,
                    factor: number(s["scale"] as! String), offset: number(s["offset"] as! String),
                    isMultiplexer: s["mux"] as! Bool,
                    valueDescriptions: (s["choices"] as! [Int]).map { ValueDescription(value: Int64($0), label: "L\($0)") })
                if let switchName = s["muxsignal"] as? String {
                    signal.multiplexer = .init(switchName: switchName, ranges: (s["muxids"] as! [Int]).map { UInt64($0)...UInt64($0) })
                }
                signals.append(signal)
            }
            messages.append(Message(
                id: UInt32(m["id"] as! Int), isExtended: m["ext"] as! Bool, name: m["name"] as! String,
                length: m["length"] as! Int, signals: signals, isFD: (m["length"] as! Int) > 8))
        }
        return Database(messages: messages)
    }

    static func header(_ s: Source) -> String { "\(s.name)\u{1F}\(s.kind)\u{1F}\(s.payload)\u{1E}" }

    /// Runs the comparison; returns (frames compared, mismatches).
    static func compare(
        _ sources: [Source], framesPerMessage: Int, seed: UInt64, python: String,
        database: (Source, Any) -> Database = { model($1) }
    ) throws -> (Int, Int) {
        let input = Data(sources.map(header).joined().utf8)
        let dumped = try PythonOracle.run(python, script: dumpModel, input: input)
        #expect(dumped.status == 0, "\(dumped.errors)")
        guard dumped.status == 0 else { return (0, 0) }
        let models = try JSONSerialization.jsonObject(with: dumped.output) as! [Any]
        var g = SplitMix64(seed: seed)
        var request = ""
        var ours: [(String, String)] = []  // (description, our text)
        for (source, json) in zip(sources, models) {
            if let refused = (json as? [String: Any])?["refused"] as? String {
                print("not compared: cantools refuses \(source.name): \(refused.prefix(100))")
                continue
            }
            request += header(source)
            let plan = DecodePlan(database(source, json))
            for (index, message) in plan.database.messages.enumerated() {
                guard plan.messageIndex(for: CANFrame(id: message.id, isExtended: message.isExtended, length: 0)) == index else { continue }
                for n in 0..<framesPerMessage {
                    var bytes = RandomLayout.bytes(message.length, using: &g)
                    if n % 4 != 0 { bytes = validMux(plan, index, bytes, using: &g) }
                    if n == 1 { bytes = [UInt8](repeating: 0xFF, count: message.length) }
                    if n == 2 { bytes = [UInt8](repeating: 0, count: message.length) }
                    let f = CANFrame(id: message.id, isExtended: message.isExtended, bytes: bytes, fd: message.length > 8)
                    var values = DecodedSignals()
                    let outcome = plan.decode(f, into: &values)
                    request += "\(source.name)\u{1F}\(message.id):\(message.isExtended ? 1 : 0):\(message.name)\u{1F}\(bytes.map { String(format: "%02x", $0) }.joined())\u{1E}"
                    ours.append(("\(source.name) \(message.name) \(bytes.map { String(format: "%02X", $0) }.joined(separator: " "))",
                                 text(plan, outcome, values)))
                }
            }
        }
        let decoded = try PythonOracle.run(python, script: decodeFrames, input: Data(request.utf8))
        #expect(decoded.status == 0, "\(decoded.errors)")
        let expected = String(decoding: decoded.output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var mismatches = 0
        var skipped = 0
        for (i, (what, got)) in ours.enumerated() {
            let want = i < expected.count ? expected[i] : "<missing>"
            if want == "SKIP" {
                skipped += 1
                continue
            }
            if got != want {
                mismatches += 1
                if mismatches <= 10 { Issue.record("seed 0x\(String(seed, radix: 16)) \(what):\n  ours     \(got)\n  cantools \(want)") }
            }
        }
        if skipped > 0 { print("not compared: \(skipped) frames cantools cannot decode at all (a signal past the message length, or overlapping multiplexed signals)") }
        return (ours.count - skipped, mismatches)
    }

    /// Sets every reachable switch to a value it defines (most of the time).
    static func validMux<G: RandomNumberGenerator>(_ plan: DecodePlan, _ index: Int, _ bytes: [UInt8], using g: inout G) -> [UInt8] {
        let messagePlan = plan.plans[index]
        guard !messagePlan.switches.isEmpty else { return bytes }
        var payload = CANPayload(bytes)
        for muxSwitch in messagePlan.switches {
            guard let range = muxSwitch.defined.randomElement(using: &g) else { continue }
            let value = Int128.random(in: range, using: &g)
            let signal = Int(messagePlan.steps[Int(muxSwitch.step)].signal)
            plan.setRaw(UInt64(truncatingIfNeeded: value), signal: signal, messageIndex: index, in: &payload)
        }
        return payload.bytes(count: bytes.count)
    }

    /// Our result in the oracle's form: the `signals` object, or `ERR:` and the error.
    static func text(_ plan: DecodePlan, _ outcome: DecodeOutcome, _ values: DecodedSignals) -> String {
        switch outcome {
        case .unknownMessage: return "ERR:unknown"
        case .failed(_, .shortPayload): return "ERR:short payload"
        case .failed(_, .undefinedMultiplexerValue(_, let v)): return "ERR:undefined multiplexer value \(v)"
        case .failed(_, let f): return "ERR:" + f.canonicalText
        case .decoded(let m):
            var buffer: [UInt8] = [UInt8(ascii: "{")]
            let message = plan.message(at: m)
            for i in 0..<values.count {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                JSONText.appendQuoted(message.signals[values[i].signal].name, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                CanonicalLine.appendValue(values[i].value, to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    @Test func handWrittenDBCsDecodeAsCantools() throws {
        guard let python = PythonOracle.find(importing: ["cantools"]) else {
            print("SKIPPED PlanCantoolsTests: no Python with cantools (set CANDOR_VENV or run Tests/setup.sh)")
            return
        }
        let seed: UInt64 = 0xCA17_0015_0000_0001
        print("PlanCantoolsTests.handWrittenDBCsDecodeAsCantools seed 0x\(String(seed, radix: 16)) python \(python)")
        let sources = Self.dbcs.map { Source(name: $0.name, kind: "text", payload: $0.text) }
        let (frames, mismatches) = try Self.compare(sources, framesPerMessage: 200, seed: seed, python: python)
        print("compared \(frames) frames with cantools: \(mismatches) mismatches")
        #expect(frames > 1000)
        #expect(mismatches == 0)
    }

    @Test func opendbcFilesDecodeAsCantools() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "opendbc"]) else {
            print("SKIPPED PlanCantoolsTests.opendbc: no Python with cantools and opendbc")
            return
        }
        let located = try PythonOracle.run(python, script: "import opendbc, os; print(os.path.join(os.path.dirname(opendbc.__file__), 'dbc'))", input: Data())
        let directory = String(decoding: located.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // A few files by default; every file with CANDOR_OPENDBC_ALL=1 (about a minute).
        var names = ["vw_mqb.dbc", "tesla_model3_party.dbc", "ford_lincoln_base_pt.dbc", "toyota_adas.dbc", "mazda_3_2019.dbc", "bmw_e9x_e8x.dbc"]
        if ProcessInfo.processInfo.environment["CANDOR_OPENDBC_ALL"] == "1" {
            names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".dbc") }.sorted()
        }
        let sources = names.map { Source(name: $0, kind: "file", payload: directory + "/" + $0) }
            .filter { FileManager.default.fileExists(atPath: $0.payload) }
        guard !sources.isEmpty else {
            print("SKIPPED PlanCantoolsTests.opendbc: none of \(names) in \(directory)")
            return
        }
        let seed: UInt64 = 0x0DBC_0000_0000_0002
        print("PlanCantoolsTests.opendbcFilesDecodeAsCantools seed 0x\(String(seed, radix: 16)) files \(sources.map(\.name))")
        let (frames, mismatches) = try Self.compare(sources, framesPerMessage: 12, seed: seed, python: python)
        print("compared \(frames) opendbc frames with cantools: \(mismatches) mismatches")
        #expect(mismatches == 0)
    }
}
