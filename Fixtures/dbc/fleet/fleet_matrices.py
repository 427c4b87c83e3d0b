"""The demonstration fleet's communication matrices (see make_fleet_dbcs.py)."""
from make_fleet_dbcs_lib import S, M, ALARM_LEVELS, alarm_signals, CRC_DOC, XOR_DOC, counter_doc

GEAR = {0: "P", 1: "R", 2: "N", 3: "D"}
ONOFF = {0: "Off", 1: "On"}
CONTACTOR = {0: "Open", 1: "Precharge", 2: "Closed", 3: "Fault"}
CHARGE_STATE = {0: "NotCharging", 1: "Charging", 2: "ChargeComplete", 3: "ChargeFault"}
MCU_STATE = {0: "Off", 1: "Standby", 2: "Motoring", 3: "Generating", 4: "Fault"}
ACTUATOR_STATE = {0: "Init", 1: "Ready", 2: "Active", 3: "Degraded", 4: "Fault"}

# ---------------------------------------------------------------- van (classic CAN, 500 kbit/s)
VAN = dict(
    file="van.dbc", swift="van", version="1.4.0", dbname="DemoFleet_Van", baudrate=500000,
    comment="Demonstration fleet: electric light commercial van (3.5 t, 52 kWh LFP, 120 kW motor). "
            "Classic CAN, 500 kbit/s, 11-bit identifiers, Intel byte order. Pack current is positive when discharging.",
    nodes=[("VCU", "Vehicle control unit"), ("BMS", "Battery management system, 108s1p LFP 150 Ah"),
           ("MCU", "Motor control unit (inverter and PMSM)"), ("EHB", "Electro-hydraulic brake with ABS"),
           ("EPS", "Electric power steering"), ("OBC", "On-board charger, 6.6 kW AC"),
           ("DCDC", "High-voltage to 12 V DC-DC converter"), ("TBOX", "Telematics box and data logger")],
    messages=[
        M("VCU_Status", 0x101, 8, "VCU", 20, [
            S("VCU_Gear", 0, 4, values=GEAR, mx=3, comment="Selected gear."),
            S("VCU_Ready", 4, 1, values={0: "NotReady", 1: "Ready"}, comment="High voltage on and drive enabled (ignition)."),
            S("VCU_BrakeSwitch", 5, 1, values=ONOFF, comment="Brake pedal switch."),
            S("VCU_DriveMode", 6, 2, values={0: "Eco", 1: "Normal", 2: "Sport", 3: "Reserved"}, init=1),
            S("VCU_AccelPedal", 8, 8, factor=0.4, mx=100, unit="%", comment="Accelerator pedal position."),
            S("VCU_BrakePedal", 16, 8, factor=0.4, mx=100, unit="%", comment="Brake pedal position."),
            S("VCU_VehicleSpeed", 24, 16, factor=0.01, mx=250, unit="km/h", comment="Vehicle speed from the wheel speeds."),
            S("VCU_RoadGrade", 40, 8, signed=True, factor=0.1, mn=-12.8, mx=12.7, unit="%", comment="Estimated road grade, uphill positive."),
        ], "Vehicle state from the VCU."),
        M("VCU_Odometer", 0x3A0, 8, "VCU", 1000, [
            S("VCU_Odometer", 0, 32, factor=0.1, mx=429496729.5, unit="km", comment="Total distance."),
            S("VCU_LowVoltage", 32, 8, factor=0.1, mx=25.5, unit="V", init=12.6, comment="12 V system voltage."),
        ], "Odometer and 12 V supply."),
        M("MCU_Status", 0x120, 8, "MCU", 10, [
            S("MCU_MotorSpeed", 0, 16, signed=True, mn=-12000, mx=12000, unit="rpm", comment="Motor shaft speed, forward positive."),
            S("MCU_MotorTorque", 16, 16, signed=True, factor=0.1, mn=-1000, mx=1000, unit="Nm", comment="Actual shaft torque, negative when regenerating."),
            S("MCU_State", 32, 3, values=MCU_STATE, mx=4),
            S("MCU_FaultLevel", 35, 2, values=ALARM_LEVELS, mx=3),
        ], "Motor operating point."),
        M("MCU_Power", 0x121, 8, "MCU", 20, [
            S("MCU_DCVoltage", 0, 16, factor=0.1, mx=1000, unit="V", comment="DC-link voltage."),
            S("MCU_DCCurrent", 16, 16, signed=True, factor=0.1, mn=-1000, mx=1000, unit="A", comment="DC-link current, positive when motoring."),
        ], "Inverter DC side."),
        M("MCU_Temperature", 0x122, 8, "MCU", 100, [
            S("MCU_MotorTemp", 0, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25, comment="Stator winding temperature."),
            S("MCU_ControllerTemp", 8, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25, comment="Inverter power module temperature."),
        ], "Motor and inverter temperatures."),
        M("BMS_PackStatus", 0x180, 8, "BMS", 10, [
            S("BMS_PackVoltage", 0, 16, factor=0.1, mx=1000, unit="V", comment="Pack terminal voltage."),
            S("BMS_PackCurrent", 16, 16, signed=True, factor=0.1, mn=-1000, mx=1000, unit="A", comment="Pack current, positive when discharging."),
            S("BMS_SOC", 32, 10, factor=0.1, mx=100, unit="%", init=50, comment="State of charge."),
            S("BMS_SOH", 42, 7, mx=100, unit="%", init=100, comment="State of health."),
            S("BMS_ContactorState", 49, 2, values=CONTACTOR, mx=3),
        ], "Pack voltage, current, SOC."),
        M("BMS_CellVoltage", 0x181, 8, "BMS", 100, [
            S("BMS_MaxCellVoltage", 0, 16, factor=0.001, mx=5, unit="V", init=3.3),
            S("BMS_MaxCellIndex", 16, 8, mn=1, mx=255, init=1, comment="Number (1-based) of the highest cell."),
            S("BMS_MinCellVoltage", 24, 16, factor=0.001, mx=5, unit="V", init=3.3),
            S("BMS_MinCellIndex", 40, 8, mn=1, mx=255, init=1, comment="Number (1-based) of the lowest cell."),
        ], "Cell voltage extremes."),
        M("BMS_Temperature", 0x182, 8, "BMS", 100, [
            S("BMS_MaxTemp", 0, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
            S("BMS_MaxTempProbe", 8, 8, mn=1, mx=255, init=1, comment="Number (1-based) of the warmest probe."),
            S("BMS_MinTemp", 16, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
            S("BMS_MinTempProbe", 24, 8, mn=1, mx=255, init=1, comment="Number (1-based) of the coolest probe."),
            S("BMS_AvgTemp", 32, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
        ], "Cell temperature extremes (16 probes)."),
        M("BMS_Insulation", 0x183, 8, "BMS", 500, [
            S("BMS_InsulationResistance", 0, 16, mx=65535, unit="kOhm", init=3500, comment="Lower of the positive and negative rail insulation resistances."),
            S("BMS_InsulationState", 16, 2, values={0: "Normal", 1: "Warning", 2: "Fault", 3: "Invalid"}, mx=3),
            S("BMS_HVILState", 18, 1, values={0: "Closed", 1: "Open"}),
        ], "Insulation monitoring."),
        M("BMS_Alarm", 0x184, 8, "BMS", 100, alarm_signals("BMS", 0) + [
            S("BMS_MaxAlarmLevel", 40, 2, values=ALARM_LEVELS, mx=3, comment="Highest level of all alarm categories."),
        ], "Alarm levels in the categories of GB/T 32960.3 (0 none, 1-3 increasing severity)."),
        M("BMS_Charge", 0x185, 8, "BMS", 100, [
            S("BMS_ChargeState", 0, 2, values=CHARGE_STATE, mx=3),
            S("BMS_ChargerConnected", 2, 1, values={0: "Disconnected", 1: "Connected"}),
            S("BMS_ChargeCurrentLimit", 8, 16, factor=0.1, mx=1000, unit="A"),
            S("BMS_ChargeVoltageLimit", 24, 16, factor=0.1, mx=1000, unit="V", init=394.2),
            S("BMS_RemainingChargeTime", 40, 16, mx=65535, unit="min"),
        ], "Charging state and limits."),
        M("OBC_Status", 0x1A0, 8, "OBC", 100, [
            S("OBC_ACVoltage", 0, 16, factor=0.1, mx=500, unit="V"),
            S("OBC_ACCurrent", 16, 16, factor=0.1, mx=100, unit="A"),
            S("OBC_DCVoltage", 32, 16, factor=0.1, mx=1000, unit="V"),
            S("OBC_DCCurrent", 48, 12, factor=0.1, mx=409.5, unit="A"),
            S("OBC_State", 60, 3, values={0: "Idle", 1: "Handshake", 2: "Charging", 3: "Complete", 4: "Fault"}, mx=4),
        ], "On-board charger."),
        M("DCDC_Status", 0x1B0, 8, "DCDC", 100, [
            S("DCDC_OutputVoltage", 0, 8, factor=0.1, mx=25.5, unit="V", init=12.6),
            S("DCDC_OutputCurrent", 8, 16, factor=0.1, mx=500, unit="A"),
            S("DCDC_Temp", 24, 8, offset=-40, mn=-40, mx=215, unit="degC", init=25),
            S("DCDC_State", 32, 2, values={0: "Off", 1: "On", 2: "Derated", 3: "Fault"}, mx=3),
        ], "12 V DC-DC converter."),
        M("EHB_Status", 0x130, 8, "EHB", 10, [
            S("EHB_BrakePressure", 0, 12, factor=0.1, mx=409.5, unit="bar", comment="Driver-demand (pedal simulator) pressure."),
            S("EHB_PedalTravel", 12, 8, factor=0.2, mx=51, unit="mm"),
            S("EHB_WheelPressure", 20, 12, factor=0.1, mx=409.5, unit="bar", comment="Friction pressure at the wheel brakes after regenerative blending."),
            S("EHB_BrakeRequest", 32, 1, values=ONOFF, comment="Driver brake request."),
            S("EHB_ABSActive", 33, 1, values=ONOFF),
            S("EHB_State", 35, 3, values=ACTUATOR_STATE, mx=4, init=1),
            S("EHB_RollingCounter", 48, 4, mx=15, comment=counter_doc(16)),
            S("EHB_Checksum", 56, 8, mx=255, comment=CRC_DOC),
        ], "Brake actuator state. Protected: rolling counter and CRC-8 SAE J1850 checksum."),
        M("EPS_Status", 0x140, 8, "EPS", 10, [
            S("EPS_SteeringAngle", 0, 16, signed=True, factor=0.1, mn=-780, mx=780, unit="deg", comment="Handwheel angle, left positive."),
            S("EPS_SteeringRate", 16, 12, signed=True, mn=-2048, mx=2047, unit="deg/s"),
            S("EPS_DriverTorque", 28, 12, signed=True, factor=0.01, mn=-20.48, mx=20.47, unit="Nm"),
            S("EPS_AssistMode", 40, 2, values={0: "Off", 1: "Comfort", 2: "Normal", 3: "Sport"}, init=2),
            S("EPS_State", 42, 3, values=ACTUATOR_STATE, mx=4, init=1),
            S("EPS_RollingCounter", 48, 4, mx=15, comment=counter_doc(16)),
            S("EPS_Checksum", 56, 8, mx=255, comment=CRC_DOC),
        ], "Steering actuator state. Protected: rolling counter and CRC-8 SAE J1850 checksum."),
    ],
)

from fleet_matrices_bus import BUS_POWERTRAIN, BUS_ADAS, BUS_BATTERY  # noqa: E402
from fleet_matrices_fcev import FCEV  # noqa: E402

ALL = [VAN, BUS_POWERTRAIN, BUS_ADAS, BUS_BATTERY, FCEV]
