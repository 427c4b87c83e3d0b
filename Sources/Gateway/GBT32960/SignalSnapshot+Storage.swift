import GBT32960

/// The rechargeable energy-storage bodies (2016 0x08/0x09, 2025 0x07/0x08) from the
/// `cell_voltages` and `probe_temperatures` series: one storage subsystem, number 1 — the pack
/// the map's `pack_voltage` and `pack_current` describe (a bus's strings in parallel are one
/// subsystem to the platform) — with its cells and probes in the DBC's numbering. A cell or
/// probe never seen, or older than the snapshot's stale limit at the report's instant, is the
/// table's invalid sentinel (0xFFFF / 0xFF); a value outside the table's range is abnormal
/// (0xFFFE / 0xFE). 2016's extreme values (0x06) name their cell and probe from the same series
/// (without one, from the BMS's own numbers).
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

    /// 2016's extreme values (Table 16). Where the `cell_voltages` series is mapped, the highest
    /// and lowest cell voltage come from it with subsystem 1 and the cell's number (the lowest
    /// number among equal values, compared in the table's 1 mV step), as the storage body of the
    /// same report carries them; likewise the probes from `probe_temperatures` (1 °C). Where
    /// no series is mapped (or no member of it is seen and fresh), each value comes from the
    /// BMS's own signal (`max_cell_voltage`…) and its number from the BMS's number of that cell
    /// or probe (`max_cell_voltage_number`…) with subsystem 1; a number unmapped, not seen or
    /// stale leaves the number and the subsystem invalid — the value alone does not say which
    /// cell. A number outside the table's 1–250 (cell 251 and up of one subsystem) is abnormal.
    func extremes(at time: Int64) -> ExtremeValues {
        typealias F = ExtremeValues.Fields
        let cells = SeriesExtremes(self, base: cellBase, count: cellCount, step: 1_000, at: time)
        let probes = SeriesExtremes(self, base: probeBase, count: probeCount, step: 1, at: time)
        /// (subsystem, number, value) of one side: the series' member, else the BMS's roles.
        func side(_ series: SeriesExtremes?, _ member: (SeriesExtremes) -> SeriesExtremes.Member,
                  value role: Role, number numberRole: Role) -> (subsystem: UInt8, number: UInt8, value: Double?) {
            if let series {
                let m = member(series)
                return (1, Self.extremeNumber(Double(m.number)), m.value)
            }
            let number = value(numberRole, at: time)
            return (number == nil ? 0xFF : 1, Self.extremeNumber(number), value(role, at: time))
        }
        let maxCell = side(cells, \.max, value: .maxCellVoltage, number: .maxCellVoltageNumber)
        let minCell = side(cells, \.min, value: .minCellVoltage, number: .minCellVoltageNumber)
        let maxProbe = side(probes, \.max, value: .maxCellTemperature, number: .maxCellTemperatureNumber)
        let minProbe = side(probes, \.min, value: .minCellTemperature, number: .minCellTemperatureNumber)
        return ExtremeValues(
            maxVoltageSubsystem: maxCell.subsystem, maxVoltageCell: maxCell.number, maxVoltage: UInt16(F.voltage.raw(maxCell.value)),
            minVoltageSubsystem: minCell.subsystem, minVoltageCell: minCell.number, minVoltage: UInt16(F.voltage.raw(minCell.value)),
            maxTemperatureSubsystem: maxProbe.subsystem, maxTemperatureProbe: maxProbe.number,
            maxTemperature: UInt8(F.temperature.raw(maxProbe.value)),
            minTemperatureSubsystem: minProbe.subsystem, minTemperatureProbe: minProbe.number,
            minTemperature: UInt8(F.temperature.raw(minProbe.value)))
    }

    /// A cell or probe number as Table 16 codes it: 1–250; nil (unknown) invalid 0xFF; anything
    /// else (0, a fraction that rounds outside, 251 and up) abnormal 0xFE.
    static func extremeNumber(_ number: Double?) -> UInt8 {
        guard let number, number.isFinite else { return 0xFF }
        let n = number.rounded()
        return n < 1 ? 0xFE : UInt8(ExtremeValues.Fields.number.raw(n))
    }
}

/// The highest and lowest member of a numbered series (cells, probes) among those seen and
/// fresh at a report's instant, by 1-based number. Values are compared in steps of 1/`step`
/// (the wire's resolution), so equal readings tie and the lowest number wins.
struct SeriesExtremes {
    struct Member {
        var number: Int
        var value: Double
        var key: Double
    }

    var max: Member
    var min: Member

    /// nil when no member is seen and fresh (or the series is not mapped: `count` 0).
    init?(_ snapshot: SignalSnapshot, base: Int, count: Int, step: Double, at time: Int64) {
        var found: (max: Member, min: Member)?
        for i in 0..<count {
            guard let v = snapshot.value(base + i, at: time) else { continue }
            let member = Member(number: i + 1, value: v, key: (v * step).rounded())
            guard let f = found else {
                found = (member, member)
                continue
            }
            if member.key > f.max.key { found?.max = member }
            if member.key < f.min.key { found?.min = member }
        }
        guard let found else { return nil }
        (max, min) = found
    }
}
