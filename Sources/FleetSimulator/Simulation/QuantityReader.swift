/// Reads quantities from the model's current state, with the per-step extremes (cells,
/// probes) computed at most once per step and only when a message asks. A class, so that
/// reading through it while the engine mutates never copies the model.
final class QuantityReader {
    private var cellStep = -1
    private var cell = (minV: 0.0, minCell: 1, maxV: 0.0, maxCell: 1)
    private var probeStep = -1
    private var probe = (minC: 0.0, minProbe: 1, maxC: 0.0, maxProbe: 1)

    func cellExtremes(_ model: PowertrainModel) -> (minV: Double, minCell: Int, maxV: Double, maxCell: Int) {
        if cellStep != model.step {
            cellStep = model.step
            cell = model.cells.extremes(soc: model.state.soc, packCurrent: model.state.packCurrent)
        }
        return cell
    }

    func probeExtremes(_ model: PowertrainModel) -> (minC: Double, minProbe: Int, maxC: Double, maxProbe: Int) {
        if probeStep != model.step {
            probeStep = model.step
            probe = model.probeExtremes()
        }
        return probe
    }

    /// The hydrogen system's probe and sensor numbers (`HydrogenSensors`): the hydrogen drawn is
    /// the tanks' fill at the start less what is left.
    func hydrogenNumbers(_ model: PowertrainModel) -> (temperatureProbe: Int, concentrationSensor: Int, pressureSensor: Int) {
        let fill = model.parameters.fuelCell.map { $0.tankCapacityKg * $0.tankFillFraction } ?? 0
        return HydrogenSensors.numbers(drawnKg: fill - model.state.h2MassKg, stackRunning: model.state.fuelCellState == 2)
    }

    /// `model` is `inout` only so that it is read in place, never copied (it is not changed).
    func value(_ q: Quantity, _ model: inout PowertrainModel) -> Double {
        let s = model.state
        switch q {
        case .vehicleSpeedKmh: return s.speedKmh
        case .accelPedalPercent: return s.accelPedalPercent
        case .brakePedalPercent: return s.brakePedalPercent
        case .brakeSwitch, .brakeRequest, .brakeLight: return flag(s.brakePressed)
        case .gear: return s.gear
        case .ready: return flag(s.ready)
        case .roadGradePercent: return s.gradePercent
        case .odometerKm: return s.odometerKm
        case .ambientSensorC: return s.ambientSensorC
        case .lowVoltage, .dcdcVoltage: return s.lowVoltageV
        case .j1939Gear: return s.ready ? 1 : 126
        case .j1939BrakeSwitch: return flag(s.brakePressed)
        case .j1939ParkingBrake: return flag(!s.ready)
        case .j1939CruiseActive: return flag(s.accState == 2)
        case .j1939ABSActive, .absActive: return flag(s.absActive)
        case .torqueRequestPercent: return 100 * s.motorTorqueNm / model.parameters.maxMotorTorqueNm
        case .motorSpeedRpm: return s.motorSpeedRpm
        case .motorTorqueNm: return s.motorTorqueNm
        case .motorState: return s.motorState
        case .motorDCVoltage: return s.motorDCVoltage
        case .motorDCCurrent: return s.motorDCCurrent
        case .motorTempC: return s.motorTempC
        case .inverterTempC: return s.inverterTempC
        case .packVoltage: return s.packVoltage
        case .packCurrent: return s.packCurrent
        case .socPercent: return 100 * s.soc
        case .sohPercent: return 100 * s.soh
        case .contactorState: return s.contactorsClosed ? 2 : 0
        case .maxCellVoltage: return cellExtremes(model).maxV
        case .maxCellNumber: return Double(cellExtremes(model).maxCell)
        case .minCellVoltage: return cellExtremes(model).minV
        case .minCellNumber: return Double(cellExtremes(model).minCell)
        case .maxTempC: return probeExtremes(model).maxC
        case .maxTempProbe: return Double(probeExtremes(model).maxProbe)
        case .minTempC: return probeExtremes(model).minC
        case .minTempProbe: return Double(probeExtremes(model).minProbe)
        case .avgTempC: return s.packTempC + s.temperatureFaultC
        case .insulationKOhm: return s.insulationKOhm
        case .insulationState: return Double(min(2, s.alarms[.insulation]))
        case .alarm(let category): return Double(s.alarms[category])
        case .maxAlarmLevel: return Double(s.alarms.maximum)
        case .dischargePowerLimitKW: return model.parameters.maxMotorPowerKW * (s.soc < 0.1 ? 0.5 : 1.2)
        case .chargePowerLimitKW: return s.soc > 0.95 ? 20 : model.parameters.maxRegenPowerKW * 1.2
        case .dischargeCurrentLimitA: return 3 * model.parameters.battery.capacityAh
        case .chargeCurrentLimitA:
            return s.chargerConnected && s.chargeState == 1 ? model.parameters.battery.chargeCurrentLimitA(soc: s.soc) : model.parameters.battery.capacityAh
        case .chargeState: return s.chargeState
        case .chargerConnected: return flag(s.chargerConnected)
        case .chargeVoltageLimit: return 3.65 * Double(model.parameters.battery.seriesCells)
        case .remainingChargeMinutes:
            guard s.chargeState == 1, s.chargePowerKW > 0.1 else { return 0 }
            return ((0.98 - s.soc) * model.parameters.battery.nominalEnergyKWh / s.chargePowerKW * 60).rounded(.up)
        case .chargePowerKW: return s.chargePowerKW
        case .obcACVoltage: return s.chargerConnected && !s.chargerIsDC ? 228 + 2 * (s.time / 61).sin : 0
        case .obcACCurrent: return s.chargerConnected && !s.chargerIsDC ? s.chargePowerKW * 1000 / 0.94 / 228 : 0
        case .obcDCVoltage: return s.chargerConnected && !s.chargerIsDC ? s.packVoltage : 0
        case .obcDCCurrent: return s.chargerConnected && !s.chargerIsDC ? s.chargePowerKW * 1000 / max(1, s.packVoltage) : 0
        case .obcState: return !s.chargerConnected || s.chargerIsDC ? 0 : s.chargeState == 2 ? 3 : 2
        case .dcdcCurrent: return s.dcdcCurrentA
        case .dcdcVoltage24: return 2 * s.lowVoltageV
        case .dcdcCurrent24: return 2 * s.dcdcCurrentA
        case .dcdcTempC: return s.dcdcTempC
        case .dcdcState: return flag(s.contactorsClosed)
        case .brakePressureBar: return s.brakePressureBar
        case .pedalTravelMM: return 0.4 * s.brakePedalPercent
        case .wheelBrakePressureBar: return s.wheelBrakePressureBar
        case .actuatorState: return s.ready ? 2 : 1
        case .brakeCommandMode: return !s.ready ? 0 : s.targetDistanceM > 0 && s.accRequestedAccel < 0 ? 2 : s.brakePressed ? 1 : 0
        case .brakeCommandDecel: return s.brakePressed ? max(0, -s.accelMS2) : 0
        case .axlePressureFront: return 0.55 * s.wheelBrakePressureBar
        case .axlePressureRear: return 0.45 * s.wheelBrakePressureBar
        case .wheelSpeedKmh: return s.speedKmh
        case .handwheelDeg: return s.handwheelDeg
        case .handwheelRateDegS: return s.handwheelRateDegS
        case .steeringTorqueNm: return s.steeringTorqueNm
        case .roadWheelDeg: return s.handwheelDeg / model.parameters.steeringRatio
        case .steeringFeedbackTorqueNm: return -2.5 * s.steeringTorqueNm
        case .stackVoltage: return s.stackVoltage
        case .stackCurrent: return s.stackCurrent
        case .fuelCellNetPowerKW: return s.fuelCellNetPowerKW
        case .fuelCellState: return s.fuelCellState
        case .h2PressureMPa: return s.h2PressureMPa
        case .h2TankTempC: return s.h2TankTempC
        case .h2ConcentrationPercent: return s.h2ConcentrationPercent
        case .h2RemainingKg: return s.h2MassKg
        case .h2ConsumptionKgPer100Km: return min(12.75, s.h2ConsumptionKgPer100Km)  // FCU_H2Consumption's range
        case .coolantInletC: return s.coolantInletC
        case .coolantOutletC: return s.coolantOutletC
        case .coolantPumpRpm: return s.fuelCellState == 2 ? 2200 + 30 * s.fuelCellNetPowerKW : 0
        case .radiatorFanPercent: return s.coolantOutletC > 64 ? min(100, (s.coolantOutletC - 64) * 20) : 0
        case .fcDCDCInputVoltage: return s.stackVoltage
        case .fcDCDCInputCurrent: return s.stackCurrent
        case .fcDCDCOutputVoltage: return s.fcDCDCOutputVoltage
        case .fcDCDCOutputCurrent: return s.fcDCDCOutputCurrent
        case .fcDCDCTempC: return s.fcDCDCTempC
        case .fcDCDCState: return s.fuelCellState == 2 ? 1 : 0
        case .h2MaxTempProbe: return Double(hydrogenNumbers(model).temperatureProbe)
        case .h2MaxConcentrationSensor: return Double(hydrogenNumbers(model).concentrationSensor)
        case .h2MaxPressureSensor: return Double(hydrogenNumbers(model).pressureSensor)
        case .h2RemainingPercent: return 100 * s.h2MassKg / (model.parameters.fuelCell?.tankCapacityKg ?? .infinity)
        case .stackHydrogenInletKPa: return s.stackHydrogenInletKPa
        case .stackAirInletKPa: return s.stackAirInletKPa
        case .stackAirInletC: return s.stackAirInletC
        case .accState: return s.accState
        case .accDisengageCause: return s.accDisengageCause
        case .accSetSpeedKmh: return s.accState == 2 ? s.accSetSpeedKmh : 0
        case .accTargetDetected: return flag(s.targetDistanceM > 0)
        case .targetDistanceM: return s.targetDistanceM
        case .targetRelativeSpeedMS: return s.targetRelativeSpeedMS
        case .accRequestedAccel: return s.accRequestedAccel
        case .accTimeGapS: return s.targetDistanceM > 0 ? (s.targetDistanceM / max(1, s.speedKmh / 3.6)) : 0
        case .aebState: return s.aebState
        case .timeToCollisionS: return s.timeToCollisionS
        }
    }

    @inline(__always)
    private func flag(_ b: Bool) -> Double { b ? 1 : 0 }

    /// One cell's voltage now.
    func cellVoltage(_ index: Int, _ model: inout PowertrainModel) -> Double {
        model.cells.cellVoltage(index, soc: model.state.soc, packCurrent: model.state.packCurrent)
    }

    /// One parallel string's voltage now: the sum of its cells'.
    func stringVoltage(_ string: Int, _ model: inout PowertrainModel) -> Double {
        model.cells.stringVoltage(string, soc: model.state.soc, packCurrent: model.state.packCurrent)
    }

    /// One parallel string's current now (positive = discharging).
    func stringCurrent(_ string: Int, _ model: inout PowertrainModel) -> Double {
        model.cells.stringCurrent(string, packCurrent: model.state.packCurrent)
    }

    /// One probe's temperature now.
    func probeTemperature(_ index: Int, _ model: inout PowertrainModel) -> Double {
        model.state.packTempC + model.cells.probeOffset[index] + model.state.temperatureFaultC
    }
}
