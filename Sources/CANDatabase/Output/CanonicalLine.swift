import CANCore

/// The canonical decoded-frame line (DESIGN.md): one JSON object, keys sorted, no spaces.
///
///     {"bus":"can0","ext":false,"id":36,"msg":"KINEMATICS","signals":{"ACCEL_X":18.05},"t":1627323339.323041}
///     {"bus":"can0","error":"remote frame","ext":false,"id":36,"msg":"KINEMATICS","t":1.000000}
///     {"bus":"can0","ext":false,"id":1,"msg":null,"signals":{},"t":1.000000}
///
/// Numbers are written as Python's `json.dumps` writes cantools' values: integers in
/// decimal, floats as `repr(float)`, non-finite floats as the strings `"NaN"`,
/// `"Infinity"`, `"-Infinity"`. Strings are escaped as `json.dumps` does (ASCII only).
///
/// The line is written in one pass into scratch memory bounded up front (`ByteWriter`): the
/// message name and every `"SIGNAL":` key are JSON-escaped once, when the plan is compiled
/// (`CanonicalKeys`), the fixed pieces are literals, values are
/// formatted in place; the finished line is appended to the caller's buffer in one copy.
/// No `String` or `Array` per frame (but the reason of a frame that fails to decode).
public enum CanonicalLine {
    /// The widest value text: a 128-bit integer (`-170141183460469231731687303715884105728`).
    @inlinable static var maxValueLength: Int { 40 }

    /// Every fixed piece of the longest line but the bus, names, error and values:
    /// `{"bus":`, `,"ext":false,"id":`, the id (10 digits), `,"msg":`, `null,"signals":{}` or
    /// `,"signals":{` and `}`, `,"t":`, the timestamp (31 bytes), `}`.
    static var fixedLength: Int { 7 + 18 + 10 + 7 + 17 + 5 + 31 + 1 }

    /// Appends the line for `frame` (no trailing newline). Error frames produce no line, so
    /// nothing is appended for them. `outcome` and `values` are what `plan.decode` returned
    /// for this frame; values are written in their order, which `decode` makes the name order.
    public static func append(
        frame: CANFrame, plan: DecodePlan, outcome: DecodeOutcome, values: DecodedSignals,
        to buffer: inout [UInt8]
    ) {
        var memo = Memo()
        append(frame: frame, plan: plan, outcome: outcome, values: values, memo: &memo, to: &buffer)
    }

    /// Appends the line for `frame` as `append(frame:plan:outcome:values:to:)` does, taking
    /// the bus's and the whole seconds' text from `memo` when they are those of the line
    /// before (and keeping them there for the next).
    public static func append(
        frame: CANFrame, plan: DecodePlan, outcome: DecodeOutcome, values: DecodedSignals,
        memo: inout Memo, to buffer: inout [UInt8]
    ) {
        guard frame.kind != .error else { return }
        // The fields the line shows, taken out of the frame once: the closures below copied
        // the whole frame (and retained its bus) each time they captured it.
        let head = Head(bus: frame.bus, id: frame.id, isExtended: frame.isExtended)
        let time = frame.timestamp
        let bound = fixedLength + JSONText.maxQuotedLength(head.bus)
        switch outcome {
        case .unknownMessage:
            ByteWriter.append(to: &buffer, capacity: bound) { w in
                writeHead(head, memo: &memo, to: &w)
                w.bytes("null,\"signals\":{}")
                writeTail(time, memo: &memo, to: &w)
            }
        case .failed(let index, let failure):
            let reason = failure.canonicalText
            let text = plan.canonicalKeys
            let name = text.name(index)
            text.names.withUnsafeBufferPointer { names in
                ByteWriter.append(to: &buffer, capacity: bound + name.count + 9 + JSONText.maxQuotedLength(reason)) { w in
                    w.bytes("{\"bus\":")
                    memo.writeBus(head.bus, to: &w)
                    w.bytes(",\"error\":")
                    JSONText.write(reason, to: &w)
                    writeID(head, to: &w)
                    w.bytes(names.baseAddress! + name.lowerBound, count: name.count)
                    writeTail(time, memo: &memo, to: &w)
                }
            }
        case .decoded(let index):
            let text = plan.canonicalKeys
            let name = text.name(index)
            let firstKey = Int(text.firstKey[index])
            let capacity = bound + Int(text.lineBounds[index])
            text.names.withUnsafeBufferPointer { names in
                text.keys.withUnsafeBufferPointer { keys in
                    text.keyOffsets.withUnsafeBufferPointer { offsets in
                        values.signals.withUnsafeBufferPointer { signals in
                            values.values.withUnsafeBufferPointer { entries in
                                let n = values.count
                                ByteWriter.append(to: &buffer, capacity: capacity) { w in
                                    writeHead(head, memo: &memo, to: &w)
                                    w.bytes(names.baseAddress! + name.lowerBound, count: name.count)
                                    w.bytes(",\"signals\":{")
                                    for i in 0..<n {
                                        if i > 0 { w.byte(UInt8(ascii: ",")) }
                                        let k = firstKey &+ Int(signals[i])
                                        let start = Int(offsets[k])
                                        w.bytes(keys.baseAddress! + start, count: Int(offsets[k &+ 1]) &- start)
                                        writeValue(entries[i], to: &w)
                                    }
                                    w.byte(UInt8(ascii: "}"))
                                    writeTail(time, memo: &memo, to: &w)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// What the line shows of the frame before its name.
    struct Head {
        let bus: String
        let id: UInt32
        let isExtended: Bool
    }

    /// `{"bus":"…","ext":…,"id":…,"msg":`
    @inline(__always)
    static func writeHead(_ head: Head, memo: inout Memo, to w: inout ByteWriter) {
        w.bytes("{\"bus\":")
        memo.writeBus(head.bus, to: &w)
        writeID(head, to: &w)
    }

    /// `,"ext":…,"id":…,"msg":`
    @inline(__always)
    static func writeID(_ head: Head, to w: inout ByteWriter) {
        if head.isExtended { w.bytes(",\"ext\":true,\"id\":") } else { w.bytes(",\"ext\":false,\"id\":") }
        w.unsigned(UInt64(head.id))
        w.bytes(",\"msg\":")
    }

    /// `,"t":…}`
    @inline(__always)
    static func writeTail(_ time: CANTimestamp, memo: inout Memo, to w: inout ByteWriter) {
        w.bytes(",\"t\":")
        memo.writeTime(time, to: &w)
        w.byte(UInt8(ascii: "}"))
    }

    /// A value as the canonical line writes it.
    @inlinable
    public static func appendValue(_ value: SignalValue, to buffer: inout [UInt8]) {
        ByteWriter.append(to: &buffer, capacity: maxValueLength) { writeValue(value, to: &$0) }
    }

    @inlinable
    static func writeValue(_ value: SignalValue, to w: inout ByteWriter) {
        switch value {
        case .integer(let v): w.signed(v)
        case .unsigned(let v): w.unsigned(v)
        case .real(let v): PythonFloatText.writeJSON(v, to: &w)
        case .wideInteger(let v): writeWide(v.value, to: &w)
        }
    }

    /// Decimal digits of a 128-bit integer.
    @usableFromInline
    static func writeWide(_ value: Int128, to w: inout ByteWriter) {
        if value < 0 { w.byte(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        let chunk: UInt128 = 10_000_000_000_000_000_000  // 10^19
        if magnitude < chunk {
            w.unsigned(UInt64(magnitude))
            return
        }
        let (high, low) = magnitude.quotientAndRemainder(dividingBy: chunk)
        if high < chunk {
            w.unsigned(UInt64(high))
        } else {
            let (top, middle) = high.quotientAndRemainder(dividingBy: chunk)
            w.unsigned(UInt64(top))
            w.padded(UInt64(middle), digits: 19)
        }
        w.padded(UInt64(low), digits: 19)
    }
}

extension CanonicalLine {
    /// What consecutive lines of one stream share, kept from one line to the next by a
    /// writer of many (`DecodeLines`): the bus name as quoted JSON and the timestamp's whole
    /// seconds as digits, copied while they stay those of the line before instead of being
    /// escaped and formatted again (most frames come from the bus, and fall in the second,
    /// of the frame before them). Inline storage: a fresh memo allocates nothing.
    public struct Memo {
        /// `bus` quoted is the first `busCount` bytes of `busText`; 0: nothing kept (none
        /// yet, or more than 32 bytes quoted).
        private var bus = ""
        private var busText: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        private var busCount = 0
        /// `seconds` (never negative) in decimal is the first `secondsCount` bytes of
        /// `secondsText`; 0: nothing kept.
        private var seconds: Int64 = 0
        private var secondsText: (UInt64, UInt64, UInt64) = (0, 0, 0)
        private var secondsCount = 0

        public init() {}

        /// `bus` as a quoted JSON string (`JSONText.write`).
        @inline(__always)
        mutating func writeBus(_ name: String, to w: inout ByteWriter) {
            if busCount > 0 && name == bus {
                let n = busCount
                withUnsafeBytes(of: &busText) { w.bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n) }
                return
            }
            let start = w.count
            JSONText.write(name, to: &w)
            let n = w.count &- start
            guard n <= 32 else {
                busCount = 0
                return
            }
            bus = name
            withUnsafeMutableBytes(of: &busText) { $0.baseAddress!.copyMemory(from: w.base + start, byteCount: n) }
            busCount = n
        }

        /// A timestamp as `ByteWriter.timestamp` writes it.
        @inline(__always)
        mutating func writeTime(_ t: CANTimestamp, to w: inout ByteWriter) {
            guard t.seconds >= 0 else {
                w.timestamp(t)
                return
            }
            if secondsCount == 0 || t.seconds != seconds {
                let secs = t.seconds
                secondsCount = withUnsafeMutableBytes(of: &secondsText) { raw in
                    var digits = ByteWriter(base: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), capacity: raw.count)
                    digits.unsigned(UInt64(secs))
                    return digits.count
                }
                seconds = secs
            }
            let n = secondsCount
            withUnsafeBytes(of: &secondsText) { w.bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n) }
            w.fraction(UInt64(t.nanoseconds), digits: Int(t.fractionDigits))
        }
    }
}
