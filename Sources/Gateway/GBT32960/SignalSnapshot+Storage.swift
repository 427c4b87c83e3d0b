import GBT32960

/// The rechargeable energy-storage bodies (2016 0x08/0x09, 2025 0x07/0x08) from the
/// `cell_voltages` and `probe_temperatures` series: one storage subsystem, number 1 — the pack
/// the map's `pack_voltage` and `pack_current` describe (a bus's strings in parallel are one
/// subsystem to the platform) — with its cells and probes in the DBC's numbering. A cell or
/// probe never seen, or older than the snapshot's stale limit at the report's instant, is the
/// table's invalid sentinel (0xFFFF / 0xFF); a value outside the table's range is abnormal
/// (0xFFFE / 0xFE).
extension SignalSnapshot {
    /// 2016 sends at most 200 cells in one record (B.6): the cells go as consecutive records
    /// of subsystem 1, each with its start index (1, 201, 401, …) and the total cell count,
    /// all in this one body. 2025 has no split: one record of every cell.
    func storageVoltages(at time: Int64) -> [SubsystemVoltage] {
        let f = SubsystemVoltage.Fields(edition)
        let voltage = UInt16(f.voltage.raw(value(.packVoltage, at: time)))
        let current = UInt16(f.current.raw(value(.packCurrent, at: time).map { $0 * currentSign }))
        let cells = (0..<cellCount).map { UInt16(f.cellVoltage.raw(value(cellBase + $0, at: time))) }
        let chunk = edition == .v2016 ? SubsystemVoltage.maxCellsPerRecord2016 : cells.count
        return stride(from: 0, to: cells.count, by: chunk).map { start in
            SubsystemVoltage(number: 1, voltage: voltage, current: current, totalCells: UInt16(cellCount),
                             firstCell: UInt16(start + 1), cellVoltages: Array(cells[start..<min(start + chunk, cells.count)]))
        }
    }

    /// Subsystem 1's probes, BYTE −40 °C each.
    func storageTemperatures(at time: Int64) -> [SubsystemTemperature] {
        let spec = SubsystemTemperature.probeTemperature
        return [SubsystemTemperature(number: 1, probeTemperatures: (0..<probeCount).map { UInt8(spec.raw(value(probeBase + $0, at: time))) })]
    }
}
