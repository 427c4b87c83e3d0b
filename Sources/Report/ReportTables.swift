import Gateway
import Plot

/// A table cell: a number with its decimals, a count, or text; absent is `nil`.
enum Cell: Sendable {
    case number(Double?, Int)
    case count(Int?)
    case text(String)

    /// For HTML and Markdown: `–` when absent.
    var display: String {
        switch self {
        case .number(let v, let d): return NumberText.format(v, decimals: d)
        case .count(let n): return n.map(String.init) ?? "–"
        case .text(let s): return s
        }
    }

    /// For CSV: empty when absent.
    var csv: String {
        switch self {
        case .number(let v, let d): return v.flatMap { $0.isFinite ? NumberText.format($0, decimals: d) : nil } ?? ""
        case .count(let n): return n.map(String.init) ?? ""
        case .text(let s): return s
        }
    }

    var isNumeric: Bool {
        if case .text = self { return false }
        return true
    }
}

/// A table: columns with a display label, a CSV name carrying the unit, and the cell of a row.
struct Column<Row>: Sendable {
    var label: String
    var csv: String
    var cell: @Sendable (Row) -> Cell
}

enum ReportTables {
    static func time(_ ns: Int64) -> String { UTCTime(seconds: Double(ns) / 1e9).clock }
    static func dateTime(_ ns: Int64) -> String { UTCTime(seconds: Double(ns) / 1e9).dateTime }

    /// The per-vehicle/day table (reference: uplink-and-peers.md §6.2).
    static let days: [Column<VehicleDay>] = [
        Column(label: "vehicle", csv: "vehicle") { .text($0.vehicle) },
        Column(label: "date", csv: "date") { .text($0.date) },
        Column(label: "first report (UTC)", csv: "first_report_utc") { .text(time($0.firstReport)) },
        Column(label: "last report (UTC)", csv: "last_report_utc") { .text(time($0.lastReport)) },
        Column(label: "km", csv: "distance_km") { .number($0.distanceKm, 2) },
        Column(label: "driving h", csv: "driving_h") { .number($0.drivingHours, 2) },
        Column(label: "trips", csv: "trips") { .count($0.trips) },
        Column(label: "avg speed km/h", csv: "average_speed_kmh") { .number($0.averageSpeed, 1) },
        Column(label: "kWh out", csv: "traction_kwh") { .number($0.tractionKWh, 2) },
        Column(label: "kWh regen", csv: "regen_kwh") { .number($0.regenKWh, 2) },
        Column(label: "kWh/100 km", csv: "kwh_per_100km") { .number($0.kWhPer100km, 1) },
        Column(label: "SOC start %", csv: "soc_start_pct") { .number($0.socStart, 1) },
        Column(label: "SOC end %", csv: "soc_end_pct") { .number($0.socEnd, 1) },
        Column(label: "SOC min %", csv: "soc_min_pct") { .number($0.socMin, 1) },
        Column(label: "SOC max %", csv: "soc_max_pct") { .number($0.socMax, 1) },
        Column(label: "charges", csv: "charges") { .count($0.charges) },
        Column(label: "charge kWh", csv: "charge_kwh") { .number($0.chargeKWh, 2) },
        Column(label: "charge h", csv: "charge_h") { .number($0.chargeHours, 2) },
        Column(label: "fast %", csv: "fast_charge_share_pct") { .number($0.fastChargeShare, 0) },
        Column(label: "H₂ kg", csv: "hydrogen_kg") { .number($0.hydrogenKg, 3) },
        Column(label: "H₂ kg/100 km", csv: "hydrogen_kg_per_100km") { .number($0.hydrogenKgPer100km, 2) },
        Column(label: "cell ΔV max mV", csv: "max_cell_spread_mv") { .number($0.maxCellSpreadMV, 0) },
        Column(label: "cell max °C", csv: "max_cell_temp_c") { .number($0.maxCellTemperature, 1) },
        Column(label: "other max °C", csv: "max_other_temp_c") { .number($0.maxOtherTemperature, 1) },
        Column(label: "hottest", csv: "max_other_temp_name") { .text($0.maxOtherTemperatureName) },
        Column(label: "ambient °C", csv: "ambient_temp_c") { .number($0.ambientTemperature, 1) },
        Column(label: "alarms L1", csv: "alarms_level1") { .count($0.alarms[0]) },
        Column(label: "alarms L2", csv: "alarms_level2") { .count($0.alarms[1]) },
        Column(label: "alarms L3", csv: "alarms_level3") { .count($0.alarms[2]) },
        Column(label: "faults by source", csv: "faults_by_source") { .text($0.faultSources) },
    ]

    /// The smart-connected figures of a vehicle-day (the smart-connected page; the CSV's last columns).
    static let assistanceFigures: [Column<VehicleDay>] = [
        Column(label: "ACC km", csv: "acc_engaged_km") { .number($0.accEngagedKm, 2) },
        Column(label: "ACC h", csv: "acc_engaged_h") { .number($0.accEngagedHours, 2) },
        Column(label: "ACC share of km %", csv: "acc_engaged_share_pct") { day in
            .number(day.accEngagedKm.flatMap { day.distanceKm > 0 ? $0 / day.distanceKm * 100 : nil }, 1)
        },
        Column(label: "disengagements", csv: "disengagements") { .count($0.disengagements) },
        Column(label: "per 1,000 ACC km", csv: "disengagements_per_1000km") { .number($0.disengagementsPer1000km, 1) },
        Column(label: "AEB activations", csv: "aeb_activations") { .count($0.aebEvents) },
    ]

    static let assistanceDays: [Column<VehicleDay>] = [
        Column(label: "vehicle", csv: "vehicle") { .text($0.vehicle) },
        Column(label: "date", csv: "date") { .text($0.date) },
        Column(label: "km", csv: "distance_km") { .number($0.distanceKm, 2) },
    ] + assistanceFigures

    static let assistanceEvents: [Column<AssistanceEvent>] = [
        Column(label: "vehicle", csv: "vehicle") { .text($0.vehicle) },
        Column(label: "time (UTC)", csv: "time_utc") { .text(dateTime($0.time)) },
        Column(label: "event", csv: "event") { .text($0.kind.rawValue) },
        Column(label: "speed km/h", csv: "speed_kmh") { .number($0.speedKmh, 1) },
        Column(label: "cause", csv: "cause") { .text($0.cause) },
    ]

    static let fleet: [Column<FleetRow>] = [
        Column(label: "date", csv: "date") { .text($0.date) },
        Column(label: "online", csv: "online_vehicle_days") { .count($0.online) },
        Column(label: "registered", csv: "registered_vehicle_days") { .count($0.registered) },
        Column(label: "online rate %", csv: "online_rate_pct") { .number($0.onlineRate, 1) },
        Column(label: "Σ km", csv: "distance_km") { .number($0.distanceKm, 2) },
        Column(label: "kWh/100 km by type", csv: "kwh_per_100km_by_type") { row in
            .text(row.kWhPer100kmByType.map { "\($0.type) \(NumberText.format($0.value, decimals: 1))" }.joined(separator: ", "))
        },
        Column(label: "alarms", csv: "alarms") { .count($0.alarms) },
        Column(label: "alarms /10,000 km", csv: "alarms_per_10000km") { .number($0.alarmsPer10000km, 1) },
    ]

    /// One vehicle's trip table: the hydrogen and ambient columns only when one of its trips
    /// has the figure (a battery van's page has no empty H₂ columns).
    static func trips(_ trips: [VehicleTrip]) -> [Column<VehicleTrip>] {
        let hydrogen = trips.contains { $0.hydrogenKg != nil }, ambient = trips.contains { $0.ambientTemperature != nil }
        var columns: [Column<VehicleTrip>] = [
            Column(label: "trip", csv: "trip") { .count($0.row.tripIndex) },
            Column(label: "start (UTC)", csv: "start_utc") { .text(dateTime($0.row.start)) },
            Column(label: "end (UTC)", csv: "end_utc") { .text(dateTime($0.row.end)) },
            Column(label: "minutes", csv: "duration_min") { .number(Double($0.row.end - $0.row.start) / 60e9, 1) },
            Column(label: "km", csv: "distance_km") { .number($0.row.distanceKm, 2) },
            Column(label: "avg speed km/h", csv: "average_speed_kmh") { trip in
                .number(trip.row.drivingSeconds.flatMap { $0 > 0 ? (trip.row.distanceKm ?? 0) / ($0 / 3600) : nil }, 1)
            },
            Column(label: "kWh/100 km", csv: "kwh_per_100km") { .number($0.row.kWhPer100km, 1) },
            Column(label: "SOC start %", csv: "soc_start_pct") { .number($0.row.socStart, 1) },
            Column(label: "SOC end %", csv: "soc_end_pct") { .number($0.row.socEnd, 1) },
        ]
        if hydrogen {
            columns.append(Column(label: "H₂ kg", csv: "hydrogen_kg") { .number($0.hydrogenKg, 3) })
            columns.append(Column(label: "H₂ kg/100 km", csv: "hydrogen_kg_per_100km") { .number($0.hydrogenKgPer100km, 2) })
        }
        columns.append(Column(label: "cell max °C", csv: "max_cell_temp_c") { .number($0.row.maxCellTemperature, 1) })
        if ambient { columns.append(Column(label: "ambient °C", csv: "ambient_temp_c") { .number($0.ambientTemperature, 1) }) }
        columns.append(Column(label: "brakes", csv: "brake_applications") { .count($0.row.brakeApplications) })
        return columns
    }

    /// Charging sessions of one vehicle (the day summaries' `charges`).
    static let charging: [Column<ChargingSession>] = [
        Column(label: "start (UTC)", csv: "start_utc") { .text(dateTime($0.start)) },
        Column(label: "end (UTC)", csv: "end_utc") { .text(dateTime($0.end)) },
        Column(label: "minutes", csv: "duration_min") { .number(Double($0.end - $0.start) / 60e9, 2) },
        Column(label: "kWh", csv: "energy_kwh") { .number($0.energyKWh, 3) },
        Column(label: "peak kW", csv: "max_power_kw") { .number($0.maxPowerKW, 1) },
        Column(label: "fast", csv: "fast") { .text($0.fast ? "yes" : "no") },
    ]

    static let episodes: [Column<StoreReader.Episode>] = [
        Column(label: "vehicle", csv: "vehicle") { .text($0.vehicle) },
        Column(label: "start (UTC)", csv: "start_utc") { .text(dateTime($0.start)) },
        Column(label: "seconds", csv: "duration_s") { .number(Double($0.end - $0.start) / 1e9, 1) },
        Column(label: "level", csv: "level") { .count($0.level == 0 ? nil : $0.level) },
        Column(label: "kind", csv: "kind") { .text($0.kind) },
        Column(label: "where", csv: "target") { .text($0.target) },
        Column(label: "open at end", csv: "open") { .text($0.open ? "yes" : "no") },
    ]
}
