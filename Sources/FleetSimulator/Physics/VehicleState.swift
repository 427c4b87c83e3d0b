/// The alarm categories a BMS/VCU reports with a level 0…3 each, following the general
/// alarm flags of China's national new-energy-vehicle monitoring (GB/T 32960.3).
public enum AlarmCategory: Int, CaseIterable, Sendable {
    case temperatureDifference = 0
    case overTemperature
    case packOverVoltage
    case packUnderVoltage
    case lowSOC
    case cellOverVoltage
    case cellUnderVoltage
    case highSOC
    case socJump
    case energyStorageMismatch
    case cellConsistency
    case insulation
    case dcdcTemperature
    case brakeSystem
    case dcdcStatus
    case motorControllerTemperature
    case highVoltageInterlock
    case motorTemperature
    case overCharge
}

/// Alarm levels packed two bits per category (no heap storage, cheap to copy).
public struct AlarmLevels: Sendable, Hashable {
    public var bits: UInt64 = 0
    public init() {}
    public subscript(category: AlarmCategory) -> Int {
        get { Int((bits >> UInt64(2 * category.rawValue)) & 3) }
        set {
            let shift = UInt64(2 * category.rawValue)
            bits = (bits & ~(3 << shift)) | (UInt64(min(3, max(0, newValue))) << shift)
        }
    }
    /// The highest level of any category.
    public var maximum: Int {
        var m = 0
        for c in AlarmCategory.allCases { m = max(m, self[c]) }
        return m
    }
}

/// Everything the vehicle's ECUs can report at one instant: the physics state sampled by
/// every message. Plain stored values; the simulator advances it in fixed steps.
public struct VehicleState: Sendable {
    public var time: Double = 0
    public var mode: OperatingMode = .parked
    // Driver and VCU
    public var ready = false
    /// 0 P, 1 R, 2 N, 3 D.
    public var gear = 0.0
    public var speedKmh = 0.0
    public var accelMS2 = 0.0
    public var accelPedalPercent = 0.0
    public var brakePedalPercent = 0.0
    public var brakePressed = false
    public var odometerKm = 0.0
    public var gradePercent = 0.0
    // Motor drive
    public var motorSpeedRpm = 0.0
    public var motorTorqueNm = 0.0
    public var motorDCVoltage = 0.0
    public var motorDCCurrent = 0.0
    public var motorTempC = 25.0
    public var inverterTempC = 25.0
    /// 0 off, 1 standby, 2 motoring, 3 generating.
    public var motorState = 0.0
    // Battery
    public var packVoltage = 0.0
    /// Positive = discharging.
    public var packCurrent = 0.0
    public var soc = 0.5
    public var soh = 1.0
    public var packTempC = 25.0
    /// Offset added to every probe by an over-temperature fault, °C.
    public var temperatureFaultC = 0.0
    public var insulationKOhm = 3500.0
    public var contactorsClosed = false
    public var chargerConnected = false
    /// 0 not charging, 1 charging, 2 complete, 3 fault.
    public var chargeState = 0.0
    public var chargePowerKW = 0.0
    /// Plugged into a DC charger (the on-board AC charger idles).
    public var chargerIsDC = false
    public var alarms = AlarmLevels()
    // Brakes and steering
    /// Driver-demand (pedal simulator) pressure, bar.
    public var brakePressureBar = 0.0
    /// Friction pressure at the wheel brakes, bar.
    public var wheelBrakePressureBar = 0.0
    public var absActive = false
    public var handwheelDeg = 0.0
    public var handwheelRateDegS = 0.0
    public var steeringTorqueNm = 0.0
    // Auxiliaries
    public var lowVoltageV = 12.6
    public var dcdcCurrentA = 0.0
    public var dcdcTempC = 25.0
    // Fuel cell
    public var fuelCellNetPowerKW = 0.0
    public var stackVoltage = 0.0
    public var stackCurrent = 0.0
    /// 0 off, 1 start-up, 2 running, 3 shut-down.
    public var fuelCellState = 0.0
    public var h2MassKg = 0.0
    public var h2PressureMPa = 0.0
    public var h2TankTempC = 20.0
    public var h2ConcentrationPercent = 0.0
    /// Hydrogen used per 100 km since the start, kg (0 until 0.1 km).
    public var h2ConsumptionKgPer100Km = 0.0
    public var coolantInletC = 25.0
    public var coolantOutletC = 25.0
    public var fcDCDCOutputVoltage = 0.0
    public var fcDCDCOutputCurrent = 0.0
    /// The boost converter's heatsink, °C: its conversion losses against the cooling loop.
    public var fcDCDCTempC = 25.0
    /// The stack's supply at its inlets: hydrogen and air pressures (kPa above the atmosphere)
    /// and the air's temperature after the compressor and intercooler (°C).
    public var stackHydrogenInletKPa = 0.0
    public var stackAirInletKPa = 0.0
    public var stackAirInletC = 25.0
    /// The outside-air sensor behind the grille, °C: the air's temperature plus heat soak
    /// that driving blows away (`PowertrainModel`).
    public var ambientSensorC = 25.0
    // Driver assistance
    /// 0 off, 1 standby, 2 active, 4 fault (`DriverAssistanceModel`).
    public var accState = 0.0
    /// Why ACC last left active: 0 none, 1 driver brake, 2 driver steer, 3 system fault.
    public var accDisengageCause = 0.0
    public var accSetSpeedKmh = 0.0
    public var targetDistanceM = 0.0
    public var targetRelativeSpeedMS = 0.0
    public var accRequestedAccel = 0.0
    /// 0 off, 1 standby, 2 warning, 3 partial braking (4 full braking: not simulated).
    public var aebState = 0.0
    public var timeToCollisionS = 25.5

    public init() {}

    /// Mechanical power at the wheels, W (for checks).
    public var packPowerW: Double { packVoltage * packCurrent }
}
