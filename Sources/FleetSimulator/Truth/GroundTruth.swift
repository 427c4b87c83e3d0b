import CANCore

/// What a simulated capture truly contains: the figures candor's metrics must reproduce.
///
/// Physics figures (distance, energies, brake applications, trips) are integrated from the
/// model in its 10 ms steps. Reported figures (SOC, cell voltage and temperature extremes,
/// alarm episodes, silent messages) are the physical values the model gave the frames
/// actually written — read from its state before encoding, never decoded from the bits, so
/// a decoder agrees within half a signal's resolution (the encoder rounds to the nearest
/// raw value) — with the rules README.md gives the metrics (`TruthRules`). `samples` holds
/// every mapped signal's physical value at recorded instants (frame times), for an
/// independent decoder (cantools) to check the encoder. Times are seconds on the capture's
/// clock.
///
/// Gaps: the metrics (Telemetry) integrate between consecutive samples on event time and
/// skip an interval longer than 60 s (gateway off, logger paused); a shorter gap is
/// bridged by the trapezoid. The physics truth has no gaps: it integrates the model in
/// every 10 ms step, also while an ECU is silent or its bus is off. A fault that silences
/// the speed or pack messages therefore makes the metrics differ from truth by what the
/// model did during the gap (bridged linearly up to 60 s, dropped beyond).
public struct GroundTruth: Sendable, Equatable {
    public struct Trip: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var distanceKm: Double
    }

    public struct FaultEpisode: Sendable, Equatable {
        /// A config fault kind (`over_temperature`, `insulation`, …) for alarm episodes seen
        /// in the capture; `silent_ecu`, `bus_off`, `bad_checksum`, `counter_jump` for the
        /// injected transport faults (their windows as requested).
        public var kind: String
        /// Highest alarm level during the episode; nil for transport faults.
        public var level: Int?
        public var start: Double
        public var end: Double
        /// What a transport fault hit (ECU, interface or message), when it says.
        public var target: String?
    }

    /// One mapped signal's physical value in the frame written at `t`.
    public struct Sample: Sendable, Equatable {
        public var t: Double
        public var value: Double
    }

    /// A charging session: the model in charging mode, from its first to its last step;
    /// the energy into the pack meanwhile and the highest charging power.
    public struct ChargingSession: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var energyKWh: Double
        public var maxPowerKW: Double
        public var fast: Bool { maxPowerKW > TruthRules.fastChargeAboveKW }
    }

    /// ACC leaving engaged for a driver takeover or a system fault: the first ACC frame that
    /// no longer says engaged, the speed the vehicle-speed frames last carried before it, the
    /// cause that frame carries (`driver_brake`, `driver_steer`, `system_fault`).
    public struct Disengagement: Sendable, Equatable {
        public var t: Double
        public var speedKmh: Double
        public var cause: String
    }

    /// An AEB activation: the first AEB frame that says braking, and the speed then.
    public struct AEBEvent: Sendable, Equatable {
        public var t: Double
        public var speedKmh: Double
    }

    public struct SilentMessage: Sendable, Equatable {
        public var message: String
        public var bus: String
        public var start: Double
        public var end: Double
    }

    public var vehicle: String
    public var cycle: String
    public var seed: UInt64
    public var durationSeconds: Int
    public var captureStart: Double
    public var distanceKm = 0.0
    /// The distance driven by each whole second of the capture, `[0]` = 0 and the last entry at
    /// its end (= `distanceKm`): the NMEA track's fixes (`NMEATrack`). Not in truth.json.
    public var distanceEverySecondKm: [Double] = [0]
    public var tractionEnergyKWh = 0.0
    public var regenEnergyKWh = 0.0
    public var chargeEnergyKWh = 0.0
    public var socStart: Double?
    public var socEnd: Double?
    /// Lowest and highest SOC the frames carried.
    public var socMin: Double?
    public var socMax: Double?
    /// The first and last frame written (data or error), seconds: the online span.
    public var firstFrame: Double?
    public var lastFrame: Double?
    /// Seconds the vehicle moved faster than `TruthRules.movingSpeedKmh`, not charging.
    public var drivingSeconds = 0.0
    public var averageSpeedKmh: Double? { drivingSeconds > 0 ? distanceKm / (drivingSeconds / 3600) : nil }
    public var chargingSessions: [ChargingSession] = []
    /// Hydrogen the fuel cell consumed, kg (from the stack's current by Faraday's law:
    /// 2 electrons per H₂ molecule, per cell); nil for a vehicle without a fuel cell.
    public var hydrogenKg: Double?
    /// The outside-air sensor's reading averaged over the run's model steps, °C (time-weighted);
    /// nil for a vehicle that sends none.
    public var ambientTempC: Double?
    public var minCellVoltageV: Double?
    public var maxCellVoltageV: Double?
    public var maxCellTempC: Double?
    /// `max_<name>_temp_c` for the config's extra temperatures.
    public var maxTemperatures: [String: Double] = [:]
    public var brakeApplications = 0
    public var trips: [Trip] = []
    public var faultEpisodes: [FaultEpisode] = []
    /// Distance and time the model drove with ACC engaged (physics, every 10 ms step); nil for
    /// a vehicle without ACC (`acc_state` not mapped).
    public var accEngagedKm: Double?
    public var accEngagedSeconds: Double?
    /// Disengagements and AEB activations as the frames carried them (`TruthRecorder`).
    public var disengagements: [Disengagement] = []
    public var aebEvents: [AEBEvent] = []
    public var silentMessages: [SilentMessage] = []
    public var checksumErrors = 0
    public var counterErrors = 0
    /// Data frames per interface.
    public var frames: [String: Int] = [:]
    /// Error frames per interface.
    public var errorFrames: [String: Int] = [:]
    /// Per mapped signal (config name: `soc`, `temperatures.motor`, `faults.insulation`, …):
    /// its value at the first frame at or after every 10 s, and at its last frame.
    public var samples: [String: [Sample]] = [:]

    /// `truth.json`: keys sorted, two-space indentation, numbers with fixed decimals.
    public func json() -> String {
        var entries: [(String, String)] = [
            ("average_speed_kmh", Self.optional(averageSpeedKmh)),
            ("brake_applications", String(brakeApplications)),
            ("charges", Self.array(chargingSessions.map {
                [("end", Self.fixed($0.end)), ("energy_kwh", Self.fixed($0.energyKWh)), ("fast", $0.fast ? "true" : "false"),
                 ("max_power_kw", Self.fixed($0.maxPowerKW)), ("start", Self.fixed($0.start))]
            })),
            ("capture_start", Self.fixed(captureStart)),
            ("charge_energy_kwh", Self.fixed(chargeEnergyKWh)),
            ("checksum_errors", String(checksumErrors)),
            ("counter_errors", String(counterErrors)),
            ("cycle", Self.quoted(cycle)),
            ("distance_km", Self.fixed(distanceKm)),
            ("driving_s", Self.fixed(drivingSeconds)),
            ("duration_s", String(durationSeconds)),
            ("error_frames", Self.object(errorFrames.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) }, indent: 1)),
            ("fault_episodes", Self.array(faultEpisodes.map { e in
                var fields: [(String, String)] = [("end", Self.fixed(e.end)), ("kind", Self.quoted(e.kind))]
                if let level = e.level { fields.append(("level", String(level))) }
                fields.append(("start", Self.fixed(e.start)))
                if let target = e.target { fields.append(("target", Self.quoted(target))) }
                return fields
            })),
            ("first_frame", Self.optional(firstFrame)),
            ("frames", Self.object(frames.sorted { $0.key < $1.key }.map { ($0.key, String($0.value)) }, indent: 1)),
            ("last_frame", Self.optional(lastFrame)),
            ("max_cell_temp_c", Self.optional(maxCellTempC)),
            ("max_cell_voltage_v", Self.optional(maxCellVoltageV)),
            ("min_cell_voltage_v", Self.optional(minCellVoltageV)),
            ("regen_energy_kwh", Self.fixed(regenEnergyKWh)),
            ("samples", Self.object(samples.sorted { $0.key < $1.key }.map { entry in
                (entry.key, "[" + entry.value.map { "[\(Self.fixed($0.t)), \(Self.fixed($0.value))]" }.joined(separator: ", ") + "]")
            }, indent: 1)),
            ("seed", String(seed)),
            ("silent_messages", Self.array(silentMessages.map {
                [("bus", Self.quoted($0.bus)), ("end", Self.fixed($0.end)), ("message", Self.quoted($0.message)), ("start", Self.fixed($0.start))]
            })),
            ("soc_end", Self.optional(socEnd)),
            ("soc_max", Self.optional(socMax)),
            ("soc_min", Self.optional(socMin)),
            ("soc_start", Self.optional(socStart)),
            ("traction_energy_kwh", Self.fixed(tractionEnergyKWh)),
            ("trips", Self.array(trips.map {
                [("distance_km", Self.fixed($0.distanceKm)), ("end", Self.fixed($0.end)), ("start", Self.fixed($0.start))]
            })),
            ("vehicle", Self.quoted(vehicle)),
        ]
        for (name, value) in maxTemperatures { entries.append(("max_\(name)_temp_c", Self.fixed(value))) }
        if let hydrogenKg { entries.append(("hydrogen_kg", Self.fixed(hydrogenKg))) }
        if let ambientTempC { entries.append(("ambient_temp_c", Self.fixed(ambientTempC))) }
        if let accEngagedKm, let accEngagedSeconds {
            entries.append(("acc_engaged_km", Self.fixed(accEngagedKm)))
            entries.append(("acc_engaged_s", Self.fixed(accEngagedSeconds)))
            entries.append(("disengagements", Self.array(disengagements.map {
                [("cause", Self.quoted($0.cause)), ("speed_kmh", Self.fixed($0.speedKmh)), ("t", Self.fixed($0.t))]
            })))
            entries.append(("aeb_events", Self.array(aebEvents.map { [("speed_kmh", Self.fixed($0.speedKmh)), ("t", Self.fixed($0.t))] })))
        }
        entries.sort { $0.0 < $1.0 }
        return Self.object(entries, indent: 0) + "\n"
    }

    static func object(_ fields: [(String, String)], indent: Int) -> String {
        guard !fields.isEmpty else { return "{}" }
        let pad = String(repeating: "  ", count: indent + 1)
        let body = fields.map { "\(pad)\(quoted($0.0)): \($0.1)" }.joined(separator: ",\n")
        return "{\n\(body)\n\(String(repeating: "  ", count: indent))}"
    }

    static func array(_ items: [[(String, String)]]) -> String {
        guard !items.isEmpty else { return "[]" }
        let body = items.map { "    {" + $0.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}" }
        return "[\n" + body.joined(separator: ",\n") + "\n  ]"
    }

    static func quoted(_ s: String) -> String { JSONString.quoted(s, form: .utf8) }

    static func optional(_ x: Double?) -> String { x.map { fixed($0) } ?? "null" }

    /// A decimal with exactly `digits` fractional digits, rounded half away from zero.
    static func fixed(_ x: Double, digits: Int = 6) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        let whole = Int64(scaled / scale)
        var fraction = Int64(scaled - Double(whole) * scale)
        if fraction < 0 { fraction = 0 }
        var fractionText = String(fraction)
        while fractionText.count < digits { fractionText = "0" + fractionText }
        let sign = x < 0 && scaled != 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fractionText)"
    }
}
