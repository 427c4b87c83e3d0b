import CANCore
import Telemetry

/// The other direction of `append`: one record's JSON object back into the `TelemetryRecord`
/// it was written from. Exact: times and durations are read from their decimal text into
/// integer nanoseconds, doubles from Python's/Swift's shortest text (which reads back to the
/// same double), so a receiver's `SQLiteStore` writes the same row as on the vehicle.
extension JSONLinesFormat {
    /// One line's bytes (without or with its `\n`).
    public static func record(line: [UInt8]) throws(RecordJSONError) -> TelemetryRecord {
        let value: JSONValue
        do { value = try JSONParser.parse(line.last == 0x0A ? Array(line.dropLast()) : line) } catch {
            throw RecordJSONError(reason: "byte \(error.offset): expected \(error.expected)")
        }
        return try record(value)
    }

    public static func record(_ value: JSONValue) throws(RecordJSONError) -> TelemetryRecord {
        let o = JSONFields(value)
        switch try o.string("kind") {
        case "signal_window":
            return .signalWindow(SignalWindowRecord.make(
                vehicle: try o.string("vehicle"), bus: try o.string("bus"), message: try o.string("message"),
                signal: try o.string("signal"), windowStart: try o.time("start"), windowLength: try o.duration("window"),
                count: try o.int("count"), minimum: try o.double("min"), maximum: try o.double("max"),
                mean: try o.double("mean"), last: try o.double("last"), standardDeviation: try o.double("stddev"),
                firstTime: try o.time("first_time"), lastTime: try o.time("last_time")))
        case "message_health":
            guard let source = PeriodSource(rawValue: try o.string("period_source")) else { throw RecordJSONError(reason: "period_source") }
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
            let scope: OperationsSummary.Scope
            switch try o.string("scope") {
            case "vehicle": scope = .vehicle
            case "day": scope = .day
            case "trip": scope = .trip(index: try o.int("trip"))
            case let other: throw RecordJSONError(reason: "unknown operations scope \(other)")
            }
            return .operations(try OperationsSummaryJSON.summary(o.value("summary"), scope: scope))
        case let other:
            throw RecordJSONError(reason: "unknown record kind \(other)")
        }
    }

    /// `{"bus-off":1,…}` (`RecordFields.appendErrorClassJSON`) back into counts in
    /// `CANErrorClass.named` order.
    static func errorClasses(_ value: JSONValue) throws(RecordJSONError) -> [Int] {
        guard case .object(let members) = value else { throw RecordJSONError(reason: "error_frames_by_class") }
        var counts = [Int](repeating: 0, count: CANErrorClass.named.count)
        for (name, count) in members {
            guard let i = CANErrorClass.named.firstIndex(where: { $0.1 == name }) else {
                throw RecordJSONError(reason: "unknown error class \(name)")
            }
            counts[i] = try JSONFields.int(count, name)
        }
        return counts
    }
}

extension JSONFields {
    /// `60s`, `500ms`, `250us`, `7ns` (`RecordFields.appendDuration`) → nanoseconds.
    public func duration(_ name: String) throws(RecordJSONError) -> Int64 {
        guard case .string(let text) = try value(name) else { throw RecordJSONError(reason: "\(name) is not a duration") }
        for (suffix, scale) in [("ms", Int64(1_000_000)), ("us", 1_000), ("ns", 1), ("s", 1_000_000_000)] where text.hasSuffix(suffix) {
            guard let n = Int64(text.dropLast(suffix.count)) else { break }
            let (value, overflow) = n.multipliedReportingOverflow(by: scale)
            guard !overflow else { break }
            return value
        }
        throw RecordJSONError(reason: "\(name) is not a duration")
    }
}
