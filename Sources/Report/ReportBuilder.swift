import Foundation
import Gateway
import Plot

/// Reads a store into a `ReportModel`: the per-vehicle/day rows, trips, episodes, bus
/// hours, the SOC series and the fleet rows.
public enum ReportBuilder {
    /// `progress` is called with a short phase name before each query (the command shows
    /// it on a terminal).
    public static func build(_ reader: StoreReader, _ filter: StoreReader.Filter,
                             progress: (String) -> Void = { _ in }) throws(SinkError) -> ReportModel {
        progress("vehicles")
        let vehicles = try reader.vehicles(filter)
        progress("days")
        let dayRows = try reader.operations(scope: "day", filter)
        progress("trips")
        let trips = try reader.operations(scope: "trip", filter)
        progress("alarms and faults")
        let faults = try reader.faultEpisodes(filter)
        let silent = try reader.silentEpisodes(filter)
        progress("bus health")
        let busHours = try reader.busHours(filter)
        progress("state of charge")
        let soc = try reader.series(signal: "SOC", filter)
        progress("tables")
        let socByVehicle = Dictionary(grouping: soc, by: \.vehicle)
        let days = dayRows.map { vehicleDay($0, faults: faults, silent: silent, soc: socByVehicle[$0.vehicle] ?? []) }
        return ReportModel(storePath: reader.path, from: filter.from, to: filter.to, vehicles: vehicles, days: days,
                           trips: trips.map { trip in
                               let summary = SummaryFields(json: trip.summaryJSON)
                               return VehicleTrip(row: trip, hydrogenKg: summary.hydrogenKg, ambientTemperature: summary.ambientTemperature)
                           }, faults: faults, silent: silent, busHours: busHours, soc: soc,
                           charging: dayRows.flatMap { SummaryFields(json: $0.summaryJSON).sessions(of: $0.vehicle) },
                           fleet: fleetRows(days, vehicles: vehicles),
                           assistanceEvents: dayRows.flatMap { SummaryFields(json: $0.summaryJSON).assistanceEvents(of: $0.vehicle) })
    }

    /// The local date of a day row: its start is local midnight, within ±12 h of UTC midnight.
    static func date(ofDayStart start: Int64) -> String {
        UTCTime(seconds: Double(start / 1_000_000_000) + 43_200).date
    }

    static func vehicleDay(_ row: StoreReader.OperationsRow, faults: [StoreReader.Episode], silent: [StoreReader.Episode],
                           soc: [StoreReader.SeriesPoint]) -> VehicleDay {
        let summary = SummaryFields(json: row.summaryJSON)
        let dayEnd = row.start + 86_400_000_000_000
        let inDay = { (e: StoreReader.Episode) in e.vehicle == row.vehicle && e.start >= row.start && e.start < dayEnd }
        var alarms = [0, 0, 0]
        var sources: [String: Int] = [:]
        for e in faults where inDay(e) {
            if (1...3).contains(e.level) { alarms[e.level - 1] += 1 }
            sources[e.target.isEmpty ? e.kind : "\(e.kind):\(e.target)", default: 0] += 1
        }
        for e in silent where inDay(e) {
            sources["silent:\(e.target.split(separator: " ").first ?? "")", default: 0] += 1
        }
        let distance = row.distanceKm ?? 0
        let driving = row.drivingSeconds.map { $0 / 3600 }
        let socInDay = slice(soc, from: row.start, to: dayEnd).map(\.mean)
        let hottest = summary.temperatures.max { $0.value < $1.value }
        return VehicleDay(
            vehicle: row.vehicle, date: date(ofDayStart: row.start), start: row.start,
            firstReport: summary.firstFrame ?? row.start, lastReport: summary.lastFrame ?? row.end,
            distanceKm: distance, drivingHours: driving, trips: summary.tripCount,
            averageSpeed: summary.averageSpeed ?? driving.flatMap { $0 > 0 ? distance / $0 : nil },
            tractionKWh: row.tractionKWh, regenKWh: row.regenKWh, kWhPer100km: row.kWhPer100km,
            socStart: row.socStart, socEnd: row.socEnd,
            socMin: summary.socMin ?? socInDay.min(), socMax: summary.socMax ?? socInDay.max(),
            charges: summary.charges, chargeKWh: row.chargeKWh, chargeHours: row.chargingSeconds.map { $0 / 3600 },
            fastChargeShare: summary.fastChargeShare, hydrogenKg: summary.hydrogenKg,
            maxCellSpreadMV: row.maxCellSpread.map { $0 * 1000 }, maxCellTemperature: row.maxCellTemperature,
            maxOtherTemperature: hottest?.value, maxOtherTemperatureName: hottest?.name ?? "",
            ambientTemperature: summary.ambientTemperature,
            alarms: alarms,
            faultSources: sources.sorted { $0.key < $1.key }.map { $0.value > 1 ? "\($0.key) ×\($0.value)" : $0.key }.joined(separator: ", "),
            checksumErrors: row.checksumErrors, counterErrors: row.counterErrors,
            accEngagedKm: summary.accEngagedKm, accEngagedHours: summary.accEngagedSeconds.map { $0 / 3600 },
            disengagements: summary.disengagements?.count, aebEvents: summary.aebEvents?.count)
    }

    /// The points of a time-sorted series in `[from, to)` (binary search on both ends).
    static func slice(_ points: [StoreReader.SeriesPoint], from: Int64, to: Int64) -> ArraySlice<StoreReader.SeriesPoint> {
        func firstIndex(atOrAfter t: Int64) -> Int {
            var lo = 0, hi = points.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if points[mid].time < t { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        let a = firstIndex(atOrAfter: from), b = firstIndex(atOrAfter: to)
        return points[a..<max(a, b)]
    }

    static func fleetRows(_ days: [VehicleDay], vehicles: [String]) -> [FleetRow] {
        var byDate: [String: [VehicleDay]] = [:]
        for day in days { byDate[day.date, default: []].append(day) }
        var rows = byDate.keys.sorted().map { fleetRow($0, byDate[$0]!, registered: vehicles.count) }
        if !days.isEmpty {
            var all = fleetRow("all", days, registered: vehicles.count)
            // Over the range: vehicle-days that reported, of vehicles × dates.
            all.online = days.count
            all.registered = vehicles.count * byDate.count
            rows.append(all)
        }
        return rows
    }

    static func fleetRow(_ date: String, _ days: [VehicleDay], registered: Int) -> FleetRow {
        var types: [String: (kwh: Double, km: Double)] = [:]
        for day in days where day.distanceKm > 0 {
            let net = (day.tractionKWh ?? 0) - (day.regenKWh ?? 0)
            let t = vehicleType(day.vehicle)
            types[t, default: (0, 0)].kwh += net
            types[t, default: (0, 0)].km += day.distanceKm
        }
        return FleetRow(date: date, online: Set(days.map(\.vehicle)).count, registered: registered,
                        distanceKm: days.reduce(0) { $0 + $1.distanceKm },
                        kWhPer100kmByType: types.keys.sorted().map { ($0, types[$0]!.kwh / types[$0]!.km * 100) },
                        alarms: days.reduce(0) { $0 + $1.alarms.reduce(0, +) })
    }
}

/// The fields of an operations row's `summary_json` the report uses. Keys it does not
/// find are absent (`nil`), never zero.
struct SummaryFields {
    var tripCount = 0
    var temperatures: [(name: String, value: Double)] = []
    var firstFrame: Int64?, lastFrame: Int64?
    var averageSpeed: Double?
    var socMin: Double?, socMax: Double?
    var charges: Int?
    var fastChargeShare: Double?
    var hydrogenKg: Double?
    var ambientTemperature: Double?
    var chargeSessions: [[String: Any]] = []
    var accEngagedKm: Double?, accEngagedSeconds: Double?
    /// `disengagements` and `aeb_events` as written; nil when the key is absent (no ACC or AEB mapped).
    var disengagements: [[String: Any]]?
    var aebEvents: [[String: Any]]?

    func assistanceEvents(of vehicle: String) -> [AssistanceEvent] {
        func event(_ kind: AssistanceEvent.Kind, _ e: [String: Any]) -> AssistanceEvent? {
            guard let t = (e["t"] as? NSNumber)?.doubleValue else { return nil }
            return AssistanceEvent(vehicle: vehicle, kind: kind, time: Int64((t * 1e9).rounded()),
                                   speedKmh: (e["speed_kmh"] as? NSNumber)?.doubleValue, cause: e["cause"] as? String ?? "")
        }
        let all = (disengagements ?? []).compactMap { event(.disengagement, $0) } + (aebEvents ?? []).compactMap { event(.aeb, $0) }
        return all.sorted { $0.time < $1.time }
    }

    func sessions(of vehicle: String) -> [ChargingSession] {
        chargeSessions.compactMap { s in
            guard let start = (s["start"] as? NSNumber)?.doubleValue, let end = (s["end"] as? NSNumber)?.doubleValue else { return nil }
            return ChargingSession(vehicle: vehicle, start: Int64((start * 1e9).rounded()), end: Int64((end * 1e9).rounded()),
                                   energyKWh: (s["energy_kwh"] as? NSNumber)?.doubleValue ?? 0,
                                   maxPowerKW: (s["max_power_kw"] as? NSNumber)?.doubleValue ?? 0,
                                   fast: (s["fast"] as? Bool) ?? false)
        }
    }

    init(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return }
        tripCount = (object["trips"] as? [Any])?.count ?? 0
        for key in object.keys.sorted() where key.hasPrefix("max_") && key.hasSuffix("_temp_c") && key != "max_cell_temp_c" {
            if let v = (object[key] as? NSNumber)?.doubleValue {
                temperatures.append((String(key.dropFirst(4).dropLast(7)), v))
            }
        }
        firstFrame = (object["first_frame"] as? NSNumber).map { Int64(($0.doubleValue * 1e9).rounded()) }
        lastFrame = (object["last_frame"] as? NSNumber).map { Int64(($0.doubleValue * 1e9).rounded()) }
        averageSpeed = (object["average_speed_kmh"] as? NSNumber)?.doubleValue
        socMin = (object["soc_min"] as? NSNumber)?.doubleValue
        socMax = (object["soc_max"] as? NSNumber)?.doubleValue
        charges = (object["charges"] as? [Any])?.count
        hydrogenKg = (object["hydrogen_kg"] as? NSNumber)?.doubleValue
        ambientTemperature = (object["ambient_temp_c"] as? NSNumber)?.doubleValue
        accEngagedKm = (object["acc_engaged_km"] as? NSNumber)?.doubleValue
        accEngagedSeconds = (object["acc_engaged_s"] as? NSNumber)?.doubleValue
        disengagements = object["disengagements"] as? [[String: Any]]
        aebEvents = object["aeb_events"] as? [[String: Any]]
        if let sessions = object["charges"] as? [[String: Any]], !sessions.isEmpty {
            chargeSessions = sessions
            let fast = sessions.filter { ($0["fast"] as? Bool) == true }.count
            fastChargeShare = Double(fast) / Double(sessions.count) * 100
        }
    }
}
