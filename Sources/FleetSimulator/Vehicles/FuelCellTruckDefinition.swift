/// The hydrogen fuel-cell light truck: 80 kW PEM stack, 14 kWh NMC buffer battery,
/// one classic bus with Motorola signals.
enum FuelCellTruckDefinition {
    static func make() -> VehicleDefinition {
        let parameters = VehicleParameters(
            massKg: 4500, rotatingMassFactor: 1.05, dragCoefficient: 0.42, frontalAreaM2: 4.6,
            rollingResistance: 0.0085, wheelRadiusM: 0.37, gearRatio: 10.5, drivetrainEfficiency: 0.89,
            regenEfficiency: 0.84, maxMotorPowerKW: 150, maxMotorTorqueNm: 400, maxRegenPowerKW: 50,
            auxiliaryPowerKW: 1.8, brakeNewtonPerBar: 360, steeringRatio: 18,
            battery: BatteryParameters(
                chemistry: .nmc, seriesCells: 96, parallelStrings: 1, cellCapacityAh: 40,
                cellResistanceOhm: 0.0011, heatCapacityJPerK: 90_000, coolingWPerK: 45, temperatureProbes: 8),
            fuelCell: FuelCellParameters(
                stackCells: 330, maxCurrentA: 420, maxNetPowerKW: 80, idleNetPowerKW: 6, balanceOfPlantShare: 0.12,
                responseTimeS: 15, targetSOC: 0.6, tankCapacityKg: 6.4, tankFullPressureMPa: 35, tankFillFraction: 0.86,
                dcdcEfficiency: 0.97),
            insulationKOhm: 3000)
        let style = DrivingStyle(accel: 0.9, decel: 1.0, cruiseKmh: 90, urbanPeakKmh: 35...55, stopsAreDeliveries: true, handwheelTurnDegrees: 220)
        let sources: [String: [String: SignalSource]] = [
            "VCU_Status": [
                "VCU_VehicleSpeed": .quantity(.vehicleSpeedKmh), "VCU_AccelPedal": .quantity(.accelPedalPercent),
                "VCU_BrakePedal": .quantity(.brakePedalPercent), "VCU_Gear": .quantity(.gear), "VCU_Ready": .quantity(.ready),
                "VCU_BrakeSwitch": .quantity(.brakeSwitch), "VCU_DriveMode": .constant(1), "VCU_RoadGrade": .quantity(.roadGradePercent),
            ],
            "VCU_Odometer": ["VCU_Odometer": .quantity(.odometerKm), "VCU_LowVoltage": .quantity(.lowVoltage), "VCU_AmbientTemp": .quantity(.ambientSensorC)],
            "MCU_Status": ["MCU_MotorSpeed": .quantity(.motorSpeedRpm), "MCU_MotorTorque": .quantity(.motorTorqueNm), "MCU_State": .quantity(.motorState)],
            "MCU_Power": ["MCU_DCVoltage": .quantity(.motorDCVoltage), "MCU_DCCurrent": .quantity(.motorDCCurrent)],
            "MCU_Temperature": ["MCU_MotorTemp": .quantity(.motorTempC), "MCU_ControllerTemp": .quantity(.inverterTempC)],
            "BMS_PackStatus": [
                "BMS_PackVoltage": .quantity(.packVoltage), "BMS_PackCurrent": .quantity(.packCurrent),
                "BMS_SOC": .quantity(.socPercent), "BMS_ContactorState": .quantity(.contactorState), "BMS_SOH": .quantity(.sohPercent),
            ],
            "BMS_CellVoltage": [
                "BMS_MaxCellVoltage": .quantity(.maxCellVoltage), "BMS_MaxCellIndex": .quantity(.maxCellNumber),
                "BMS_MinCellVoltage": .quantity(.minCellVoltage), "BMS_MinCellIndex": .quantity(.minCellNumber),
            ],
            "BMS_Temperature": [
                "BMS_MaxTemp": .quantity(.maxTempC), "BMS_MaxTempProbe": .quantity(.maxTempProbe),
                "BMS_MinTemp": .quantity(.minTempC), "BMS_MinTempProbe": .quantity(.minTempProbe), "BMS_AvgTemp": .quantity(.avgTempC),
            ],
            "BMS_Insulation": [
                "BMS_InsulationResistance": .quantity(.insulationKOhm), "BMS_InsulationState": .quantity(.insulationState),
                "BMS_HVILState": .constant(0),
            ],
            "BMS_Alarm": AlarmCategory.alarmSources(prefix: "BMS"),
            "FCU_Status": [
                "FCU_StackVoltage": .quantity(.stackVoltage), "FCU_StackCurrent": .quantity(.stackCurrent),
                "FCU_NetPower": .quantity(.fuelCellNetPowerKW), "FCU_State": .quantity(.fuelCellState),
            ],
            "FCU_Hydrogen": [
                "FCU_TankPressure": .quantity(.h2PressureMPa), "FCU_TankTemp": .quantity(.h2TankTempC),
                "FCU_H2Concentration": .quantity(.h2ConcentrationPercent), "FCU_Alm_H2Concentration": .constant(0),
                "FCU_Alm_H2Pressure": .constant(0), "FCU_Alm_StackTemp": .constant(0), "FCU_H2Remaining": .quantity(.h2RemainingKg),
                "FCU_H2Consumption": .quantity(.h2ConsumptionKgPer100Km), "FCU_H2MaxTempProbe": .quantity(.h2MaxTempProbe),
                "FCU_H2MaxConcSensor": .quantity(.h2MaxConcentrationSensor), "FCU_H2MaxPressSensor": .quantity(.h2MaxPressureSensor),
            ],
            "FCU_Cooling": [
                "FCU_CoolantInletTemp": .quantity(.coolantInletC), "FCU_CoolantOutletTemp": .quantity(.coolantOutletC),
                "FCU_PumpSpeed": .quantity(.coolantPumpRpm), "FCU_FanDuty": .quantity(.radiatorFanPercent),
            ],
            "FDC_Status": [
                "FDC_InputVoltage": .quantity(.fcDCDCInputVoltage), "FDC_InputCurrent": .quantity(.fcDCDCInputCurrent),
                "FDC_OutputVoltage": .quantity(.fcDCDCOutputVoltage), "FDC_OutputCurrent": .quantity(.fcDCDCOutputCurrent),
            ],
            "FCU_Supply": [
                "FCU_H2InletPressure": .quantity(.stackHydrogenInletKPa), "FCU_AirInletPressure": .quantity(.stackAirInletKPa),
                "FCU_AirInletTemp": .quantity(.stackAirInletC), "FCU_H2SOC": .quantity(.h2RemainingPercent),
            ],
            "FDC_Thermal": ["FDC_Temp": .quantity(.fcDCDCTempC), "FDC_State": .quantity(.fcDCDCState)],
            "DCDC_Status": [
                "DCDC_OutputVoltage": .quantity(.dcdcVoltage), "DCDC_OutputCurrent": .quantity(.dcdcCurrent),
                "DCDC_Temp": .quantity(.dcdcTempC), "DCDC_State": .quantity(.dcdcState),
            ],
            "EHB_Status": [
                "EHB_BrakePressure": .quantity(.brakePressureBar), "EHB_PedalTravel": .quantity(.pedalTravelMM),
                "EHB_WheelPressure": .quantity(.wheelBrakePressureBar), "EHB_BrakeRequest": .quantity(.brakeRequest),
                "EHB_ABSActive": .quantity(.absActive), "EHB_State": .quantity(.actuatorState),
                "EHB_RollingCounter": .rollingCounter, "EHB_Checksum": .checksum,
            ],
            "EPS_Status": [
                "EPS_SteeringAngle": .quantity(.handwheelDeg), "EPS_SteeringRate": .quantity(.handwheelRateDegS),
                "EPS_DriverTorque": .quantity(.steeringTorqueNm), "EPS_AssistMode": .constant(2), "EPS_State": .quantity(.actuatorState),
                "EPS_RollingCounter": .rollingCounter, "EPS_Checksum": .checksum,
            ],
        ]
        let bus = "can0"
        var faultFlags = AlarmCategory.faultFlags(bus: bus, message: "BMS_Alarm", prefix: "BMS")
        faultFlags.append(("h2_concentration", SignalReference(bus, "FCU_Hydrogen", "FCU_Alm_H2Concentration")))
        faultFlags.append(("h2_pressure", SignalReference(bus, "FCU_Hydrogen", "FCU_Alm_H2Pressure")))
        faultFlags.append(("fuel_cell_temperature", SignalReference(bus, "FCU_Hydrogen", "FCU_Alm_StackTemp")))
        return VehicleDefinition(
            name: "fcev",
            description: "Hydrogen fuel-cell light truck (4.5 t, 80 kW PEM stack, 6.4 kg H2 at 35 MPa, 14 kWh NMC buffer), demonstration fleet",
            buses: [BusDefinition(interface: bus, dbcFile: "fcev.dbc", dbcText: FleetDBC.fcev + "\n", bitrate: 500_000, dataBitrate: nil, j1939: false)],
            parameters: parameters, style: style, chargerPowerKW: nil,
            sources: sources,
            protection: [
                "EHB_Status": MessageProtection(counterSignal: "EHB_RollingCounter", checksumSignal: "EHB_Checksum", algorithm: .xor8),
                "EPS_Status": MessageProtection(counterSignal: "EPS_RollingCounter", checksumSignal: "EPS_Checksum", algorithm: .xor8),
            ],
            transmitters: [:],
            defaultSilentECU: "FCU",
            roles: [
                .vehicleSpeed: SignalReference(bus, "VCU_Status", "VCU_VehicleSpeed"),
                // The energy figures of a fuel-cell vehicle are taken at the traction DC link.
                .packVoltage: SignalReference(bus, "MCU_Power", "MCU_DCVoltage"),
                .packCurrent: SignalReference(bus, "MCU_Power", "MCU_DCCurrent"),
                .soc: SignalReference(bus, "BMS_PackStatus", "BMS_SOC"),
                .minCellVoltage: SignalReference(bus, "BMS_CellVoltage", "BMS_MinCellVoltage"),
                .maxCellVoltage: SignalReference(bus, "BMS_CellVoltage", "BMS_MaxCellVoltage"),
                .maxCellTemperature: SignalReference(bus, "BMS_Temperature", "BMS_MaxTemp"),
                .minCellTemperature: SignalReference(bus, "BMS_Temperature", "BMS_MinTemp"),
                .maxCellVoltageNumber: SignalReference(bus, "BMS_CellVoltage", "BMS_MaxCellIndex"),
                .minCellVoltageNumber: SignalReference(bus, "BMS_CellVoltage", "BMS_MinCellIndex"),
                .maxCellTemperatureNumber: SignalReference(bus, "BMS_Temperature", "BMS_MaxTempProbe"),
                .minCellTemperatureNumber: SignalReference(bus, "BMS_Temperature", "BMS_MinTempProbe"),
                .brakePressure: SignalReference(bus, "EHB_Status", "EHB_BrakePressure"),
                .steeringAngle: SignalReference(bus, "EPS_Status", "EPS_SteeringAngle"),
                .ready: SignalReference(bus, "VCU_Status", "VCU_Ready"),
                .odometer: SignalReference(bus, "VCU_Odometer", "VCU_Odometer"),
                .ambientTemperature: SignalReference(bus, "VCU_Odometer", "VCU_AmbientTemp"),
                .gear: SignalReference(bus, "VCU_Status", "VCU_Gear"),
                .motorState: SignalReference(bus, "MCU_Status", "MCU_State"),
                .motorSpeed: SignalReference(bus, "MCU_Status", "MCU_MotorSpeed"),
                .motorTorque: SignalReference(bus, "MCU_Status", "MCU_MotorTorque"),
                .motorDCVoltage: SignalReference(bus, "MCU_Power", "MCU_DCVoltage"),
                .motorDCCurrent: SignalReference(bus, "MCU_Power", "MCU_DCCurrent"),
                .fuelCellVoltage: SignalReference(bus, "FCU_Status", "FCU_StackVoltage"),
                .fuelCellCurrent: SignalReference(bus, "FCU_Status", "FCU_StackCurrent"),
                .hydrogenPressure: SignalReference(bus, "FCU_Hydrogen", "FCU_TankPressure"),
                .hydrogenTemperature: SignalReference(bus, "FCU_Hydrogen", "FCU_TankTemp"),
                .hydrogenConsumption: SignalReference(bus, "FCU_Hydrogen", "FCU_H2Consumption"),
                .hydrogenConcentration: SignalReference(bus, "FCU_Hydrogen", "FCU_H2Concentration"),
                .dcdcState: SignalReference(bus, "DCDC_Status", "DCDC_State"),
                .insulationResistance: SignalReference(bus, "BMS_Insulation", "BMS_InsulationResistance"),
                .acceleratorPedal: SignalReference(bus, "VCU_Status", "VCU_AccelPedal"),
                .brakePedal: SignalReference(bus, "VCU_Status", "VCU_BrakePedal"),
                .runningMode: SignalReference(bus, "FCU_Status", "FCU_State"),
                .hydrogenRemaining: SignalReference(bus, "FCU_Supply", "FCU_H2SOC"),
                .hvDCDCTemperature: SignalReference(bus, "FDC_Thermal", "FDC_Temp"),
                .hvDCDCState: SignalReference(bus, "FDC_Thermal", "FDC_State"),
                .fuelCellHydrogenInletPressure: SignalReference(bus, "FCU_Supply", "FCU_H2InletPressure"),
                .fuelCellAirInletPressure: SignalReference(bus, "FCU_Supply", "FCU_AirInletPressure"),
                .fuelCellAirInletTemperature: SignalReference(bus, "FCU_Supply", "FCU_AirInletTemp"),
                .hydrogenMaxTemperatureProbe: SignalReference(bus, "FCU_Hydrogen", "FCU_H2MaxTempProbe"),
                .hydrogenMaxConcentrationSensor: SignalReference(bus, "FCU_Hydrogen", "FCU_H2MaxConcSensor"),
                .hydrogenMaxPressureSensor: SignalReference(bus, "FCU_Hydrogen", "FCU_H2MaxPressSensor"),
            ],
            readyOnValues: [1], chargingOnValues: [],
            temperatures: [
                ("motor", SignalReference(bus, "MCU_Temperature", "MCU_MotorTemp")),
                ("controller", SignalReference(bus, "MCU_Temperature", "MCU_ControllerTemp")),
                ("fuel_cell_coolant", SignalReference(bus, "FCU_Cooling", "FCU_CoolantOutletTemp")),
            ],
            faultFlags: faultFlags,
            brakeHysteresis: (5.0, 2.0),
            energyFromTractionDCLink: true,
            initialSOC: { _ in 0.6 },
            roleCodes: [.gear: VehicleDefinition.vcuGearCodes, .motorState: VehicleDefinition.mcuStateCodes,
                        .dcdcState: VehicleDefinition.dcdcStateCodes, .runningMode: VehicleDefinition.fuelCellRunningModeCodes,
                        .hvDCDCState: VehicleDefinition.fdcStateCodes])
    }
}
