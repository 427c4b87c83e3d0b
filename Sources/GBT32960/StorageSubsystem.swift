/// One record of the rechargeable energy-storage voltage body: 2016 info type 0x08 (Annex B
/// Tables B.5–B.6), 2025 0x07 ("traction-battery minimum-parallel-unit voltage").
///
/// 2016 sends at most 200 cells per record, placed by `firstCell` (1-based) within
/// `totalCells`; 2025 dropped the split (no start index, the count is the cell count).
/// The 2016 current is ×0.1 − 1000 A; 2025 ×0.1 − 3000 A.
public struct SubsystemVoltage: Equatable, Sendable {
    public var number: UInt8
    public var voltage: UInt16
    public var current: UInt16
    /// 2016 only.
    public var totalCells: UInt16
    /// 2016 only.
    public var firstCell: UInt16
    public var cellVoltages: [UInt16]

    public init(number: UInt8, voltage: UInt16, current: UInt16, totalCells: UInt16, firstCell: UInt16 = 1, cellVoltages: [UInt16]) {
        self.number = number
        self.voltage = voltage
        self.current = current
        self.totalCells = totalCells
        self.firstCell = firstCell
        self.cellVoltages = cellVoltages
    }

    public struct Fields: Sendable {
        public let voltage, current, totalCells, cellVoltage: FieldSpec

        public init(_ edition: Edition) {
            let is2016 = edition == .v2016
            voltage = FieldSpec("voltage", width: 2, divisor: 10, unit: "V", maxRaw: is2016 ? 10_000 : 60_000)
            current = FieldSpec("current", width: 2, divisor: 10, rawOffset: is2016 ? 10_000 : 30_000, unit: "A", maxRaw: is2016 ? 20_000 : 60_000)
            totalCells = FieldSpec("total_cells", width: 2, unit: "", maxRaw: 65_531)
            cellVoltage = FieldSpec("cell_voltage", width: 2, divisor: 1000, unit: "V", maxRaw: 60_000)
        }
    }

    /// 2016: at most 200 cells in one record (B.6).
    public static let maxCellsPerRecord2016 = 200

    static func decodeList(_ r: inout WireReader, edition: Edition) throws(BodyError) -> [SubsystemVoltage] {
        let count = try r.u8("subsystem count")
        if count >= 0xFE { return [] }
        var list: [SubsystemVoltage] = []
        for _ in 0..<count {
            let number = try r.u8("subsystem number"), voltage = try r.u16("subsystem voltage"), current = try r.u16("subsystem current")
            var record = SubsystemVoltage(number: number, voltage: voltage, current: current, totalCells: 0, cellVoltages: [])
            let cells: Int
            if edition == .v2016 {
                record.totalCells = try r.u16("total cell count")
                record.firstCell = try r.u16("frame start cell")
                cells = Int(try r.u8("frame cell count"))
            } else {
                let n = try r.u16("unit count")
                cells = n >= 0xFFFE ? 0 : Int(n)
                record.totalCells = n
            }
            try r.need(2 * cells, "cell voltages")
            for _ in 0..<cells { record.cellVoltages.append(try r.u16("cell voltage")) }
            list.append(record)
        }
        return list
    }

    static func encodeList(_ list: [SubsystemVoltage], to w: inout WireWriter, edition: Edition) {
        w.u8(UInt8(list.count))
        for s in list {
            w.u8(s.number); w.u16(s.voltage); w.u16(s.current)
            if edition == .v2016 {
                precondition(s.cellVoltages.count <= maxCellsPerRecord2016, "2016: at most 200 cells per record")
                w.u16(s.totalCells); w.u16(s.firstCell); w.u8(UInt8(s.cellVoltages.count))
            } else {
                w.u16(UInt16(s.cellVoltages.count))
            }
            for v in s.cellVoltages { w.u16(v) }
        }
    }

    func json(_ edition: Edition) -> JSON {
        let f = Fields(edition)
        var pairs: [(String, JSON)] = [("number", .integer(Int64(number))), f.voltage.pair(voltage), f.current.pair(current)]
        if edition == .v2016 { pairs += [f.totalCells.pair(totalCells), ("first_cell", .integer(Int64(firstCell)))] }
        pairs.append(("cell_voltages", .array(cellVoltages.map { f.cellVoltage.json(UInt32($0)) })))
        return .object(pairs)
    }
}

/// One record of the energy-storage temperature body: 2016 info type 0x09 (Tables B.7–B.8),
/// 2025 0x08. Probe temperatures are BYTE −40 °C, with sentinels.
public struct SubsystemTemperature: Equatable, Sendable {
    public var number: UInt8
    public var probeTemperatures: [UInt8]

    public init(number: UInt8, probeTemperatures: [UInt8]) {
        self.number = number
        self.probeTemperatures = probeTemperatures
    }

    public static let probeTemperature = FieldSpec("probe_temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 250)

    static func decodeList(_ r: inout WireReader) throws(BodyError) -> [SubsystemTemperature] {
        let count = try r.u8("subsystem count")
        if count >= 0xFE { return [] }
        var list: [SubsystemTemperature] = []
        for _ in 0..<count {
            let number = try r.u8("subsystem number")
            let n = try r.u16("probe count")
            let probes = n >= 0xFFFE ? [] : try r.take(Int(n), "probe temperatures")
            list.append(SubsystemTemperature(number: number, probeTemperatures: probes))
        }
        return list
    }

    static func encodeList(_ list: [SubsystemTemperature], to w: inout WireWriter) {
        w.u8(UInt8(list.count))
        for s in list {
            w.u8(s.number); w.u16(UInt16(s.probeTemperatures.count)); w.append(s.probeTemperatures)
        }
    }

    func json() -> JSON {
        .object([("number", .integer(Int64(number))),
                 ("probe_temperatures", .array(probeTemperatures.map { Self.probeTemperature.json(UInt32($0)) }))])
    }
}
