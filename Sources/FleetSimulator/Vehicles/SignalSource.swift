/// A physical quantity of the vehicle, as an ECU reports it (in the DBC's units).
public enum Quantity: Sendable, Hashable {
    // VCU
    case vehicleSpeedKmh, accelPedalPercent, brakePedalPercent, brakeSwitch, gear, ready
    case roadGradePercent, odometerKm, lowVoltage
    /// The outside-air sensor's reading (°C).
    case ambientSensorC
    /// J1939 gear as physical `raw − 125`: drive 1, neutral 0, park 126 (raw 251).
    case j1939Gear
    /// A J1939 two-bit switch: 1 when the flag is on, else 0.
    case j1939BrakeSwitch, j1939ParkingBrake, j1939CruiseActive, j1939ABSActive
    /// Requested torque in percent of the maximum motor torque.
    case torqueRequestPercent
    // Motor drive
    case motorSpeedRpm, motorTorqueNm, motorState, motorDCVoltage, motorDCCurrent, motorTempC, inverterTempC
    // Battery
    case packVoltage, packCurrent, socPercent, sohPercent, contactorState
    case maxCellVoltage, maxCellNumber, minCellVoltage, minCellNumber
    case maxTempC, maxTempProbe, minTempC, minTempProbe, avgTempC
    case insulationKOhm, insulationState
    case alarm(AlarmCategory)
    case maxAlarmLevel
    case dischargePowerLimitKW, chargePowerLimitKW, dischargeCurrentLimitA, chargeCurrentLimitA
    // Charging
    case chargeState, chargerConnected, chargeVoltageLimit, remainingChargeMinutes, chargePowerKW
    case obcACVoltage, obcACCurrent, obcDCVoltage, obcDCCurrent, obcState
    // Auxiliaries
    case dcdcVoltage, dcdcCurrent, dcdcTempC, dcdcState
    /// 24 V systems report twice the 12 V figures.
    case dcdcVoltage24, dcdcCurrent24
    // Brakes and steering
    case brakePressureBar, pedalTravelMM, wheelBrakePressureBar, brakeRequest, absActive, actuatorState
    case brakeCommandMode, brakeCommandDecel, axlePressureFront, axlePressureRear, brakeLight
    case wheelSpeedKmh
    case handwheelDeg, handwheelRateDegS, steeringTorqueNm, roadWheelDeg, steeringFeedbackTorqueNm
    // Fuel cell
    case stackVoltage, stackCurrent, fuelCellNetPowerKW, fuelCellState
    case h2PressureMPa, h2TankTempC, h2ConcentrationPercent, h2RemainingKg, h2ConsumptionKgPer100Km, coolantInletC, coolantOutletC
    case coolantPumpRpm, radiatorFanPercent
    case fcDCDCInputVoltage, fcDCDCInputCurrent, fcDCDCOutputVoltage, fcDCDCOutputCurrent, fcDCDCTempC
    /// Hydrogen left in percent of the tanks' capacity; the stack's inlet pressures (kPa, gauge) and air temperature.
    case h2RemainingPercent, stackHydrogenInletKPa, stackAirInletKPa, stackAirInletC
    /// The boost converter's state: 1 (on) while the stack delivers power, 0 (off) when it is off.
    case fcDCDCState
    /// The numbers of the hydrogen system's probe and sensors that read its highest temperature,
    /// concentration and pressure (`HydrogenSensors`).
    case h2MaxTempProbe, h2MaxConcentrationSensor, h2MaxPressureSensor
    // Driver assistance
    case accState, accDisengageCause, accSetSpeedKmh, accTargetDetected, targetDistanceM, targetRelativeSpeedMS
    case accRequestedAccel, accTimeGapS, aebState, timeToCollisionS
}

/// Where one signal's value comes from when its message is sent.
public enum SignalSource: Sendable, Hashable {
    case quantity(Quantity)
    case constant(Double)
    /// The message's rolling counter (the simulator owns it).
    case rollingCounter
    /// Filled with the checksum after the rest of the payload is encoded.
    case checksum
    /// The multiplexer switch of a group-cycling message: 0, 1, … with every frame.
    case groupIndex
    /// One cell's voltage (0-based cell number), present when its group is sent.
    case cellVoltage(Int)
    /// One temperature probe (0-based), present when its group is sent.
    case probeTemperature(Int)
    /// One parallel string's voltage (the sum of its cells') and current (0-based string number).
    case stringVoltage(Int)
    case stringCurrent(Int)
}
