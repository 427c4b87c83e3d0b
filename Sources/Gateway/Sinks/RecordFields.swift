import CANCore
import CANDatabase

/// Small pieces the sinks share: times as text, the error-class map, window names.
enum RecordFields {
    /// Nanoseconds as seconds with 6 fractional digits, or 9 when the instant has
    /// sub-microsecond digits (as `OperationsSummaryJSON` and the capture formats write).
    static func appendSeconds(_ nanoseconds: Int64, to buffer: inout [UInt8]) {
        seconds(nanoseconds).write(to: &buffer)
    }

    /// The timestamp `appendSeconds` writes.
    @inline(__always)
    static func seconds(_ nanoseconds: Int64) -> CANTimestamp {
        CANTimestamp(totalNanoseconds: nanoseconds, fractionDigits: nanoseconds % 1000 == 0 ? 6 : 9)
    }

    /// A window length as a short duration: `1s`, `60s`, `500ms`, `250us`, `7ns`.
    static func appendDuration(_ nanoseconds: Int64, to buffer: inout [UInt8]) {
        let (value, suffix) = duration(nanoseconds)
        DecimalText.appendSigned(value, to: &buffer)
        buffer.append(contentsOf: UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount))
    }

    /// The count and unit `appendDuration` writes (every window record has one, so no table is
    /// built per call).
    @inline(__always)
    static func duration(_ nanoseconds: Int64) -> (value: Int64, suffix: StaticString) {
        nanoseconds % 1_000_000_000 == 0 ? (nanoseconds / 1_000_000_000, "s")
            : nanoseconds % 1_000_000 == 0 ? (nanoseconds / 1_000_000, "ms")
            : nanoseconds % 1_000 == 0 ? (nanoseconds / 1_000, "us")
            : (nanoseconds, "ns")
    }

    /// Error-frame counts per class as a JSON object, classes with a count only, keys sorted:
    /// `{"bus-off":1,"restarted-after-bus-off":1}`; `{}` when there were none.
    static func errorClassJSON(_ counts: [Int]) -> String {
        var out: [UInt8] = []
        appendErrorClassJSON(counts, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendErrorClassJSON(_ counts: [Int], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (name, count) in errorClassCounts(counts) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendQuoted(name, to: &out)
            out.append(UInt8(ascii: ":"))
            DecimalText.appendSigned(Int64(count), to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// (class name, count) for the classes with a count, sorted by name.
    static func errorClassCounts(_ counts: [Int]) -> [(String, Int)] {
        var pairs: [(String, Int)] = []
        for (i, entry) in CANErrorClass.named.enumerated() where i < counts.count && counts[i] != 0 {
            pairs.append((entry.1, counts[i]))
        }
        return pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    }
}
