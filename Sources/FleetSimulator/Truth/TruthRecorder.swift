/// Accumulates `GroundTruth` while the simulation runs: physics figures once per model
/// step, reported figures from the physical values the model gave every frame written
/// (never decoded from the frame's bits); episodes and trips cut by `TruthRules`.
struct TruthRecorder {
    var truth: GroundTruth
    let energyFromTractionDCLink: Bool
    let epoch: Double
    private var wasBraking = false
    private var wasReady = false
    private var session: GroundTruth.ChargingSession?
    /// Hydrogen in the tank after the last step (kg), for a fuel-cell vehicle.
    private var hydrogenMass: Double?
    /// ∫ ambient sensor dt (°C·s) and the seconds, for a vehicle that sends its ambient temperature.
    private var ambient: (degreeSeconds: Double, seconds: Double)?
    private var tripStart = 0.0
    private var tripDistance = 0.0
    // Alarm episodes per fault flag: open since, highest level.
    private var flagOpen: [Double?]
    private var flagLevel: [Int]
    private let flagKinds: [String]
    // Silence: last frame time per (bus, message).
    private var lastFrameNs: [Int64]
    private let keys: [(bus: Int, message: String, cycleNs: Int64)]
    private let busNames: [String]
    private var framesPerBus: [Int]
    private var errorFramesPerBus: [Int]
    // Samples per mapped signal: when the next is due, and the latest value seen.
    private let sampleNames: [String]
    private var nextSampleNs: [Int64]
    private var latestSample: [(ns: Int64, value: Double)?]

    // Driver assistance: the codes, the latest reported speed, the ACC and AEB states the
    // last frames carried, and the values of the frame being written.
    private let assistance: AssistanceCodes?
    private var reportedSpeed = 0.0
    private var accWasEngaged = false, aebWasBraking = false
    private var frameACCState: Double?, frameCause = 0.0, frameAEBState: Double?

    /// The codes of a vehicle with ACC: which `acc_state` values are engaged, the cause names,
    /// which `aeb_state` values are braking.
    struct AssistanceCodes {
        var engaged: [Double]
        var causes: [Double: String]
        var braking: [Double]

        init?(_ definition: VehicleDefinition) {
            guard definition.roles[.accState] != nil else { return nil }
            func values(_ role: SignalRole, _ name: String) -> [Double] {
                (definition.roleCodes[role] ?? []).filter { $0.name == name }.map { Double($0.value) }
            }
            engaged = values(.accState, "engaged")
            braking = values(.aebState, "braking")
            causes = [:]
            for code in definition.roleCodes[.accCause] ?? [] { causes[Double(code.value)] = code.name }
        }
    }

    init(truth: GroundTruth, definition: VehicleDefinition, vehicle: CompiledVehicle) {
        self.truth = truth
        self.energyFromTractionDCLink = definition.energyFromTractionDCLink
        self.epoch = truth.captureStart
        flagKinds = vehicle.faultFlagKinds
        flagOpen = Array(repeating: nil, count: flagKinds.count)
        flagLevel = Array(repeating: 0, count: flagKinds.count)
        keys = vehicle.messageKeys
        lastFrameNs = Array(repeating: -1, count: keys.count)
        busNames = definition.buses.map(\.interface)
        framesPerBus = Array(repeating: 0, count: busNames.count)
        errorFramesPerBus = Array(repeating: 0, count: busNames.count)
        sampleNames = vehicle.sampleNames
        nextSampleNs = Array(repeating: 0, count: sampleNames.count)
        latestSample = Array(repeating: nil, count: sampleNames.count)
        for name in sampleNames { self.truth.samples[name] = [] }
        if definition.roles[.ambientTemperature] != nil { ambient = (0, 0) }
        assistance = AssistanceCodes(definition)
        if assistance != nil {
            self.truth.accEngagedKm = 0
            self.truth.accEngagedSeconds = 0
        }
        if let fc = definition.parameters.fuelCell {
            hydrogenMass = fc.tankCapacityKg * fc.tankFillFraction
            self.truth.hydrogenKg = 0
        }
    }

    func seconds(_ ns: Int64) -> Double { epoch + Double(ns) / 1e9 }

    /// After each model step.
    mutating func integrate(_ model: PowertrainModel) {
        let s = model.state
        let dt = PowertrainModel.dt
        let km = s.speedKmh / 3.6 * dt / 1000
        truth.distanceKm += km
        if (model.step + 1) % PowertrainModel.stepsPerSecond == 0 { truth.distanceEverySecondKm.append(truth.distanceKm) }
        let power = energyFromTractionDCLink ? s.motorDCVoltage * s.motorDCCurrent : s.packVoltage * s.packCurrent
        let kWh = power * dt / 3_600_000
        let t = epoch + s.time
        if s.mode == .charging {
            if kWh < 0 { truth.chargeEnergyKWh -= kWh }
            if session == nil { session = GroundTruth.ChargingSession(start: t, end: t, energyKWh: 0, maxPowerKW: 0) }
            session!.end = t
            session!.energyKWh += max(0, -kWh)
            session!.maxPowerKW = max(session!.maxPowerKW, -power / 1000)
        } else {
            if kWh > 0 { truth.tractionEnergyKWh += kWh } else { truth.regenEnergyKWh -= kWh }
            if s.speedKmh > TruthRules.movingSpeedKmh { truth.drivingSeconds += dt }
            if let open = session {
                truth.chargingSessions.append(open)
                session = nil
            }
        }
        if let previous = hydrogenMass {
            truth.hydrogenKg! += max(0, previous - s.h2MassKg)
            hydrogenMass = s.h2MassKg
        }
        if let sum = ambient {
            ambient = (sum.degreeSeconds + s.ambientSensorC * dt, sum.seconds + dt)
            truth.ambientTempC = ambient!.degreeSeconds / ambient!.seconds
        }
        if assistance != nil && s.accState == 2 {
            truth.accEngagedKm! += km
            truth.accEngagedSeconds! += dt
        }
        if s.brakePressed && !wasBraking { truth.brakeApplications += 1 }
        wasBraking = s.brakePressed
        if s.ready && !wasReady {
            tripStart = t
            tripDistance = 0
        }
        if s.ready { tripDistance += km }
        if !s.ready && wasReady { closeTrip(at: t) }
        wasReady = s.ready
    }

    private mutating func closeTrip(at t: Double) {
        if tripDistance >= TruthRules.tripMinimumDistanceKm {
            truth.trips.append(GroundTruth.Trip(start: tripStart, end: t, distanceKm: tripDistance))
        }
    }

    /// For each data frame written.
    mutating func frameWritten(bus: Int, messageKey: Int, at ns: Int64) {
        framesPerBus[bus] += 1
        online(at: ns)
        let last = lastFrameNs[messageKey]
        let cycle = keys[messageKey].cycleNs
        if last >= 0 {
            let gap = ns - last
            if TruthRules.isSilent(gapNs: gap, cycleNs: cycle) {
                truth.silentMessages.append(GroundTruth.SilentMessage(
                    message: keys[messageKey].message, bus: busNames[keys[messageKey].bus],
                    start: seconds(last + cycle), end: seconds(ns)))
            }
        }
        lastFrameNs[messageKey] = ns
    }

    mutating func errorFrameWritten(bus: Int, at ns: Int64) {
        errorFramesPerBus[bus] += 1
        online(at: ns)
    }

    private mutating func online(at ns: Int64) {
        let t = seconds(ns)
        if truth.firstFrame == nil { truth.firstFrame = t }
        truth.lastFrame = max(truth.lastFrame ?? t, t)
    }

    /// A mapped signal's physical value in a frame written at `ns`: kept as a sample when one
    /// is due (see `TruthRules.sampleIntervalNs`).
    mutating func sample(_ index: Int, _ value: Double, at ns: Int64) {
        latestSample[index] = (ns, value)
        guard ns >= nextSampleNs[index] else { return }
        nextSampleNs[index] = (ns / TruthRules.sampleIntervalNs + 1) * TruthRules.sampleIntervalNs
        truth.samples[sampleNames[index], default: []].append(GroundTruth.Sample(t: seconds(ns), value: value))
    }

    /// A reported value: the physical value the model gave the frame.
    mutating func observe(_ kind: Observation.Kind, _ value: Double, at ns: Int64) {
        switch kind {
        case .soc:
            if truth.socStart == nil { truth.socStart = value }
            truth.socEnd = value
            truth.socMin = min(truth.socMin ?? value, value)
            truth.socMax = max(truth.socMax ?? value, value)
        case .minCellVoltage:
            truth.minCellVoltageV = min(truth.minCellVoltageV ?? value, value)
        case .maxCellVoltage:
            truth.maxCellVoltageV = max(truth.maxCellVoltageV ?? value, value)
        case .maxCellTemperature:
            truth.maxCellTempC = max(truth.maxCellTempC ?? value, value)
        case .vehicleSpeed:
            reportedSpeed = value
        case .accState:
            frameACCState = value
        case .accCause:
            frameCause = value
        case .aebState:
            frameAEBState = value
        case .temperature, .sampleOnly:
            break  // temperatures: `observeTemperature`
        case .faultFlag(let i):
            let level = Int(value)
            if level >= 1 {
                if flagOpen[i] == nil {
                    flagOpen[i] = seconds(ns)
                    flagLevel[i] = level
                } else {
                    flagLevel[i] = max(flagLevel[i], level)
                }
            } else if let start = flagOpen[i] {
                truth.faultEpisodes.append(GroundTruth.FaultEpisode(kind: flagKinds[i], level: flagLevel[i], start: start, end: seconds(ns), target: nil))
                flagOpen[i] = nil
            }
        }
    }

    /// After a frame's observations: ACC leaving engaged with a cause is a disengagement, AEB
    /// starting to brake an activation (both at the frame's time, at the last reported speed).
    mutating func frameObserved(at ns: Int64) {
        guard let codes = assistance else { return }
        if let state = frameACCState {
            let engaged = codes.engaged.contains(state)
            if accWasEngaged && !engaged, let cause = codes.causes[frameCause], cause != "none" {
                truth.disengagements.append(GroundTruth.Disengagement(t: seconds(ns), speedKmh: reportedSpeed, cause: cause))
            }
            accWasEngaged = engaged
            frameACCState = nil
        }
        if let state = frameAEBState {
            let braking = codes.braking.contains(state)
            if braking && !aebWasBraking { truth.aebEvents.append(GroundTruth.AEBEvent(t: seconds(ns), speedKmh: reportedSpeed)) }
            aebWasBraking = braking
            frameAEBState = nil
        }
    }

    mutating func observeTemperature(name: String, _ value: Double) {
        truth.maxTemperatures[name] = max(truth.maxTemperatures[name] ?? value, value)
    }

    /// At the end of the capture.
    mutating func finish(endNs: Int64, lastModel: PowertrainModel, injected: [GroundTruth.FaultEpisode]) {
        let end = seconds(endNs)
        // The end of the capture: the physics stops one step short of it.
        while truth.distanceEverySecondKm.count < truth.durationSeconds + 1 { truth.distanceEverySecondKm.append(truth.distanceKm) }
        for (i, name) in busNames.enumerated() {
            truth.frames[name] = framesPerBus[i]
            truth.errorFrames[name] = errorFramesPerBus[i]
        }
        if wasReady { closeTrip(at: end) }
        if let open = session { truth.chargingSessions.append(open) }
        for i in flagOpen.indices {
            if let start = flagOpen[i] {
                truth.faultEpisodes.append(GroundTruth.FaultEpisode(kind: flagKinds[i], level: flagLevel[i], start: start, end: end, target: nil))
            }
        }
        for (k, last) in lastFrameNs.enumerated() where last >= 0 {
            let cycle = keys[k].cycleNs
            let gap = endNs - last
            if TruthRules.isSilent(gapNs: gap, cycleNs: cycle) {
                truth.silentMessages.append(GroundTruth.SilentMessage(
                    message: keys[k].message, bus: busNames[keys[k].bus], start: seconds(last + cycle), end: end))
            }
        }
        for (i, latest) in latestSample.enumerated() {
            guard let latest, let last = truth.samples[sampleNames[i]]?.last, last.t != seconds(latest.ns) else { continue }
            truth.samples[sampleNames[i], default: []].append(GroundTruth.Sample(t: seconds(latest.ns), value: latest.value))
        }
        truth.faultEpisodes.append(contentsOf: injected)
        truth.faultEpisodes.sort { ($0.start, $0.kind) < ($1.start, $1.kind) }
        truth.silentMessages.sort { ($0.start, $0.bus, $0.message) < ($1.start, $1.bus, $1.message) }
    }
}
