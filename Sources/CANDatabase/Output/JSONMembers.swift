import CANCore

/// One JSON object written in one piece, for the sinks' hot records (a window, a message's
/// health): its members go into scratch sized up front (`ByteWriter`) and reach the caller's
/// buffer in one copy, where appending each key, value and comma to a `[UInt8]` costs a
/// uniqueness and capacity check apiece — more than the text itself.
///
/// The caller sizes the scratch: `memberBound` for each member, plus `stringBound(value)` for
/// each string value. Keys are literals of at most `maxKeyLength` bytes of plain ASCII (nothing
/// to escape), given in the order they are to appear. Numbers are written as the other
/// formats write them: doubles as Python's `json.dumps` (`PythonFloatText`), times as
/// `CANTimestamp`.
///
///     let bound = 3 * JSONMembers.memberBound + JSONMembers.stringBound(bus)
///     JSONMembers.append(to: &line, capacity: bound) { o in
///         o.string("bus", bus); o.int("count", 10); o.double("mean", 0.5)
///     }   // {"bus":"can0","count":10,"mean":0.5}
public struct JSONMembers {
    @usableFromInline var w: ByteWriter
    @usableFromInline var first = true

    /// The longest key.
    public static let maxKeyLength = 40
    /// The most a member other than its string value takes: a comma, the quoted key and its
    /// colon (44), and a value of at most 32 bytes (a double 24, a time 31, an integer 20, a
    /// quoted count with a unit suffix of up to 3 bytes 25, `false` 5).
    public static let memberBound = 80
    /// The most bytes `value` takes as a quoted JSON string.
    @inlinable
    public static func stringBound(_ value: String) -> Int { JSONString.maxQuotedLength(value) }

    @usableFromInline
    init(_ w: ByteWriter) { self.w = w }

    /// Appends `{`, what `body` writes, `}` to `buffer`; `capacity` as the type's comment says
    /// (the braces are counted here).
    @inlinable
    public static func append(to buffer: inout [UInt8], capacity: Int, _ body: (inout JSONMembers) -> Void) {
        ByteWriter.append(to: &buffer, capacity: capacity + 2) { w in
            var o = JSONMembers(w)
            o.w.byte(UInt8(ascii: "{"))
            body(&o)
            o.w.byte(UInt8(ascii: "}"))
            w = o.w
        }
    }

    @inlinable @inline(__always)
    mutating func key(_ name: StaticString) {
        assert(name.utf8CodeUnitCount <= Self.maxKeyLength, "JSON key longer than \(Self.maxKeyLength) bytes: \(name)")
        assert(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount).allSatisfy(JSONString.isPlainASCII),
               "a JSON key that needs escaping: \(name)")
        if !first { w.byte(UInt8(ascii: ",")) }
        first = false
        w.byte(UInt8(ascii: "\""))
        w.bytes(name.utf8Start, count: name.utf8CodeUnitCount)
        w.bytes(UInt8(ascii: "\""), UInt8(ascii: ":"))
    }

    /// A string value, quoted and escaped (`JSONText`); counted in `stringBound`.
    @inlinable
    public mutating func string(_ name: StaticString, _ value: String) {
        key(name)
        JSONText.write(value, to: &w)
    }

    @inlinable
    public mutating func int(_ name: StaticString, _ value: Int64) {
        key(name)
        w.signed(value)
    }

    /// As Python's `json.dumps` writes it; non-finite as `"NaN"`, `"Infinity"`, `"-Infinity"`.
    @inlinable
    public mutating func double(_ name: StaticString, _ value: Double) {
        key(name)
        PythonFloatText.writeJSON(value, to: &w)
    }

    /// As `CANTimestamp.write(to:)` writes it.
    @inlinable
    public mutating func time(_ name: StaticString, _ value: CANTimestamp) {
        key(name)
        w.timestamp(value)
    }

    @inlinable
    public mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        if value { w.bytes("true") } else { w.bytes("false") }
    }

    /// `"<value><suffix>"`: a count with its unit, quoted (`"60s"`); `suffix` at most 3 bytes.
    @inlinable
    public mutating func quoted(_ name: StaticString, _ value: Int64, suffix: StaticString) {
        assert(suffix.utf8CodeUnitCount <= 3, "unit suffix longer than 3 bytes: \(suffix)")
        key(name)
        w.byte(UInt8(ascii: "\""))
        w.signed(value)
        w.bytes(suffix)
        w.byte(UInt8(ascii: "\""))
    }
}
