/// Accumulates `GroundTruth` while the simulation runs: physics figures once per model
/// step, reported figures from every frame written.
struct TruthRecorder {
    var truth: GroundTruth
    let energyFromTractionDCLink: Bool
    let epoch: Double
    private var wasBraking = false
    private var wasReady = false
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
    }

    func seconds(_ ns: Int64) -> Double { epoch + Double(ns) / 1e9 }

    /// After each model step.
    mutating func integrate(_ model: PowertrainModel) {
        let s = model.state
        let dt = PowertrainModel.dt
        let km = s.speedKmh / 3.6 * dt / 1000
        truth.distanceKm += km
        let power = energyFromTractionDCLink ? s.motorDCVoltage * s.motorDCCurrent : s.packVoltage * s.packCurrent
        let kWh = power * dt / 3_600_000
        if s.mode == .charging {
            if kWh < 0 { truth.chargeEnergyKWh -= kWh }
        } else if kWh > 0 {
            truth.tractionEnergyKWh += kWh
        } else {
            truth.regenEnergyKWh -= kWh
        }
        if s.brakePressed && !wasBraking { truth.brakeApplications += 1 }
        wasBraking = s.brakePressed
        let t = epoch + s.time
        if s.ready && !wasReady {
            tripStart = t
            tripDistance = 0
        }
        if s.ready { tripDistance += km }
        if !s.ready && wasReady { closeTrip(at: t) }
        wasReady = s.ready
    }

    private mutating func closeTrip(at t: Double) {
        // The metrics drop trips shorter than 10 m (config default `min_distance`).
        if tripDistance >= 0.01 {
            truth.trips.append(GroundTruth.Trip(start: tripStart, end: t, distanceKm: tripDistance))
        }
    }

    /// For each data frame written.
    mutating func frameWritten(bus: Int, messageKey: Int, at ns: Int64) {
        framesPerBus[bus] += 1
        let last = lastFrameNs[messageKey]
        let cycle = keys[messageKey].cycleNs
        if last >= 0 {
            let gap = ns - last
            if gap > 5 * cycle && gap > 1_000_000_000 {
                truth.silentMessages.append(GroundTruth.SilentMessage(
                    message: keys[messageKey].message, bus: busNames[keys[messageKey].bus],
                    start: seconds(last + cycle), end: seconds(ns)))
            }
        }
        lastFrameNs[messageKey] = ns
    }

    mutating func errorFrameWritten(bus: Int) {
        errorFramesPerBus[bus] += 1
    }

    /// A reported value, as decoded from the frame's bits.
    mutating func observe(_ kind: Observation.Kind, _ value: Double, at ns: Int64) {
        switch kind {
        case .soc:
            if truth.socStart == nil { truth.socStart = value }
            truth.socEnd = value
        case .minCellVoltage:
            truth.minCellVoltageV = min(truth.minCellVoltageV ?? value, value)
        case .maxCellVoltage:
            truth.maxCellVoltageV = max(truth.maxCellVoltageV ?? value, value)
        case .maxCellTemperature:
            truth.maxCellTempC = max(truth.maxCellTempC ?? value, value)
        case .temperature:
            break  // handled by `observeTemperature`
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

    mutating func observeTemperature(name: String, _ value: Double) {
        truth.maxTemperatures[name] = max(truth.maxTemperatures[name] ?? value, value)
    }

    /// At the end of the capture.
    mutating func finish(endNs: Int64, lastModel: PowertrainModel, injected: [GroundTruth.FaultEpisode]) {
        let end = seconds(endNs)
        for (i, name) in busNames.enumerated() {
            truth.frames[name] = framesPerBus[i]
            truth.errorFrames[name] = errorFramesPerBus[i]
        }
        if wasReady { closeTrip(at: end) }
        for i in flagOpen.indices {
            if let start = flagOpen[i] {
                truth.faultEpisodes.append(GroundTruth.FaultEpisode(kind: flagKinds[i], level: flagLevel[i], start: start, end: end, target: nil))
            }
        }
        for (k, last) in lastFrameNs.enumerated() where last >= 0 {
            let cycle = keys[k].cycleNs
            let gap = endNs - last
            if gap > 5 * cycle && gap > 1_000_000_000 {
                truth.silentMessages.append(GroundTruth.SilentMessage(
                    message: keys[k].message, bus: busNames[keys[k].bus], start: seconds(last + cycle), end: end))
            }
        }
        truth.faultEpisodes.append(contentsOf: injected)
        truth.faultEpisodes.sort { ($0.start, $0.kind) < ($1.start, $1.kind) }
        truth.silentMessages.sort { ($0.start, $0.bus, $0.message) < ($1.start, $1.bus, $1.message) }
    }
}
