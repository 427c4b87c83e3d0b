import CANCore
import CANDatabase
import Telemetry

/// Telemetry records as JSON lines: one object per record, keys sorted, no spaces, `kind`
/// naming the record. Times are seconds on the capture clock (`1700000000.000000`), window
/// lengths a duration text (`"1s"`), doubles as Python's `json.dumps` writes them
/// (`PythonFloatText`; non-finite as `"NaN"`, `"Infinity"`, `"-Infinity"`). The same record
/// always gives the same bytes.
///
///     {"bus":"can0","count":10,"first_time":1700000000.000100,"kind":"signal_window","last":3.0,…}
public enum JSONLinesFormat {
    /// Appends one record as one JSON line (ending in `\n`).
    public static func append(_ record: TelemetryRecord, to buffer: inout [UInt8]) {
        // The two records every window has many of (one per signal, one per message) are
        // written in one piece (`JSONMembers`: the capacity counts their members and strings; a
        // debug build asserts on every byte past it); the rest member by member.
        func members(_ body: (inout JSONObjectWriter) -> Void) {
            var o = JSONObjectWriter(buffer: buffer)
            buffer = []
            body(&o)
            o.finish(into: &buffer)
        }
        switch record {
        case .signalWindow(let r):
            let strings = JSONMembers.stringBound(r.bus) + JSONMembers.stringBound(r.message)
                + JSONMembers.stringBound(r.signal) + JSONMembers.stringBound(r.vehicle) + JSONMembers.stringBound("signal_window")
            JSONMembers.append(to: &buffer, capacity: 15 * JSONMembers.memberBound + strings) { o in
                o.string("bus", r.bus); o.int("count", Int64(r.count)); o.time("first_time", RecordFields.seconds(r.firstTime))
                o.string("kind", "signal_window"); o.double("last", r.last); o.time("last_time", RecordFields.seconds(r.lastTime))
                o.double("max", r.maximum); o.double("mean", r.mean); o.string("message", r.message)
                o.double("min", r.minimum); o.string("signal", r.signal); o.time("start", RecordFields.seconds(r.windowStart))
                o.double("stddev", r.standardDeviation); o.string("vehicle", r.vehicle)
                let window = RecordFields.duration(r.windowLength)
                o.quoted("window", window.value, suffix: window.suffix)
            }
        case .messageHealth(let r):
            let strings = JSONMembers.stringBound(r.bus) + JSONMembers.stringBound(r.message) + JSONMembers.stringBound(r.vehicle)
                + JSONMembers.stringBound("message_health") + JSONMembers.stringBound(r.periodSource.rawValue)
            JSONMembers.append(to: &buffer, capacity: 18 * JSONMembers.memberBound + strings) { o in
                o.string("bus", r.bus); o.int("checksum_errors", Int64(r.checksumErrors)); o.int("counter_errors", Int64(r.counterErrors))
                o.int("decode_errors", Int64(r.decodeErrors)); o.int("expected_period_ns", r.expectedPeriod)
                o.int("frames", Int64(r.frames)); o.string("kind", "message_health"); o.int("max_gap_ns", r.maxGap)
                o.double("mean_period_s", r.meanPeriod); o.string("message", r.message)
                o.double("period_jitter_s", r.periodJitter); o.string("period_source", r.periodSource.rawValue)
                o.double("rate", r.rate); o.bool("silent", r.silent); o.time("start", RecordFields.seconds(r.windowStart))
                o.int("timeouts", Int64(r.timeouts)); o.string("vehicle", r.vehicle)
                let window = RecordFields.duration(r.windowLength)
                o.quoted("window", window.value, suffix: window.suffix)
            }
        case .busHealth(let r):
            members { o in
                o.string("bus", r.bus); o.double("bus_load_percent", r.busLoadPercent)
                o.double("bus_load_worst_case_percent", r.busLoadWorstCasePercent); o.int("decode_errors", r.decodeErrors)
                o.int("error_frames", r.errorFrames)
                o.raw("error_frames_by_class") { RecordFields.appendErrorClassJSON(r.errorFramesByClass, to: &$0) }
                o.int("frames", r.frames); o.double("frames_per_second", r.framesPerSecond)
                o.string("kind", "bus_health"); o.int("late_frames", r.lateFrames)
                o.int("max_rx_error_count", r.maxRxErrorCount); o.int("max_tx_error_count", r.maxTxErrorCount)
                o.time("start", r.windowStart); o.int("unknown_frames", r.unknownFrames)
                o.string("vehicle", r.vehicle); o.duration("window", r.windowLength)
            }
        case .silentEpisode(let r):
            members { o in
                o.string("bus", r.bus); o.time("end", r.end); o.string("kind", "silent_episode")
                o.string("message", r.message); o.bool("open", r.open); o.time("start", r.start)
                o.string("vehicle", r.vehicle)
            }
        case .faultEpisode(let r):
            members { o in
                o.time("end", r.end); o.string("fault", r.kind); o.string("kind", "fault_episode")
                o.int("level", r.level); o.bool("open", r.open); o.time("start", r.start)
                if let target = r.target { o.string("target", target) }
                o.string("vehicle", r.vehicle)
            }
        case .operations(let r):
            members { o in
                o.string("kind", "operations")
                switch r.scope {
                case .vehicle: o.string("scope", "vehicle")
                case .trip: o.string("scope", "trip")
                case .day: o.string("scope", "day")
                }
                o.raw("summary") { OperationsSummaryJSON.append(r, to: &$0) }
                if case .trip(let index) = r.scope { o.int("trip", index) }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// One record as a line, for tests and tools.
    public static func line(_ record: TelemetryRecord) -> String {
        var buffer: [UInt8] = []
        append(record, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Writes one JSON object's members; the caller gives keys in sorted order. Keys are
/// literals of plain ASCII (`JSONString.isPlainASCII`: nothing to escape), so each is copied
/// with its quotes as it is instead of being checked byte by byte like a value.
struct JSONObjectWriter {
    private var out: [UInt8]
    private var first = true

    init(buffer: [UInt8]) {
        out = buffer
        out.append(UInt8(ascii: "{"))
    }

    @inline(__always)
    private mutating func key(_ name: StaticString) {
        assert(name.hasPointerRepresentation && UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            .allSatisfy(CANCore.JSONString.isPlainASCII), "a JSON key that needs escaping: \(name)")
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: StaticString, _ value: String) { key(name); JSONText.appendQuoted(value, to: &out) }
    mutating func int(_ name: StaticString, _ value: Int) { key(name); DecimalText.appendSigned(Int64(value), to: &out) }
    mutating func double(_ name: StaticString, _ value: Double) { key(name); PythonFloatText.appendJSON(value, to: &out) }
    mutating func bool(_ name: StaticString, _ value: Bool) { key(name); out.append(contentsOf: (value ? "true" : "false").utf8) }
    mutating func time(_ name: StaticString, _ value: Int64) { key(name); RecordFields.appendSeconds(value, to: &out) }
    mutating func duration(_ name: StaticString, _ value: Int64) {
        key(name)
        out.append(UInt8(ascii: "\""))
        RecordFields.appendDuration(value, to: &out)
        out.append(UInt8(ascii: "\""))
    }
    mutating func raw(_ name: StaticString, _ body: (inout [UInt8]) -> Void) { key(name); body(&out) }

    /// Closes the object and hands the bytes back (a swap: no copy).
    mutating func finish(into buffer: inout [UInt8]) {
        out.append(UInt8(ascii: "}"))
        swap(&out, &buffer)
    }
}
