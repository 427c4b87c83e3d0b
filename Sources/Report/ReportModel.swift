import Gateway

/// Everything one report shows, read from a store and computed once; the HTML, Markdown
/// and CSV writers only format it.
public struct ReportModel: Sendable {
    public var storePath: String
    /// The range asked for (nanoseconds, half-open); `.min`/`.max` when open.
    public var from: Int64
    public var to: Int64
    /// Vehicles known to the store (after `--vehicle`), sorted.
    public var vehicles: [String]
    public var days: [VehicleDay]
    public var trips: [VehicleTrip]
    public var faults: [StoreReader.Episode]
    public var silent: [StoreReader.Episode]
    public var busHours: [StoreReader.BusHour]
    public var soc: [StoreReader.SeriesPoint]
    /// Charging sessions (from the day summaries, when the store has them).
    public var charging: [ChargingSession]
    /// Fleet rows: one per date, then the whole range.
    public var fleet: [FleetRow]
    /// Every disengagement and AEB activation in the range, by vehicle and time.
    public var assistanceEvents: [AssistanceEvent] = []
    /// The vehicle-days with driver-assistance figures.
    public var assistanceDays: [VehicleDay] { days.filter(\.hasAssistance) }

    public var isEmpty: Bool { days.isEmpty && trips.isEmpty && faults.isEmpty && silent.isEmpty && busHours.isEmpty }
}

/// One trip of a vehicle: its store row and the figures its summary carries only for some
/// vehicles (hydrogen for a fuel-cell vehicle, the ambient temperature where it is mapped).
public struct VehicleTrip: Sendable, Hashable {
    public var row: StoreReader.OperationsRow
    public var hydrogenKg: Double?
    public var ambientTemperature: Double?
    public var vehicle: String { row.vehicle }
    public var hydrogenKgPer100km: Double? {
        guard let kg = hydrogenKg, let km = row.distanceKm, km > 0 else { return nil }
        return kg / km * 100
    }
}

/// One vehicle on one day: the row of the fleet table.
public struct VehicleDay: Sendable, Hashable {
    public var vehicle: String
    /// `YYYY-MM-DD`, the day's local date.
    public var date: String
    public var start: Int64
    /// First and last frame of the day (ns).
    public var firstReport: Int64
    public var lastReport: Int64
    public var distanceKm: Double
    public var drivingHours: Double?
    public var trips: Int
    /// Distance over driving time.
    public var averageSpeed: Double?
    public var tractionKWh: Double?
    public var regenKWh: Double?
    public var kWhPer100km: Double?
    public var socStart: Double?, socEnd: Double?, socMin: Double?, socMax: Double?
    public var charges: Int?
    public var chargeKWh: Double?
    public var chargeHours: Double?
    public var fastChargeShare: Double?
    public var hydrogenKg: Double?
    public var hydrogenKgPer100km: Double? {
        guard let kg = hydrogenKg, distanceKm > 0 else { return nil }
        return kg / distanceKm * 100
    }
    /// Largest cell voltage spread, in mV.
    public var maxCellSpreadMV: Double?
    public var maxCellTemperature: Double?
    /// The hottest configured extra temperature (motor, controller…) and its name.
    public var maxOtherTemperature: Double?
    public var maxOtherTemperatureName: String
    /// The day's time-weighted mean ambient temperature, where `ambient_temperature` is mapped.
    public var ambientTemperature: Double?
    /// Alarm episodes that started this day, by GB/T 32960 level 1, 2, 3.
    public var alarms: [Int]
    /// Faults by source: `kind[:target] ×n`, and silent messages per bus, sorted.
    public var faultSources: String
    public var checksumErrors: Int
    public var counterErrors: Int
    /// Driver assistance (nil where the vehicle maps no ACC): distance and hours with ACC
    /// engaged; disengagements and AEB activations that day (nil where neither is mapped).
    public var accEngagedKm: Double? = nil
    public var accEngagedHours: Double? = nil
    public var disengagements: Int? = nil
    public var aebEvents: Int? = nil
    /// Disengagements per 1,000 km driven with ACC engaged.
    public var disengagementsPer1000km: Double? {
        guard let n = disengagements, let km = accEngagedKm, km > 0 else { return nil }
        return Double(n) / km * 1000
    }
    /// The day has driver-assistance figures.
    public var hasAssistance: Bool { accEngagedKm != nil || disengagements != nil }
}

/// One driver-assistance event of the smart-connected page: an ACC disengagement (with its
/// cause) or an AEB activation.
public struct AssistanceEvent: Sendable, Hashable {
    public enum Kind: String, Sendable { case disengagement, aeb = "AEB activation" }
    public var vehicle: String
    public var kind: Kind
    public var time: Int64
    public var speedKmh: Double?
    /// `driver_brake`, `driver_steer`, `system_fault`; empty for AEB.
    public var cause: String
}

/// Figures over the whole fleet for one date (or the whole range, `date` = "all").
public struct FleetRow: Sendable, Hashable {
    public var date: String
    /// Vehicles that reported, and vehicles known.
    public var online: Int
    public var registered: Int
    public var onlineRate: Double? { registered > 0 ? Double(online) / Double(registered) * 100 : nil }
    public var distanceKm: Double
    /// Distance-weighted kWh/100 km per vehicle type (the vehicle name without its number).
    public var kWhPer100kmByType: [(type: String, value: Double)]
    public var alarms: Int
    public var alarmsPer10000km: Double? { distanceKm > 0 ? Double(alarms) / distanceKm * 10_000 : nil }

    public static func == (a: FleetRow, b: FleetRow) -> Bool {
        a.date == b.date && a.online == b.online && a.registered == b.registered && a.distanceKm == b.distanceKm
            && a.alarms == b.alarms && a.kWhPer100kmByType.map(\.type) == b.kWhPer100kmByType.map(\.type)
            && a.kWhPer100kmByType.map(\.value) == b.kWhPer100kmByType.map(\.value)
    }
    public func hash(into h: inout Hasher) { h.combine(date); h.combine(distanceKm) }
}

/// The vehicle type of a name: `van01` → `van`, `bus-12` → `bus` (names are the config's).
func vehicleType(_ name: String) -> String {
    var s = Substring(name)
    while let last = s.last, last.isNumber || last == "-" || last == "_" { s.removeLast() }
    return s.isEmpty ? name : String(s)
}

/// One charging session of a vehicle (ns; energy into the pack; fast by peak power).
public struct ChargingSession: Sendable, Hashable {
    public var vehicle: String
    public var start: Int64
    public var end: Int64
    public var energyKWh: Double
    public var maxPowerKW: Double
    public var fast: Bool
}
