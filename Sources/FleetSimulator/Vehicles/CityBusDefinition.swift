/// The 12 m electric city bus: J1939 powertrain (can0), CAN FD driver assistance and
/// chassis (can1), battery network with 384 cell voltages (can2).
enum CityBusDefinition {
    /// J1939 source addresses (as in the DBC's node comments).
    static let vcu: UInt32 = 0x27, mcu: UInt32 = 0xEF, bms: UInt32 = 0xF3

    static func make() -> VehicleDefinition {
        let battery = BatteryParameters(
            chemistry: .lfp, seriesCells: 192, parallelStrings: 2, cellCapacityAh: 202,
            cellResistanceOhm: 0.0006, heatCapacityJPerK: 1_900_000, coolingWPerK: 250, temperatureProbes: 48)
        let parameters = VehicleParameters(
            massKg: 15_500, rotatingMassFactor: 1.06, dragCoefficient: 0.65, frontalAreaM2: 8.0,
            rollingResistance: 0.0075, wheelRadiusM: 0.48, gearRatio: 6.2, drivetrainEfficiency: 0.88,
            regenEfficiency: 0.82, maxMotorPowerKW: 250, maxMotorTorqueNm: 2800, maxRegenPowerKW: 150,
            auxiliaryPowerKW: 6.5, brakeNewtonPerBar: 15_000, steeringRatio: 22, brakeDemandScale: 0.25,
            battery: battery, insulationKOhm: 5000)
        let style = DrivingStyle(accel: 0.7, decel: 0.8, cruiseKmh: 80, urbanPeakKmh: 30...50, stopsAreDeliveries: false, handwheelTurnDegrees: 420)
        let pt = "can0", adas = "can1", bat = "can2"

        var cellVoltages: [String: SignalSource] = ["BMS_CellGroup": .groupIndex]
        for i in 0..<battery.cellCount { cellVoltages["BMS_Cell\(threeDigits(i + 1))_V"] = .cellVoltage(i) }
        var probeTemps: [String: SignalSource] = ["BMS_TempGroup": .groupIndex]
        for i in 0..<battery.temperatureProbes { probeTemps["BMS_Probe\(twoDigits(i + 1))_T"] = .probeTemperature(i) }
        var radar: [String: SignalSource] = [
            "RADAR_Obj1_ID": .constant(7), "RADAR_Obj1_Distance": .quantity(.targetDistanceM),
            "RADAR_Obj1_RelSpeed": .quantity(.targetRelativeSpeedMS), "RADAR_Obj1_Type": .quantity(.accTargetDetected),
            "RADAR_Obj1_Valid": .quantity(.accTargetDetected), "RADAR_ObjectCount": .quantity(.accTargetDetected),
        ]
        radar["RADAR_Obj1_LateralPos"] = .constant(0.2)

        let sources: [String: [String: SignalSource]] = [
            // Powertrain, J1939
            "TSC1": [
                "TSC1_OverrideControlMode": .constant(2), "TSC1_RequestedSpeed": .constant(0),
                "TSC1_RequestedTorque": .quantity(.torqueRequestPercent),
            ],
            "CCVS1": [
                "CCVS1_ParkingBrakeSwitch": .quantity(.j1939ParkingBrake),
                "CCVS1_WheelBasedVehicleSpeed": .quantity(.vehicleSpeedKmh),
                "CCVS1_CruiseControlActive": .quantity(.j1939CruiseActive), "CCVS1_BrakeSwitch": .quantity(.j1939BrakeSwitch),
            ],
            "EEC2": ["EEC2_AccelPedalLowIdleSwitch": .constant(0), "EEC2_AccelPedalPosition1": .quantity(.accelPedalPercent)],
            "ETC2": ["ETC2_SelectedGear": .quantity(.j1939Gear), "ETC2_CurrentGear": .quantity(.j1939Gear)],
            "EBC1": [
                "EBC1_ABSActive": .quantity(.j1939ABSActive), "EBC1_EBSBrakeSwitch": .quantity(.j1939BrakeSwitch),
                "EBC1_BrakePedalPosition": .quantity(.brakePedalPercent),
            ],
            "MCU_Status": [
                "MCU_MotorSpeed": .quantity(.motorSpeedRpm), "MCU_MotorTorque": .quantity(.motorTorqueNm),
                "MCU_State": .quantity(.motorState), "MCU_Derating": .constant(0),
            ],
            "MCU_DCBus": [
                "MCU_DCVoltage": .quantity(.motorDCVoltage), "MCU_DCCurrent": .quantity(.motorDCCurrent),
                "MCU_MotorTemp": .quantity(.motorTempC), "MCU_ControllerTemp": .quantity(.inverterTempC),
            ],
            "BMS_PackStatus": [
                "BMS_PackVoltage": .quantity(.packVoltage), "BMS_PackCurrent": .quantity(.packCurrent),
                "BMS_SOC": .quantity(.socPercent), "BMS_SOH": .quantity(.sohPercent),
                "BMS_ContactorState": .quantity(.contactorState), "BMS_ChargeState": .quantity(.chargeState),
                "BMS_ChargerConnected": .quantity(.chargerConnected),
            ],
            "BMS_Limits": [
                "BMS_DischargePowerLimit": .quantity(.dischargePowerLimitKW), "BMS_ChargePowerLimit": .quantity(.chargePowerLimitKW),
                "BMS_DischargeCurrentLimit": .quantity(.dischargeCurrentLimitA), "BMS_ChargeCurrentLimit": .quantity(.chargeCurrentLimitA),
            ],
            "DCDC_Status": [
                "DCDC_OutputVoltage": .quantity(.dcdcVoltage24), "DCDC_OutputCurrent": .quantity(.dcdcCurrent24),
                "DCDC_Temp": .quantity(.dcdcTempC), "DCDC_State": .quantity(.dcdcState),
            ],
            "DM1": [:],
            // Driver assistance and chassis, CAN FD
            "BBW_Command": [
                "BBW_CmdMode": .quantity(.brakeCommandMode), "BBW_CmdDecel": .quantity(.brakeCommandDecel),
                "BBW_CmdPressureFront": .quantity(.axlePressureFront), "BBW_CmdPressureRear": .quantity(.axlePressureRear),
                "BBW_CmdParkBrake": .quantity(.j1939ParkingBrake),
                "BBW_Cmd_RollingCounter": .rollingCounter, "BBW_Cmd_Checksum": .checksum,
            ],
            "BBW_Feedback": [
                "BBW_PressureFL": .quantity(.axlePressureFront), "BBW_PressureFR": .quantity(.axlePressureFront),
                "BBW_PressureRL": .quantity(.axlePressureRear), "BBW_PressureRR": .quantity(.axlePressureRear),
                "BBW_WheelSpeedFL": .quantity(.wheelSpeedKmh), "BBW_WheelSpeedFR": .quantity(.wheelSpeedKmh),
                "BBW_WheelSpeedRL": .quantity(.wheelSpeedKmh), "BBW_WheelSpeedRR": .quantity(.wheelSpeedKmh),
                "BBW_State": .quantity(.actuatorState), "BBW_ABSActive": .quantity(.absActive),
                "BBW_BrakeLight": .quantity(.brakeLight), "BBW_PedalPosition": .quantity(.brakePedalPercent),
                "BBW_DemandPressure": .quantity(.brakePressureBar),
                "BBW_Fbk_RollingCounter": .rollingCounter, "BBW_Fbk_Checksum": .checksum,
            ],
            "SBW_Command": [
                "SBW_CmdHandwheelAngle": .quantity(.handwheelDeg), "SBW_CmdRoadWheelAngle": .quantity(.roadWheelDeg),
                "SBW_CmdMode": .constant(1), "SBW_CmdTorqueLimit": .constant(60),
                "SBW_Cmd_RollingCounter": .rollingCounter, "SBW_Cmd_Checksum": .checksum,
            ],
            "SBW_Feedback": [
                "SBW_HandwheelAngle": .quantity(.handwheelDeg), "SBW_RoadWheelAngle": .quantity(.roadWheelDeg),
                "SBW_HandwheelRate": .quantity(.handwheelRateDegS), "SBW_FeedbackTorque": .quantity(.steeringFeedbackTorqueNm),
                "SBW_DriverTorque": .quantity(.steeringTorqueNm), "SBW_State": .quantity(.actuatorState),
                "SBW_Fbk_RollingCounter": .rollingCounter, "SBW_Fbk_Checksum": .checksum,
            ],
            "ADAS_ACC": [
                "ACC_State": .quantity(.accState), "ACC_TimeGapSetting": .constant(2), "ACC_SetSpeed": .quantity(.accSetSpeedKmh),
                "ACC_TargetDetected": .quantity(.accTargetDetected), "ACC_TargetDistance": .quantity(.targetDistanceM),
                "ACC_TargetRelSpeed": .quantity(.targetRelativeSpeedMS), "ACC_RequestedAccel": .quantity(.accRequestedAccel),
                "ACC_TimeGap": .quantity(.accTimeGapS), "ACC_DisengageCause": .quantity(.accDisengageCause),
                "ACC_RollingCounter": .rollingCounter, "ACC_Checksum": .checksum,
            ],
            "ADAS_AEB": [
                "AEB_State": .quantity(.aebState), "AEB_WarningLevel": .constant(0), "AEB_TTC": .quantity(.timeToCollisionS),
                "AEB_RequestedDecel": .constant(0), "AEB_TargetType": .quantity(.accTargetDetected),
                "AEB_RollingCounter": .rollingCounter, "AEB_Checksum": .checksum,
            ],
            "RADAR_Objects": radar,
            // Battery network
            "BMS_CellVoltages": cellVoltages,
            "BMS_CellTemps": probeTemps,
            "BMS_CellSummary": [
                "BMS_MaxCellVoltage": .quantity(.maxCellVoltage), "BMS_MaxCellNo": .quantity(.maxCellNumber),
                "BMS_MinCellVoltage": .quantity(.minCellVoltage), "BMS_MinCellNo": .quantity(.minCellNumber),
            ],
            "BMS_TempSummary": [
                "BMS_MaxTemp": .quantity(.maxTempC), "BMS_MaxTempProbe": .quantity(.maxTempProbe),
                "BMS_MinTemp": .quantity(.minTempC), "BMS_MinTempProbe": .quantity(.minTempProbe),
                "BMS_AvgTemp": .quantity(.avgTempC),
            ],
            "BMS_Insulation": [
                "BMS_InsulationResistance": .quantity(.insulationKOhm), "BMS_InsulationState": .quantity(.insulationState),
                "BMS_HVILState": .constant(0),
            ],
            "BMS_Alarm": AlarmCategory.alarmSources(prefix: "BMS"),
            "BMS_ChargeRequest": [
                "BMS_ChargeState": .quantity(.chargeState), "BMS_ChargerConnected": .quantity(.chargerConnected),
                "BMS_RequestedVoltage": .quantity(.chargeVoltageLimit), "BMS_RequestedCurrent": .quantity(.chargeCurrentLimitA),
                "BMS_ChargerOutputPower": .quantity(.chargePowerKW),
            ],
            "BMS_StringStatus": [
                "BMS_String1Voltage": .stringVoltage(0), "BMS_String1Current": .stringCurrent(0),
                "BMS_String2Voltage": .stringVoltage(1), "BMS_String2Current": .stringCurrent(1),
            ],
        ]
        var protection: [String: MessageProtection] = [:]
        for (message, prefix) in [("BBW_Command", "BBW_Cmd"), ("BBW_Feedback", "BBW_Fbk"), ("SBW_Command", "SBW_Cmd"),
                                  ("SBW_Feedback", "SBW_Fbk"), ("ADAS_ACC", "ACC"), ("ADAS_AEB", "AEB")] {
            protection[message] = MessageProtection(counterSignal: "\(prefix)_RollingCounter", checksumSignal: "\(prefix)_Checksum", algorithm: .crc8SAEJ1850)
        }
        func j1939(_ priority: UInt32, _ pgn: UInt32, _ sa: UInt32) -> UInt32 { priority << 26 | pgn << 8 | sa }
        return VehicleDefinition(
            name: "bus",
            description: "12 m electric city bus with ACC/AEB, brake- and steer-by-wire (15.5 t, 2 x 192s LFP 202 Ah, 250 kW), demonstration fleet",
            buses: [
                BusDefinition(interface: pt, dbcFile: "bus_powertrain_j1939.dbc", dbcText: FleetDBC.busPowertrain + "\n", bitrate: 250_000, dataBitrate: nil, j1939: true),
                BusDefinition(interface: adas, dbcFile: "bus_adas_fd.dbc", dbcText: FleetDBC.busADAS + "\n", bitrate: 500_000, dataBitrate: 2_000_000, j1939: false),
                BusDefinition(interface: bat, dbcFile: "bus_battery.dbc", dbcText: FleetDBC.busBattery + "\n", bitrate: 500_000, dataBitrate: nil, j1939: false),
            ],
            parameters: parameters, style: style, chargerPowerKW: 150,
            sources: sources, protection: protection,
            transmitters: [
                // TSC1 is PDU1: the destination (the motor controller) is in the PS byte.
                "TSC1": [TransmitterOverride(node: "VCU", frameID: j1939(3, 0x00EF, vcu))],
                // DM1 comes from every ECU with its own source address.
                "DM1": [
                    TransmitterOverride(node: "VCU", frameID: j1939(6, 0xFECA, vcu)),
                    TransmitterOverride(node: "MCU", frameID: j1939(6, 0xFECA, mcu)),
                    TransmitterOverride(node: "BMS", frameID: j1939(6, 0xFECA, bms)),
                ],
            ],
            defaultSilentECU: "SBW",
            roles: [
                .vehicleSpeed: SignalReference(pt, "CCVS1", "CCVS1_WheelBasedVehicleSpeed"),
                .packVoltage: SignalReference(pt, "BMS_PackStatus", "BMS_PackVoltage"),
                .packCurrent: SignalReference(pt, "BMS_PackStatus", "BMS_PackCurrent"),
                .soc: SignalReference(pt, "BMS_PackStatus", "BMS_SOC"),
                .minCellVoltage: SignalReference(bat, "BMS_CellSummary", "BMS_MinCellVoltage"),
                .maxCellVoltage: SignalReference(bat, "BMS_CellSummary", "BMS_MaxCellVoltage"),
                .maxCellTemperature: SignalReference(bat, "BMS_TempSummary", "BMS_MaxTemp"),
                .minCellTemperature: SignalReference(bat, "BMS_TempSummary", "BMS_MinTemp"),
                .maxCellVoltageNumber: SignalReference(bat, "BMS_CellSummary", "BMS_MaxCellNo"),
                .minCellVoltageNumber: SignalReference(bat, "BMS_CellSummary", "BMS_MinCellNo"),
                .maxCellTemperatureNumber: SignalReference(bat, "BMS_TempSummary", "BMS_MaxTempProbe"),
                .minCellTemperatureNumber: SignalReference(bat, "BMS_TempSummary", "BMS_MinTempProbe"),
                .brakePressure: SignalReference(adas, "BBW_Feedback", "BBW_DemandPressure"),
                .steeringAngle: SignalReference(adas, "SBW_Feedback", "SBW_HandwheelAngle"),
                .ready: SignalReference(pt, "ETC2", "ETC2_CurrentGear"),
                .charging: SignalReference(pt, "BMS_PackStatus", "BMS_ChargeState"),
                .gear: SignalReference(pt, "ETC2", "ETC2_CurrentGear"),
                .motorState: SignalReference(pt, "MCU_Status", "MCU_State"),
                .motorSpeed: SignalReference(pt, "MCU_Status", "MCU_MotorSpeed"),
                .motorTorque: SignalReference(pt, "MCU_Status", "MCU_MotorTorque"),
                .motorDCVoltage: SignalReference(pt, "MCU_DCBus", "MCU_DCVoltage"),
                .motorDCCurrent: SignalReference(pt, "MCU_DCBus", "MCU_DCCurrent"),
                .dcdcState: SignalReference(pt, "DCDC_Status", "DCDC_State"),
                .insulationResistance: SignalReference(bat, "BMS_Insulation", "BMS_InsulationResistance"),
                .acceleratorPedal: SignalReference(pt, "EEC2", "EEC2_AccelPedalPosition1"),
                .brakePedal: SignalReference(pt, "EBC1", "EBC1_BrakePedalPosition"),
                .accState: SignalReference(adas, "ADAS_ACC", "ACC_State"),
                .accCause: SignalReference(adas, "ADAS_ACC", "ACC_DisengageCause"),
                .aebState: SignalReference(adas, "ADAS_AEB", "AEB_State"),
            ],
            readyOnValues: [1], chargingOnValues: [1, 2],
            temperatures: [
                ("motor", SignalReference(pt, "MCU_DCBus", "MCU_MotorTemp")),
                ("controller", SignalReference(pt, "MCU_DCBus", "MCU_ControllerTemp")),
            ],
            faultFlags: AlarmCategory.faultFlags(bus: bat, message: "BMS_Alarm", prefix: "BMS"),
            brakeHysteresis: (1.0, 0.5),
            energyFromTractionDCLink: false,
            initialSOC: { cycle in cycle == .depotCharging ? 0.28 : cycle == .idle ? 0.6 : cycle == .chargingStops ? 0.8 : 0.92 },
            // A pantograph at the terminus, and a 40 kW AC depot point.
            stopChargers: StopChargers(fastDCKW: 150, slowACKW: 40),
            // ETC2_CurrentGear is raw − 125 (SPN 523): park 251 → 126, drive 126 → 1, neutral 0, reverse −1.
            roleCodes: [.gear: [("P", 126), ("R", -1), ("N", 0), ("D", 1)], .motorState: VehicleDefinition.mcuStateCodes,
                        .dcdcState: VehicleDefinition.dcdcStateCodes, .accState: VehicleDefinition.accStateCodes,
                        .accCause: VehicleDefinition.accCauseCodes, .aebState: VehicleDefinition.aebStateCodes],
            fixedRunningMode: "electric",
            cellVoltages: NumberedSignals(bus: bat, message: "BMS_CellVoltages", pattern: "BMS_Cell###_V", count: battery.cellCount),
            probeTemperatures: NumberedSignals(bus: bat, message: "BMS_CellTemps", pattern: "BMS_Probe##_T", count: battery.temperatureProbes),
            // One GB/T 32960 storage subsystem per parallel string: its cells in series, and half the probes.
            storageSubsystems: (0..<battery.parallelStrings).map { k in
                let cells = battery.seriesCells, probes = battery.temperatureProbes / battery.parallelStrings
                return StorageSubsystemSignals(
                    voltage: SignalReference(bat, "BMS_StringStatus", "BMS_String\(k + 1)Voltage"),
                    current: SignalReference(bat, "BMS_StringStatus", "BMS_String\(k + 1)Current"),
                    cells: (k * cells + 1)...((k + 1) * cells), probes: (k * probes + 1)...((k + 1) * probes))
            })
    }
}

func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
func threeDigits(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)" }
