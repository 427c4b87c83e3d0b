"""Hydrogen fuel-cell light truck: one classic CAN network, Motorola byte order."""
from make_fleet_dbcs_lib import S, M, ALARM_LEVELS, alarm_signals, XOR_DOC, counter_doc

ONOFF = {0: "Off", 1: "On"}
GEAR = {0: "P", 1: "R", 2: "N", 3: "D"}
CONTACTOR = {0: "Open", 1: "Precharge", 2: "Closed", 3: "Fault"}
ACTUATOR_STATE = {0: "Init", 1: "Ready", 2: "Active", 3: "Degraded", 4: "Fault"}
TEMP = dict(offset=-40, mn=-40, mx=215, unit="degC", init=25)

FCEV = dict(
    file="fcev.dbc", swift="fcev", version="1.2.0", dbname="DemoFleet_FCEV", baudrate=500000,
    comment="Demonstration fleet: 4.5 t hydrogen fuel-cell light truck (80 kW net PEM stack, 6.4 kg H2 at 35 MPa, "
            "14 kWh NMC buffer battery). Classic CAN, 500 kbit/s, 11-bit identifiers, Motorola (big-endian) byte "
            "order. Brake and steering messages carry a rolling counter and an XOR checksum. Pack and DC-link "
            "currents are positive when discharging / motoring.",
    nodes=[("VCU", "Vehicle control unit"), ("FCU", "Fuel-cell control unit (stack, air, hydrogen, cooling)"),
           ("FDC", "Fuel-cell boost DC/DC converter"), ("BMS", "Buffer battery management system, 96s1p NMC 40 Ah"),
           ("MCU", "Motor control unit"), ("EHB", "Electro-hydraulic brake with ABS"), ("EPS", "Electric power steering"),
           ("DCDC", "High-voltage to 12 V DC-DC converter"), ("TBOX", "Telematics box and data logger")],
    messages=[
        M("VCU_Status", 0x110, 8, "VCU", 20, [
            S("VCU_VehicleSpeed", 7, 16, "M", factor=0.01, mx=250, unit="km/h"),
            S("VCU_AccelPedal", 23, 8, "M", factor=0.4, mx=100, unit="%"),
            S("VCU_BrakePedal", 31, 8, "M", factor=0.4, mx=100, unit="%"),
            S("VCU_Gear", 39, 4, "M", values=GEAR, mx=3),
            S("VCU_Ready", 35, 1, "M", values={0: "NotReady", 1: "Ready"}, comment="High voltage on and drive enabled (ignition)."),
            S("VCU_BrakeSwitch", 34, 1, "M", values=ONOFF),
            S("VCU_DriveMode", 33, 2, "M", values={0: "Eco", 1: "Normal", 2: "Sport", 3: "Reserved"}, init=1),
            S("VCU_RoadGrade", 47, 8, "M", signed=True, factor=0.1, mn=-12.8, mx=12.7, unit="%"),
        ], "Vehicle state from the VCU."),
        M("VCU_Odometer", 0x3B0, 8, "VCU", 1000, [
            S("VCU_Odometer", 7, 32, "M", factor=0.1, mx=429496729.5, unit="km"),
            S("VCU_LowVoltage", 39, 8, "M", factor=0.1, mx=25.5, unit="V", init=12.6),
            S("VCU_AmbientTemp", 55, 8, "M", factor=0.5, offset=-40, mn=-40, mx=87.5, unit="degC",
              comment="Outside-air temperature from the sensor behind the front grille: reads up to 3 degC high standing still (heat soak), settling to the air's temperature when driving (30 s lag)."),
        ], "Odometer, 12 V supply and outside air."),
        M("MCU_Status", 0x120, 8, "MCU", 10, [
            S("MCU_MotorSpeed", 7, 16, "M", signed=True, mn=-15000, mx=15000, unit="rpm"),
            S("MCU_MotorTorque", 23, 16, "M", signed=True, factor=0.1, mn=-1000, mx=1000, unit="Nm"),
            S("MCU_State", 39, 4, "M", values={0: "Off", 1: "Standby", 2: "Motoring", 3: "Generating", 4: "Fault"}, mx=15),
        ], "Motor operating point."),
        M("MCU_Power", 0x121, 8, "MCU", 20, [
            S("MCU_DCVoltage", 7, 16, "M", factor=0.1, mx=1000, unit="V"),
            S("MCU_DCCurrent", 23, 16, "M", signed=True, factor=0.1, mn=-1000, mx=1000, unit="A", comment="DC-link current, positive when motoring."),
        ], "Inverter DC side."),
        M("MCU_Temperature", 0x122, 8, "MCU", 100, [
            S("MCU_MotorTemp", 7, 8, "M", **TEMP),
            S("MCU_ControllerTemp", 15, 8, "M", **TEMP),
        ], "Motor and inverter temperatures."),
        M("BMS_PackStatus", 0x180, 8, "BMS", 10, [
            S("BMS_PackVoltage", 7, 16, "M", factor=0.1, mx=1000, unit="V"),
            S("BMS_PackCurrent", 23, 16, "M", signed=True, factor=0.1, mn=-1000, mx=1000, unit="A", comment="Positive when discharging."),
            S("BMS_SOC", 39, 10, "M", factor=0.1, mx=100, unit="%", init=60),
            S("BMS_ContactorState", 45, 2, "M", values=CONTACTOR, mx=3),
            S("BMS_SOH", 55, 8, "M", mx=100, unit="%", init=100),
        ], "Buffer battery voltage, current, SOC."),
        M("BMS_CellVoltage", 0x181, 8, "BMS", 100, [
            S("BMS_MaxCellVoltage", 7, 16, "M", factor=0.001, mx=5, unit="V", init=3.7),
            S("BMS_MaxCellIndex", 23, 8, "M", mn=1, mx=255, init=1),
            S("BMS_MinCellVoltage", 31, 16, "M", factor=0.001, mx=5, unit="V", init=3.7),
            S("BMS_MinCellIndex", 47, 8, "M", mn=1, mx=255, init=1),
        ], "Cell voltage extremes."),
        M("BMS_Temperature", 0x182, 8, "BMS", 100, [
            S("BMS_MaxTemp", 7, 8, "M", **TEMP),
            S("BMS_MaxTempProbe", 15, 8, "M", mn=1, mx=255, init=1),
            S("BMS_MinTemp", 23, 8, "M", **TEMP),
            S("BMS_MinTempProbe", 31, 8, "M", mn=1, mx=255, init=1),
            S("BMS_AvgTemp", 39, 8, "M", **TEMP),
        ], "Cell temperature extremes (8 probes)."),
        M("BMS_Insulation", 0x183, 8, "BMS", 500, [
            S("BMS_InsulationResistance", 7, 16, "M", mx=65535, unit="kOhm", init=3000),
            S("BMS_InsulationState", 23, 2, "M", values={0: "Normal", 1: "Warning", 2: "Fault", 3: "Invalid"}, mx=3),
            S("BMS_HVILState", 21, 1, "M", values={0: "Closed", 1: "Open"}),
        ], "Insulation monitoring of the whole high-voltage system."),
        M("BMS_Alarm", 0x184, 8, "BMS", 100, alarm_signals("BMS", 0, "M") + [
            S("BMS_MaxAlarmLevel", 47, 2, "M", values=ALARM_LEVELS, mx=3),
        ], "Alarm levels in the categories of GB/T 32960.3 (0 none, 1-3 increasing severity)."),
        M("FCU_Status", 0x200, 8, "FCU", 20, [
            S("FCU_StackVoltage", 7, 16, "M", factor=0.1, mx=1000, unit="V"),
            S("FCU_StackCurrent", 23, 16, "M", factor=0.1, mx=1000, unit="A"),
            S("FCU_NetPower", 39, 16, "M", factor=0.1, mx=500, unit="kW", comment="Stack power minus balance of plant."),
            S("FCU_State", 55, 3, "M", values={0: "Off", 1: "StartUp", 2: "Running", 3: "ShutDown", 4: "Fault"}, mx=7),
        ], "Fuel-cell stack operating point."),
        M("FCU_Hydrogen", 0x201, 8, "FCU", 100, [
            S("FCU_TankPressure", 7, 16, "M", factor=0.01, mx=100, unit="MPa"),
            S("FCU_TankTemp", 23, 8, "M", **TEMP),
            S("FCU_H2Concentration", 31, 12, "M", factor=0.001, mx=4.095, unit="%vol", comment="Hydrogen concentration at the cabin/stack-compartment sensor."),
            S("FCU_Alm_H2Concentration", 35, 2, "M", values=ALARM_LEVELS, mx=3, comment="Hydrogen concentration alarm: 1 >= 1 %vol, 2 >= 2 %vol, 3 >= 3 %vol."),
            S("FCU_Alm_H2Pressure", 33, 2, "M", values=ALARM_LEVELS, mx=3, comment="Tank pressure alarm (low pressure or over-pressure)."),
            S("FCU_Alm_StackTemp", 47, 2, "M", values=ALARM_LEVELS, mx=3, comment="Fuel-cell coolant over-temperature."),
            # Added later in the spare bits of the same message, so no frame is added or moved.
            S("FCU_H2MaxTempProbe", 45, 2, "M", mn=1, mx=3, init=1,
              comment="The probe reading FCU_TankTemp, the hydrogen system's highest temperature: 1 front tank, 2 rear tank (the tank not being drawn; the one in use is cooled by its expanding gas)."),
            S("FCU_H2MaxConcSensor", 43, 2, "M", mn=1, mx=3, init=1,
              comment="The sensor reading FCU_H2Concentration, the highest concentration: 1 stack compartment (while the stack runs: purges), 2 tank compartment (otherwise)."),
            S("FCU_H2MaxPressSensor", 41, 2, "M", mn=1, mx=3, init=1,
              comment="The sensor reading the highest tank pressure: 1 front tank, 2 rear tank (the one with less hydrogen drawn; 1 when equal)."),
            S("FCU_H2Remaining", 55, 8, "M", factor=0.05, mx=12.75, unit="kg"),
            S("FCU_H2Consumption", 63, 8, "M", factor=0.05, mx=12.75, unit="kg/100km",
              comment="Hydrogen used per 100 km since power-up (0 until 0.1 km)."),
        ], "Hydrogen storage and safety: two tanks drawn one at a time, each with a temperature probe and a pressure sensor."),
        M("FCU_Cooling", 0x202, 8, "FCU", 100, [
            S("FCU_CoolantInletTemp", 7, 8, "M", **TEMP),
            S("FCU_CoolantOutletTemp", 15, 8, "M", **TEMP),
            S("FCU_PumpSpeed", 23, 16, "M", mx=65535, unit="rpm"),
            S("FCU_FanDuty", 39, 8, "M", factor=0.4, mx=100, unit="%"),
        ], "Stack cooling circuit."),
        M("FDC_Status", 0x210, 8, "FDC", 20, [
            S("FDC_InputVoltage", 7, 16, "M", factor=0.1, mx=1000, unit="V"),
            S("FDC_InputCurrent", 23, 16, "M", factor=0.1, mx=1000, unit="A"),
            S("FDC_OutputVoltage", 39, 16, "M", factor=0.1, mx=1000, unit="V"),
            S("FDC_OutputCurrent", 55, 16, "M", factor=0.1, mx=1000, unit="A"),
        ], "Fuel-cell boost converter: stack side in, high-voltage bus out."),
        M("DCDC_Status", 0x1B0, 8, "DCDC", 100, [
            S("DCDC_OutputVoltage", 7, 8, "M", factor=0.1, mx=25.5, unit="V", init=12.6),
            S("DCDC_OutputCurrent", 15, 16, "M", factor=0.1, mx=500, unit="A"),
            S("DCDC_Temp", 31, 8, "M", **TEMP),
            S("DCDC_State", 39, 2, "M", values={0: "Off", 1: "On", 2: "Derated", 3: "Fault"}, mx=3),
        ], "12 V DC-DC converter."),
        M("EHB_Status", 0x130, 8, "EHB", 10, [
            S("EHB_BrakePressure", 7, 12, "M", factor=0.1, mx=409.5, unit="bar", comment="Driver-demand (pedal simulator) pressure."),
            S("EHB_PedalTravel", 11, 8, "M", factor=0.2, mx=51, unit="mm"),
            S("EHB_WheelPressure", 19, 12, "M", factor=0.1, mx=409.5, unit="bar"),
            S("EHB_BrakeRequest", 39, 1, "M", values=ONOFF),
            S("EHB_ABSActive", 38, 1, "M", values=ONOFF),
            S("EHB_State", 37, 3, "M", values=ACTUATOR_STATE, mx=7, init=1),
            S("EHB_RollingCounter", 51, 4, "M", mx=15, comment=counter_doc(16)),
            S("EHB_Checksum", 63, 8, "M", mx=255, comment=XOR_DOC),
        ], "Brake actuator state. Protected: rolling counter and XOR checksum."),
        M("EPS_Status", 0x140, 8, "EPS", 10, [
            S("EPS_SteeringAngle", 7, 16, "M", signed=True, factor=0.1, mn=-780, mx=780, unit="deg", comment="Handwheel angle, left positive."),
            S("EPS_SteeringRate", 23, 12, "M", signed=True, mn=-2048, mx=2047, unit="deg/s"),
            S("EPS_DriverTorque", 27, 12, "M", signed=True, factor=0.01, mn=-20.48, mx=20.47, unit="Nm"),
            S("EPS_AssistMode", 47, 2, "M", values={0: "Off", 1: "Comfort", 2: "Normal", 3: "Sport"}, init=2),
            S("EPS_State", 45, 3, "M", values=ACTUATOR_STATE, mx=7, init=1),
            S("EPS_RollingCounter", 51, 4, "M", mx=15, comment=counter_doc(16)),
            S("EPS_Checksum", 63, 8, "M", mx=255, comment=XOR_DOC),
        ], "Steering actuator state. Protected: rolling counter and XOR checksum."),
        # Added after the others so that the earlier messages keep their streams' random phases.
        M("FCU_Supply", 0x203, 8, "FCU", 100, [
            S("FCU_H2InletPressure", 7, 16, "M", factor=0.1, offset=-100, mn=-100, mx=400, unit="kPa",
              comment="Anode (hydrogen) pressure at the stack inlet, gauge (above the atmosphere): held above the air's."),
            S("FCU_AirInletPressure", 23, 16, "M", factor=0.1, offset=-100, mn=-100, mx=400, unit="kPa",
              comment="Cathode (air) pressure at the stack inlet, gauge: the compressor's, rising with the stack current."),
            S("FCU_AirInletTemp", 39, 8, "M", **TEMP, comment="Cathode air at the stack inlet, after the compressor and the intercooler."),
            S("FCU_H2SOC", 47, 10, "M", factor=0.1, mx=100, unit="%",
              comment="Hydrogen left in the tanks, percent of their capacity (6.4 kg): FCU_H2Remaining as a share."),
        ], "Stack supply: hydrogen and air at the stack inlets, and the hydrogen left."),
        M("FDC_Thermal", 0x211, 8, "FDC", 100, [
            S("FDC_Temp", 7, 8, "M", **TEMP, comment="Power-stage heatsink temperature: the conversion losses against the cooling loop."),
            # Added later in the spare bits of the same message, so no frame is added or moved.
            S("FDC_State", 15, 2, "M", values={0: "Off", 1: "On", 2: "Fault"}, mx=3,
              comment="Boost converter state: On while it passes the stack's power to the high-voltage bus, Off when the stack is off."),
        ], "Fuel-cell boost converter temperature and state."),
    ],
)
