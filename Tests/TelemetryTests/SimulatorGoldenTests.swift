import CANCore
import CANDatabase
import FleetSimulator
import Testing
import Telemetry

/// Golden tests: the simulator's frames through DecodePlan and the aggregator give the
/// figures of its ground truth (issue 4): distance and energies within 0.5 %, brake
/// applications, checksum and counter errors exact, alarm and silent-message episodes with
/// start and end within one cycle of the message that shows them.
///
/// The configuration is built from the simulator's vehicle definition, the same source its
/// `candor.yaml` is written from.
struct SimulatorGoldenTests {
    struct Case: Sendable, CustomStringConvertible {
        var vehicle: FleetVehicle
        var cycle: DriveCycle
        var seconds: Int
        var seed: UInt64
        var faults: [String]
        var description: String { "\(vehicle.rawValue) \(cycle.rawValue) \(seconds) s seed \(seed) \(faults)" }
    }

    static let cases: [Case] = [
        Case(vehicle: .van, cycle: .cltcP, seconds: 240, seed: 3,
             faults: ["silent-ecu:BMS@60+10", "bus-off@120+2", "over-temperature@150+30"]),
        Case(vehicle: .bus, cycle: .cWTVC, seconds: 120, seed: 5,
             faults: ["bad-checksum@30+5", "counter-jump@60+1", "insulation-drop@70+20"]),
        Case(vehicle: .fcev, cycle: .highway, seconds: 120, seed: 2, faults: ["bus-off@60+2"]),
        Case(vehicle: .van, cycle: .depotCharging, seconds: 120, seed: 9, faults: []),
    ]

    static func reference(_ r: FleetSimulator.SignalReference) -> Telemetry.SignalReference {
        Telemetry.SignalReference(bus: r.bus, message: r.message, signal: r.signal)
    }

    /// The telemetry configuration the bundle's `candor.yaml` describes.
    static func configuration(_ definition: VehicleDefinition, plans: [DecodePlan]) -> TelemetryConfiguration {
        var buses: [BusConfiguration] = []
        for (bus, plan) in zip(definition.buses, plans) {
            var rules: [String: MessageRules] = [:]
            for (name, p) in definition.protection where plan.messageIndex(named: name) != nil {
                rules[name] = MessageRules(
                    counter: CounterRule(signal: p.counterSignal),
                    checksum: ChecksumRule(signal: p.checksumSignal, algorithm: Telemetry.ChecksumAlgorithm(rawValue: p.algorithm.rawValue)!))
            }
            buses.append(BusConfiguration(interface: bus.interface, rules: BusRules(bitrate: bus.bitrate, dataBitrate: bus.dataBitrate, messageRules: rules), plan: plan))
        }
        var map = SemanticMap()
        for (role, r) in definition.roles {
            let ref = reference(r)
            switch role {
            case .vehicleSpeed: map.vehicleSpeed = ref
            case .packVoltage: map.packVoltage = ref
            case .packCurrent: map.packCurrent = ref
            case .soc: map.soc = ref
            case .minCellVoltage: map.minCellVoltage = ref
            case .maxCellVoltage: map.maxCellVoltage = ref
            case .maxCellTemperature: map.maxCellTemperature = ref
            case .minCellTemperature: map.minCellTemperature = ref
            case .maxCellVoltageNumber: map.maxCellVoltageNumber = ref
            case .minCellVoltageNumber: map.minCellVoltageNumber = ref
            case .maxCellTemperatureNumber: map.maxCellTemperatureNumber = ref
            case .minCellTemperatureNumber: map.minCellTemperatureNumber = ref
            case .brakePressure: map.brakePressure = ref
            case .steeringAngle: map.steeringAngle = ref
            case .ready: map.ready = StateReference(ref, onValues: definition.readyOnValues.map(Double.init))
            case .charging: map.charging = StateReference(ref, onValues: definition.chargingOnValues.map(Double.init))
            case .odometer: map.odometer = ref
            case .gear, .motorState, .hydrogenConsumption, .hydrogenConcentration, .dcdcState, .insulationResistance, .acceleratorPedal, .brakePedal, .runningMode,
                 .hydrogenRemaining, .hvDCDCTemperature, .hvDCDCState, .fuelCellHydrogenInletPressure, .fuelCellAirInletPressure, .fuelCellAirInletTemperature,
                 .hydrogenMaxTemperatureProbe, .hydrogenMaxConcentrationSensor, .hydrogenMaxPressureSensor:
                break  // the GB/T 32960 terminal's; no metric uses them
            case .motorSpeed: map.motorSpeed = ref
            case .motorTorque: map.motorTorque = ref
            case .motorDCVoltage: map.motorDCVoltage = ref
            case .motorDCCurrent: map.motorDCCurrent = ref
            case .fuelCellVoltage: map.fuelCellVoltage = ref
            case .fuelCellCurrent:
                map.fuelCellCurrent = ref
                map.fuelCellCells = definition.parameters.fuelCell?.stackCells
            case .hydrogenPressure: map.hydrogenPressure = ref
            case .hydrogenTemperature: map.hydrogenTemperature = ref
            case .ambientTemperature: map.ambientTemperature = ref
            case .accState, .accCause, .aebState:
                let coded = CodedReference(ref, codes: (definition.roleCodes[role] ?? []).map { CodedReference.Code($0.name, Double($0.value)) })
                if role == .accState { map.accState = coded } else if role == .accCause { map.accCause = coded } else { map.aebState = coded }
            }
        }
        let vehicle = VehicleConfiguration(name: definition.name, buses: buses, rules: VehicleRules(
            signals: map,
            temperatures: definition.temperatures.map { .init(name: $0.name, reference: reference($0.ref)) },
            faults: definition.faultFlags.map { .init(kind: $0.kind, flag: FaultFlag(reference($0.ref))) },
            trips: TripRule(kind: .ready),
            brake: BrakeRule(onAbove: definition.brakeHysteresis.onAbove, offBelow: definition.brakeHysteresis.offBelow)))
        return TelemetryConfiguration(vehicles: [vehicle])
    }

    func expectClose(_ ours: Double?, _ truth: Double?, relative: Double, absolute: Double, _ what: String) {
        guard let ours, let truth else {
            #expect(ours == nil && truth == nil, "\(what): ours \(String(describing: ours)), truth \(String(describing: truth))")
            return
        }
        #expect(abs(ours - truth) <= max(relative * abs(truth), absolute), "\(what): ours \(ours), truth \(truth)")
    }

    @Test(arguments: cases)
    func figuresMatchGroundTruth(_ c: Case) throws {
        print("SimulatorGoldenTests: \(c)")
        let options = SimulationOptions(
            vehicle: c.vehicle, cycle: c.cycle, durationSeconds: c.seconds, seed: c.seed,
            faults: try c.faults.map { try FaultSpec(parsing: $0) })
        let simulation = try FleetSimulation(options)
        let plans = simulation.plans
        let layout = try TelemetryLayout(Self.configuration(simulation.definition, plans: plans))
        var aggregator = TelemetryAggregator(layout: layout)
        var values = DecodedSignals(capacity: plans.map(\.maxSignalsPerMessage).max() ?? 0)
        var busIndex: [String: Int] = [:]
        var records: [TelemetryRecord] = []
        let truth = simulation.run { (frame: CANFrame) in
            let b = busIndex[frame.bus] ?? layout.busIndex(interface: frame.bus)!
            busIndex[frame.bus] = b
            aggregator.ingest(frame, bus: b, outcome: plans[b].decode(frame, into: &values), values: values)
            aggregator.drainRecords { if case .silentEpisode = $0 { records.append($0) } }
        }
        aggregator.finish()
        records += aggregator.takeRecords()
        let ours = try #require(records.compactMap { if case .operations(let s) = $0, s.scope == .vehicle { s } else { nil } }.first)

        expectClose(ours.distanceKm, truth.distanceKm, relative: 0.005, absolute: 1e-6, "distance_km")
        expectClose(ours.tractionEnergyKWh, truth.tractionEnergyKWh, relative: 0.005, absolute: 1e-3, "traction_energy_kwh")
        expectClose(ours.regenEnergyKWh, truth.regenEnergyKWh, relative: 0.005, absolute: 1e-3, "regen_energy_kwh")
        expectClose(ours.chargeEnergyKWh, truth.chargeEnergyKWh, relative: 0.005, absolute: 1e-3, "charge_energy_kwh")
        // Reported figures: truth holds the physical values the model gave the frames; the
        // aggregator sees them rounded to the signal's raw grid (within half its factor).
        func halfStep(_ r: FleetSimulator.SignalReference?) -> Double {
            guard let r, let plan = layout.busIndex(interface: r.bus).map({ plans[$0] }),
                  let m = plan.messageIndex(named: r.message),
                  let signal = plan.message(at: m).signals.first(where: { $0.name == r.signal }) else { return 1e-9 }
            return abs(signal.factor.doubleValue) / 2 + 1e-9
        }
        let roles = simulation.definition.roles
        expectClose(ours.socStart, truth.socStart, relative: 0, absolute: halfStep(roles[.soc]), "soc_start")
        expectClose(ours.socEnd, truth.socEnd, relative: 0, absolute: halfStep(roles[.soc]), "soc_end")
        expectClose(ours.minCellVoltage, truth.minCellVoltageV, relative: 0, absolute: halfStep(roles[.minCellVoltage]), "min_cell_voltage_v")
        expectClose(ours.maxCellVoltage, truth.maxCellVoltageV, relative: 0, absolute: halfStep(roles[.maxCellVoltage]), "max_cell_voltage_v")
        expectClose(ours.maxCellTemperature, truth.maxCellTempC, relative: 0, absolute: halfStep(roles[.maxCellTemperature]), "max_cell_temp_c")
        for temperature in ours.maxTemperatures {
            let ref = simulation.definition.temperatures.first { $0.name == temperature.name }?.ref
            expectClose(temperature.value, truth.maxTemperatures[temperature.name], relative: 0, absolute: halfStep(ref), "max_\(temperature.name)_temp_c")
        }
        // Hydrogen from the sampled stack current (a bus-off gap integrated across): within 1 %.
        expectClose(ours.hydrogenKg, truth.hydrogenKg, relative: 0.01, absolute: 1e-6, "hydrogen_kg")
        // Ambient: the sensor's time-weighted mean on its 0.5 °C grid, sampled every second: half a step.
        expectClose(ours.ambientTemperature?.mean, truth.ambientTempC, relative: 0, absolute: halfStep(roles[.ambientTemperature]) + 0.05, "ambient_temp_c")
        #expect(ours.brakeApplications == truth.brakeApplications)
        #expect(ours.checksumErrors == truth.checksumErrors)
        #expect(ours.counterErrors == truth.counterErrors)
        #expect(Dictionary(uniqueKeysWithValues: ours.frames.map { ($0.name, $0.count) }) == truth.frames)
        #expect(ours.errorFrames.map(\.count).reduce(0, +) == truth.errorFrames.values.reduce(0, +))

        // Episode times: within one cycle of the message that shows them.
        func cycle(bus: String, message: String) -> Double {
            let plan = plans[layout.busIndex(interface: bus)!]
            return Double(plan.message(at: plan.messageIndex(named: message)!).cycleTime ?? 1000) / 1000
        }
        let ready = simulation.definition.roles[.ready]!
        let readyCycle = cycle(bus: ready.bus, message: ready.message)
        #expect(ours.trips.count == truth.trips.count)
        for (a, b) in zip(ours.trips, truth.trips) {
            #expect(abs(Double(a.start) / 1e9 - b.start) <= readyCycle && abs(Double(a.end) / 1e9 - b.end) <= readyCycle, "trip \(a) vs \(b)")
            expectClose(a.distanceKm, b.distanceKm, relative: 0.005, absolute: 1e-6, "trip distance")
        }
        let alarms = truth.faultEpisodes.filter { $0.level != nil }
        let ourAlarms = ours.faultEpisodes.filter { $0.kind != FaultEpisode.busOff }
        #expect(ourAlarms.count == alarms.count, "fault episodes: ours \(ourAlarms), truth \(alarms)")
        for (a, b) in zip(ourAlarms, alarms) {
            let flag = simulation.definition.faultFlags.first { $0.kind == a.kind }!.ref
            let period = cycle(bus: flag.bus, message: flag.message)
            #expect(a.kind == b.kind && a.level == b.level)
            #expect(abs(Double(a.start) / 1e9 - b.start) <= period && abs(Double(a.end) / 1e9 - b.end) <= period, "\(a) vs \(b)")
        }
        // Bus-off: from the bus-off error frame (after a short burst) to the restart.
        let busOffs = truth.faultEpisodes.filter { $0.kind == "bus_off" }
        let ourBusOffs = ours.faultEpisodes.filter { $0.kind == FaultEpisode.busOff }
        #expect(ourBusOffs.count == busOffs.count)
        for (a, b) in zip(ourBusOffs, busOffs) {
            let plan = plans[layout.busIndex(interface: a.target!)!]
            let shortest = Double(plan.database.messages.compactMap(\.cycleTime).min()!) / 1000
            #expect(a.target == b.target && a.level == 3)
            #expect(abs(Double(a.start) / 1e9 - b.start) <= shortest && abs(Double(a.end) / 1e9 - b.end) <= shortest, "\(a) vs \(b)")
        }
        #expect(ours.silentMessages.count == truth.silentMessages.count)
        for b in truth.silentMessages {
            let period = cycle(bus: b.bus, message: b.message)
            let match = ours.silentMessages.first {
                $0.bus == b.bus && $0.message == b.message && abs(Double($0.start) / 1e9 - b.start) <= period
            }
            let a = try #require(match, "silent \(b.message) on \(b.bus) at \(b.start)")
            #expect(abs(Double(a.end) / 1e9 - b.end) <= period)
        }
        #expect(records.silentEpisodes.count == ours.silentMessages.count, "each silent episode is emitted once")
    }
}
