/// The other direction of `append`: the summary object back into the `OperationsSummary`, so
/// that a receiver of the JSON (the fleet collector) stores the same columns and the same
/// `summary_json` text. The scope is not in the object (the record around it carries it);
/// `kwh_per_100km`, `soc_used`, `average_speed_kmh`, `hydrogen_kg_per_100km` and `alarms_by_level` are derived by the
/// summary itself. `null` reads back as NaN where the summary holds a plain number and as nil
/// where it holds an optional. The `max_<name>_temp_c` members come back in key order.
extension OperationsSummaryJSON {
    public static func summary(_ value: JSONValue, scope: OperationsSummary.Scope) throws(RecordJSONError) -> OperationsSummary {
        let o = JSONFields(value)
        guard case .object(let members) = value else { throw RecordJSONError(reason: "summary is not an object") }
        var s = OperationsSummary(vehicle: try o.string("vehicle"), scope: scope, start: try o.time("start"), end: try o.time("end"))
        s.distanceKm = try o.optionalDouble("distance_km") ?? .nan
        s.tractionEnergyKWh = try o.optionalDouble("traction_energy_kwh") ?? .nan
        s.regenEnergyKWh = try o.optionalDouble("regen_energy_kwh") ?? .nan
        s.chargeEnergyKWh = try o.optionalDouble("charge_energy_kwh") ?? .nan
        s.socStart = try o.optionalDouble("soc_start")
        s.socEnd = try o.optionalDouble("soc_end")
        s.minCellVoltage = try o.optionalDouble("min_cell_voltage_v")
        s.maxCellVoltage = try o.optionalDouble("max_cell_voltage_v")
        s.maxCellSpread = try o.optionalDouble("max_cell_spread_v")
        s.maxCellTemperature = try o.optionalDouble("max_cell_temp_c")
        s.minCellTemperature = try o.optionalDouble("min_cell_temp_c")
        s.brakeApplications = try o.int("brake_applications")
        s.drivingSeconds = try o.optionalDouble("driving_s") ?? .nan
        s.chargingSeconds = try o.optionalDouble("charging_s") ?? .nan
        s.idleSeconds = try o.optionalDouble("idle_s") ?? .nan
        s.checksumErrors = try o.int("checksum_errors")
        s.counterErrors = try o.int("counter_errors")
        s.frames = try counts(o.value("frames"))
        s.errorFrames = try counts(o.value("error_frames"))
        for (name, value) in members where name.hasPrefix("max_") && name.hasSuffix("_temp_c") && name != "max_cell_temp_c" {
            let temperature = String(name.dropFirst(4).dropLast(7))
            s.maxTemperatures.append(NamedValue(name: temperature, value: try JSONFields(.object([(name, value)])).optionalDouble(name) ?? .nan))
        }
        for (i, trip) in try o.items("trips").enumerated() {
            let t = JSONFields(trip)
            s.trips.append(TripFigure(index: i, start: try t.time("start"), end: try t.time("end"),
                                      distanceKm: try t.optionalDouble("distance_km") ?? .nan))
        }
        for episode in try o.items("fault_episodes") {
            let e = JSONFields(episode)
            s.faultEpisodes.append(FaultEpisode(vehicle: s.vehicle, kind: try e.string("kind"), level: try e.int("level"),
                                                start: try e.time("start"), end: try e.time("end"), open: try e.bool("open"),
                                                target: e.has("target") ? try e.string("target") : nil))
        }
        // The report's figures (store schema 2); absent from older gateways' records.
        if o.has("soc_min") { s.socMin = try o.optionalDouble("soc_min") }
        if o.has("soc_max") { s.socMax = try o.optionalDouble("soc_max") }
        if o.has("first_frame"), try o.value("first_frame") != .null { s.firstFrame = try o.time("first_frame") }
        if o.has("last_frame"), try o.value("last_frame") != .null { s.lastFrame = try o.time("last_frame") }
        // Hydrogen (store schema 3): only a fuel-cell vehicle mapped with its stack's cells has
        // the key; its null reads back as NaN so that the key is written again.
        if o.has("hydrogen_kg") { s.hydrogenKg = try o.optionalDouble("hydrogen_kg") ?? .nan }
        // Ambient (store schema 4): only a vehicle mapping `ambient_temperature` has the key.
        if o.has("ambient_temp_c") { s.ambientTemperature = TimeWeightedMean(mean: try o.optionalDouble("ambient_temp_c")) }
        // Driver assistance (store schema 5): only a vehicle with ACC or AEB mapped has the keys.
        if o.has("acc_engaged_km") {
            s.accEngagedKm = try o.optionalDouble("acc_engaged_km") ?? .nan
            s.accEngagedSeconds = try o.optionalDouble("acc_engaged_s") ?? .nan
        }
        if o.has("disengagements") {
            for item in try o.items("disengagements") {
                let d = JSONFields(item)
                s.disengagements.append(DisengagementFigure(time: try d.time("t"), speedKmh: try d.optionalDouble("speed_kmh") ?? .nan, cause: try d.string("cause")))
            }
        }
        if o.has("aeb_events") {
            for item in try o.items("aeb_events") {
                let e = JSONFields(item)
                s.aebEvents.append(AEBEventFigure(time: try e.time("t"), speedKmh: try e.optionalDouble("speed_kmh") ?? .nan))
            }
        }
        if o.has("charges") {
            for session in try o.items("charges") {
                let c = JSONFields(session)
                s.chargingSessions.append(ChargingSessionFigure(
                    start: try c.time("start"), end: try c.time("end"),
                    energyKWh: try c.optionalDouble("energy_kwh") ?? .nan, maxPowerKW: try c.optionalDouble("max_power_kw") ?? .nan))
            }
        }
        for episode in try o.items("silent_messages") {
            let e = JSONFields(episode)
            s.silentMessages.append(SilentEpisode.make(vehicle: s.vehicle, bus: try e.string("bus"), message: try e.string("message"),
                                                       start: try e.time("start"), end: try e.time("end"), open: try e.bool("open")))
        }
        return s
    }

    /// `{"can0":12,"can1":3}` in its order.
    private static func counts(_ value: JSONValue) throws(RecordJSONError) -> [NamedCount] {
        guard case .object(let members) = value else { throw RecordJSONError(reason: "frame counts are not an object") }
        var out: [NamedCount] = []
        for (name, count) in members { out.append(NamedCount(name: name, count: try JSONFields.int(count, name))) }
        return out
    }
}
