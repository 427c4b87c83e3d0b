/// Advances a vehicle through its drive trace in fixed 10 ms steps: longitudinal forces,
/// motor operating point, regeneration and friction brakes, battery current, voltage,
/// SOC and temperatures, the fuel cell's power split, steering, driver assistance, alarms.
///
/// The state of step `k` holds for `[k·dt, (k+1)·dt)`; every quantity is evaluated at the
/// step's midpoint, so that the midpoint sum of a linear speed ramp is its exact distance.
public struct PowertrainModel: Sendable {
    public static var stepsPerSecond: Int { 100 }
    public static var dt: Double { 0.01 }
    /// How much warmer than the air the outside-air sensor reads standing still, °C.
    static var heatSoakC: Double { 3 }

    public let parameters: VehicleParameters
    public let trace: DriveTrace
    public let cells: BatteryCells
    let faults: [FaultSpec]
    /// Phases of the road-grade undulation, radians.
    let gradePhase: (Double, Double)
    public private(set) var state: VehicleState
    public private(set) var step = -1
    /// Low-pass filtered power demand for the fuel cell, W.
    private var fuelCellDemandW = 0.0
    private var assistance: DriverAssistanceModel
    private var chargingSince = 0.0
    /// Since the start: distance (km) and hydrogen used (kg), for the consumption figure.
    private var distanceKm = 0.0
    private var h2UsedKg = 0.0

    public init(parameters: VehicleParameters, trace: DriveTrace, initialSOC: Double, faults: [FaultSpec], random: SimulationRandom) {
        self.parameters = parameters
        self.trace = trace
        self.cells = BatteryCells(parameters.battery, random: random.derived(1))
        self.faults = faults
        var rng = random.derived(2)
        assistance = DriverAssistanceModel(random: random.derived(3))
        gradePhase = (rng.uniform(0, 2 * Double.pi), rng.uniform(0, 2 * Double.pi))
        var s = VehicleState()
        s.soc = initialSOC
        s.soh = 0.93 + 0.05 * rng.unit()
        s.packTempC = parameters.ambientC + 2
        s.motorTempC = parameters.ambientC + 3
        s.inverterTempC = parameters.ambientC + 2
        s.dcdcTempC = parameters.ambientC + 1
        s.ambientSensorC = parameters.ambientC + Self.heatSoakC
        s.insulationKOhm = parameters.insulationKOhm
        s.odometerKm = (12_000 + 30_000 * rng.unit()).rounded()
        if let fc = parameters.fuelCell {
            s.h2MassKg = fc.tankCapacityKg * fc.tankFillFraction
            s.coolantInletC = parameters.ambientC
            s.coolantOutletC = parameters.ambientC
            s.fcDCDCTempC = parameters.ambientC + 1
            s.stackAirInletC = parameters.ambientC
        }
        state = s
    }

    /// Time at the start of step `k`.
    public static func time(ofStep k: Int) -> Double { Double(k) / Double(stepsPerSecond) }

    func active(_ kind: FaultSpec.Kind, at t: Double) -> Bool {
        faults.contains { $0.kind == kind && t >= $0.start && t < $0.end }
    }

    /// Moves to the next step.
    public mutating func advance() {
        step += 1
        let p = parameters
        let t0 = Self.time(ofStep: step)
        let t = t0 + Self.dt / 2
        var s = state
        s.time = t0
        s.mode = trace.mode(at: t)
        s.ready = s.mode == .ready
        s.chargerConnected = s.mode == .charging
        // Plugging in: 2 s of handshake (charge state on, contactors still open), then the
        // contactors close and the charger ramps up over 5 s.
        if s.mode == .charging {
            if state.mode != .charging || step == 0 { chargingSince = t0 }
        }
        let handshake = s.mode == .charging && t0 - chargingSince < 2
        s.contactorsClosed = s.mode == .ready || (s.mode == .charging && !handshake)
        let (targetKmh, accel) = trace.speed(at: t)
        let v = targetKmh / 3.6
        s.speedKmh = targetKmh
        s.accelMS2 = accel
        s.gear = s.ready ? 3 : 0
        s.odometerKm += v * Self.dt / 1000
        distanceKm += v * Self.dt / 1000

        // Road grade: two slow undulations over distance, none when standing.
        let x = s.odometerKm * 1000
        s.gradePercent = 1.2 * (2 * Double.pi * x / 1800 + gradePhase.0).sin + 0.6 * (2 * Double.pi * x / 520 + gradePhase.1).sin
        let grade = s.gradePercent / 100
        // Longitudinal forces (small-angle: sin θ ≈ tan θ, cos θ ≈ 1).
        let m = p.massKg
        let inertia = m * p.rotatingMassFactor * accel
        let drag = 0.5 * 1.2 * p.dragCoefficient * p.frontalAreaM2 * v * v
        let rolling = v > 0 ? m * 9.81 * p.rollingResistance : 0
        let climbing = v > 0 ? m * 9.81 * grade : 0
        let wheelForce = inertia + drag + rolling + climbing
        let wheelPower = wheelForce * v

        // Motor operating point: traction, or regeneration faded out at low speed; the
        // friction brakes take what regeneration cannot.
        var motorElectricW = 0.0
        var motorForce = 0.0
        var frictionForce = 0.0
        if s.ready && wheelPower > 0 {
            motorForce = min(wheelForce, p.maxMotorPowerKW * 1000 / max(v, 0.1))
            motorElectricW = motorForce * v / p.drivetrainEfficiency
        } else if s.ready && wheelPower < 0 {
            let fade = min(1, max(0, (targetKmh - 5) / 10))
            let regenForce = min(-wheelForce, p.maxRegenPowerKW * 1000 / max(v, 0.1)) * fade
            motorForce = -regenForce
            motorElectricW = -regenForce * v * p.regenEfficiency
            frictionForce = -wheelForce - regenForce
        }
        s.motorSpeedRpm = v / p.wheelRadiusM * p.gearRatio * 60 / (2 * Double.pi)
        s.motorTorqueNm = s.ready ? max(-p.maxMotorTorqueNm, min(p.maxMotorTorqueNm, motorForce * p.wheelRadiusM / p.gearRatio)) : 0
        s.motorState = !s.ready ? 0 : motorElectricW > 0 ? 2 : motorElectricW < 0 ? 3 : 1

        // Brake pedal: pressed for a deliberate deceleration, and held while standing in D.
        let standingInGear = s.ready && targetKmh == 0
        s.brakePressed = s.ready && (accel < -0.2 || standingInGear)
        let demandDecel = max(0, -accel)
        // Driver-demand pressure: well above any application threshold whenever pressed.
        s.brakePressureBar = p.brakeDemandScale * (s.brakePressed ? (standingInGear && accel == 0 ? 12 : 8 + 10 * demandDecel) : 0)
        s.wheelBrakePressureBar = standingInGear ? 15 : frictionForce / p.brakeNewtonPerBar
        s.brakePedalPercent = s.brakePressed ? min(100, 8 + 12 * demandDecel + (standingInGear ? 10 : 0)) : 0
        s.accelPedalPercent = motorElectricW > 0 ? min(100, 4 + 96 * motorElectricW / (p.maxMotorPowerKW * 1000)) : 0
        s.absActive = demandDecel > 6

        // Steering.
        var hw = 0.0, hwRate = 0.0
        for manoeuvre in trace.steering where t >= manoeuvre.start && t < manoeuvre.start + manoeuvre.duration {
            let (a, r) = manoeuvre.angleAndRate(at: t)
            hw += a
            hwRate += r
        }
        s.handwheelDeg = hw
        s.handwheelRateDegS = hwRate
        let speedFactor = 0.6 + min(1, targetKmh / 60)
        s.steeringTorqueNm = s.ready ? 0.012 * hw * speedFactor + 0.002 * hwRate : 0

        // Auxiliaries.
        let auxW = s.ready ? p.auxiliaryPowerKW * 1000 : s.contactorsClosed ? 600 : 0
        s.lowVoltageV = s.contactorsClosed ? 13.8 : 12.6
        s.dcdcCurrentA = s.contactorsClosed ? (s.ready ? 45 : 12) + 3 * (0.1 * t).sin : 0
        s.dcdcTempC += Self.dt * (s.dcdcCurrentA * 0.9 - 2.0 * (s.dcdcTempC - p.ambientC)) / 2000
        // The outside-air sensor: up to `heatSoakC` high standing still, the airflow of driving
        // blowing the soak away (30 s lag). Sent by the vehicles that have one.
        s.ambientSensorC += Self.dt * (p.ambientC + Self.heatSoakC / (1 + s.speedKmh / 10) - s.ambientSensorC) / 30

        // Charging: the charger's power, or less where the BMS accepts less current (the
        // taper as the pack fills); complete at 98 %.
        var chargeW = 0.0
        if s.mode == .charging {
            let charger = trace.charger(at: t)
            s.chargerIsDC = charger.dc
            if s.chargeState == 2 || s.soc >= 0.98 {
                s.chargeState = 2
            } else {
                s.chargeState = 1
                let acceptedW = p.battery.chargeCurrentLimitA(soc: s.soc) * cells.packOCV(soc: s.soc)
                let softStart = handshake ? 0 : min(1, (t0 - chargingSince - 2) / 5)
                chargeW = min(charger.powerKW * 1000, acceptedW) * softStart
            }
        } else {
            s.chargeState = 0
            s.chargerIsDC = false
        }
        s.chargePowerKW = chargeW / 1000

        // Fuel cell: follows the filtered demand, steered toward the buffer's target SOC.
        var fuelCellW = 0.0
        if let fc = p.fuelCell {
            let demand = motorElectricW + auxW
            fuelCellDemandW += (demand - fuelCellDemandW) * Self.dt / fc.responseTimeS
            if s.ready {
                let socCorrection = (fc.targetSOC - s.soc) * 4 * fc.maxNetPowerKW * 1000
                fuelCellW = min(fc.maxNetPowerKW * 1000, max(fc.idleNetPowerKW * 1000, fuelCellDemandW + socCorrection))
                s.fuelCellState = 2
            } else {
                fuelCellDemandW = 0
                s.fuelCellState = 0
            }
            let gross = fuelCellW / (1 - fc.balanceOfPlantShare)
            s.stackCurrent = fc.current(forGrossPower: gross)
            s.stackVoltage = s.ready ? fc.stackVoltage(current: s.stackCurrent) : 0
            s.fuelCellNetPowerKW = fuelCellW / 1000
            // H2: 2 electrons per molecule; 1.0445e-8 kg/s per cell per ampere.
            let h2Rate = s.stackCurrent * Double(fc.stackCells) * 1.0445e-8
            s.h2MassKg = max(0, s.h2MassKg - h2Rate * Self.dt)
            h2UsedKg += h2Rate * Self.dt
            s.h2ConsumptionKgPer100Km = distanceKm >= 0.1 ? h2UsedKg / distanceKm * 100 : 0
            s.h2PressureMPa = fc.tankFullPressureMPa * s.h2MassKg / fc.tankCapacityKg
            s.h2TankTempC = p.ambientC - 5 * h2Rate / 0.001
            let heat = s.stackVoltage > 0 ? gross * (1.23 * Double(fc.stackCells) / max(1, s.stackVoltage) - 1) : 0
            let thermostat = 68.0
            s.coolantOutletC += Self.dt * (heat - 900 * max(0, s.coolantOutletC - thermostat) - 40 * (s.coolantOutletC - p.ambientC)) / 60_000
            s.coolantInletC = s.coolantOutletC - min(8, heat / 12_000)
            // The compartment sensor sees a trace of hydrogen while the stack runs (purges).
            s.h2ConcentrationPercent = s.fuelCellState == 2 ? 0.004 + 0.002 * (t / 37).sin : 0.001
            // The stack's supply. The compressor raises the air's inlet pressure with the current
            // (12 kPa above the atmosphere at idle, 150 at full current; its spool lags 1 s); the
            // anode is held 20-30 kPa above the cathode; both fall to the atmosphere's when the
            // stack stops. The compressed air (up to 100 K warmer than the outside at full load)
            // leaves the intercooler 80 % of the way to the stack's coolant.
            let load = s.stackCurrent / fc.maxCurrentA
            let running = s.fuelCellState == 2
            s.stackAirInletKPa += ((running ? 12 + 138 * load : 0) - s.stackAirInletKPa) * Self.dt / 1.0
            s.stackHydrogenInletKPa = running ? s.stackAirInletKPa + 20 + 10 * load : s.stackAirInletKPa
            let compressedC = p.ambientC + 100 * load
            let airTargetC = running ? s.coolantInletC + 0.2 * (compressedC - s.coolantInletC) : p.ambientC
            s.stackAirInletC += (airTargetC - s.stackAirInletC) * Self.dt / (running ? 5 : 60)
            // The boost converter: its losses (1 - efficiency of the stack's net power) heat a
            // 9 kJ/K heatsink that its loop (5 K above the air) cools at 45 W/K.
            let dcdcLossW = fuelCellW * (1 - fc.dcdcEfficiency)
            s.fcDCDCTempC += Self.dt * (dcdcLossW - 45 * (s.fcDCDCTempC - p.ambientC - 5)) / 9_000
            fuelCellW *= fc.dcdcEfficiency
        }

        // Battery: pack power → current → terminal voltage, SOC, temperature.
        let packPowerW = s.contactorsClosed ? motorElectricW + auxW - chargeW - fuelCellW : 0
        let current = s.contactorsClosed ? cells.current(forPower: packPowerW, soc: s.soc) : 0
        s.packCurrent = current
        s.packVoltage = cells.packOCV(soc: s.soc) - current * p.battery.packResistanceOhm
        s.soc -= current * Self.dt / 3600 / (p.battery.capacityAh * s.soh)
        let heatW = current * current * p.battery.packResistanceOhm
        s.packTempC += Self.dt * (heatW - p.battery.coolingWPerK * (s.packTempC - p.ambientC)) / p.battery.heatCapacityJPerK
        s.motorDCVoltage = s.contactorsClosed ? s.packVoltage : 0
        s.motorDCCurrent = s.contactorsClosed ? motorElectricW / max(1, s.packVoltage) : 0
        if p.fuelCell != nil {
            s.fcDCDCOutputVoltage = s.ready ? s.packVoltage : 0
            s.fcDCDCOutputCurrent = s.ready ? fuelCellW / max(1, s.packVoltage) : 0
        }
        let motorLossW = abs(motorElectricW - motorForce * v)
        s.motorTempC += Self.dt * (motorLossW * 0.7 - 300 * (s.motorTempC - p.ambientC - 10)) / 40_000
        s.inverterTempC += Self.dt * (motorLossW * 0.3 - 200 * (s.inverterTempC - p.ambientC - 5)) / 8_000

        // Insulation: a slow natural wander; the charger's filter capacitors lower it.
        let wander = 1 + 0.03 * (t / 97).sin
        s.insulationKOhm = p.insulationKOhm * wander * (s.chargerConnected ? 0.7 : 1)
        if active(.insulationDrop, at: t0) {
            s.insulationKOhm = 0.15 * max(s.packVoltage, cells.packOCV(soc: s.soc))  // 150 Ω/V
        }
        s.temperatureFaultC = active(.overTemperature, at: t0) ? 38 : 0

        // Alarms the BMS raises from what it measures (levels 0-3).
        var alarms = AlarmLevels()
        let hottest = s.packTempC + cells.maxProbeOffset + s.temperatureFaultC
        alarms[.overTemperature] = hottest >= 65 ? 3 : hottest >= 60 ? 2 : hottest >= 55 ? 1 : 0
        let ohmsPerVolt = s.insulationKOhm * 1000 / max(1, cells.packOCV(soc: s.soc))
        alarms[.insulation] = ohmsPerVolt < 100 ? 3 : ohmsPerVolt < 250 ? 2 : ohmsPerVolt < 500 ? 1 : 0
        alarms[.lowSOC] = s.soc < 0.05 ? 2 : s.soc < 0.10 ? 1 : 0
        alarms[.highSOC] = s.soc > 0.995 ? 1 : 0
        s.alarms = alarms

        // Driver assistance (used by the vehicles that have it).
        assistance.step(t: t0, dt: Self.dt, ready: s.ready, speedKmh: targetKmh, brakePressed: s.brakePressed)
        s.accState = assistance.accState
        s.accDisengageCause = assistance.cause
        s.accSetSpeedKmh = assistance.setSpeedKmh
        s.aebState = assistance.aebState
        if assistance.engaged {
            s.targetDistanceM = 1.8 * v + 8 + 6 * (t / 23).sin
            s.targetRelativeSpeedMS = 6 / 23 * (t / 23).cos
            s.accRequestedAccel = accel
        } else {
            s.targetDistanceM = 0
            s.targetRelativeSpeedMS = 0
            s.accRequestedAccel = 0
        }
        let closing = -s.targetRelativeSpeedMS
        s.timeToCollisionS = s.targetDistanceM > 0 && closing > 0.1 ? min(25.5, s.targetDistanceM / closing) : 25.5

        state = s
    }

    /// The warmest and coolest probe (°C) and their 1-based numbers.
    public func probeExtremes() -> (minC: Double, minProbe: Int, maxC: Double, maxProbe: Int) {
        var lo = Double.infinity, hi = -Double.infinity
        var loIndex = 0, hiIndex = 0
        for (i, offset) in cells.probeOffset.enumerated() {
            let c = state.packTempC + offset + state.temperatureFaultC
            if c < lo { lo = c; loIndex = i }
            if c > hi { hi = c; hiIndex = i }
        }
        return (lo, loIndex + 1, hi, hiIndex + 1)
    }
}
