import Telemetry

/// One CAN network of a vehicle.
public struct BusDefinition: Sendable {
    /// Interface name in the capture and the config (`can0`, …).
    public var interface: String
    /// DBC file name in the bundle.
    public var dbcFile: String
    public var dbcText: String
    public var bitrate: Int
    /// CAN FD data-phase bit rate, when the bus carries FD frames.
    public var dataBitrate: Int?
    /// Extended frames are matched to DBC messages by J1939 PGN.
    public var j1939: Bool
}

/// Which signal of which message on which bus: the config's semantic-map entry, the
/// metrics' own type (`Telemetry.SignalReference`; the simulator uses scale 1, offset 0).
public typealias SignalReference = Telemetry.SignalReference
/// A numbered series of signals (every cell, every probe): `Telemetry.NumberedSignals`.
public typealias NumberedSignals = Telemetry.NumberedSignals

extension SignalReference {
    init(_ bus: String, _ message: String, _ signal: String) {
        self.init(bus: bus, message: message, signal: signal)
    }
}

/// A message protected by a rolling counter and a checksum.
public struct MessageProtection: Sendable, Hashable {
    public var counterSignal: String
    public var checksumSignal: String
    public var algorithm: ChecksumAlgorithm
}

/// An extra transmitter of a message (a J1939 PGN several ECUs send with their own source
/// addresses), or an identifier other than the DBC's (a PDU1 destination address).
public struct TransmitterOverride: Sendable, Hashable {
    public var node: String
    public var frameID: UInt32
}

/// The semantic roles of the config's `signals:` map.
public enum SignalRole: String, CaseIterable, Sendable {
    case vehicleSpeed = "vehicle_speed"
    case packVoltage = "pack_voltage"
    case packCurrent = "pack_current"
    case soc
    case minCellVoltage = "min_cell_voltage"
    case maxCellVoltage = "max_cell_voltage"
    case maxCellTemperature = "max_cell_temperature"
    case minCellTemperature = "min_cell_temperature"
    // The BMS's numbers of the cells and probes above (the GB/T 32960 terminal's extreme values).
    case maxCellVoltageNumber = "max_cell_voltage_number"
    case minCellVoltageNumber = "min_cell_voltage_number"
    case maxCellTemperatureNumber = "max_cell_temperature_number"
    case minCellTemperatureNumber = "min_cell_temperature_number"
    case brakePressure = "brake_pressure"
    case steeringAngle = "steering_angle"
    case ready
    case charging
    // The GB/T 32960 terminal's.
    case odometer
    case gear
    case motorState = "motor_state"
    case motorSpeed = "motor_speed"
    case motorTorque = "motor_torque"
    case motorDCVoltage = "motor_dc_voltage"
    case motorDCCurrent = "motor_dc_current"
    case fuelCellVoltage = "fuel_cell_voltage"
    case fuelCellCurrent = "fuel_cell_current"
    case hydrogenPressure = "hydrogen_pressure"
    case hydrogenTemperature = "hydrogen_temperature"
    case hydrogenConsumption = "hydrogen_consumption"
    case hydrogenConcentration = "hydrogen_concentration"
    case dcdcState = "dcdc_state"
    case insulationResistance = "insulation_resistance"
    case acceleratorPedal = "accelerator_pedal"
    case brakePedal = "brake_pedal"
    case runningMode = "running_mode"
    // 2025's hydrogen-system and stack bodies.
    case hydrogenRemaining = "hydrogen_remaining"
    case hvDCDCTemperature = "hv_dcdc_temperature"
    case hvDCDCState = "hv_dcdc_state"
    case fuelCellHydrogenInletPressure = "fuel_cell_hydrogen_inlet_pressure"
    case fuelCellAirInletPressure = "fuel_cell_air_inlet_pressure"
    case fuelCellAirInletTemperature = "fuel_cell_air_inlet_temperature"
    // The hydrogen system's numbers of the probe and sensors behind its highest temperature,
    // concentration and pressure (both editions' fuel-cell bodies).
    case hydrogenMaxTemperatureProbe = "hydrogen_max_temperature_probe"
    case hydrogenMaxConcentrationSensor = "hydrogen_max_concentration_sensor"
    case hydrogenMaxPressureSensor = "hydrogen_max_pressure_sensor"
    // The operations figures' (the report's kWh/100 km against temperature).
    case ambientTemperature = "ambient_temperature"
    // Driver assistance (the smart-connected figures).
    case accState = "acc_state"
    case accCause = "acc_cause"
    case aebState = "aeb_state"
}

/// Everything the simulator knows about one demonstration vehicle.
public struct VehicleDefinition: Sendable {
    public var name: String
    public var description: String
    public var buses: [BusDefinition]
    public var parameters: VehicleParameters
    public var style: DrivingStyle
    /// Charger power when the scenario plugs in, kW; nil when the vehicle cannot charge.
    public var chargerPowerKW: Double?
    /// Per message name, per signal name: where the value comes from. Signals not listed
    /// send their `GenSigStartValue`.
    public var sources: [String: [String: SignalSource]]
    public var protection: [String: MessageProtection]
    /// Per message name: the transmitters and identifiers to send it with, replacing the
    /// DBC's single sender.
    public var transmitters: [String: [TransmitterOverride]]
    /// The ECU `silent-ecu` silences when the fault names none.
    public var defaultSilentECU: String
    public var roles: [SignalRole: SignalReference]
    /// `on_values` for the ready and charging roles.
    public var readyOnValues: [Int]
    public var chargingOnValues: [Int]
    /// Extra temperatures for the config (`motor`, `controller`, …).
    public var temperatures: [(name: String, ref: SignalReference)]
    /// Alarm flags: config fault kind → signal (level = the signal's value).
    public var faultFlags: [(kind: String, ref: SignalReference)]
    /// Brake-application hysteresis for the config, bar (on above, off below).
    public var brakeHysteresis: (onAbove: Double, offBelow: Double)
    /// The energy figures integrate the pair the config maps as pack voltage and current;
    /// for the fuel-cell vehicle that is the traction inverter's DC link.
    public var energyFromTractionDCLink: Bool
    /// Initial SOC for a scenario.
    public var initialSOC: @Sendable (DriveCycle) -> Double
    /// The chargers of the `charging-stops` scenario; nil: the vehicle's own charger.
    public var stopChargers: StopChargers? = nil
    /// The codes of the coded roles (`gear`, `motor_state`): GB/T 32960 name → signal value.
    public var roleCodes: [SignalRole: [(name: String, value: Int)]] = [:]
    /// The GB/T 32960 running mode (`electric`, `hybrid`, `fuel`) of a vehicle that has only one
    /// and no signal saying it (`running_mode: electric` in the config); nil where
    /// `roles[.runningMode]` maps a signal.
    public var fixedRunningMode: String? = nil
    /// Every cell voltage and every temperature probe, where the DBC carries them (the bus).
    public var cellVoltages: NumberedSignals? = nil
    public var probeTemperatures: NumberedSignals? = nil
    /// The GB/T 32960 storage subsystems (the config's `storage_subsystems`): each parallel
    /// string's voltage and current signals and its cells and probes (1-based numbers of the
    /// series). Empty: the pack is one subsystem.
    public var storageSubsystems: [StorageSubsystemSignals] = []
}

/// One parallel string as the config's `storage_subsystems` maps it.
public struct StorageSubsystemSignals: Sendable {
    public var voltage: SignalReference
    public var current: SignalReference
    public var cells: ClosedRange<Int>
    public var probes: ClosedRange<Int>
}

extension VehicleDefinition {
    /// GB/T 32960 gear names for `VAL_ VCU_Gear 3 "D" 2 "N" 1 "R" 0 "P"` (the van's and the truck's DBCs).
    static let vcuGearCodes: [(name: String, value: Int)] = [("P", 0), ("R", 1), ("N", 2), ("D", 3)]
    /// GB/T 32960 motor states for `VAL_ MCU_State 4 "Fault" 3 "Generating" 2 "Motoring" 1 "Standby"
    /// 0 "Off"` (all three DBCs): a fault is the table's abnormal.
    static let mcuStateCodes: [(name: String, value: Int)] = [("off", 0), ("ready", 1), ("consuming", 2), ("generating", 3), ("abnormal", 4)]
    /// GB/T 32960 DC-DC states for `VAL_ DCDC_State 3 "Fault" 2 "Derated" 1 "On" 0 "Off"` (all
    /// three DBCs): a derated converter is working, a fault is the table's abnormal.
    static let dcdcStateCodes: [(name: String, value: Int)] = [("working", 1), ("working", 2), ("disconnected", 0), ("abnormal", 3)]
    /// GB/T 32960 HV DC/DC states for the truck's `VAL_ FDC_State 2 "Fault" 1 "On" 0 "Off"` (the
    /// fuel-cell boost converter): a fault is the table's abnormal; 3, which no entry names, too.
    static let fdcStateCodes: [(name: String, value: Int)] = [("working", 1), ("disconnected", 0), ("abnormal", 2)]
    /// GB/T 32960 running modes for the truck's `VAL_ FCU_State 4 "Fault" 3 "ShutDown" 2 "Running"
    /// 1 "StartUp" 0 "Off"`: the stack running beside the buffer battery is hybrid; otherwise the
    /// battery alone drives (electric).
    /// ACC states for the bus's `VAL_ ACC_State 4 "Fault" 3 "Override" 2 "Active" 1 "Standby" 0 "Off"`:
    /// a driver pressing the accelerator over an active ACC (override) leaves it engaged.
    static let accStateCodes: [(name: String, value: Int)] = [("off", 0), ("standby", 1), ("engaged", 2), ("engaged", 3), ("fault", 4)]
    /// Disengagement causes for `VAL_ ACC_DisengageCause 3 "SystemFault" 2 "DriverSteer" 1 "DriverBrake" 0 "None"`.
    static let accCauseCodes: [(name: String, value: Int)] = [("none", 0), ("driver_brake", 1), ("driver_steer", 2), ("system_fault", 3)]
    /// AEB states for `VAL_ AEB_State 5 "Fault" 4 "FullBraking" 3 "PartialBraking" 2 "Warning" 1 "Standby" 0 "Off"`:
    /// partial or full braking is an activation.
    static let aebStateCodes: [(name: String, value: Int)] = [("off", 0), ("standby", 1), ("warning", 2), ("braking", 3), ("braking", 4), ("fault", 5)]
    static let fuelCellRunningModeCodes: [(name: String, value: Int)] = [("hybrid", 2), ("electric", 0), ("electric", 1), ("electric", 3), ("electric", 4)]
}

/// The three demonstration vehicles.
public enum FleetVehicle: String, CaseIterable, Sendable {
    case van
    case bus
    case fcev

    public var definition: VehicleDefinition {
        switch self {
        case .van: return VanDefinition.make()
        case .bus: return CityBusDefinition.make()
        case .fcev: return FuelCellTruckDefinition.make()
        }
    }
}

extension AlarmCategory {
    /// The config's fault-kind vocabulary (GB/T 32960 categories in snake_case).
    public var faultKind: String {
        switch self {
        case .temperatureDifference: return "temperature_difference"
        case .overTemperature: return "over_temperature"
        case .packOverVoltage: return "pack_over_voltage"
        case .packUnderVoltage: return "pack_under_voltage"
        case .lowSOC: return "soc_low"
        case .cellOverVoltage: return "cell_over_voltage"
        case .cellUnderVoltage: return "cell_under_voltage"
        case .highSOC: return "soc_high"
        case .socJump: return "soc_jump"
        case .energyStorageMismatch: return "battery_mismatch"
        case .cellConsistency: return "cell_consistency"
        case .insulation: return "insulation"
        case .dcdcTemperature: return "dcdc_temperature"
        case .brakeSystem: return "brake_system"
        case .dcdcStatus: return "dcdc_status"
        case .motorControllerTemperature: return "controller_temperature"
        case .highVoltageInterlock: return "hv_interlock"
        case .motorTemperature: return "motor_temperature"
        case .overCharge: return "over_charge"
        }
    }

    /// The suffix of the alarm signals in our DBCs (`BMS_Alm_<suffix>`).
    public var signalSuffix: String {
        switch self {
        case .temperatureDifference: return "TempDiff"
        case .overTemperature: return "OverTemp"
        case .packOverVoltage: return "PackOverVolt"
        case .packUnderVoltage: return "PackUnderVolt"
        case .lowSOC: return "LowSOC"
        case .cellOverVoltage: return "CellOverVolt"
        case .cellUnderVoltage: return "CellUnderVolt"
        case .highSOC: return "HighSOC"
        case .socJump: return "SOCJump"
        case .energyStorageMismatch: return "StorageMismatch"
        case .cellConsistency: return "CellConsistency"
        case .insulation: return "Insulation"
        case .dcdcTemperature: return "DCDCTemp"
        case .brakeSystem: return "BrakeSystem"
        case .dcdcStatus: return "DCDCStatus"
        case .motorControllerTemperature: return "MCUTemp"
        case .highVoltageInterlock: return "HVIL"
        case .motorTemperature: return "MotorTemp"
        case .overCharge: return "OverCharge"
        }
    }

    /// Sources for a `BMS_Alarm`-style message: every category and the maximum level.
    static func alarmSources(prefix: String) -> [String: SignalSource] {
        var out: [String: SignalSource] = ["\(prefix)_MaxAlarmLevel": .quantity(.maxAlarmLevel)]
        for c in allCases { out["\(prefix)_Alm_\(c.signalSuffix)"] = .quantity(.alarm(c)) }
        return out
    }

    static func faultFlags(bus: String, message: String, prefix: String) -> [(kind: String, ref: SignalReference)] {
        allCases.map { ($0.faultKind, SignalReference(bus, message, "\(prefix)_Alm_\($0.signalSuffix)")) }
    }
}
