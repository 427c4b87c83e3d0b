import GBT32960

/// 2025's fuel-cell bodies: the on-board hydrogen system (0x03) and one fuel-cell stack (0x30),
/// from 2016's fuel-cell roles and 2025's own (`hydrogen_remaining`, `hv_dcdc_temperature`,
/// `fuel_cell_hydrogen_inlet_pressure`, `fuel_cell_air_inlet_pressure`,
/// `fuel_cell_air_inlet_temperature`). Sent last in the report, after the alarm and storage
/// bodies, when any of those roles is mapped. Each field is its role's newest value while fresh;
/// unmapped, not seen or stale: the field's invalid sentinel; outside the field's range: abnormal.
extension SignalSnapshot {
    /// Table 0x03 (2025): the hydrogen system's highest temperature (`hydrogen_temperature`,
    /// WORD −40 °C, 1 °C), concentration (`hydrogen_concentration`, %vol, 0.0001 %vol steps —
    /// the raw value 2016's body carries as "mg/kg") and pressure (`hydrogen_pressure`, 0.1 MPa);
    /// each with the number of the probe or sensor that reads it (`Self.number`, 1–253);
    /// the HV DC/DC converter's state (`hv_dcdc_state`, coded: 1 working, 2 disconnected), the
    /// hydrogen remaining (`hydrogen_remaining`, 0–100 %, 1 %) and the HV DC/DC converter's
    /// temperature (`hv_dcdc_temperature`, BYTE −40 °C: −40…210 °C).
    func hydrogenSystem(at time: Int64) -> HydrogenSystem {
        typealias F = HydrogenSystem.Fields
        func number(_ role: Role) -> UInt8 { Self.number(value(role, at: time), F.sensorID) }
        return HydrogenSystem(
            maxTemperature: UInt16(F.maxTemperature.raw(value(.hydrogenTemperature, at: time))),
            maxTemperatureProbe: number(.hydrogenMaxTemperatureProbe),
            maxConcentration: UInt16(F.maxConcentration.raw(value(.hydrogenConcentration, at: time))),
            maxConcentrationSensor: number(.hydrogenMaxConcentrationSensor),
            maxPressure: UInt16(F.maxPressure.raw(value(.hydrogenPressure, at: time))),
            maxPressureSensor: number(.hydrogenMaxPressureSensor),
            dcdcState: hvDCDCState(at: time), remaining: UInt8(F.remaining.raw(value(.hydrogenRemaining, at: time))),
            dcdcTemperature: UInt8(F.dcdcTemperature.raw(value(.hvDCDCTemperature, at: time))))
    }

    /// Table 0x30 (2025): stack 1 — `fuel_cell_voltage` and `fuel_cell_current` (0.1 V / 0.1 A);
    /// the hydrogen and air inlet pressures (`fuel_cell_hydrogen_inlet_pressure`,
    /// `fuel_cell_air_inlet_pressure`: WORD 0.1 kPa − 100 kPa, so −100…400 kPa, the pressure
    /// above the atmosphere); the air inlet temperature (`fuel_cell_air_inlet_temperature`, BYTE
    /// −40 °C); and the `fuel_cell_coolant` entry of `temperatures:` as its one coolant-outlet
    /// probe (none mapped: no probe, the count 0).
    func fuelCellStack(at time: Int64) -> FuelCellStack {
        typealias F = FuelCellStack.Fields
        let coolant: [UInt8] = mapped.contains(Role.coolantOutletTemperature.rawValue)
            ? [UInt8(F.temperature.raw(value(.coolantOutletTemperature, at: time)))] : []
        return FuelCellStack(
            sequence: 1, voltage: UInt16(F.voltage.raw(value(.fuelCellVoltage, at: time))),
            current: UInt16(F.current.raw(value(.fuelCellCurrent, at: time))),
            hydrogenInletPressure: UInt16(F.hydrogenInletPressure.raw(value(.stackHydrogenInletPressure, at: time))),
            airInletPressure: UInt16(F.airInletPressure.raw(value(.stackAirInletPressure, at: time))),
            airInletTemperature: UInt8(F.temperature.raw(value(.stackAirInletTemperature, at: time))), coolantOutletTemperatures: coolant)
    }
}
