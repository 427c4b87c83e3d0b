"""Electric city bus: J1939 powertrain (can0), CAN FD ADAS/chassis (can1), battery (can2)."""
from make_fleet_dbcs_lib import S, M, ALARM_LEVELS, alarm_signals, CRC_DOC, counter_doc

ONOFF = {0: "Off", 1: "On"}
J1939_SWITCH = {0: "Off", 1: "On", 2: "Error", 3: "NotAvailable"}
CONTACTOR = {0: "Open", 1: "Precharge", 2: "Closed", 3: "Fault"}
CHARGE_STATE = {0: "NotCharging", 1: "Charging", 2: "ChargeComplete", 3: "ChargeFault"}
ACTUATOR_STATE = {0: "Init", 1: "Ready", 2: "Active", 3: "Degraded", 4: "Fault"}
SA = {"VCU": 0x27, "MCU": 0xEF, "BMS": 0xF3, "EBS": 0x0B, "DCDC": 0xF4, "TBOX": 0xFB}


def j1939(priority, pgn, sa):
    return (priority << 26) | (pgn << 8) | sa


def JM(name, priority, pgn, sender, cycle, signals, comment, sa=None):
    sa = SA[sender] if sa is None else sa
    return M(name, j1939(priority, pgn, sa), 8, sender, cycle, signals,
             comment + " PGN %d (0x%04X), priority %d, source address 0x%02X." % (pgn, pgn, priority, sa), ext=True)


BUS_POWERTRAIN = dict(
    file="bus_powertrain_j1939.dbc", swift="busPowertrain", version="2.1.0", dbname="DemoFleet_Bus_Powertrain",
    baudrate=250000, j1939=True,
    addresses=SA,
    comment="Demonstration fleet: 12 m electric city bus, powertrain network. SAE J1939, 250 kbit/s, 29-bit "
            "identifiers (priority, PGN, source address). Match frames to messages by PGN: TSC1 is addressed "
            "to the motor controller (destination 0xEF) and DM1 is sent by several ECUs with their own source "
            "addresses. Pack current is positive when discharging.",
    nodes=[("VCU", "Vehicle control unit (source address 0x27)"), ("MCU", "Traction motor controller (0xEF)"),
           ("BMS", "Battery management system master (0xF3)"), ("EBS", "Electronic braking system (0x0B)"),
           ("DCDC", "24 V DC-DC converter (0xF4)"), ("TBOX", "Telematics box and data logger (0xFB)")],
    messages=[
        M("TSC1", j1939(3, 0x0000, SA["VCU"]), 8, "VCU", 10, [
            S("TSC1_OverrideControlMode", 0, 2, values={0: "NoOverride", 1: "SpeedControl", 2: "TorqueControl", 3: "SpeedTorqueLimit"}, mx=3),
            S("TSC1_RequestedSpeed", 8, 16, factor=0.125, mx=8031.875, unit="rpm"),
            S("TSC1_RequestedTorque", 24, 8, offset=-125, mn=-125, mx=125, unit="%", comment="Requested torque in percent of the reference torque."),
        ], "Torque/speed control 1, VCU to motor controller. PGN 0 (PDU1: the destination address is in the PDU-specific byte; sent to 0xEF), priority 3, source address 0x27.", ext=True),
        JM("CCVS1", 6, 0xFEF1, "VCU", 100, [
            S("CCVS1_ParkingBrakeSwitch", 2, 2, values=J1939_SWITCH, mx=3),
            S("CCVS1_WheelBasedVehicleSpeed", 8, 16, factor=0.00390625, mx=250.99609375, unit="km/h", comment="SPN 84."),
            S("CCVS1_CruiseControlActive", 24, 2, values=J1939_SWITCH, mx=3),
            S("CCVS1_BrakeSwitch", 28, 2, values=J1939_SWITCH, mx=3, comment="SPN 597."),
        ], "Cruise control / vehicle speed 1."),
        JM("EEC2", 3, 0xF003, "VCU", 50, [
            S("EEC2_AccelPedalLowIdleSwitch", 0, 2, values=J1939_SWITCH, mx=3),
            S("EEC2_AccelPedalPosition1", 8, 8, factor=0.4, mx=100, unit="%", comment="SPN 91."),
        ], "Electronic engine controller 2 (accelerator pedal)."),
        JM("ETC2", 6, 0xF005, "VCU", 100, [
            S("ETC2_SelectedGear", 0, 8, offset=-125, mn=-125, mx=125, values={124: "Reverse", 125: "Neutral", 126: "Drive", 251: "Park"}, comment="SPN 524; raw 251 = park."),
            S("ETC2_CurrentGear", 24, 8, offset=-125, mn=-125, mx=125, values={124: "Reverse", 125: "Neutral", 126: "Drive", 251: "Park"}, comment="SPN 523; raw 251 = park."),
        ], "Electronic transmission controller 2 (gear selector)."),
        JM("EBC1", 6, 0xF001, "EBS", 100, [
            S("EBC1_ABSActive", 4, 2, values=J1939_SWITCH, mx=3, comment="SPN 563."),
            S("EBC1_EBSBrakeSwitch", 6, 2, values=J1939_SWITCH, mx=3, comment="SPN 1121."),
            S("EBC1_BrakePedalPosition", 8, 8, factor=0.4, mx=100, unit="%", comment="SPN 521."),
        ], "Electronic brake controller 1."),
        JM("MCU_Status", 3, 0xFF20, "MCU", 10, [
            S("MCU_MotorSpeed", 0, 16, offset=-32000, mn=-32000, mx=33535, unit="rpm", comment="Motor shaft speed, forward positive."),
            S("MCU_MotorTorque", 16, 16, factor=0.1, offset=-3200, mn=-3200, mx=3353.5, unit="Nm", comment="Shaft torque, negative when regenerating."),
            S("MCU_State", 32, 4, values={0: "Off", 1: "Standby", 2: "Motoring", 3: "Generating", 4: "Fault"}, mx=15),
            S("MCU_Derating", 36, 2, values=J1939_SWITCH, mx=3),
        ], "Proprietary B: traction motor operating point."),
        JM("MCU_DCBus", 6, 0xFF21, "MCU", 20, [
            S("MCU_DCVoltage", 0, 16, factor=0.1, mx=1000, unit="V"),
            S("MCU_DCCurrent", 16, 16, factor=0.1, offset=-3200, mn=-3200, mx=3353.5, unit="A", comment="Positive when motoring."),
            S("MCU_MotorTemp", 32, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
            S("MCU_ControllerTemp", 40, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
        ], "Proprietary B: inverter DC side and temperatures."),
        JM("BMS_PackStatus", 6, 0xFF10, "BMS", 20, [
            S("BMS_PackVoltage", 0, 16, factor=0.1, mx=1000, unit="V"),
            S("BMS_PackCurrent", 16, 16, factor=0.1, offset=-3200, mn=-3200, mx=3353.5, unit="A", comment="Positive when discharging."),
            S("BMS_SOC", 32, 8, factor=0.4, mx=100, unit="%", init=50),
            S("BMS_SOH", 40, 8, factor=0.4, mx=100, unit="%", init=100),
            S("BMS_ContactorState", 48, 2, values=CONTACTOR, mx=3),
            S("BMS_ChargeState", 50, 2, values=CHARGE_STATE, mx=3),
            S("BMS_ChargerConnected", 52, 1, values={0: "Disconnected", 1: "Connected"}),
        ], "Proprietary B: pack voltage, current, SOC."),
        JM("BMS_Limits", 6, 0xFF11, "BMS", 100, [
            S("BMS_DischargePowerLimit", 0, 16, factor=0.1, mx=6553.5, unit="kW"),
            S("BMS_ChargePowerLimit", 16, 16, factor=0.1, mx=6553.5, unit="kW"),
            S("BMS_DischargeCurrentLimit", 32, 16, factor=0.1, mx=6553.5, unit="A"),
            S("BMS_ChargeCurrentLimit", 48, 16, factor=0.1, mx=6553.5, unit="A"),
        ], "Proprietary B: pack power and current limits."),
        JM("DCDC_Status", 6, 0xFF30, "DCDC", 100, [
            S("DCDC_OutputVoltage", 0, 16, factor=0.05, mx=3276.75, unit="V", init=27.6),
            S("DCDC_OutputCurrent", 16, 16, factor=0.1, mx=6553.5, unit="A"),
            S("DCDC_Temp", 32, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
            S("DCDC_State", 40, 2, values={0: "Off", 1: "On", 2: "Derated", 3: "Fault"}, mx=3),
        ], "Proprietary B: 24 V DC-DC converter."),
        JM("DM1", 6, 0xFECA, "VCU", 1000, [
            S("DM1_ProtectLampStatus", 0, 2, values=J1939_SWITCH, mx=3),
            S("DM1_AmberWarningLampStatus", 2, 2, values=J1939_SWITCH, mx=3),
            S("DM1_RedStopLampStatus", 4, 2, values=J1939_SWITCH, mx=3),
            S("DM1_MalfunctionLampStatus", 6, 2, values=J1939_SWITCH, mx=3),
            S("DM1_SPN1_Low", 16, 16, mx=65535, comment="Low 16 bits of the first active DTC's SPN (J1939-73 layout)."),
            S("DM1_FMI1", 32, 5, mx=31, comment="Failure mode identifier of the first active DTC."),
            S("DM1_SPN1_High", 37, 3, mx=7, comment="High 3 bits of the first active DTC's SPN."),
            S("DM1_OccurrenceCount1", 40, 7, mx=127),
            S("DM1_SPNConversionMethod1", 47, 1),
        ], "Active diagnostic trouble codes (single-frame form). Sent once a second by VCU (0x27), MCU (0xEF) and BMS (0xF3); defined here with the null source address 0xFE.", sa=0xFE),
    ],
)

FD_TAIL = lambda prefix: [  # noqa: E731
    S(prefix + "_RollingCounter", 496, 4, mx=15, comment=counter_doc(16)),
    S(prefix + "_Checksum", 504, 8, mx=255, comment=CRC_DOC),
]

BUS_ADAS = dict(
    file="bus_adas_fd.dbc", swift="busADAS", version="2.1.0", dbname="DemoFleet_Bus_ADAS", fd=True,
    baudrate=500000, fd_baudrate=2000000,
    comment="Demonstration fleet: 12 m electric city bus, driver-assistance and chassis network. CAN FD, "
            "500 kbit/s nominal, 2 Mbit/s data phase with bit-rate switch, 11-bit identifiers, 64-byte frames. "
            "Brake-by-wire and steer-by-wire commands and feedback carry a rolling counter in byte 62 and a "
            "CRC-8 SAE J1850 in byte 63.",
    nodes=[("ADAS", "Driver-assistance domain controller (ACC, AEB)"), ("BBW", "Brake-by-wire (electronic braking) actuator"),
           ("SBW", "Steer-by-wire actuator"), ("RADAR", "Front radar"), ("TBOX", "Telematics box and data logger")],
    messages=[
        M("BBW_Command", 0x100, 64, "ADAS", 10, [
            S("BBW_CmdMode", 0, 3, values={0: "Idle", 1: "Driver", 2: "ACC", 3: "AEB", 4: "Hold"}, mx=7),
            S("BBW_CmdDecel", 8, 16, factor=0.001, mx=20, unit="m/s2", comment="Requested deceleration."),
            S("BBW_CmdPressureFront", 24, 12, factor=0.01, mx=40.95, unit="bar"),
            S("BBW_CmdPressureRear", 36, 12, factor=0.01, mx=40.95, unit="bar"),
            S("BBW_CmdParkBrake", 48, 1, values=ONOFF),
        ] + FD_TAIL("BBW_Cmd"), "Brake-by-wire command. Protected: rolling counter and CRC-8 SAE J1850.", fd=True),
        M("BBW_Feedback", 0x101, 64, "BBW", 10, [
            S("BBW_PressureFL", 0, 12, factor=0.01, mx=40.95, unit="bar"),
            S("BBW_PressureFR", 12, 12, factor=0.01, mx=40.95, unit="bar"),
            S("BBW_PressureRL", 24, 12, factor=0.01, mx=40.95, unit="bar"),
            S("BBW_PressureRR", 36, 12, factor=0.01, mx=40.95, unit="bar"),
            S("BBW_WheelSpeedFL", 48, 16, factor=0.01, mx=655.35, unit="km/h"),
            S("BBW_WheelSpeedFR", 64, 16, factor=0.01, mx=655.35, unit="km/h"),
            S("BBW_WheelSpeedRL", 80, 16, factor=0.01, mx=655.35, unit="km/h"),
            S("BBW_WheelSpeedRR", 96, 16, factor=0.01, mx=655.35, unit="km/h"),
            S("BBW_State", 112, 3, values=ACTUATOR_STATE, mx=7, init=1),
            S("BBW_ABSActive", 115, 1, values=ONOFF),
            S("BBW_BrakeLight", 116, 1, values=ONOFF),
            S("BBW_PedalPosition", 120, 8, factor=0.4, mx=100, unit="%"),
            S("BBW_DemandPressure", 128, 12, factor=0.01, mx=40.95, unit="bar", comment="Driver-demand pressure from the brake pedal module."),
        ] + FD_TAIL("BBW_Fbk"), "Brake-by-wire feedback. Protected: rolling counter and CRC-8 SAE J1850.", fd=True),
        M("SBW_Command", 0x110, 64, "ADAS", 10, [
            S("SBW_CmdHandwheelAngle", 0, 16, signed=True, factor=0.1, mn=-1000, mx=1000, unit="deg"),
            S("SBW_CmdRoadWheelAngle", 16, 16, signed=True, factor=0.01, mn=-60, mx=60, unit="deg"),
            S("SBW_CmdMode", 32, 3, values={0: "Off", 1: "Driver", 2: "LaneKeeping", 3: "Emergency"}, mx=7, init=1),
            S("SBW_CmdTorqueLimit", 40, 8, factor=0.5, mx=127.5, unit="Nm", init=60),
        ] + FD_TAIL("SBW_Cmd"), "Steer-by-wire command. Protected: rolling counter and CRC-8 SAE J1850.", fd=True),
        M("SBW_Feedback", 0x111, 64, "SBW", 10, [
            S("SBW_HandwheelAngle", 0, 16, signed=True, factor=0.1, mn=-1000, mx=1000, unit="deg", comment="Handwheel angle, left positive."),
            S("SBW_RoadWheelAngle", 16, 16, signed=True, factor=0.01, mn=-60, mx=60, unit="deg"),
            S("SBW_HandwheelRate", 32, 16, signed=True, factor=0.1, mn=-3000, mx=3000, unit="deg/s"),
            S("SBW_FeedbackTorque", 48, 16, signed=True, factor=0.01, mn=-100, mx=100, unit="Nm"),
            S("SBW_DriverTorque", 64, 16, signed=True, factor=0.01, mn=-100, mx=100, unit="Nm"),
            S("SBW_State", 80, 3, values=ACTUATOR_STATE, mx=7, init=1),
        ] + FD_TAIL("SBW_Fbk"), "Steer-by-wire feedback. Protected: rolling counter and CRC-8 SAE J1850.", fd=True),
        M("ADAS_ACC", 0x200, 64, "ADAS", 20, [
            S("ACC_State", 0, 3, values={0: "Off", 1: "Standby", 2: "Active", 3: "Override", 4: "Fault"}, mx=7),
            S("ACC_TimeGapSetting", 3, 3, values={1: "Near", 2: "Medium", 3: "Far"}, mx=7, init=2),
            S("ACC_SetSpeed", 8, 8, mx=255, unit="km/h"),
            S("ACC_TargetDetected", 16, 1, values=ONOFF),
            S("ACC_TargetDistance", 24, 16, factor=0.01, mx=655.35, unit="m"),
            S("ACC_TargetRelSpeed", 40, 16, signed=True, factor=0.01, mn=-327.68, mx=327.67, unit="m/s", comment="Target speed minus own speed."),
            S("ACC_RequestedAccel", 56, 16, signed=True, factor=0.001, mn=-15, mx=15, unit="m/s2"),
            S("ACC_TimeGap", 72, 8, factor=0.1, mx=25.5, unit="s"),
            S("ACC_DisengageCause", 80, 3, values={0: "None", 1: "DriverBrake", 2: "DriverSteer", 3: "SystemFault"}, mx=7,
              comment="Why ACC last left Active: a driver takeover (brake or steering) or a system fault; held until ACC engages again (then None)."),
        ] + FD_TAIL("ACC"), "Adaptive cruise control state and target. Protected: rolling counter and CRC-8 SAE J1850.", fd=True),
        M("ADAS_AEB", 0x201, 64, "ADAS", 20, [
            S("AEB_State", 0, 3, values={0: "Off", 1: "Standby", 2: "Warning", 3: "PartialBraking", 4: "FullBraking", 5: "Fault"}, mx=7),
            S("AEB_WarningLevel", 3, 2, values=ALARM_LEVELS, mx=3),
            S("AEB_TTC", 8, 8, factor=0.1, mx=25.5, unit="s", init=25.5, comment="Time to collision; 25.5 = none."),
            S("AEB_RequestedDecel", 16, 16, factor=0.001, mx=20, unit="m/s2"),
            S("AEB_TargetType", 32, 3, values={0: "None", 1: "Car", 2: "Truck", 3: "Pedestrian", 4: "Cyclist"}, mx=7),
        ] + FD_TAIL("AEB"), "Autonomous emergency braking state. Protected: rolling counter and CRC-8 SAE J1850.", fd=True),
        M("RADAR_Objects", 0x300, 64, "RADAR", 50, [
            s for o in range(4) for s in [
                S("RADAR_Obj%d_ID" % (o + 1), 64 * o, 8, mx=255),
                S("RADAR_Obj%d_Distance" % (o + 1), 64 * o + 8, 16, factor=0.01, mx=655.35, unit="m"),
                S("RADAR_Obj%d_LateralPos" % (o + 1), 64 * o + 24, 16, signed=True, factor=0.01, mn=-327.68, mx=327.67, unit="m"),
                S("RADAR_Obj%d_RelSpeed" % (o + 1), 64 * o + 40, 16, signed=True, factor=0.01, mn=-327.68, mx=327.67, unit="m/s"),
                S("RADAR_Obj%d_Type" % (o + 1), 64 * o + 56, 3, values={0: "None", 1: "Car", 2: "Truck", 3: "Pedestrian", 4: "Cyclist"}, mx=7),
                S("RADAR_Obj%d_Valid" % (o + 1), 64 * o + 59, 1, values={0: "Invalid", 1: "Valid"}),
            ]
        ] + [S("RADAR_ObjectCount", 256, 8, mx=64)], "Front radar: the four nearest tracked objects.", fd=True),
    ],
)

CELLS, CELLS_PER_FRAME = 384, 4
PROBES, PROBES_PER_FRAME = 48, 6
cell_signals = [S("BMS_CellGroup", 0, 8, mx=CELLS // CELLS_PER_FRAME - 1, mux="M", comment="Cell group: cells 4g+1 ... 4g+4.")]
for g in range(CELLS // CELLS_PER_FRAME):
    for k in range(CELLS_PER_FRAME):
        n = g * CELLS_PER_FRAME + k + 1
        cell_signals.append(S("BMS_Cell%03d_V" % n, 8 + 13 * k, 13, factor=0.001, mx=8.191, unit="V", init=3.3, mux=g))
probe_signals = [S("BMS_TempGroup", 0, 8, mx=PROBES // PROBES_PER_FRAME - 1, mux="M", comment="Probe group: probes 6g+1 ... 6g+6.")]
for g in range(PROBES // PROBES_PER_FRAME):
    for k in range(PROBES_PER_FRAME):
        n = g * PROBES_PER_FRAME + k + 1
        probe_signals.append(S("BMS_Probe%02d_T" % n, 8 + 8 * k, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25, mux=g))

BUS_BATTERY = dict(
    file="bus_battery.dbc", swift="busBattery", version="2.1.0", dbname="DemoFleet_Bus_Battery", baudrate=500000,
    comment="Demonstration fleet: 12 m electric city bus, battery network. Classic CAN, 500 kbit/s, 11-bit "
            "identifiers, Intel byte order. 384 cells (two parallel strings of 192 LFP cells, 202 Ah) and 48 "
            "temperature probes, reported through multiplexed messages: one group per frame, cycling. String 1 is "
            "cells 1-192 and probes 1-24, string 2 cells 193-384 and probes 25-48 (BMS_StringStatus).",
    nodes=[("BMS", "Battery management system master"), ("VCU", "Vehicle control unit"), ("TBOX", "Telematics box and data logger")],
    messages=[
        M("BMS_CellVoltages", 0x400, 8, "BMS", 10, cell_signals,
          "Cell voltages, four 13-bit values per frame; the group index steps 0 ... 95 with every frame."),
        M("BMS_CellTemps", 0x401, 8, "BMS", 100, probe_signals,
          "Probe temperatures, six per frame; the group index steps 0 ... 7 with every frame."),
        M("BMS_CellSummary", 0x410, 8, "BMS", 100, [
            S("BMS_MaxCellVoltage", 0, 16, factor=0.001, mx=65.535, unit="V", init=3.3),
            S("BMS_MaxCellNo", 16, 16, mn=1, mx=65535, init=1),
            S("BMS_MinCellVoltage", 32, 16, factor=0.001, mx=65.535, unit="V", init=3.3),
            S("BMS_MinCellNo", 48, 16, mn=1, mx=65535, init=1),
        ], "Cell voltage extremes and the (1-based) cell numbers."),
        M("BMS_TempSummary", 0x411, 8, "BMS", 100, [
            S("BMS_MaxTemp", 0, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
            S("BMS_MaxTempProbe", 8, 8, mn=1, mx=255, init=1),
            S("BMS_MinTemp", 16, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
            S("BMS_MinTempProbe", 24, 8, mn=1, mx=255, init=1),
            S("BMS_AvgTemp", 32, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
        ], "Probe temperature extremes."),
        M("BMS_Insulation", 0x412, 8, "BMS", 500, [
            S("BMS_InsulationResistance", 0, 16, mx=65535, unit="kOhm", init=5000),
            S("BMS_InsulationState", 16, 2, values={0: "Normal", 1: "Warning", 2: "Fault", 3: "Invalid"}, mx=3),
            S("BMS_HVILState", 18, 1, values={0: "Closed", 1: "Open"}),
        ], "Insulation monitoring."),
        M("BMS_Alarm", 0x413, 8, "BMS", 100, alarm_signals("BMS", 0) + [
            S("BMS_MaxAlarmLevel", 40, 2, values=ALARM_LEVELS, mx=3),
        ], "Alarm levels in the categories of GB/T 32960.3 (0 none, 1-3 increasing severity)."),
        M("BMS_ChargeRequest", 0x414, 8, "BMS", 100, [
            S("BMS_ChargeState", 0, 2, values=CHARGE_STATE, mx=3),
            S("BMS_ChargerConnected", 2, 1, values={0: "Disconnected", 1: "Connected"}),
            S("BMS_RequestedVoltage", 8, 16, factor=0.1, mx=1000, unit="V"),
            S("BMS_RequestedCurrent", 24, 16, factor=0.1, mx=1000, unit="A"),
            S("BMS_ChargerOutputPower", 40, 16, factor=0.1, mx=500, unit="kW"),
        ], "Depot charging: state and requests to the DC charger."),
        # Added after the others so that the earlier messages keep their streams' random phases.
        M("BMS_StringStatus", 0x415, 8, "BMS", 100, [
            S("BMS_String1Voltage", 0, 16, factor=0.1, mx=1000, unit="V",
              comment="String 1 (cells 1-192, probes 1-24): the sum of its cell voltages."),
            S("BMS_String1Current", 16, 16, factor=0.1, offset=-3200, mn=-3200, mx=3353.5, unit="A",
              comment="String 1's share of the pack current, positive when discharging."),
            S("BMS_String2Voltage", 32, 16, factor=0.1, mx=1000, unit="V",
              comment="String 2 (cells 193-384, probes 25-48): the sum of its cell voltages."),
            S("BMS_String2Current", 48, 16, factor=0.1, offset=-3200, mn=-3200, mx=3353.5, unit="A",
              comment="String 2's share of the pack current, positive when discharging."),
        ], "The two parallel strings: string 1 is cells 1-192 and probes 1-24, string 2 cells 193-384 and "
           "probes 25-48. The string currents add up to the pack current."),
    ],
)
