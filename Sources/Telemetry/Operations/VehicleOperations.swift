/// Operations figures of one vehicle, updated from its semantic signals on event time.
///
/// Values of one frame are staged first and committed together, in a fixed order, so that a
/// message carrying both pack voltage and pack current gives `V·I` of the same instant:
///
/// 1. pack voltage (latest value kept);
/// 2. speed: trip start (speed rule), distance and time split over `[previous, now]` with
///    the states in force before this frame; pack current: energy over `[previous, now]`;
/// 3. charging and ready states (a ready edge starts or ends a trip at this frame's time);
/// 4. trip end (speed rule);
/// 5. SOC, cell voltages and temperatures, brake applications, fault levels;
/// 6. fuel-cell stack current: hydrogen over `[previous, now]`; ambient temperature: its
///    area over `[previous, now]` for the time-weighted mean;
/// 7. driver assistance: the cause, then ACC's state (a disengagement at the latest speed),
///    AEB's state. Engaged distance and time (steps 2) use ACC's state before this frame.
///
/// Time is split into charging (charging state on), driving (last speed above the moving
/// threshold) and idle over the intervals between the vehicle's semantic frames. Intervals
/// longer than `maximumIntegrationGap` (input gaps: gateway off, logger paused) are not
/// integrated.
struct VehicleOperations: Sendable {
    static let maximumIntegrationGap: Int64 = 60_000_000_000

    let name: String
    /// The vehicle's rules, as the configuration holds them: its semantic map, trips and brake.
    let rules: VehicleRules
    let tripKind: TripRule.Kind
    let temperatureNames: [String]
    let dayOffset: Int64

    // Frames and error frames per bus of this vehicle, and their counts when the open trip
    // and day started (trip and day summaries report the difference).
    private var counts: BusFrameCounts
    private var tripBase: BusFrameCounts.Mark
    private var nextDayStart: Int64 = .max
    private var dayBase: BusFrameCounts.Mark

    private var staged: StagedRoles

    // Latest samples.
    private var speed = SampledIntegral()
    private var voltage = 0.0, hasVoltage = false
    private var power = SampledIntegral()
    private var minCell = 0.0, maxCell = 0.0, hasMinCell = false, hasMaxCell = false
    private var charging = false, ready = false
    private var braking = false
    private var faults: FaultFlagEpisodes
    private var lastMoving: Int64 = 0
    private var sessions = ChargingSessions()
    private var stack: StackHydrogen?
    private var ambient: SampledIntegral?
    private var assistance: AssistanceTracker?

    // Figures.
    private var totals: OperationsSummary
    /// The newest frame's time (`.min` before the first): the `last_frame` of the vehicle and
    /// of the open day, stamped on them when they are read or emitted, not kept per frame.
    private var lastFrame: Int64 = .min
    /// The vehicle's figures so far.
    var total: OperationsSummary {
        var summary = totals
        if lastFrame != .min { summary.lastFrame = lastFrame }
        return summary
    }
    /// The open trip and day, valid while `inTrip` / `hasDay` (not optionals: mutated in
    /// place on every sample, without copying).
    private var trip: OperationsSummary
    private var inTrip = false
    private var tripCount = 0
    private var day: OperationsSummary
    private var hasDay = false
    private var dayIndex: Int64 = .min
    private(set) var lastTime: Int64 = .min

    init(_ vehicle: VehicleConfiguration, tripKind: TripRule.Kind, dayUTCOffsetSeconds: Int64) {
        name = vehicle.name
        rules = vehicle.rules
        self.tripKind = tripKind
        temperatureNames = vehicle.rules.temperatures.map(\.name)
        counts = BusFrameCounts(buses: vehicle.buses.map(\.interface))
        tripBase = counts.now
        dayBase = counts.now
        dayOffset = dayUTCOffsetSeconds * 1_000_000_000
        staged = StagedRoles(temperatures: vehicle.rules.temperatures.count, faults: vehicle.rules.faults.count)
        faults = FaultFlagEpisodes(vehicle.rules.faults.map(\.flag.level), kinds: vehicle.rules.faults.map(\.kind))
        stack = vehicle.rules.signals.fuelCellCells.map(StackHydrogen.init(cells:))
        ambient = vehicle.rules.signals.ambientTemperature == nil ? nil : SampledIntegral()
        assistance = AssistanceTracker(vehicle.rules.signals)
        totals = OperationsSummary(vehicle: vehicle.name, scope: .vehicle, start: 0, end: 0)
        trip = totals  // trip and day are replaced when one opens
        day = totals
        totals = newSummary(.vehicle, start: 0, end: 0)
    }

    /// Empty figures of one scope: what this vehicle has (hydrogen, ambient temperature, ACC) at
    /// zero, its named temperatures' maxima at -∞ until a sample.
    private func newSummary(_ scope: OperationsSummary.Scope, start: Int64, end: Int64) -> OperationsSummary {
        var summary = OperationsSummary(vehicle: name, scope: scope, start: start, end: end)
        if stack != nil { summary.hydrogenKg = 0 }
        if ambient != nil { summary.ambientTemperature = TimeWeightedMean() }
        if assistance?.hasACC == true {
            summary.accEngagedKm = 0
            summary.accEngagedSeconds = 0
        }
        summary.maxTemperatures = temperatureNames.map { NamedValue(name: $0, value: -.infinity) }
        return summary
    }

    /// Counts one data or remote frame (or error frame) at `t` on the vehicle's bus `local`;
    /// a frame past local midnight first closes the day.
    mutating func countFrame(onBus local: Int, error: Bool, at t: Int64, into output: inout [TelemetryRecord]) {
        if !hasDay || t >= nextDayStart { rollDay(at: t, into: &output) }
        counts.count(bus: local, error: error)
        if t > lastFrame { lastFrame = t }
    }

    mutating func stage(_ role: Role, _ value: Double) { staged.stage(role, value) }

    private mutating func take(_ s: Int) -> Double? { staged.take(s) }
    private mutating func take(_ role: MapRole) -> Double? { staged.take(role.rawValue) }

    /// Applies `body` to the vehicle, day and trip figures.
    private mutating func each(_ body: (inout OperationsSummary) -> Void) {
        body(&totals)
        if hasDay { body(&day) }
        if inTrip { body(&trip) }
    }

    /// Commits the values staged from one frame at time `t`.
    mutating func commit(at t: Int64, into output: inout [TelemetryRecord]) {
        guard staged.beginCommit() else { return }
        if lastTime == .min {
            totals.start = t
        } else if t > lastTime, t - lastTime <= Self.maximumIntegrationGap {
            // Time split over [previous semantic frame, now], by the state in force.
            let dt = Double(t - lastTime) / 1e9
            let state = charging ? 0 : (speed.hasSample && speed.latest > rules.trips.movingSpeed ? 1 : 2)
            each {
                switch state {
                case 0: $0.chargingSeconds += dt
                case 1: $0.drivingSeconds += dt
                default: $0.idleSeconds += dt
                }
            }
            if assistance?.engaged == true { each { $0.accEngagedSeconds! += dt } }
        }
        rollDay(at: t, into: &output)
        lastTime = max(lastTime, t)
        each { $0.end = max($0.end, t) }

        if let v = take(.packVoltage) { voltage = v; hasVoltage = true }
        if let v = take(.vehicleSpeed) { addSpeed(v, at: t, into: &output) }
        if let i = take(.packCurrent), hasVoltage {
            let p = voltage * (rules.signals.packCurrentPositive == .discharge ? i : -i)
            if let area = power.add(p, at: t, maximumGap: Self.maximumIntegrationGap)?.signedArea {
                let outKWh = area.positive / 3.6e6, inKWh = area.negative / 3.6e6
                let isCharging = charging
                each {
                    $0.tractionEnergyKWh += outKWh
                    if isCharging { $0.chargeEnergyKWh += inKWh } else { $0.regenEnergyKWh += inKWh }
                }
                if isCharging { sessions.add(energyKWh: inKWh, powerW: -p, at: t) }
            }
        }
        if let c = take(.charging), let rule = rules.signals.charging {
            charging = rule.isOn(c)
            if let ended = sessions.charging(charging, at: t) { each { $0.chargingSessions.append(ended) } }
        }
        if let r = take(.ready), let rule = rules.signals.ready {
            let on = rule.isOn(r)
            if tripKind == .ready {
                if on && !ready { startTrip(at: t) }
                if !on && ready { endTrip(at: t, into: &output) }
            }
            ready = on
        }
        if tripKind == .speed, inTrip, speed.hasSample, speed.latest <= rules.trips.movingSpeed, t - lastMoving >= rules.trips.idleEnd {
            endTrip(at: lastMoving, into: &output)
        }
        if let s = take(.soc) {
            if totals.socStart == nil { totals.socStart = s }
            each {
                if $0.socStart == nil { $0.socStart = s }
                $0.socEnd = s
                $0.socMin = min($0.socMin ?? s, s)
                $0.socMax = max($0.socMax ?? s, s)
            }
        }
        let cellsUpdated = staged.has(.minCellVoltage) || staged.has(.maxCellVoltage)
        if let v = take(.minCellVoltage) { minCell = v; hasMinCell = true; each { $0.minCellVoltage = min($0.minCellVoltage ?? v, v) } }
        if let v = take(.maxCellVoltage) { maxCell = v; hasMaxCell = true; each { $0.maxCellVoltage = max($0.maxCellVoltage ?? v, v) } }
        if cellsUpdated && hasMinCell && hasMaxCell {
            let spread = maxCell - minCell
            each { $0.maxCellSpread = max($0.maxCellSpread ?? spread, spread) }
        }
        if let v = take(.maxCellTemperature) { each { $0.maxCellTemperature = max($0.maxCellTemperature ?? v, v) } }
        if let v = take(.minCellTemperature) { each { $0.minCellTemperature = min($0.minCellTemperature ?? v, v) } }
        if let p = take(.brakePressure) {
            if !braking && p > rules.brake.onAbove {
                braking = true
                each { $0.brakeApplications += 1 }
            } else if braking && p < rules.brake.offBelow {
                braking = false
            }
        }
        _ = take(.steeringAngle)  // steering angle: windows only, no operations figure yet
        if let i = take(.fuelCellCurrent), let kg = stack?.add(current: i, at: t, maximumGap: Self.maximumIntegrationGap), kg > 0 {
            each { $0.hydrogenKg! += kg }
        }
        if let v = take(.ambientTemperature), ambient != nil {
            let interval = ambient!.add(v, at: t, maximumGap: Self.maximumIntegrationGap)
            each { $0.ambientTemperature!.add(v, interval) }
        }
        if assistance != nil { commitAssistance(at: t) }
        guard staged.beginExtra() else { return }
        for i in temperatureNames.indices {
            if let v = take(StagedRoles.roleCount + i) {
                each { $0.maxTemperatures[i].value = max($0.maxTemperatures[i].value, v) }
            }
        }
        let faultBase = staged.faultBase
        for i in faults.kinds.indices {
            guard let v = take(faultBase + i) else { continue }
            if let closed = faults.sample(i, v, at: t) {
                recordFault(i, start: closed.start, level: closed.level, end: t, open: false, into: &output)
            }
        }
    }

    private mutating func addSpeed(_ v: Double, at t: Int64, into output: inout [TelemetryRecord]) {
        let moving = rules.trips.movingSpeed
        if v > moving {
            if tripKind == .speed && !inTrip {
                startTrip(at: speed.isRecent(at: t, maximumGap: Self.maximumIntegrationGap) ? speed.latestTime : t)
            }
            lastMoving = t
            counts.markMoving()
        }
        if let interval = speed.add(v, at: t, maximumGap: Self.maximumIntegrationGap) {
            let km = interval.area / 3600
            each { $0.distanceKm += km }
            if assistance?.engaged == true { each { $0.accEngagedKm! += km } }
        }
    }

    private mutating func startTrip(at t: Int64) {
        trip = newSummary(.trip(index: tripCount), start: t, end: t)
        inTrip = true
        tripBase = counts.now
    }

    private mutating func endTrip(at t: Int64, into output: inout [TelemetryRecord]) {
        guard inTrip else { return }
        inTrip = false
        var summary = trip
        summary.end = max(summary.start, t)
        guard summary.distanceKm >= rules.trips.minimumDistance else { return }
        let figure = TripFigure(index: tripCount, start: summary.start, end: summary.end, distanceKm: summary.distanceKm)
        tripCount += 1
        totals.trips.append(figure)
        if hasDay { day.trips.append(figure) }
        // A speed-rule trip ends at the last moving sample, with the counts of then.
        output.append(.operations(counts.stamp(summary, since: tripBase, until: tripKind == .speed ? counts.atLastMoving : nil)))
    }

    private mutating func recordFault(_ i: Int, start: Int64, level: Int, end: Int64, open: Bool, into output: inout [TelemetryRecord]) {
        let episode = FaultEpisode(vehicle: name, kind: faults.kinds[i], level: level, start: start, end: end, open: open)
        each { $0.faultEpisodes.append(episode) }
        output.append(.faultEpisode(episode))
    }

    private mutating func rollDay(at t: Int64, into output: inout [TelemetryRecord]) {
        let length: Int64 = 86_400_000_000_000
        let shifted = t + dayOffset
        let index = shifted >= 0 ? shifted / length : (shifted - length + 1) / length
        guard index > dayIndex || dayIndex == .min else { return }  // days only move forward
        if hasDay { output.append(.operations(closedDay())) }
        dayIndex = index
        var summary = newSummary(.day, start: index * length - dayOffset, end: t)
        summary.firstFrame = t  // the frame that opens the day
        if totals.firstFrame == nil { totals.firstFrame = t }
        if let s = totals.socEnd { summary.socStart = s }
        day = summary
        hasDay = true
        nextDayStart = (index + 1) * length - dayOffset
        dayBase = counts.now
    }

    /// The open day as emitted: its frame counts and its last frame (days only move forward,
    /// so the newest frame so far is the day's).
    private func closedDay() -> OperationsSummary {
        var summary = counts.stamp(day, since: dayBase)
        summary.lastFrame = lastFrame
        return summary
    }

    /// Step 7 of `commit`: the driver-assistance values of this frame.
    private mutating func commitAssistance(at t: Int64) {
        let speedKmh = speed.hasSample ? speed.latest : .nan
        if let v = take(.accCause) { assistance!.causeValue(v) }
        if let v = take(.accState), let d = assistance!.accStateValue(v, at: t, speedKmh: speedKmh) { each { $0.disengagements.append(d) } }
        if let v = take(.aebState), let e = assistance!.aebStateValue(v, at: t, speedKmh: speedKmh) { each { $0.aebEvents.append(e) } }
    }

    /// Adds what the health side found to the figures.
    mutating func addSilentEpisode(_ episode: SilentEpisode) { each { $0.silentMessages.append(episode) } }
    mutating func addFaultEpisode(_ episode: FaultEpisode) { each { $0.faultEpisodes.append(episode) } }
    mutating func addChecksumError() { each { $0.checksumErrors += 1 } }
    mutating func addCounterError() { each { $0.counterErrors += 1 } }

    /// Ends the input: open trips end, open faults are recorded as open, the day is emitted.
    mutating func finish(into output: inout [TelemetryRecord]) {
        if let ended = sessions.finish(at: lastTime) { each { $0.chargingSessions.append(ended) } }
        if inTrip { endTrip(at: tripKind == .speed ? max(lastMoving, trip.start) : lastTime, into: &output) }
        for closed in faults.closeAll() {
            recordFault(closed.index, start: closed.start, level: closed.level, end: lastTime, open: true, into: &output)
        }
        if hasDay { output.append(.operations(closedDay())) }
        hasDay = false
    }
}
