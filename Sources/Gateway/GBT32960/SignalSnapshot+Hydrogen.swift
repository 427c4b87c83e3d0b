import GBT32960

/// 2025's fuel-cell bodies, from the same roles as 2016's fuel-cell body (0x03): the on-board
/// hydrogen system (0x03) and one fuel-cell stack (0x30). Sent last in the report, after the
/// alarm and storage bodies, when any fuel-cell role is mapped. What no role carries is the
/// field's invalid sentinel: the probe and sensor numbers, the HV DC/DC converter's state and
/// temperature, the hydrogen remaining (%), the stack's hydrogen and air inlet pressures and its
/// air inlet temperature.
extension SignalSnapshot {
    /// Table 0x03 (2025): the hydrogen system's highest temperature (`hydrogen_temperature`,
    /// WORD −40 °C, 1 °C), concentration (`hydrogen_concentration`, %vol, 0.0001 %vol steps —
    /// the raw value 2016's body carries as "mg/kg") and pressure (`hydrogen_pressure`, 0.1 MPa).
    func hydrogenSystem(at time: Int64) -> HydrogenSystem {
        typealias F = HydrogenSystem.Fields
        let unknown = UInt8(F.sensorID.raw(nil))
        return HydrogenSystem(
            maxTemperature: UInt16(F.maxTemperature.raw(value(.hydrogenTemperature, at: time))), maxTemperatureProbe: unknown,
            maxConcentration: UInt16(F.maxConcentration.raw(value(.hydrogenConcentration, at: time))), maxConcentrationSensor: unknown,
            maxPressure: UInt16(F.maxPressure.raw(value(.hydrogenPressure, at: time))), maxPressureSensor: unknown,
            dcdcState: 0xFF, remaining: UInt8(F.remaining.raw(nil)), dcdcTemperature: UInt8(F.dcdcTemperature.raw(nil)))
    }

    /// Table 0x30 (2025): stack 1 — `fuel_cell_voltage` and `fuel_cell_current` (0.1 V / 0.1 A),
    /// and the `fuel_cell_coolant` entry of `temperatures:` as its one coolant-outlet probe (none
    /// mapped: no probe, the count 0).
    func fuelCellStack(at time: Int64) -> FuelCellStack {
        typealias F = FuelCellStack.Fields
        let coolant: [UInt8] = mapped.contains(Role.coolantOutletTemperature.rawValue)
            ? [UInt8(F.temperature.raw(value(.coolantOutletTemperature, at: time)))] : []
        return FuelCellStack(
            sequence: 1, voltage: UInt16(F.voltage.raw(value(.fuelCellVoltage, at: time))),
            current: UInt16(F.current.raw(value(.fuelCellCurrent, at: time))),
            hydrogenInletPressure: UInt16(F.hydrogenInletPressure.raw(nil)), airInletPressure: UInt16(F.airInletPressure.raw(nil)),
            airInletTemperature: UInt8(F.temperature.raw(nil)), coolantOutletTemperatures: coolant)
    }
}
