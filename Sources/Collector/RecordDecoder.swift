import CANCore
import Telemetry

/// One record's JSON object (the JSON-lines sink's form, `JSONLinesFormat`) back into the
/// `TelemetryRecord` it was written from. Exact: times and durations are read from their
/// decimal text into integer nanoseconds, doubles from Python's/Swift's shortest text (which
/// reads back to the same double), so `SQLiteStore` writes the same row as on the vehicle.
struct RecordDecoder {
    /// What is wrong with a record, for the malformed-payload count and log.
    struct Failure: Error, Sendable {
        var reason: String
    }

    static func record(_ value: JSONValue) throws(Failure) -> TelemetryRecord {
        let o = Fields(value)
        switch try o.string("kind") {
        case "signal_window":
            return .signalWindow(SignalWindowRecord.make(
                vehicle: try o.string("vehicle"), bus: try o.string("bus"), message: try o.string("message"),
                signal: try o.string("signal"), windowStart: try o.time("start"), windowLength: try o.duration("window"),
                count: try o.int("count"), minimum: try o.double("min"), maximum: try o.double("max"),
                mean: try o.double("mean"), last: try o.double("last"), standardDeviation: try o.double("stddev"),
                firstTime: try o.time("first_time"), lastTime: try o.time("last_time")))
        case "message_health":
            guard let source = PeriodSource(rawValue: try o.string("period_source")) else { throw Failure(reason: "period_source") }
            return .messageHealth(MessageHealthRecord.make(
                vehicle: try o.string("vehicle"), bus: try o.string("bus"), message: try o.string("message"),
                windowStart: try o.time("start"), windowLength: try o.duration("window"), frames: try o.int("frames"),
                rate: try o.double("rate"), expectedPeriod: Int64(try o.int("expected_period_ns")), periodSource: source,
                meanPeriod: try o.double("mean_period_s"), periodJitter: try o.double("period_jitter_s"),
                maxGap: Int64(try o.int("max_gap_ns")), timeouts: try o.int("timeouts"),
                counterErrors: try o.int("counter_errors"), checksumErrors: try o.int("checksum_errors"),
                decodeErrors: try o.int("decode_errors"), silent: try o.bool("silent")))
        case "bus_health":
            return .busHealth(BusHealthRecord.make(
                vehicle: try o.string("vehicle"), bus: try o.string("bus"), windowStart: try o.time("start"),
                windowLength: try o.duration("window"), frames: try o.int("frames"),
                framesPerSecond: try o.double("frames_per_second"), busLoadPercent: try o.double("bus_load_percent"),
                busLoadWorstCasePercent: try o.double("bus_load_worst_case_percent"), errorFrames: try o.int("error_frames"),
                errorFramesByClass: try errorClasses(o.value("error_frames_by_class")),
                maxTxErrorCount: try o.int("max_tx_error_count"), maxRxErrorCount: try o.int("max_rx_error_count"),
                unknownFrames: try o.int("unknown_frames"), decodeErrors: try o.int("decode_errors"),
                lateFrames: try o.int("late_frames")))
        case "silent_episode":
            return .silentEpisode(SilentEpisode.make(
                vehicle: try o.string("vehicle"), bus: try o.string("bus"), message: try o.string("message"),
                start: try o.time("start"), end: try o.time("end"), open: try o.bool("open")))
        case "fault_episode":
            return .faultEpisode(FaultEpisode(
                vehicle: try o.string("vehicle"), kind: try o.string("fault"), level: try o.int("level"),
                start: try o.time("start"), end: try o.time("end"), open: try o.bool("open"),
                target: o.has("target") ? try o.string("target") : nil))
        case "operations":
            return .operations(try OperationsDecoder.summary(o))
        case let other:
            throw Failure(reason: "unknown record kind \(other)")
        }
    }

    /// `{"bus-off":1,…}` back into counts in `CANErrorClass.named` order.
    static func errorClasses(_ value: JSONValue) throws(Failure) -> [Int] {
        guard case .object(let members) = value else { throw Failure(reason: "error_frames_by_class") }
        var counts = [Int](repeating: 0, count: CANErrorClass.named.count)
        for (name, count) in members {
            guard let i = CANErrorClass.named.firstIndex(where: { $0.1 == name }) else {
                throw Failure(reason: "unknown error class \(name)")
            }
            counts[i] = try Fields.int(count, name)
        }
        return counts
    }
}

/// Typed member access with the member's name in every failure.
struct Fields {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    func has(_ name: String) -> Bool { value[name] != nil }

    func value(_ name: String) throws(RecordDecoder.Failure) -> JSONValue {
        guard let v = value[name] else { throw RecordDecoder.Failure(reason: "missing \(name)") }
        return v
    }

    func string(_ name: String) throws(RecordDecoder.Failure) -> String {
        guard case .string(let s) = try value(name) else { throw RecordDecoder.Failure(reason: "\(name) is not a string") }
        return s
    }

    func bool(_ name: String) throws(RecordDecoder.Failure) -> Bool {
        guard case .bool(let b) = try value(name) else { throw RecordDecoder.Failure(reason: "\(name) is not a boolean") }
        return b
    }

    func int(_ name: String) throws(RecordDecoder.Failure) -> Int { try Self.int(try value(name), name) }

    static func int(_ value: JSONValue, _ name: String) throws(RecordDecoder.Failure) -> Int {
        guard case .number(let text) = value, let n = Int(text) else { throw RecordDecoder.Failure(reason: "\(name) is not an integer") }
        return n
    }

    /// A number, or the JSON-lines sink's `"NaN"`, `"Infinity"`, `"-Infinity"`.
    func double(_ name: String) throws(RecordDecoder.Failure) -> Double {
        switch try value(name) {
        case .number(let text):
            if let d = Double(text) { return d }
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: break
        }
        throw RecordDecoder.Failure(reason: "\(name) is not a number")
    }

    /// A number or null (the summary's missing or non-finite figures).
    func optionalDouble(_ name: String) throws(RecordDecoder.Failure) -> Double? {
        switch try value(name) {
        case .null: return nil
        case .number(let text): if let d = Double(text) { return d }
        default: break
        }
        throw RecordDecoder.Failure(reason: "\(name) is not a number or null")
    }

    func time(_ name: String) throws(RecordDecoder.Failure) -> Int64 {
        guard case .number(let text) = try value(name), let t = Self.nanoseconds(text) else {
            throw RecordDecoder.Failure(reason: "\(name) is not a time in seconds")
        }
        return t
    }

    /// `1700000000.000100` → 1700000000000100000, from the digits (at most 9 after the point).
    static func nanoseconds(_ text: String) -> Int64? {
        var digits = Substring(text)
        let negative = digits.hasPrefix("-")
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let seconds = Int64(parts[0]), parts[0].allSatisfy(\.isASCII) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...9).contains(f.count), let value = Int64(f), f.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
            fraction = value
            for _ in f.count..<9 { fraction *= 10 }
        }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        return negative ? -(scaled + fraction) : scaled + fraction
    }

    /// `60s`, `500ms`, `250us`, `7ns` → nanoseconds.
    func duration(_ name: String) throws(RecordDecoder.Failure) -> Int64 {
        guard case .string(let text) = try value(name) else { throw RecordDecoder.Failure(reason: "\(name) is not a duration") }
        for (suffix, scale) in [("ms", Int64(1_000_000)), ("us", 1_000), ("ns", 1), ("s", 1_000_000_000)] where text.hasSuffix(suffix) {
            guard let n = Int64(text.dropLast(suffix.count)) else { break }
            return n * scale
        }
        throw RecordDecoder.Failure(reason: "\(name) is not a duration")
    }
}
