import Testing
import CANCore
import CANDatabase
import FleetSimulator
import Telemetry

/// candor's own metrics (Telemetry), fed the simulated capture with the bundle's semantic
/// map, give the figures of truth.json: the end-to-end check the fixtures exist for.
@Suite struct TelemetryAgreementTests {
    static func configuration(_ definition: VehicleDefinition, plans: [DecodePlan]) -> TelemetryConfiguration {
        // The simulator's references are Telemetry's type (scale 1, offset 0).
        func ref(_ r: SignalReference?) -> SignalReference? { r }
        var buses: [BusConfiguration] = []
        for (i, bus) in definition.buses.enumerated() {
            var rules: [String: MessageRules] = [:]
            for (name, p) in definition.protection where plans[i].messageIndex(named: name) != nil {
                rules[name] = MessageRules(
                    counter: CounterRule(signal: p.counterSignal),
                    checksum: ChecksumRule(signal: p.checksumSignal, algorithm: p.algorithm))
            }
            buses.append(BusConfiguration(interface: bus.interface, rules: BusRules(bitrate: bus.bitrate, dataBitrate: bus.dataBitrate, messageRules: rules), plan: plans[i]))
        }
        let roles = definition.roles
        var map = SemanticMap(
            vehicleSpeed: ref(roles[.vehicleSpeed]), packVoltage: ref(roles[.packVoltage]),
            packCurrent: ref(roles[.packCurrent]), packCurrentPositive: .discharge,
            soc: ref(roles[.soc]), minCellVoltage: ref(roles[.minCellVoltage]),
            maxCellVoltage: ref(roles[.maxCellVoltage]), maxCellTemperature: ref(roles[.maxCellTemperature]),
            minCellTemperature: ref(roles[.minCellTemperature]), brakePressure: ref(roles[.brakePressure]),
            steeringAngle: ref(roles[.steeringAngle]),
            ready: ref(roles[.ready]).map { StateReference($0, onValues: definition.readyOnValues.map(Double.init)) },
            charging: ref(roles[.charging]).map { StateReference($0, onValues: definition.chargingOnValues.map(Double.init)) })
        // The stack with its cells, as the bundle's candor.yaml maps it: hydrogen consumed.
        map.fuelCellCurrent = ref(roles[.fuelCellCurrent])
        map.fuelCellCells = definition.parameters.fuelCell?.stackCells
        map.ambientTemperature = ref(roles[.ambientTemperature])
        // Driver assistance, coded as the bundle's candor.yaml maps it (the bus).
        func coded(_ role: SignalRole) -> CodedReference? {
            roles[role].map { CodedReference($0, codes: (definition.roleCodes[role] ?? []).map { CodedReference.Code($0.name, Double($0.value)) }) }
        }
        map.accState = coded(.accState)
        map.accCause = coded(.accCause)
        map.aebState = coded(.aebState)
        let vehicle = VehicleConfiguration(name: definition.name, buses: buses, rules: VehicleRules(
            signals: map,
            temperatures: definition.temperatures.map { .init(name: $0.name, reference: ref($0.ref)!) },
            faults: definition.faultFlags.map { .init(kind: $0.kind, flag: FaultFlag(ref($0.ref)!)) },
            trips: TripRule(kind: .ready),
            brake: BrakeRule(onAbove: definition.brakeHysteresis.onAbove, offBelow: definition.brakeHysteresis.offBelow)))
        return TelemetryConfiguration(vehicles: [vehicle])
    }

    static func summary(_ c: SimulatedCapture) throws -> OperationsSummary {
        let plans = c.simulation.plans
        let layout = try TelemetryLayout(configuration(c.simulation.definition, plans: plans))
        var aggregator = TelemetryAggregator(layout: layout)
        var values = DecodedSignals(capacity: plans.map(\.maxSignalsPerMessage).max()!)
        let busIndex = Dictionary(uniqueKeysWithValues: c.simulation.definition.buses.enumerated().map { ($1.interface, $0) })
        for frame in c.frames {
            let b = busIndex[frame.bus]!
            let outcome = frame.kind == .error ? DecodeOutcome.unknownMessage : plans[b].decode(frame, into: &values)
            if frame.kind == .error { values.removeAll() }
            aggregator.ingest(frame, bus: layout.busIndex(interface: frame.bus)!, outcome: outcome, values: values)
        }
        aggregator.advance(to: Int64(c.truth.captureStart * 1e9) + Int64(c.truth.durationSeconds) * 1_000_000_000)
        aggregator.finish()
        return aggregator.summary(vehicle: 0)
    }

    @discardableResult
    func compare(_ c: SimulatedCapture) throws -> OperationsSummary {
        let s = try Self.summary(c)
        let t = c.truth
        func seconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }
        func near(_ a: Double, _ b: Double, _ what: String) {
            #expect(b == 0 ? abs(a) < 1e-3 : abs(a / b - 1) < 0.005, "\(t.vehicle) \(what): metrics \(a), truth \(b)")
        }
        near(s.distanceKm, t.distanceKm, "distance_km")
        near(s.tractionEnergyKWh, t.tractionEnergyKWh, "traction_energy_kwh")
        near(s.regenEnergyKWh, t.regenEnergyKWh, "regen_energy_kwh")
        near(s.chargeEnergyKWh, t.chargeEnergyKWh, "charge_energy_kwh")
        // Truth holds the simulator's physical values; the metrics see them on each signal's
        // raw grid: within half its factor.
        let roles = c.simulation.definition.roles
        func onGrid(_ a: Double?, _ b: Double?, _ role: SignalRole) {
            let step = c.halfStep(roles[role]!)
            #expect(a != nil && b != nil && abs(a! - b!) <= step, "\(t.vehicle) \(role.rawValue): metrics \(String(describing: a)), truth \(String(describing: b)) ± \(step)")
        }
        onGrid(s.socStart, t.socStart, .soc)
        onGrid(s.socEnd, t.socEnd, .soc)
        onGrid(s.minCellVoltage, t.minCellVoltageV, .minCellVoltage)
        onGrid(s.maxCellVoltage, t.maxCellVoltageV, .maxCellVoltage)
        onGrid(s.maxCellTemperature, t.maxCellTempC, .maxCellTemperature)
        // The report's figures (issue 15 item 3), each against truth with its tolerance.
        print("\(t.vehicle) report figures: SOC \(s.socMin ?? .nan)…\(s.socMax ?? .nan) vs \(t.socMin ?? .nan)…\(t.socMax ?? .nan), "
              + "average speed \(s.averageSpeedKmh ?? .nan) vs \(t.averageSpeedKmh ?? .nan) km/h, alarms by level \(s.alarmsByLevel), "
              + "sessions \(s.chargingSessions.map { "\($0.energyKWh) kWh \($0.maxPowerKW) kW \($0.seconds) s" }) vs "
              + "\(t.chargingSessions.map { "\($0.energyKWh) kWh \($0.maxPowerKW) kW \($0.end - $0.start) s" })")
        onGrid(s.socMin, t.socMin, .soc)
        onGrid(s.socMax, t.socMax, .soc)
        // Online span: the first and last frame, exactly (microsecond timestamps).
        #expect(s.firstFrame.map { abs(seconds($0) - t.firstFrame!) < 1e-6 } == true, "\(t.vehicle) first frame \(String(describing: s.firstFrame)) vs \(String(describing: t.firstFrame))")
        #expect(s.lastFrame.map { abs(seconds($0) - t.lastFrame!) < 1e-6 } == true, "\(t.vehicle) last frame \(String(describing: s.lastFrame)) vs \(String(describing: t.lastFrame))")
        // Average speed: driving time from speed samples (held per interval) vs the model's
        // 10 ms steps: within 1 % (and 0.05 km/h).
        if let truthSpeed = t.averageSpeedKmh {
            let ours = s.averageSpeedKmh ?? .nan
            #expect(abs(ours - truthSpeed) <= max(0.01 * truthSpeed, 0.05), "\(t.vehicle) average speed: metrics \(ours), truth \(truthSpeed) km/h")
        } else {
            #expect(s.distanceKm < 1e-3, "\(t.vehicle): truth never drove")
        }
        // Alarms by GB/T 32960 level: exact (a bus-off is a level-3 fault).
        var truthLevels = [0, 0, 0]
        for e in t.faultEpisodes {
            if let level = e.level { truthLevels[level - 1] += 1 } else if e.kind == "bus_off" { truthLevels[2] += 1 }
        }
        #expect(s.alarmsByLevel == truthLevels, "\(t.vehicle) alarms by level: metrics \(s.alarmsByLevel), truth \(truthLevels)")
        // Charging sessions: same count and fast/slow; start and end within one cycle of the
        // charging-state message (plus a model step); energy within 1 % (+ 1 Wh); peak power 2 %.
        #expect(s.chargingSessions.count == t.chargingSessions.count, "\(t.vehicle) charging sessions: metrics \(s.chargingSessions), truth \(t.chargingSessions)")
        if let charging = roles[.charging] {
            let cycle = c.cycleSeconds(charging) + 0.01
            for (a, b) in zip(s.chargingSessions, t.chargingSessions) {
                #expect(abs(seconds(a.start) - b.start) <= cycle && abs(seconds(a.end) - b.end) <= cycle, "\(t.vehicle) session \(a) vs \(b)")
                #expect(abs(a.energyKWh - b.energyKWh) <= 0.01 * b.energyKWh + 1e-3, "\(t.vehicle) session energy \(a.energyKWh) vs \(b.energyKWh) kWh")
                #expect(abs(a.maxPowerKW - b.maxPowerKW) <= 0.02 * b.maxPowerKW, "\(t.vehicle) session power \(a.maxPowerKW) vs \(b.maxPowerKW) kW")
                #expect(a.fast == b.fast)
            }
        }
        // Hydrogen: the stack current on its 0.1 A grid, sampled every FCU_Status cycle and
        // integrated by the trapezoid rule, against the model's 10 ms steps: within 1 %.
        print("\(t.vehicle) hydrogen: metrics \(s.hydrogenKg ?? .nan) kg, truth \(t.hydrogenKg ?? .nan) kg")
        if let truthKg = t.hydrogenKg {
            let ours = s.hydrogenKg ?? .nan
            #expect(abs(ours - truthKg) <= 0.01 * truthKg + 1e-6, "\(t.vehicle) hydrogen: metrics \(ours), truth \(truthKg) kg")
            #expect(truthKg > 0, "\(t.vehicle): the fuel cell ran")
        } else {
            #expect(s.hydrogenKg == nil, "\(t.vehicle): no fuel cell, no hydrogen figure")
        }
        // Ambient: the time-weighted mean of the sensor's frames (0.5 °C grid, 1 s cycle) against
        // the model's 10 ms steps: within half a step (+ 0.05 °C for the run's first and last second).
        print("\(t.vehicle) ambient: metrics \(s.ambientTemperature?.mean ?? .nan) °C, truth \(t.ambientTempC ?? .nan) °C")
        if let ambient = roles[.ambientTemperature] {
            let ours = s.ambientTemperature?.mean ?? .nan
            #expect(abs(ours - t.ambientTempC!) <= c.halfStep(ambient) + 0.05, "\(t.vehicle) ambient: metrics \(ours), truth \(t.ambientTempC!) °C")
        } else {
            #expect(s.ambientTemperature == nil && t.ambientTempC == nil, "\(t.vehicle): no ambient sensor, no ambient figure")
        }
        compareAssistance(s, c)
        #expect(s.brakeApplications == t.brakeApplications, "\(t.vehicle) brakes: metrics \(s.brakeApplications), truth \(t.brakeApplications)")
        #expect(s.trips.count == t.trips.count, "\(t.vehicle) trips: metrics \(s.trips.count), truth \(t.trips.count)")
        for (a, b) in zip(s.trips, t.trips) {
            #expect(abs(seconds(a.start) - b.start) < 0.15, "\(t.vehicle) trip start \(seconds(a.start)) vs \(b.start)")
        }
        #expect(s.checksumErrors == t.checksumErrors && s.counterErrors == t.counterErrors,
                "\(t.vehicle) protection: metrics \(s.checksumErrors)/\(s.counterErrors), truth \(t.checksumErrors)/\(t.counterErrors)")
        #expect(Dictionary(uniqueKeysWithValues: s.frames.map { ($0.name, $0.count) }) == t.frames, "\(t.vehicle) frames")
        for e in t.faultEpisodes where e.level != nil {
            let m = s.faultEpisodes.first { $0.kind == e.kind }
            #expect(m.map { abs(seconds($0.start) - e.start) < 1e-6 && abs(seconds($0.end) - e.end) < 1e-6 } == true,
                    "\(t.vehicle) \(e.kind): metrics \(m.map { "\(seconds($0.start))-\(seconds($0.end))" } ?? "none"), truth \(e.start)-\(e.end)")
        }
        let alarmKinds = Set(s.faultEpisodes.map(\.kind)).subtracting(["bus_off"])
        #expect(alarmKinds == Set(t.faultEpisodes.filter { $0.level != nil }.map(\.kind)), "\(t.vehicle) alarm kinds")
        let silentMetrics = Set(s.silentMessages.map { "\($0.bus)/\($0.message)@\(seconds($0.start))" })
        let silentTruth = Set(t.silentMessages.map { "\($0.bus)/\($0.message)@\($0.start)" })
        #expect(s.silentMessages.count == t.silentMessages.count, "\(t.vehicle) silent: metrics \(silentMetrics.sorted()), truth \(silentTruth.sorted())")
        for e in t.silentMessages {
            #expect(s.silentMessages.contains { $0.bus == e.bus && $0.message == e.message && abs(seconds($0.start) - e.start) < 1e-6 && abs(seconds($0.end) - e.end) < 1e-6 },
                    "\(t.vehicle) silent \(e.bus)/\(e.message) \(e.start)-\(e.end)")
        }
        return s
    }

    /// The smart-connected figures against truth: engaged distance and time within 1 % (the
    /// metrics integrate the speed signal between frames while the last ACC frame said engaged;
    /// truth the model's 10 ms steps); every disengagement and AEB activation, the count exact,
    /// its time within one ACC/AEB message period (20 ms), its speed within half the speed
    /// signal's resolution, the cause equal.
    func compareAssistance(_ s: OperationsSummary, _ c: SimulatedCapture) {
        let t = c.truth
        guard let truthKm = t.accEngagedKm, let truthSeconds = t.accEngagedSeconds else {
            #expect(s.accEngagedKm == nil && s.disengagements.isEmpty && s.aebEvents.isEmpty, "\(t.vehicle): no ACC, no figures")
            return
        }
        let roles = c.simulation.definition.roles
        let km = s.accEngagedKm ?? .nan, seconds = s.accEngagedSeconds ?? .nan
        print("\(t.vehicle) ACC engaged: metrics \(km) km \(seconds) s, truth \(truthKm) km \(truthSeconds) s; "
              + "disengagements \(s.disengagements.count) vs \(t.disengagements.count) \(t.disengagements.map(\.cause)), "
              + "AEB \(s.aebEvents.count) vs \(t.aebEvents.count)")
        #expect(abs(km - truthKm) <= 0.01 * truthKm + 1e-6, "\(t.vehicle) engaged km: metrics \(km), truth \(truthKm)")
        #expect(abs(seconds - truthSeconds) <= 0.01 * truthSeconds + 1e-6, "\(t.vehicle) engaged s: metrics \(seconds), truth \(truthSeconds)")
        let period = c.cycleSeconds(roles[.accState]!)
        let speedStep = c.halfStep(roles[.vehicleSpeed]!)
        #expect(s.disengagements.count == t.disengagements.count, "\(t.vehicle) disengagements: metrics \(s.disengagements), truth \(t.disengagements)")
        for (a, b) in zip(s.disengagements, t.disengagements) {
            #expect(abs(Double(a.time) / 1e9 - b.t) <= period && abs(a.speedKmh - b.speedKmh) <= speedStep && a.cause == b.cause,
                    "\(t.vehicle) disengagement \(a) vs \(b)")
        }
        #expect(s.aebEvents.count == t.aebEvents.count, "\(t.vehicle) AEB: metrics \(s.aebEvents), truth \(t.aebEvents)")
        for (a, b) in zip(s.aebEvents, t.aebEvents) {
            #expect(abs(Double(a.time) / 1e9 - b.t) <= period && abs(a.speedKmh - b.speedKmh) <= speedStep, "\(t.vehicle) AEB \(a) vs \(b)")
        }
        if let perThousand = s.disengagementsPer1000km, truthKm > 0 {
            let expected = Double(t.disengagements.count) / truthKm * 1000
            #expect(abs(perThousand - expected) <= 0.01 * expected + 1e-9, "\(t.vehicle) per 1,000 km: \(perThousand) vs \(expected)")
        }
    }

    /// 15 minutes of a city bus: the seed decides the driver's takeovers, the system faults and
    /// the AEB activations (seed 11: 8 disengagements — driver brake and a system fault — and 2
    /// AEB activations over 1.49 km with ACC engaged); each is in truth and in the metrics.
    @Test func busDriverAssistance() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .bus, cycle: .urban, durationSeconds: 900, seed: 11), name: "tel-bus-acc")
        try compare(c)
        #expect(Set(c.truth.disengagements.map(\.cause)).isSuperset(of: ["driver_brake", "system_fault"]), "seed 11: \(c.truth.disengagements)")
        #expect(!c.truth.aebEvents.isEmpty, "seed 11 gives AEB activations")
        #expect((c.truth.accEngagedKm ?? 0) > 1, "the bus drove with ACC engaged")
    }

    @Test func vanWithEveryFault() throws {
        let faults = try ["over-temperature@20+15", "insulation-drop@40+10", "silent-ecu:MCU@60+8", "bus-off@80+2",
                          "bad-checksum:EHB_Status@100+1", "counter-jump@110+0.5"].map { try FaultSpec(parsing: $0) }
        try compare(try SimulatedCapture(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 150, seed: 2, faults: faults), name: "tel-van"))
    }

    @Test func vanCharging() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .van, cycle: .depotCharging, durationSeconds: 90, seed: 5), name: "tel-charge")
        let s = try compare(c)
        #expect(!c.truth.chargingSessions.isEmpty && s.chargingSessions.allSatisfy { !$0.fast }, "the van charges slowly (6.2 kW)")
    }

    @Test func vanChargingStops() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .van, cycle: .chargingStops, seed: 1), name: "tel-stops")
        let s = try compare(c)
        #expect(s.chargingSessions.map(\.fast) == [true, false], "a DC fast stop, then an AC top-up")
    }

    @Test func busFastCharging() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .bus, cycle: .depotCharging, durationSeconds: 60, seed: 6), name: "tel-bus-charge")
        let s = try compare(c)
        #expect(!c.truth.chargingSessions.isEmpty && s.chargingSessions.allSatisfy(\.fast), "the bus charges fast (150 kW)")
    }

    @Test func busOnThreeBuses() throws {
        try compare(try SimulatedCapture(SimulationOptions(vehicle: .bus, cycle: .cWTVC, durationSeconds: 60, seed: 1,
                                                           faults: [try FaultSpec(parsing: "silent-ecu:SBW@20+6")]), name: "tel-bus"))
    }

    @Test func fuelCellTruck() throws {
        try compare(try SimulatedCapture(SimulationOptions(vehicle: .fcev, cycle: .urban, durationSeconds: 120, seed: 1), name: "tel-fcev"))
    }
}
