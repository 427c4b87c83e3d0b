/// The electric light commercial van: 3.5 t, 52 kWh LFP, 120 kW motor, one classic bus.
enum VanDefinition {
    static func make() -> VehicleDefinition {
        let parameters = VehicleParameters(
            massKg: 3200, rotatingMassFactor: 1.05, dragCoefficient: 0.36, frontalAreaM2: 4.2,
            rollingResistance: 0.009, wheelRadiusM: 0.35, gearRatio: 9.5, drivetrainEfficiency: 0.90,
            regenEfficiency: 0.85, maxMotorPowerKW: 120, maxMotorTorqueNm: 300, maxRegenPowerKW: 60,
            auxiliaryPowerKW: 1.2, brakeNewtonPerBar: 260, steeringRatio: 17,
            battery: BatteryParameters(
                chemistry: .lfp, seriesCells: 108, parallelStrings: 1, cellCapacityAh: 150,
                cellResistanceOhm: 0.0005, heatCapacityJPerK: 350_000, coolingWPerK: 60, temperatureProbes: 16))
        let style = DrivingStyle(accel: 1.0, decel: 1.1, cruiseKmh: 100, urbanPeakKmh: 35...55, stopsAreDeliveries: true, handwheelTurnDegrees: 200)
        let sources: [String: [String: SignalSource]] = [
            "VCU_Status": [
                "VCU_Gear": .quantity(.gear), "VCU_Ready": .quantity(.ready), "VCU_BrakeSwitch": .quantity(.brakeSwitch),
                "VCU_DriveMode": .constant(1), "VCU_AccelPedal": .quantity(.accelPedalPercent),
                "VCU_BrakePedal": .quantity(.brakePedalPercent), "VCU_VehicleSpeed": .quantity(.vehicleSpeedKmh),
                "VCU_RoadGrade": .quantity(.roadGradePercent),
            ],
            "VCU_Odometer": ["VCU_Odometer": .quantity(.odometerKm), "VCU_LowVoltage": .quantity(.lowVoltage)],
            "MCU_Status": [
                "MCU_MotorSpeed": .quantity(.motorSpeedRpm), "MCU_MotorTorque": .quantity(.motorTorqueNm),
                "MCU_State": .quantity(.motorState), "MCU_FaultLevel": .constant(0),
            ],
            "MCU_Power": ["MCU_DCVoltage": .quantity(.motorDCVoltage), "MCU_DCCurrent": .quantity(.motorDCCurrent)],
            "MCU_Temperature": ["MCU_MotorTemp": .quantity(.motorTempC), "MCU_ControllerTemp": .quantity(.inverterTempC)],
            "BMS_PackStatus": [
                "BMS_PackVoltage": .quantity(.packVoltage), "BMS_PackCurrent": .quantity(.packCurrent),
                "BMS_SOC": .quantity(.socPercent), "BMS_SOH": .quantity(.sohPercent),
                "BMS_ContactorState": .quantity(.contactorState),
            ],
            "BMS_CellVoltage": [
                "BMS_MaxCellVoltage": .quantity(.maxCellVoltage), "BMS_MaxCellIndex": .quantity(.maxCellNumber),
                "BMS_MinCellVoltage": .quantity(.minCellVoltage), "BMS_MinCellIndex": .quantity(.minCellNumber),
            ],
            "BMS_Temperature": [
                "BMS_MaxTemp": .quantity(.maxTempC), "BMS_MaxTempProbe": .quantity(.maxTempProbe),
                "BMS_MinTemp": .quantity(.minTempC), "BMS_MinTempProbe": .quantity(.minTempProbe),
                "BMS_AvgTemp": .quantity(.avgTempC),
            ],
            "BMS_Insulation": [
                "BMS_InsulationResistance": .quantity(.insulationKOhm), "BMS_InsulationState": .quantity(.insulationState),
                "BMS_HVILState": .constant(0),
            ],
            "BMS_Alarm": AlarmCategory.alarmSources(prefix: "BMS"),
            "BMS_Charge": [
                "BMS_ChargeState": .quantity(.chargeState), "BMS_ChargerConnected": .quantity(.chargerConnected),
                "BMS_ChargeCurrentLimit": .quantity(.chargeCurrentLimitA), "BMS_ChargeVoltageLimit": .quantity(.chargeVoltageLimit),
                "BMS_RemainingChargeTime": .quantity(.remainingChargeMinutes),
            ],
            "OBC_Status": [
                "OBC_ACVoltage": .quantity(.obcACVoltage), "OBC_ACCurrent": .quantity(.obcACCurrent),
                "OBC_DCVoltage": .quantity(.obcDCVoltage), "OBC_DCCurrent": .quantity(.obcDCCurrent),
                "OBC_State": .quantity(.obcState),
            ],
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
                "EPS_DriverTorque": .quantity(.steeringTorqueNm), "EPS_AssistMode": .constant(2),
                "EPS_State": .quantity(.actuatorState),
                "EPS_RollingCounter": .rollingCounter, "EPS_Checksum": .checksum,
            ],
        ]
        let bus = "can0"
        return VehicleDefinition(
            name: "van",
            description: "Electric light commercial van (3.5 t, 52 kWh LFP, 120 kW), demonstration fleet",
            buses: [BusDefinition(interface: bus, dbcFile: "van.dbc", dbcText: FleetDBC.van + "\n", bitrate: 500_000, dataBitrate: nil, j1939: false)],
            parameters: parameters, style: style, chargerPowerKW: 6.2,
            sources: sources,
            protection: [
                "EHB_Status": MessageProtection(counterSignal: "EHB_RollingCounter", checksumSignal: "EHB_Checksum", algorithm: .crc8SAEJ1850),
                "EPS_Status": MessageProtection(counterSignal: "EPS_RollingCounter", checksumSignal: "EPS_Checksum", algorithm: .crc8SAEJ1850),
            ],
            transmitters: [:],
            defaultSilentECU: "MCU",
            roles: [
                .vehicleSpeed: SignalReference(bus, "VCU_Status", "VCU_VehicleSpeed"),
                .packVoltage: SignalReference(bus, "BMS_PackStatus", "BMS_PackVoltage"),
                .packCurrent: SignalReference(bus, "BMS_PackStatus", "BMS_PackCurrent"),
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
                .charging: SignalReference(bus, "BMS_Charge", "BMS_ChargeState"),
                .odometer: SignalReference(bus, "VCU_Odometer", "VCU_Odometer"),
                .gear: SignalReference(bus, "VCU_Status", "VCU_Gear"),
                .motorState: SignalReference(bus, "MCU_Status", "MCU_State"),
                .motorSpeed: SignalReference(bus, "MCU_Status", "MCU_MotorSpeed"),
                .motorTorque: SignalReference(bus, "MCU_Status", "MCU_MotorTorque"),
                .motorDCVoltage: SignalReference(bus, "MCU_Power", "MCU_DCVoltage"),
                .motorDCCurrent: SignalReference(bus, "MCU_Power", "MCU_DCCurrent"),
                .dcdcState: SignalReference(bus, "DCDC_Status", "DCDC_State"),
                .insulationResistance: SignalReference(bus, "BMS_Insulation", "BMS_InsulationResistance"),
                .acceleratorPedal: SignalReference(bus, "VCU_Status", "VCU_AccelPedal"),
                .brakePedal: SignalReference(bus, "VCU_Status", "VCU_BrakePedal"),
            ],
            readyOnValues: [1], chargingOnValues: [1, 2],
            temperatures: [
                ("motor", SignalReference(bus, "MCU_Temperature", "MCU_MotorTemp")),
                ("controller", SignalReference(bus, "MCU_Temperature", "MCU_ControllerTemp")),
            ],
            faultFlags: AlarmCategory.faultFlags(bus: bus, message: "BMS_Alarm", prefix: "BMS"),
            brakeHysteresis: (5.0, 2.0),
            energyFromTractionDCLink: false,
            initialSOC: { cycle in cycle == .depotCharging ? 0.32 : cycle == .idle ? 0.64 : cycle == .chargingStops ? 0.7 : 0.88 },
            // A CCS fast charger (a 52 kWh van accepts about 1 C), and the 6.6 kW on-board charger.
            stopChargers: StopChargers(fastDCKW: 50, slowACKW: 6.2),
            roleCodes: [.gear: VehicleDefinition.vcuGearCodes, .motorState: VehicleDefinition.mcuStateCodes,
                        .dcdcState: VehicleDefinition.dcdcStateCodes],
            fixedRunningMode: "electric")
    }
}
