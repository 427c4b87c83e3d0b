import CANCore
import CANDatabase
import Telemetry

/// Telemetry records as InfluxDB line protocol, one line per record:
///
///     candor_signal,bus=can0,message=BMS_1,signal=SOC,vehicle=van01,window=1s count=100i,…,stddev=0.5 1700000000000000000
///
/// - one measurement per record kind: `candor_signal`, `candor_message_health`,
///   `candor_bus_health`, `candor_silent_episode`, `candor_fault_episode`, `candor_operations`;
/// - tags sorted by key; a tag with an empty value is left out (line protocol has none);
/// - fields sorted by key: integers with the `i` suffix, doubles as Python's `repr` writes
///   them (`5.0`, `1e-05`: Influx's float syntax), booleans `true`/`false`, strings quoted;
///   non-finite doubles are left out (Influx has no NaN or infinity);
/// - the timestamp is the window's or the episode's start in nanoseconds.
///
/// Escaping as the line-protocol reference says: in the measurement `,` and space; in tag
/// keys, tag values and field keys `,` `=` and space; in string field values `"` and `\`.
/// A newline (which no element may hold) is written as the two characters `\n`.
public enum LineProtocolFormat {
    public static func append(_ record: TelemetryRecord, to buffer: inout [UInt8]) {
        var line = LineWriter(buffer: &buffer)
        defer { line.finish(into: &buffer) }
        switch record {
        case .signalWindow(let r):
            line.measurement("candor_signal")
            line.tag("bus", r.bus); line.tag("message", r.message); line.tag("signal", r.signal)
            line.tag("vehicle", r.vehicle); line.windowTag(r.windowLength)
            line.int("count", r.count); line.int("first_time", r.firstTime); line.double("last", r.last)
            line.int("last_time", r.lastTime); line.double("max", r.maximum); line.double("mean", r.mean)
            line.double("min", r.minimum); line.double("stddev", r.standardDeviation)
            line.timestamp(r.windowStart)
        case .messageHealth(let r):
            line.measurement("candor_message_health")
            line.tag("bus", r.bus); line.tag("message", r.message); line.tag("vehicle", r.vehicle)
            line.windowTag(r.windowLength)
            line.int("checksum_errors", r.checksumErrors); line.int("counter_errors", r.counterErrors)
            line.int("decode_errors", r.decodeErrors); line.int("expected_period_ns", r.expectedPeriod)
            line.int("frames", r.frames); line.int("max_gap_ns", r.maxGap); line.double("mean_period_s", r.meanPeriod)
            line.double("period_jitter_s", r.periodJitter); line.string("period_source", r.periodSource.rawValue)
            line.double("rate", r.rate); line.bool("silent", r.silent); line.int("timeouts", r.timeouts)
            line.timestamp(r.windowStart)
        case .busHealth(let r):
            line.measurement("candor_bus_health")
            line.tag("bus", r.bus); line.tag("vehicle", r.vehicle); line.windowTag(r.windowLength)
            line.double("bus_load_percent", r.busLoadPercent)
            line.double("bus_load_worst_case_percent", r.busLoadWorstCasePercent)
            line.int("decode_errors", r.decodeErrors)
            // `error_<class>` sorts between `decode_errors` and `frames`; `error_frames` among them.
            var errorFields = RecordFields.errorClassCounts(r.errorFramesByClass).map { ("error_" + $0.0, $0.1) }
            errorFields.append(("error_frames", r.errorFrames))
            for (name, count) in errorFields.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }) {
                line.int(name, count)
            }
            line.int("frames", r.frames); line.double("frames_per_second", r.framesPerSecond)
            line.int("late_frames", r.lateFrames); line.int("max_rx_error_count", r.maxRxErrorCount)
            line.int("max_tx_error_count", r.maxTxErrorCount); line.int("unknown_frames", r.unknownFrames)
            line.timestamp(r.windowStart)
        case .silentEpisode(let r):
            line.measurement("candor_silent_episode")
            line.tag("bus", r.bus); line.tag("message", r.message); line.tag("vehicle", r.vehicle)
            line.int("end", r.end); line.bool("open", r.open)
            line.timestamp(r.start)
        case .faultEpisode(let r):
            line.measurement("candor_fault_episode")
            line.tag("kind", r.kind); line.tag("target", r.target ?? ""); line.tag("vehicle", r.vehicle)
            line.int("end", r.end); line.int("level", r.level); line.bool("open", r.open)
            line.timestamp(r.start)
        case .operations(let r):
            appendOperations(r, to: &line)
        }
    }

    private static func appendOperations(_ r: OperationsSummary, to line: inout LineWriter) {
        line.measurement("candor_operations")
        switch r.scope {
        case .vehicle: line.tag("scope", "vehicle")
        case .trip: line.tag("scope", "trip")
        case .day: line.tag("scope", "day")
        }
        line.tag("vehicle", r.vehicle)
        var fields: [(String, Double?)] = [
            ("ambient_temp_c", r.ambientTemperature?.mean), ("charge_energy_kwh", r.chargeEnergyKWh), ("charging_s", r.chargingSeconds),
            ("distance_km", r.distanceKm), ("driving_s", r.drivingSeconds), ("hydrogen_kg", r.hydrogenKg),
            ("hydrogen_kg_per_100km", r.hydrogenKgPer100km), ("idle_s", r.idleSeconds),
            ("kwh_per_100km", r.kWhPer100km), ("max_cell_spread_v", r.maxCellSpread),
            ("max_cell_temp_c", r.maxCellTemperature), ("max_cell_voltage_v", r.maxCellVoltage),
            ("min_cell_temp_c", r.minCellTemperature), ("min_cell_voltage_v", r.minCellVoltage),
            ("regen_energy_kwh", r.regenEnergyKWh), ("soc_end", r.socEnd), ("soc_start", r.socStart),
            ("soc_used", r.socUsed), ("traction_energy_kwh", r.tractionEnergyKWh),
        ]
        fields += r.maxTemperatures.map { ("max_\($0.name)_temp_c", $0.value) }
        var integers: [(String, Int64)] = [
            ("brake_applications", Int64(r.brakeApplications)), ("checksum_errors", Int64(r.checksumErrors)),
            ("counter_errors", Int64(r.counterErrors)), ("end", r.end),
            ("fault_episodes", Int64(r.faultEpisodes.count)), ("silent_messages", Int64(r.silentMessages.count)),
            ("trips", Int64(r.trips.count)),
        ]
        if case .trip(let index) = r.scope { integers.append(("trip", Int64(index))) }
        // Driver assistance, where the vehicle maps ACC (engaged distance and time) or AEB.
        fields += [("acc_engaged_km", r.accEngagedKm), ("acc_engaged_s", r.accEngagedSeconds),
                   ("disengagements_per_1000km", r.disengagementsPer1000km)]
        if r.accEngagedKm != nil || !r.disengagements.isEmpty || !r.aebEvents.isEmpty {
            integers += [("disengagements", Int64(r.disengagements.count)), ("aeb_events", Int64(r.aebEvents.count))]
        }
        enum Value { case double(Double?), int(Int64) }
        let all = fields.map { ($0.0, Value.double($0.1)) } + integers.map { ($0.0, Value.int($0.1)) }
        for (name, value) in all.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }) {
            switch value {
            case .double(let v): if let v { line.double(name, v) }
            case .int(let v): line.int(name, v)
            }
        }
        line.timestamp(r.start)
    }

    public static func line(_ record: TelemetryRecord) -> String {
        var buffer: [UInt8] = []
        append(record, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// `text` escaped for a tag key, tag value or field key.
    public static func escapedKey(_ text: String) -> String {
        var out: [UInt8] = []
        LineWriter.appendEscaped(text, special: LineWriter.keySpecial, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Builds one line in place in the caller's buffer.
struct LineWriter {
    private var out: [UInt8] = []
    private var fields = 0

    static let measurementSpecial: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: " ")]
    static let keySpecial: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: " ")]
    static let stringSpecial: [UInt8] = [UInt8(ascii: "\""), UInt8(ascii: "\\")]

    /// Takes the caller's buffer (a swap: no copy) until `finish(into:)` hands it back.
    init(buffer: inout [UInt8]) { swap(&out, &buffer) }

    mutating func finish(into buffer: inout [UInt8]) { swap(&out, &buffer) }

    static func appendEscaped(_ text: String, special: [UInt8], to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default:
                if special.contains(byte) { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
        }
    }

    mutating func measurement(_ name: String) { Self.appendEscaped(name, special: Self.measurementSpecial, to: &out) }

    mutating func tag(_ key: String, _ value: String) {
        guard !value.isEmpty else { return }
        out.append(UInt8(ascii: ","))
        Self.appendEscaped(key, special: Self.keySpecial, to: &out)
        out.append(UInt8(ascii: "="))
        Self.appendEscaped(value, special: Self.keySpecial, to: &out)
    }

    mutating func windowTag(_ length: Int64) {
        out.append(contentsOf: ",window=".utf8)
        RecordFields.appendDuration(length, to: &out)
    }

    private mutating func fieldKey(_ key: String) {
        out.append(fields == 0 ? UInt8(ascii: " ") : UInt8(ascii: ","))
        fields += 1
        Self.appendEscaped(key, special: Self.keySpecial, to: &out)
        out.append(UInt8(ascii: "="))
    }

    mutating func int(_ key: String, _ value: Int) { int(key, Int64(value)) }
    mutating func int(_ key: String, _ value: Int64) {
        fieldKey(key)
        DecimalText.appendSigned(value, to: &out)
        out.append(UInt8(ascii: "i"))
    }
    mutating func double(_ key: String, _ value: Double) {
        guard value.isFinite else { return }
        fieldKey(key)
        PythonFloatText.append(value, to: &out)
    }
    mutating func bool(_ key: String, _ value: Bool) {
        fieldKey(key)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }
    mutating func string(_ key: String, _ value: String) {
        fieldKey(key)
        out.append(UInt8(ascii: "\""))
        Self.appendEscaped(value, special: Self.stringSpecial, to: &out)
        out.append(UInt8(ascii: "\""))
    }
    mutating func timestamp(_ nanoseconds: Int64) {
        out.append(UInt8(ascii: " "))
        DecimalText.appendSigned(nanoseconds, to: &out)
        out.append(UInt8(ascii: "\n"))
    }
}
