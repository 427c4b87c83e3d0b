import GBT32960
import Telemetry

/// The vehicle's mapped signals as the terminal's `ReportSource`: the newest value of each
/// role, taken from the shortest signal windows (their `last` value and its time), turned
/// into the real-time bodies. A role that is unmapped, never seen, or older than `staleMillis`
/// at the report's instant is sent as the table's invalid sentinel — never a made-up number.
///
/// Sourced today (`vehicles.<id>.signals`, `temperatures` and `faults`): vehicle state (ready),
/// charging state (charging, speed), running mode (coded, or fixed), speed, mileage (odometer), pack voltage and current, SOC,
/// DC-DC state (coded), insulation resistance, accelerator and brake pedals (2016),
/// gear (coded; driving/braking force from motor torque and brake pressure); one drive motor
/// when any motor role is mapped (state (coded), speed, torque, DC voltage and current, the
/// `motor` and `controller` temperatures); 2016's fuel-cell body when a fuel-cell role is mapped
/// (stack voltage and current, hydrogen consumption, pressure, temperature and concentration, the
/// numbers of the probe and sensors that read those three, the HV DC/DC's state) and
/// 2025's hydrogen-system and stack bodies (SignalSnapshot+Hydrogen: those roles, the hydrogen
/// remaining, the HV DC/DC's temperature, the stack's inlet pressures and air temperature); 2016's extreme values (max/min
/// cell voltage and temperature, with the subsystem and cell/probe numbers from the series where they are mapped, else from the BMS's number roles); the alarm body (the fault flags by kind → the general alarm
/// bits, their highest level); the storage voltage and temperature bodies when `cell_voltages`
/// or `probe_temperatures` is mapped, one record per subsystem of `storage_subsystems` (else one,
/// the pack) (SignalSnapshot+Storage); the position from `position`
/// (gpsd, `GpsdClient`, or a recorded track, `GNSSTrack`; none: invalid, zero). Everything else in those bodies (fuel-cell probe lists, the
/// extreme values' numbers with neither a series nor a number role) is the invalid sentinel.
final class SignalSnapshot: ReportSource {
    enum Role: Int, CaseIterable {
        case speed, packVoltage, packCurrent, soc, minCellVoltage, maxCellVoltage, maxCellTemperature, minCellTemperature, ready, charging
        case odometer, motorSpeed, motorTorque, motorDCVoltage, motorDCCurrent, motorTemperature, controllerTemperature
        case fuelCellVoltage, fuelCellCurrent, hydrogenPressure, hydrogenTemperature
        case gear, motorState, brakePressure, hydrogenConsumption, hydrogenConcentration
        case dcdcState, insulation, acceleratorPedal, brakePedal, runningMode, coolantOutletTemperature
        /// The BMS's numbers of its extreme cells and probes (2016's extreme values).
        case maxCellVoltageNumber, minCellVoltageNumber, maxCellTemperatureNumber, minCellTemperatureNumber
        /// 2025's alone: the hydrogen left (%), the HV DC/DC's temperature, the stack's inlets.
        case hydrogenRemaining, hvDCDCTemperature, stackHydrogenInletPressure, stackAirInletPressure, stackAirInletTemperature
        /// The fuel cell's HV DC/DC converter's state (coded): both editions' fuel-cell bodies.
        case hvDCDCState
        /// The hydrogen system's numbers of the probe and sensors that read its highest
        /// temperature, concentration and pressure: both editions' fuel-cell bodies.
        case hydrogenMaxTemperatureProbe, hydrogenMaxConcentrationSensor, hydrogenMaxPressureSensor

        static let motor: [Role] = [.motorSpeed, .motorTorque, .motorDCVoltage, .motorDCCurrent, .motorTemperature, .controllerTemperature, .motorState]
        /// The roles 2016's fuel-cell body (0x03) carries: any of them mapped sends it.
        static let fuelCell: [Role] = [.fuelCellVoltage, .fuelCellCurrent, .hydrogenPressure, .hydrogenTemperature,
                                       .hydrogenConsumption, .hydrogenConcentration, .hvDCDCState,
                                       .hydrogenMaxTemperatureProbe, .hydrogenMaxConcentrationSensor, .hydrogenMaxPressureSensor]
        /// Any of these mapped sends 2025's hydrogen-system (0x03) and stack (0x30) bodies: the
        /// fuel-cell roles (as before 2025's own were added) and 2025's own.
        static let fuelCell2025: [Role] = fuelCell + [.hydrogenRemaining, .hvDCDCTemperature, .stackHydrogenInletPressure,
                                                      .stackAirInletPressure, .stackAirInletTemperature]
    }

    struct Binding {
        var slot: Int
        var scale: Double
        var offset: Double
    }

    let edition: Edition
    let staleMillis: Int64
    /// The location body of the report made at a time (Unix milliseconds): gpsd's newest fix
    /// (the time not used), or the track's at that time; nil: invalid, zero.
    var position: ((Int64) -> Position)?
    /// A signal by its names, hashed as they are (no key string built per window).
    struct SignalName: Hashable {
        var bus: String
        var message: String
        var signal: String
    }

    /// The slots each signal feeds.
    private var bindings: [SignalName: [Binding]] = [:]
    private var readyOn: [Double] = []
    private var chargingOn: [Double] = []
    /// +1 when the mapped pack current is positive on discharge (as GB/T 32960's is), else −1.
    private(set) var currentSign = 1.0
    private var gearCodes: CodedReference?
    private var motorStateCodes: CodedReference?
    private var dcdcStateCodes: CodedReference?
    private var hvDCDCStateCodes: CodedReference?
    private var runningModeRole: CodedRole?
    /// Slots: the roles, then one per fault flag, then one per cell, then one per probe.
    private var values: [(value: Double, time: Int64)?]
    private var faultBits: [UInt8?] = []
    private var faultFixedLevel: [Int?] = []
    private(set) var mapped: Set<Int> = []
    /// The first cell's and the first probe's slot; how many of each (0: not mapped).
    let cellBase: Int, cellCount: Int, probeBase: Int, probeCount: Int

    /// One storage subsystem (number: its index + 1): the slots of its voltage and current, the
    /// sign that makes its current positive on discharge, and its cells and probes as 0-based
    /// offsets into the series.
    struct Subsystem {
        var voltage: Int
        var current: Int
        var currentSign: Double
        var cells: Range<Int>
        var probes: Range<Int>
    }

    /// `storage_subsystems` in order; without it one, the pack: `pack_voltage`, `pack_current`,
    /// every cell and probe.
    let subsystems: [Subsystem]

    /// GB/T 32960.3 2016 Table 18: the fault kinds of `faults:` that have a general alarm bit.
    static let alarmBits: [String: UInt8] = [
        "temperature_difference": 0, "over_temperature": 1, "pack_over_voltage": 2, "pack_under_voltage": 3, "soc_low": 4,
        "cell_over_voltage": 5, "cell_under_voltage": 6, "soc_high": 7, "soc_jump": 8, "battery_mismatch": 9,
        "cell_consistency": 10, "insulation": 11, "dcdc_temperature": 12, "brake_system": 13, "dcdc_status": 14,
        "controller_temperature": 15, "hv_interlock": 16, "motor_temperature": 17, "over_charge": 18,
    ]

    /// `rules`: the reported vehicle's (its semantic map, `temperatures:` and `faults:`).
    init(_ rules: VehicleRules, edition: Edition, staleMillis: Int64 = 5_000) {
        let signals = rules.signals, faults = rules.faults
        self.edition = edition
        self.staleMillis = staleMillis
        cellBase = Role.allCases.count + faults.count
        cellCount = signals.cellVoltages?.count ?? 0
        probeBase = cellBase + cellCount
        probeCount = signals.probeTemperatures?.count ?? 0
        // The subsystems' own voltage and current slots follow the probes, two each.
        let subsystemBase = probeBase + probeCount
        let sign: (CurrentDirection) -> Double = { $0 == .discharge ? 1 : -1 }
        if signals.storageSubsystems.isEmpty {
            subsystems = [Subsystem(voltage: Role.packVoltage.rawValue, current: Role.packCurrent.rawValue,
                                    currentSign: sign(signals.packCurrentPositive), cells: 0..<cellCount, probes: 0..<probeCount)]
        } else {
            subsystems = signals.storageSubsystems.enumerated().map { i, s in
                Subsystem(voltage: subsystemBase + 2 * i, current: subsystemBase + 2 * i + 1, currentSign: sign(s.currentPositive),
                          cells: s.cells.map { ($0.lowerBound - 1)..<$0.upperBound } ?? 0..<0,
                          probes: s.probes.map { ($0.lowerBound - 1)..<$0.upperBound } ?? 0..<0)
            }
        }
        values = Array(repeating: nil, count: subsystemBase + 2 * signals.storageSubsystems.count)
        let roles: [(SignalReference?, Role)] = [
            (signals.vehicleSpeed, .speed), (signals.packVoltage, .packVoltage), (signals.packCurrent, .packCurrent),
            (signals.soc, .soc), (signals.minCellVoltage, .minCellVoltage), (signals.maxCellVoltage, .maxCellVoltage),
            (signals.maxCellTemperature, .maxCellTemperature), (signals.minCellTemperature, .minCellTemperature),
            (signals.ready?.reference, .ready), (signals.charging?.reference, .charging), (signals.odometer, .odometer),
            (signals.motorSpeed, .motorSpeed), (signals.motorTorque, .motorTorque), (signals.motorDCVoltage, .motorDCVoltage),
            (signals.motorDCCurrent, .motorDCCurrent), (rules.temperature("motor"), .motorTemperature),
            (rules.temperature("controller"), .controllerTemperature), (signals.fuelCellVoltage, .fuelCellVoltage),
            (signals.fuelCellCurrent, .fuelCellCurrent), (signals.hydrogenPressure, .hydrogenPressure),
            (signals.hydrogenTemperature, .hydrogenTemperature), (signals.gear?.reference, .gear),
            (signals.motorState?.reference, .motorState), (signals.brakePressure, .brakePressure),
            (signals.hydrogenConsumption, .hydrogenConsumption), (signals.hydrogenConcentration, .hydrogenConcentration),
            (signals.dcdcState?.reference, .dcdcState), (signals.insulationResistance, .insulation),
            (signals.acceleratorPedal, .acceleratorPedal), (signals.brakePedal, .brakePedal),
            (signals.runningMode?.reference, .runningMode), (rules.temperature("fuel_cell_coolant"), .coolantOutletTemperature),
            (signals.maxCellVoltageNumber, .maxCellVoltageNumber), (signals.minCellVoltageNumber, .minCellVoltageNumber),
            (signals.maxCellTemperatureNumber, .maxCellTemperatureNumber), (signals.minCellTemperatureNumber, .minCellTemperatureNumber),
            (signals.hydrogenRemaining, .hydrogenRemaining), (signals.hvDCDCTemperature, .hvDCDCTemperature),
            (signals.fuelCellHydrogenInletPressure, .stackHydrogenInletPressure),
            (signals.fuelCellAirInletPressure, .stackAirInletPressure), (signals.fuelCellAirInletTemperature, .stackAirInletTemperature),
            (signals.hvDCDCState?.reference, .hvDCDCState),
            (signals.hydrogenMaxTemperatureProbe, .hydrogenMaxTemperatureProbe),
            (signals.hydrogenMaxConcentrationSensor, .hydrogenMaxConcentrationSensor),
            (signals.hydrogenMaxPressureSensor, .hydrogenMaxPressureSensor),
        ]
        for (reference, role) in roles { if let reference { bind(reference, slot: role.rawValue) } }
        gearCodes = signals.gear
        motorStateCodes = signals.motorState
        dcdcStateCodes = signals.dcdcState
        hvDCDCStateCodes = signals.hvDCDCState
        runningModeRole = signals.runningMode
        readyOn = signals.ready?.onValues ?? []
        chargingOn = signals.charging?.onValues ?? []
        currentSign = signals.packCurrentPositive == .discharge ? 1 : -1
        for (i, fault) in faults.enumerated() {
            bind(fault.flag.reference, slot: Role.allCases.count + i)
            faultBits.append(Self.alarmBits[fault.kind])
            if case let .fixed(level) = fault.flag.level { faultFixedLevel.append(level) } else { faultFixedLevel.append(nil) }
        }
        for (i, reference) in (signals.cellVoltages?.references ?? []).enumerated() { bind(reference, slot: cellBase + i) }
        for (i, reference) in (signals.probeTemperatures?.references ?? []).enumerated() { bind(reference, slot: probeBase + i) }
        for (i, subsystem) in signals.storageSubsystems.enumerated() {
            bind(subsystem.voltage, slot: subsystems[i].voltage)
            bind(subsystem.current, slot: subsystems[i].current)
        }
    }

    private func bind(_ reference: SignalReference, slot: Int) {
        bindings[SignalName(bus: reference.bus, message: reference.message, signal: reference.signal), default: []]
            .append(Binding(slot: slot, scale: reference.scale, offset: reference.offset))
        mapped.insert(slot)
    }

    /// The window's last value, for every role its signal feeds. Times in milliseconds.
    func update(_ window: SignalWindowRecord) {
        guard let targets = bindings[SignalName(bus: window.bus, message: window.message, signal: window.signal)] else { return }
        for target in targets { values[target.slot] = (window.last * target.scale + target.offset, window.lastTime / 1_000_000) }
    }

    /// A role's value at `time`, or nil (unmapped, not seen yet, stale).
    func value(_ slot: Int, at time: Int64) -> Double? {
        guard let entry = values[slot], entry.time <= time, time - entry.time <= staleMillis else { return nil }
        return entry.value
    }

    func value(_ role: Role, at time: Int64) -> Double? { value(role.rawValue, at: time) }

    func items(atMillis time: Int64) -> [InfoItem] {
        var items: [InfoItem] = [.vehicle(vehicle(at: time))]
        if Role.motor.contains(where: { mapped.contains($0.rawValue) }) { items.append(.driveMotors([motor(at: time)])) }
        if edition == .v2016 && Role.fuelCell.contains(where: { mapped.contains($0.rawValue) }) { items.append(.fuelCell(fuelCell(at: time))) }
        items.append(.position(position?(time) ?? Position(latitude: nil, longitude: nil, valid: false)))
        if edition == .v2016 { items.append(.extremeValues(extremes(at: time))) }
        items.append(.alarm(alarm(at: time)))
        if cellCount > 0 { items.append(.subsystemVoltages(storageVoltages(at: time))) }
        if probeCount > 0 { items.append(.subsystemTemperatures(storageTemperatures(at: time))) }
        if edition == .v2025 && Role.fuelCell2025.contains(where: { mapped.contains($0.rawValue) }) {
            items.append(.hydrogenSystem(hydrogenSystem(at: time)))
            items.append(.fuelCellStacks([fuelCellStack(at: time)]))
        }
        return items
    }

    func vehicle(at time: Int64) -> VehicleData {
        let f = VehicleData.Fields(edition)
        let speed = value(.speed, at: time)
        let ready = value(.ready, at: time).map { readyOn.isEmpty ? $0 != 0 : readyOn.contains($0) }
        let charging = value(.charging, at: time).map { chargingOn.isEmpty ? $0 != 0 : chargingOn.contains($0) }
        let chargingState: UInt8 = switch (charging, speed) {
        case (nil, _): 0xFF
        case (false?, _): 3
        case (true?, let s?) where s > 0: 2
        case (true?, _): 1
        }
        return VehicleData(
            vehicleState: ready.map { $0 ? 1 : 2 } ?? 0xFF, chargingState: chargingState, runningMode: runningMode(at: time),
            speed: UInt16(f.speed.raw(speed)), mileage: f.mileage.raw(value(.odometer, at: time)),
            voltage: UInt16(f.voltage.raw(value(.packVoltage, at: time))),
            current: UInt16(f.current.raw(value(.packCurrent, at: time).map { $0 * currentSign })),
            soc: UInt8(f.soc.raw(value(.soc, at: time))), dcdcState: dcdcState(at: time), gear: gear(at: time),
            insulation: UInt16(f.insulation.raw(value(.insulation, at: time))),
            accelerator: UInt8(f.accelerator.raw(value(.acceleratorPedal, at: time))),
            brake: value(.brakePedal, at: time).map { $0.rounded() > 100 ? 0xFE : UInt8(f.brake.raw($0)) } ?? 0xFF)
    }

    /// Table 8's DC-DC state: 1 working, 2 disconnected, by the codes the signal's value has; a
    /// value no code names (or named `abnormal`) → 0xFE; unmapped or stale → 0xFF.
    func dcdcState(at time: Int64) -> UInt8 {
        Self.dcdcCode(dcdcStateCodes, value(.dcdcState, at: time))
    }

    /// The fuel-cell bodies' HV DC/DC state (2016 Table 12, 2025's 0x03): the same codes as
    /// Table 8's, from `hv_dcdc_state`.
    func hvDCDCState(at time: Int64) -> UInt8 {
        Self.dcdcCode(hvDCDCStateCodes, value(.hvDCDCState, at: time))
    }

    /// 1 working, 2 disconnected, by the name the signal's value has; a value no code names (or
    /// named `abnormal`) → 0xFE; unmapped or stale (no value) → 0xFF.
    private static func dcdcCode(_ codes: CodedReference?, _ value: Double?) -> UInt8 {
        guard let codes, let value else { return 0xFF }
        return switch codes.name(of: value) {
        case "working": 1
        case "disconnected": 2
        default: 0xFE
        }
    }

    /// A probe, sensor or cell number as a one-byte table field codes it: nil (unmapped, not
    /// seen, stale or unknown) or not finite → invalid 0xFF; else rounded, and below 1 or above
    /// `spec`'s range → abnormal 0xFE. The ranges: Table 16's cells and probes 1–250
    /// (`ExtremeValues.Fields.number`), the hydrogen system's probes and sensors 1–252 in 2016
    /// and 1–253 in 2025 (`FuelCell.Fields.sensorID`, `HydrogenSystem.Fields.sensorID`).
    static func number(_ value: Double?, _ spec: FieldSpec) -> UInt8 {
        guard let value, value.isFinite else { return 0xFF }
        let n = value.rounded()
        return n < 1 ? 0xFE : UInt8(spec.raw(n))
    }

    /// Table 9's running mode: 1 electric, 2 hybrid, 3 fuel — a fixed mode always; a signal's
    /// value by the code it names, a value no code names (or named `abnormal`) → 0xFE; unmapped,
    /// or the signal stale → 0xFF.
    func runningMode(at time: Int64) -> UInt8 {
        guard let role = runningModeRole else { return 0xFF }
        let v = value(.runningMode, at: time)
        if role.reference != nil && v == nil { return 0xFF }
        return switch role.name(of: v) {
        case "electric": 1
        case "hybrid": 2
        case "fuel": 3
        default: 0xFE
        }
    }

    /// The gear byte (Annex A.1): bits 3–0 the position whose code the gear signal's value is;
    /// bit 5 (driving force) when the motor torque is positive; bit 4 (braking force) when the
    /// brake pressure is positive or the motor torque negative (regenerative braking). The gear
    /// unmapped, stale or a value no code names → 0xFF (2025: bit 7, gear invalid; 2016 defines
    /// no sentinel, all ones is no position it names).
    func gear(at time: Int64) -> UInt8 {
        guard let codes = gearCodes, let v = value(.gear, at: time), let name = codes.name(of: v),
              let position = Gear.positionNames[name] else { return 0xFF }
        let torque = value(.motorTorque, at: time) ?? 0
        let braking = (value(.brakePressure, at: time) ?? 0) > 0 || torque < 0
        return Gear(position: position, driving: torque > 0, braking: braking).byte
    }

    /// The motor state byte (Table 11): the state whose code the signal's value is; a value no
    /// code names → abnormal (0xFE); unmapped or stale → invalid (0xFF).
    func motorState(at time: Int64) -> UInt8 {
        guard let codes = motorStateCodes, let v = value(.motorState, at: time) else { return 0xFF }
        return codes.name(of: v).flatMap { DriveMotor.stateNames[$0] } ?? 0xFE
    }

    /// The one traction motor (sequence 1).
    func motor(at time: Int64) -> DriveMotor {
        let f = DriveMotor.Fields(edition)
        return DriveMotor(
            sequence: 1, state: motorState(at: time), controllerTemperature: UInt8(f.controllerTemperature.raw(value(.controllerTemperature, at: time))),
            speed: UInt16(f.speed.raw(value(.motorSpeed, at: time))), torque: f.torque.raw(value(.motorTorque, at: time)),
            temperature: UInt8(f.temperature.raw(value(.motorTemperature, at: time))),
            controllerVoltage: UInt16(f.controllerVoltage.raw(value(.motorDCVoltage, at: time))),
            controllerCurrent: UInt16(f.controllerCurrent.raw(value(.motorDCCurrent, at: time))))
    }

    /// 2016's fuel-cell body: the stack, the hydrogen consumption (kg/100 km), and the hydrogen
    /// system's pressure, temperature and concentration with the numbers of the sensors and the
    /// probe that read them (`Self.number`, 1–252); no probe list; the HV DC/DC state
    /// (`hv_dcdc_state`, coded). The concentration role is
    /// in %vol; Table 12's field (0–60000, "mg/kg") takes it in ppm, %vol × 10,000 — the reading
    /// the 2025 edition makes explicit for the same 0–60000 range (0.0001 %vol a unit).
    func fuelCell(at time: Int64) -> FuelCell {
        typealias F = FuelCell.Fields
        func number(_ role: Role) -> UInt8 { Self.number(value(role, at: time), F.sensorID) }
        return FuelCell(
            voltage: UInt16(F.voltage.raw(value(.fuelCellVoltage, at: time))), current: UInt16(F.current.raw(value(.fuelCellCurrent, at: time))),
            consumption: UInt16(F.consumption.raw(value(.hydrogenConsumption, at: time))), probeTemperatures: [],
            hydrogenMaxTemperature: UInt16(F.maxTemperature.raw(value(.hydrogenTemperature, at: time))),
            hydrogenMaxTemperatureProbe: number(.hydrogenMaxTemperatureProbe),
            hydrogenMaxConcentration: UInt16(F.maxConcentration.raw(value(.hydrogenConcentration, at: time).map { $0 * 10_000 })),
            hydrogenMaxConcentrationSensor: number(.hydrogenMaxConcentrationSensor),
            hydrogenMaxPressure: UInt16(F.maxPressure.raw(value(.hydrogenPressure, at: time))),
            hydrogenMaxPressureSensor: number(.hydrogenMaxPressureSensor),
            dcdcState: hvDCDCState(at: time))
    }

    /// The fault flags: the highest level and the general alarm bits of those active. No fault
    /// mapped, or one of them stale → the level is invalid (0xFF).
    func alarm(at time: Int64) -> AlarmData {
        let base = Role.allCases.count
        guard !faultBits.isEmpty else { return AlarmData(maxLevel: 0xFF, flags: 0) }
        var level = 0
        var flags: UInt32 = 0
        for i in faultBits.indices {
            guard let raw = value(base + i, at: time) else { return AlarmData(maxLevel: 0xFF, flags: 0) }
            let flagLevel = raw == 0 ? 0 : (faultFixedLevel[i] ?? Int(raw.rounded()))
            guard flagLevel > 0 else { continue }
            level = max(level, min(flagLevel, Int(edition.maxAlarmLevel)))
            if let bit = faultBits[i] { flags |= 1 << UInt32(bit) }
        }
        return AlarmData(maxLevel: UInt8(level), flags: flags)
    }
}
