import CANCore

/// Writes an `OperationsSummary` as one JSON object with the simulator's `truth.json` keys,
/// keys sorted, no spaces: the same summary gives the same bytes.
///
/// Times are seconds on the capture clock, written with 6 fractional digits (9 when the
/// instant has sub-microsecond digits). Numbers print as Swift's shortest round-trip text
/// (`0.1`, `5.0`, `1e-05`); missing or non-finite figures are `null`.
///
///     {"brake_applications":3,"charge_energy_kwh":0.0,…,"trips":[{"distance_km":1.5,"end":…,"start":…}],…}
public enum OperationsSummaryJSON {
    public static func append(_ summary: OperationsSummary, to buffer: inout [UInt8]) {
        var fields: [(String, (inout [UInt8]) -> Void)] = [
            ("alarms_by_level", { out in array(summary.alarmsByLevel, &out) { n, o in int(n, &o) } }),
            ("average_speed_kmh", { number(summary.averageSpeedKmh, &$0) }),
            ("brake_applications", { int(summary.brakeApplications, &$0) }),
            ("charges", { out in
                array(summary.chargingSessions, &out) { c, o in
                    object([("end", { time(c.end, &$0) }), ("energy_kwh", { number(c.energyKWh, &$0) }),
                            ("fast", { bool(c.fast, &$0) }), ("max_power_kw", { number(c.maxPowerKW, &$0) }),
                            ("start", { time(c.start, &$0) })], &o)
                }
            }),
            ("charge_energy_kwh", { number(summary.chargeEnergyKWh, &$0) }),
            ("charging_s", { number(summary.chargingSeconds, &$0) }),
            ("checksum_errors", { int(summary.checksumErrors, &$0) }),
            ("counter_errors", { int(summary.counterErrors, &$0) }),
            ("distance_km", { number(summary.distanceKm, &$0) }),
            ("driving_s", { number(summary.drivingSeconds, &$0) }),
            ("end", { time(summary.end, &$0) }),
            ("error_frames", { out in object(summary.errorFrames.map { f in (f.name, { int(f.count, &$0) }) }, &out) }),
            ("fault_episodes", { out in
                array(summary.faultEpisodes, &out) { e, o in
                    var fields: [(String, (inout [UInt8]) -> Void)] = [
                        ("end", { time(e.end, &$0) }), ("kind", { string(e.kind, &$0) }), ("level", { int(e.level, &$0) }),
                        ("open", { bool(e.open, &$0) }), ("start", { time(e.start, &$0) }),
                    ]
                    if let target = e.target { fields.append(("target", { string(target, &$0) })) }
                    object(fields, &o)
                }
            }),
            ("first_frame", { out in if let t = summary.firstFrame { time(t, &out) } else { out.append(contentsOf: "null".utf8) } }),
            ("frames", { out in object(summary.frames.map { f in (f.name, { int(f.count, &$0) }) }, &out) }),
            ("idle_s", { number(summary.idleSeconds, &$0) }),
            ("kwh_per_100km", { number(summary.kWhPer100km, &$0) }),
            ("last_frame", { out in if let t = summary.lastFrame { time(t, &out) } else { out.append(contentsOf: "null".utf8) } }),
            ("max_cell_spread_v", { number(summary.maxCellSpread, &$0) }),
            ("max_cell_temp_c", { number(summary.maxCellTemperature, &$0) }),
            ("max_cell_voltage_v", { number(summary.maxCellVoltage, &$0) }),
            ("min_cell_temp_c", { number(summary.minCellTemperature, &$0) }),
            ("min_cell_voltage_v", { number(summary.minCellVoltage, &$0) }),
            ("regen_energy_kwh", { number(summary.regenEnergyKWh, &$0) }),
            ("silent_messages", { out in
                array(summary.silentMessages, &out) { e, o in
                    object([("bus", { string(e.bus, &$0) }), ("end", { time(e.end, &$0) }), ("message", { string(e.message, &$0) }),
                            ("open", { bool(e.open, &$0) }), ("start", { time(e.start, &$0) })], &o)
                }
            }),
            ("soc_end", { number(summary.socEnd, &$0) }),
            ("soc_max", { number(summary.socMax, &$0) }),
            ("soc_min", { number(summary.socMin, &$0) }),
            ("soc_start", { number(summary.socStart, &$0) }),
            ("soc_used", { number(summary.socUsed, &$0) }),
            ("start", { time(summary.start, &$0) }),
            ("traction_energy_kwh", { number(summary.tractionEnergyKWh, &$0) }),
            ("trips", { out in
                array(summary.trips, &out) { trip, o in
                    object([("distance_km", { number(trip.distanceKm, &$0) }), ("end", { time(trip.end, &$0) }),
                            ("start", { time(trip.start, &$0) })], &o)
                }
            }),
            ("vehicle", { string(summary.vehicle, &$0) }),
        ]
        if let ambient = summary.ambientTemperature {
            fields.append(("ambient_temp_c", { number(ambient.mean, &$0) }))
        }
        if let hydrogenKg = summary.hydrogenKg {
            fields.append(("hydrogen_kg", { number(hydrogenKg, &$0) }))
            fields.append(("hydrogen_kg_per_100km", { number(summary.hydrogenKgPer100km, &$0) }))
        }
        if let km = summary.accEngagedKm {
            fields.append(("acc_engaged_km", { number(km, &$0) }))
            fields.append(("acc_engaged_s", { number(summary.accEngagedSeconds, &$0) }))
            fields.append(("disengagements_per_1000km", { number(summary.disengagementsPer1000km, &$0) }))
        }
        if summary.accEngagedKm != nil || !summary.disengagements.isEmpty || !summary.aebEvents.isEmpty {
            fields.append(("disengagements", { out in
                array(summary.disengagements, &out) { d, o in
                    object([("cause", { string(d.cause, &$0) }), ("speed_kmh", { number(d.speedKmh, &$0) }), ("t", { time(d.time, &$0) })], &o)
                }
            }))
            fields.append(("aeb_events", { out in
                array(summary.aebEvents, &out) { e, o in
                    object([("speed_kmh", { number(e.speedKmh, &$0) }), ("t", { time(e.time, &$0) })], &o)
                }
            }))
        }
        for temperature in summary.maxTemperatures {
            fields.append(("max_\(temperature.name)_temp_c", { number(temperature.value, &$0) }))
        }
        object(fields.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }, &buffer)
    }

    /// The object as a `String`.
    public static func text(_ summary: OperationsSummary) -> String {
        var buffer: [UInt8] = []
        append(summary, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private static func object(_ fields: [(String, (inout [UInt8]) -> Void)], _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(field.0, &out)
            out.append(UInt8(ascii: ":"))
            field.1(&out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func array<T>(_ items: [T], _ out: inout [UInt8], _ each: (T, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            each(item, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func int(_ value: Int, _ out: inout [UInt8]) { DecimalText.appendSigned(Int64(value), to: &out) }
    private static func bool(_ value: Bool, _ out: inout [UInt8]) { out.append(contentsOf: (value ? "true" : "false").utf8) }

    private static func number(_ value: Double?, _ out: inout [UInt8]) {
        guard let value, value.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        out.append(contentsOf: value.description.utf8)
    }

    private static func time(_ nanoseconds: Int64, _ out: inout [UInt8]) {
        let digits: UInt8 = nanoseconds % 1000 == 0 ? 6 : 9
        CANTimestamp(totalNanoseconds: nanoseconds, fractionDigits: digits).write(to: &out)
    }

    private static func string(_ value: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
