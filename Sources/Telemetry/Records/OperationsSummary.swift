/// Operations figures for a vehicle over its whole input, one trip, or one day. The field
/// names follow the simulator's `truth.json` keys (in parentheses); `OperationsSummaryJSON`
/// writes them with exactly those keys.
public struct OperationsSummary: Sendable, Hashable {
    public enum Scope: Sendable, Hashable {
        /// Everything the aggregator saw for the vehicle.
        case vehicle
        /// Trip number `index` (0-based, in start order).
        case trip(index: Int)
        /// The local day starting at `start` (nanoseconds, the day's local midnight in UTC terms).
        case day
    }

    public var vehicle: String
    public var scope: Scope
    /// Nanoseconds; the first and last instants the figures cover.
    public var start: Int64
    public var end: Int64

    /// (`distance_km`)
    public var distanceKm: Double = 0
    /// Energy out of the pack while not charging (`traction_energy_kwh`).
    public var tractionEnergyKWh: Double = 0
    /// Energy into the pack while not charging (`regen_energy_kwh`).
    public var regenEnergyKWh: Double = 0
    /// Energy into the pack while charging (`charge_energy_kwh`).
    public var chargeEnergyKWh: Double = 0
    /// (traction − regen) / distance × 100, when distance > 0 (`kwh_per_100km`).
    public var kWhPer100km: Double? {
        distanceKm > 0 ? (tractionEnergyKWh - regenEnergyKWh) / distanceKm * 100 : nil
    }
    /// Hydrogen the fuel-cell stack consumed, kg (`hydrogen_kg`): the stack current integrated
    /// (trapezoid rule) × cells × M(H₂) / 2F. Nil for a vehicle whose stack is not mapped
    /// with its cell count (the key is then absent from the JSON).
    public var hydrogenKg: Double?
    /// hydrogen / distance × 100, when both are known and distance > 0 (`hydrogen_kg_per_100km`).
    public var hydrogenKgPer100km: Double? {
        guard let kg = hydrogenKg, distanceKm > 0 else { return nil }
        return kg / distanceKm * 100
    }
    /// The ambient temperature's time-weighted mean, °C (`ambient_temp_c`). Nil for a vehicle
    /// without a mapped `ambient_temperature` (the key is then absent from the JSON).
    public var ambientTemperature: TimeWeightedMean?
    /// (`soc_start`, `soc_end`)
    public var socStart: Double?
    public var socEnd: Double?
    /// `socStart − socEnd` (`soc_used`).
    public var socUsed: Double? {
        guard let a = socStart, let b = socEnd else { return nil }
        return a - b
    }
    /// Lowest and highest SOC reported (`soc_min`, `soc_max`).
    public var socMin: Double?
    public var socMax: Double?
    /// Nanoseconds: the first and last frame (data, remote or error) on the vehicle's buses
    /// (`first_frame`, `last_frame`): its online span. Vehicle and day scopes.
    public var firstFrame: Int64?
    public var lastFrame: Int64?
    /// Charging sessions that ended in this scope (`charges`).
    public var chargingSessions: [ChargingSessionFigure] = []
    /// Distance over driving time, km/h (`average_speed_kmh`).
    public var averageSpeedKmh: Double? {
        drivingSeconds > 0 ? distanceKm / (drivingSeconds / 3600) : nil
    }
    /// Fault episodes of GB/T 32960 level 1, 2 and 3 (`alarms_by_level`; bus-off counts as 3).
    public var alarmsByLevel: [Int] {
        var counts = [0, 0, 0]
        for e in faultEpisodes where (1...3).contains(e.level) { counts[e.level - 1] += 1 }
        return counts
    }
    /// (`min_cell_voltage_v`, `max_cell_voltage_v`)
    public var minCellVoltage: Double?
    public var maxCellVoltage: Double?
    /// Largest max − min cell voltage seen at one time (`max_cell_spread_v`).
    public var maxCellSpread: Double?
    /// (`max_cell_temp_c`)
    public var maxCellTemperature: Double?
    /// (`min_cell_temp_c`)
    public var minCellTemperature: Double?
    /// Maxima of the configured extra temperatures, in config order (`max_<name>_temp_c`).
    public var maxTemperatures: [NamedValue] = []
    /// (`brake_applications`)
    public var brakeApplications: Int = 0
    /// Seconds (`driving_s`, `charging_s`, `idle_s`).
    public var drivingSeconds: Double = 0
    public var chargingSeconds: Double = 0
    public var idleSeconds: Double = 0
    /// Trips that ended in this scope (vehicle and day scopes) (`trips`).
    public var trips: [TripFigure] = []
    /// (`fault_episodes`)
    public var faultEpisodes: [FaultEpisode] = []
    /// (`silent_messages`)
    public var silentMessages: [SilentEpisode] = []
    /// (`checksum_errors`, `counter_errors`)
    public var checksumErrors: Int = 0
    public var counterErrors: Int = 0
    /// Distance and time with ACC engaged (`acc_engaged_km`, `acc_engaged_s`); nil for a
    /// vehicle without `acc_state` mapped (the keys are then absent from the JSON).
    public var accEngagedKm: Double?
    public var accEngagedSeconds: Double?
    /// ACC disengagements and AEB activations in this scope (`disengagements`, `aeb_events`;
    /// present where `acc_state` or `aeb_state` is mapped).
    public var disengagements: [DisengagementFigure] = []
    public var aebEvents: [AEBEventFigure] = []
    /// Disengagements per 1,000 km driven with ACC engaged (`disengagements_per_1000km`).
    public var disengagementsPer1000km: Double? {
        guard let km = accEngagedKm, km > 0 else { return nil }
        return Double(disengagements.count) / km * 1000
    }
    /// Data and remote frames per bus, in config order (`frames`); for a trip or a day, the
    /// frames received while it was open.
    public var frames: [NamedCount] = []
    /// Error frames per bus, in config order (`error_frames`).
    public var errorFrames: [NamedCount] = []

    public init(vehicle: String, scope: Scope, start: Int64, end: Int64) {
        self.vehicle = vehicle
        self.scope = scope
        self.start = start
        self.end = end
    }
}

public struct NamedValue: Sendable, Hashable {
    public var name: String
    public var value: Double
    public init(name: String, value: Double) {
        self.name = name
        self.value = value
    }
}

public struct NamedCount: Sendable, Hashable {
    public var name: String
    public var count: Int
    public init(name: String, count: Int) {
        self.name = name
        self.count = count
    }
}

/// One trip in a summary (`trips[]`: `start`, `end`, `distance_km`).
public struct TripFigure: Sendable, Hashable {
    public var index: Int
    public var start: Int64
    public var end: Int64
    public var distanceKm: Double
    public init(index: Int, start: Int64, end: Int64, distanceKm: Double) {
        self.index = index
        self.start = start
        self.end = end
        self.distanceKm = distanceKm
    }
}

/// One charging session (`charges[]`): the charging state on, from its first to its last
/// reported instant; energy into the pack meanwhile; fast when the highest charging power
/// exceeds `fastAboveKW` (more than AC three-phase charging gives: a DC charger).
public struct ChargingSessionFigure: Sendable, Hashable {
    public static let fastAboveKW = 22.0
    public var start: Int64
    public var end: Int64
    public var energyKWh: Double
    public var maxPowerKW: Double
    public var fast: Bool { maxPowerKW > Self.fastAboveKW }
    public var seconds: Double { Double(end - start) / 1e9 }
    public init(start: Int64, end: Int64, energyKWh: Double = 0, maxPowerKW: Double = 0) {
        self.start = start
        self.end = end
        self.energyKWh = energyKWh
        self.maxPowerKW = maxPowerKW
    }
}

/// A sampled signal's mean over time: the trapezoid rule between consecutive samples (gaps
/// the aggregator does not integrate left out), divided by the seconds integrated. While no
/// interval is integrated (one sample), the mean is that sample's value.
public struct TimeWeightedMean: Sendable, Hashable {
    /// ∫ value dt (value × seconds) and the seconds integrated.
    public private(set) var area = 0.0
    public private(set) var seconds = 0.0
    private var lastValue: Double?

    public init() {}

    /// A mean read back (from a summary's JSON): one second at `mean`; nil or non-finite: none.
    public init(mean: Double?) {
        guard let mean, mean.isFinite else { return }
        area = mean
        seconds = 1
        lastValue = mean
    }

    /// Nil before the first sample.
    public var mean: Double? { seconds > 0 ? area / seconds : lastValue }

    /// Two means are equal when their values are: a mean read back from JSON (one second at
    /// the mean) equals the one written.
    public static func == (a: Self, b: Self) -> Bool { a.mean == b.mean }
    public func hash(into hasher: inout Hasher) { hasher.combine(mean) }
}

extension TimeWeightedMean: CustomReflectable {
    /// The mean only, as `==` sees it (structural comparisons and printing).
    public var customMirror: Mirror { Mirror(self, children: ["mean": mean as Any]) }

    /// A sample `value` and the interval it closes (nil: the first, or after a gap).
    mutating func add(_ value: Double, _ interval: SampledIntegral.Interval?) {
        if value.isFinite { lastValue = value }
        if let interval {
            area += interval.area
            seconds += interval.seconds
        }
    }
}

/// ACC leaving engaged for a driver takeover or a system fault (`disengagements[]`: `t`,
/// `speed_kmh`, `cause`): `driver_brake`, `driver_steer` or `system_fault` as the config names the codes.
public struct DisengagementFigure: Sendable, Hashable {
    public var time: Int64
    public var speedKmh: Double
    public var cause: String
    public init(time: Int64, speedKmh: Double, cause: String) {
        self.time = time
        self.speedKmh = speedKmh
        self.cause = cause
    }
}

/// An AEB activation (`aeb_events[]`: `t`, `speed_kmh`).
public struct AEBEventFigure: Sendable, Hashable {
    public var time: Int64
    public var speedKmh: Double
    public init(time: Int64, speedKmh: Double) {
        self.time = time
        self.speedKmh = speedKmh
    }
}
