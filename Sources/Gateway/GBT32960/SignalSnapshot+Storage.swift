import GBT32960

/// The rechargeable energy-storage bodies (2016 0x08/0x09, 2025 0x07/0x08) from the
/// `cell_voltages` and `probe_temperatures` series, one record per storage subsystem: those
/// `storage_subsystems` lists (numbered 1, 2, … in its order; each with its own voltage and current
/// signals and its share of the cells and probes), or without the list one subsystem, number 1 —
/// the pack that `pack_voltage` and `pack_current` describe, with every cell and probe. A cell or
/// probe never seen, or older than the snapshot's stale limit at the report's instant, is the
/// table's invalid sentinel (0xFFFF / 0xFF); a value outside the table's range is abnormal
/// (0xFFFE / 0xFE). A subsystem with no cells (probes) is left out of the voltage (temperature)
/// body: the tables count 1 and up. 2016's extreme values (0x06) name their subsystem and its cell
/// and probe from the same series (without one, from the BMS's own numbers).
extension SignalSnapshot {
    /// 2016 sends at most 200 cells in one record (B.6): a subsystem's cells go as consecutive
    /// records of that subsystem, each with its start index within the subsystem (1, 201, 401, …)
    /// and the subsystem's cell count, all in this one body. 2025 has no split: one record of
    /// every cell of each subsystem.
    func storageVoltages(at time: Int64) -> [SubsystemVoltage] {
        let f = SubsystemVoltage.Fields(edition)
        var records: [SubsystemVoltage] = []
        for (i, subsystem) in subsystems.enumerated() where !subsystem.cells.isEmpty {
            let voltage = UInt16(f.voltage.raw(value(subsystem.voltage, at: time)))
            let current = UInt16(f.current.raw(value(subsystem.current, at: time).map { $0 * subsystem.currentSign }))
            let cells = subsystem.cells.map { UInt16(f.cellVoltage.raw(value(cellBase + $0, at: time))) }
            let chunk = edition == .v2016 ? SubsystemVoltage.maxCellsPerRecord2016 : cells.count
            for start in stride(from: 0, to: cells.count, by: chunk) {
                records.append(SubsystemVoltage(number: UInt8(i + 1), voltage: voltage, current: current, totalCells: UInt16(cells.count),
                                                firstCell: UInt16(start + 1), cellVoltages: Array(cells[start..<min(start + chunk, cells.count)])))
            }
        }
        return records
    }

    /// Each subsystem's probes, BYTE −40 °C each.
    func storageTemperatures(at time: Int64) -> [SubsystemTemperature] {
        let spec = SubsystemTemperature.probeTemperature
        return subsystems.enumerated().compactMap { i, subsystem in
            subsystem.probes.isEmpty ? nil : SubsystemTemperature(
                number: UInt8(i + 1), probeTemperatures: subsystem.probes.map { UInt8(spec.raw(value(probeBase + $0, at: time))) })
        }
    }

    /// The subsystem (1-based) whose `range` (cells or probes) holds the series' 1-based
    /// `number`, and the number within it; a number no subsystem holds stays as it is, with
    /// subsystem 1 (a BMS number past the series, or no series).
    func place(_ number: Int, in range: KeyPath<Subsystem, Range<Int>>) -> (subsystem: UInt8, number: Int) {
        for (i, subsystem) in subsystems.enumerated() where subsystem[keyPath: range].contains(number - 1) {
            return (UInt8(i + 1), number - subsystem[keyPath: range].lowerBound)
        }
        return (1, number)
    }

    /// 2016's extreme values (Table 16). Where the `cell_voltages` series is mapped, the highest
    /// and lowest cell voltage come from it (the lowest number among equal values, compared in
    /// the table's 1 mV step) with the subsystem that holds the cell and its number within that
    /// subsystem, as the storage body of the same report carries them; likewise the probes from
    /// `probe_temperatures` (1 °C). Where no series is mapped (or no member of it is seen and
    /// fresh), each value comes from the BMS's own signal (`max_cell_voltage`…) and its number from
    /// the BMS's number of that cell or probe (`max_cell_voltage_number`…), placed in its subsystem
    /// the same way (a number past every subsystem: subsystem 1, the number as it is); a number
    /// unmapped, not seen or stale leaves the number and the subsystem invalid — the value alone
    /// does not say which cell. A number outside the table's 1–250 (cell 251 and up of one
    /// subsystem) is abnormal.
    func extremes(at time: Int64) -> ExtremeValues {
        typealias F = ExtremeValues.Fields
        let cells = SeriesExtremes(self, base: cellBase, count: cellCount, step: 1_000, at: time)
        let probes = SeriesExtremes(self, base: probeBase, count: probeCount, step: 1, at: time)
        /// (subsystem, number, value) of one side: the series' member, else the BMS's roles.
        func side(_ series: SeriesExtremes?, _ member: (SeriesExtremes) -> SeriesExtremes.Member, in range: KeyPath<Subsystem, Range<Int>>,
                  value role: Role, number numberRole: Role) -> (subsystem: UInt8, number: UInt8, value: Double?) {
            if let series {
                let m = member(series)
                let placed = place(m.number, in: range)
                return (placed.subsystem, Self.number(Double(placed.number), F.number), m.value)
            }
            guard let number = value(numberRole, at: time) else { return (0xFF, 0xFF, value(role, at: time)) }
            // A whole number in range is placed in its subsystem; anything else is coded as it is.
            let whole = number.isFinite ? number.rounded() : 0
            guard whole >= 1, whole <= Double(Int32.max) else { return (1, Self.number(number, F.number), value(role, at: time)) }
            let placed = place(Int(whole), in: range)
            return (placed.subsystem, Self.number(Double(placed.number), F.number), value(role, at: time))
        }
        let maxCell = side(cells, \.max, in: \.cells, value: .maxCellVoltage, number: .maxCellVoltageNumber)
        let minCell = side(cells, \.min, in: \.cells, value: .minCellVoltage, number: .minCellVoltageNumber)
        let maxProbe = side(probes, \.max, in: \.probes, value: .maxCellTemperature, number: .maxCellTemperatureNumber)
        let minProbe = side(probes, \.min, in: \.probes, value: .minCellTemperature, number: .minCellTemperatureNumber)
        return ExtremeValues(
            maxVoltageSubsystem: maxCell.subsystem, maxVoltageCell: maxCell.number, maxVoltage: UInt16(F.voltage.raw(maxCell.value)),
            minVoltageSubsystem: minCell.subsystem, minVoltageCell: minCell.number, minVoltage: UInt16(F.voltage.raw(minCell.value)),
            maxTemperatureSubsystem: maxProbe.subsystem, maxTemperatureProbe: maxProbe.number,
            maxTemperature: UInt8(F.temperature.raw(maxProbe.value)),
            minTemperatureSubsystem: minProbe.subsystem, minTemperatureProbe: minProbe.number,
            minTemperature: UInt8(F.temperature.raw(minProbe.value)))
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
