/// `signals:` — which DBC signal carries each quantity. Canonical units: km/h, V, A, %, °C,
/// bar, degrees.
public struct SemanticMap: Sendable, Hashable {
    public var vehicleSpeed: SignalReference?
    public var packVoltage: SignalReference?
    public var packCurrent: SignalReference?
    public var packCurrentPositive: CurrentDirection
    public var soc: SignalReference?
    public var minCellVoltage: SignalReference?
    public var maxCellVoltage: SignalReference?
    public var maxCellTemperature: SignalReference?
    public var minCellTemperature: SignalReference?
    /// The BMS's own 1-based numbers of the cells and probes those four values come from (the GB/T
    /// 32960 terminal's extreme values, where no `cell_voltages`/`probe_temperatures` series is
    /// mapped). Identities, not quantities: telemetry does not read them and the uplink's
    /// `signals: mapped` leaves them out (`references`).
    public var maxCellVoltageNumber: SignalReference?
    public var minCellVoltageNumber: SignalReference?
    public var maxCellTemperatureNumber: SignalReference?
    public var minCellTemperatureNumber: SignalReference?
    public var brakePressure: SignalReference?
    public var steeringAngle: SignalReference?
    public var ready: StateReference?
    public var charging: StateReference?
    /// The GB/T 32960 terminal's roles (km, r/min, N·m, V, A, MPa, °C, kg/100 km, %vol): the odometer, the
    /// gear lever and the traction motor's state (coded), the traction motor, the fuel-cell
    /// stack and its hydrogen system.
    public var odometer: SignalReference?
    public var gear: CodedReference?
    public var motorState: CodedReference?
    public var motorSpeed: SignalReference?
    public var motorTorque: SignalReference?
    public var motorDCVoltage: SignalReference?
    public var motorDCCurrent: SignalReference?
    public var fuelCellVoltage: SignalReference?
    public var fuelCellCurrent: SignalReference?
    public var hydrogenPressure: SignalReference?
    public var hydrogenTemperature: SignalReference?
    public var hydrogenConsumption: SignalReference?
    public var hydrogenConcentration: SignalReference?
    /// 2025's hydrogen-system and stack bodies: the hydrogen left in the tanks (% of their
    /// capacity), the fuel cell's HV DC/DC (boost) converter's temperature (°C), and the stack's
    /// hydrogen and air inlet pressures (kPa above the atmosphere) and air inlet temperature (°C).
    public var hydrogenRemaining: SignalReference?
    public var hvDCDCTemperature: SignalReference?
    public var fuelCellHydrogenInletPressure: SignalReference?
    public var fuelCellAirInletPressure: SignalReference?
    public var fuelCellAirInletTemperature: SignalReference?
    /// The fuel cell's HV DC/DC (boost) converter's state (coded: `working`, `disconnected`,
    /// `abnormal`): 2016's fuel-cell body and 2025's hydrogen-system body.
    public var hvDCDCState: CodedReference?
    /// The hydrogen system's own numbers of the probe that reads its highest temperature and of
    /// the sensors that read its highest concentration and pressure (both editions' fuel-cell
    /// bodies: "its probe id", "its sensor id"). Identities, like the cell and probe numbers above.
    public var hydrogenMaxTemperatureProbe: SignalReference?
    public var hydrogenMaxConcentrationSensor: SignalReference?
    public var hydrogenMaxPressureSensor: SignalReference?
    /// Cells in series in the fuel-cell stack (`fuel_cell_current: { …, cells: 330 }`): with
    /// the stack current, the hydrogen the stack consumes (Faraday's law, two electrons per
    /// H₂ molecule in every cell). Nil: no hydrogen figure.
    public var fuelCellCells: Int?
    /// The DC-DC converter's state (coded: `working`, `disconnected`, `abnormal`), the
    /// insulation resistance (kΩ), the accelerator and brake pedal positions (%).
    public var dcdcState: CodedReference?
    public var insulationResistance: SignalReference?
    public var acceleratorPedal: SignalReference?
    public var brakePedal: SignalReference?
    /// The running mode (coded: `electric`, `hybrid`, `fuel`, `abnormal`), or the one mode of a
    /// vehicle that has no signal for it.
    public var runningMode: CodedRole?
    /// The outside air's temperature (°C): the day's time-weighted mean in the operations figures.
    public var ambientTemperature: SignalReference?
    /// Driver assistance (coded, `AssistanceCodes`): ACC's state (`engaged`, …), the cause of its
    /// last disengagement (`driver_brake`, `driver_steer`, `system_fault`, `none`) and AEB's state
    /// (`braking`, …): the smart-connected figures.
    public var accState: CodedReference?
    public var accCause: CodedReference?
    public var aebState: CodedReference?
    /// Every cell voltage (V) and every battery temperature probe (°C), numbered as the DBC names them.
    public var cellVoltages: NumberedSignals?
    public var probeTemperatures: NumberedSignals?
    /// The GB/T 32960 terminal's storage subsystems, one per string in parallel, each with its
    /// voltage, current and share of the cells and probes (`StorageSubsystem`). Empty: one
    /// subsystem, the pack (`packVoltage`, `packCurrent`, every cell and probe).
    public var storageSubsystems: [StorageSubsystem] = []

    /// Every role mapped to one signal, with its key under `signals:`, in the order of the roles
    /// above (the numbered series are not here: `cellVoltages`, `probeTemperatures`). The
    /// layout resolves each in the DBC at load, whether telemetry or only the GB/T 32960
    /// terminal reads it.
    public var keyedReferences: [(key: String, reference: SignalReference)] {
        let roles: [(String, SignalReference?)] = [
            ("vehicle_speed", vehicleSpeed), ("pack_voltage", packVoltage), ("pack_current", packCurrent), ("soc", soc),
            ("min_cell_voltage", minCellVoltage), ("max_cell_voltage", maxCellVoltage),
            ("max_cell_temperature", maxCellTemperature), ("min_cell_temperature", minCellTemperature),
            ("max_cell_voltage_number", maxCellVoltageNumber), ("min_cell_voltage_number", minCellVoltageNumber),
            ("max_cell_temperature_number", maxCellTemperatureNumber), ("min_cell_temperature_number", minCellTemperatureNumber),
            ("brake_pressure", brakePressure), ("steering_angle", steeringAngle), ("ready", ready?.reference),
            ("charging", charging?.reference), ("odometer", odometer), ("gear", gear?.reference),
            ("motor_state", motorState?.reference), ("motor_speed", motorSpeed), ("motor_torque", motorTorque),
            ("motor_dc_voltage", motorDCVoltage), ("motor_dc_current", motorDCCurrent),
            ("fuel_cell_voltage", fuelCellVoltage), ("fuel_cell_current", fuelCellCurrent),
            ("hydrogen_pressure", hydrogenPressure), ("hydrogen_temperature", hydrogenTemperature),
            ("hydrogen_consumption", hydrogenConsumption), ("hydrogen_concentration", hydrogenConcentration),
            ("hydrogen_remaining", hydrogenRemaining), ("hv_dcdc_temperature", hvDCDCTemperature),
            ("fuel_cell_hydrogen_inlet_pressure", fuelCellHydrogenInletPressure),
            ("fuel_cell_air_inlet_pressure", fuelCellAirInletPressure),
            ("fuel_cell_air_inlet_temperature", fuelCellAirInletTemperature), ("hv_dcdc_state", hvDCDCState?.reference),
            ("hydrogen_max_temperature_probe", hydrogenMaxTemperatureProbe),
            ("hydrogen_max_concentration_sensor", hydrogenMaxConcentrationSensor),
            ("hydrogen_max_pressure_sensor", hydrogenMaxPressureSensor),
            ("dcdc_state", dcdcState?.reference), ("insulation_resistance", insulationResistance),
            ("accelerator_pedal", acceleratorPedal), ("brake_pedal", brakePedal), ("running_mode", runningMode?.reference),
            ("ambient_temperature", ambientTemperature),
            ("acc_state", accState?.reference), ("acc_cause", accCause?.reference), ("aeb_state", aebState?.reference),
        ]
        return roles.compactMap { key, reference in reference.map { (key, $0) } }
    }

    /// The roles that name a cell or probe rather than measure something. A window's mean,
    /// deviation, minimum and maximum of a cell's number say nothing (cell 40 and cell 60 do
    /// not average to cell 50), so these stay out of `references`; the GB/T 32960 terminal
    /// reads them from `keyedReferences`.
    public static let numberKeys: Set<String> = [
        "max_cell_voltage_number", "min_cell_voltage_number", "max_cell_temperature_number", "min_cell_temperature_number",
        "hydrogen_max_temperature_probe", "hydrogen_max_concentration_sensor", "hydrogen_max_pressure_sensor",
    ]

    /// Every signal a quantity's role is mapped to (not the `numberKeys`), in the order of the
    /// roles above, then the series: what "the mapped roles" means wherever signals are chosen
    /// by role (the uplink's `signals: mapped`). A role added here is chosen everywhere at once.
    /// The storage subsystems' voltages and currents come last.
    public var references: [SignalReference] {
        keyedReferences.compactMap { Self.numberKeys.contains($0.key) ? nil : $0.reference }
            + (cellVoltages?.references ?? []) + (probeTemperatures?.references ?? [])
            + storageSubsystems.flatMap { [$0.voltage, $0.current] }
    }

    public init(
        vehicleSpeed: SignalReference? = nil, packVoltage: SignalReference? = nil,
        packCurrent: SignalReference? = nil, packCurrentPositive: CurrentDirection = .discharge,
        soc: SignalReference? = nil, minCellVoltage: SignalReference? = nil,
        maxCellVoltage: SignalReference? = nil, maxCellTemperature: SignalReference? = nil,
        minCellTemperature: SignalReference? = nil, brakePressure: SignalReference? = nil,
        steeringAngle: SignalReference? = nil, ready: StateReference? = nil,
        charging: StateReference? = nil
    ) {
        self.vehicleSpeed = vehicleSpeed
        self.packVoltage = packVoltage
        self.packCurrent = packCurrent
        self.packCurrentPositive = packCurrentPositive
        self.soc = soc
        self.minCellVoltage = minCellVoltage
        self.maxCellVoltage = maxCellVoltage
        self.maxCellTemperature = maxCellTemperature
        self.minCellTemperature = minCellTemperature
        self.brakePressure = brakePressure
        self.steeringAngle = steeringAngle
        self.ready = ready
        self.charging = charging
    }
}
