/// Info type 0x31 (2025): super-capacitor data ([S25] Table 25), one record:
///
///     management-system no   BYTE   1–253; A/I
///     total voltage          WORD   0–10000 → 0–1000 V, ×0.1; A/I
///     total current          WORD   0–60000, ×0.1 − 3000 → ±3000 A; A/I
///     cell count M           WORD   1–65531; A/I
///     cell voltages          M × WORD   0–60000 → 0–60 V, ×0.001; A/I
///     probe count N          WORD   1–65531; A/I
///     probe temperatures     N × BYTE   0–250, −40 → −40…210 °C; A/I
///
/// A count that is a sentinel (0xFFFE, 0xFFFF) is followed by no values and reads as an empty
/// list, as in the other bodies with counts.
public struct SuperCapacitor: Equatable, Sendable {
    public var system: UInt8
    public var voltage: UInt16
    public var current: UInt16
    public var cellVoltages: [UInt16]
    /// Raw BYTEs, one per probe.
    public var probeTemperatures: [UInt8]

    public init(system: UInt8, voltage: UInt16, current: UInt16, cellVoltages: [UInt16], probeTemperatures: [UInt8]) {
        self.system = system
        self.voltage = voltage
        self.current = current
        self.cellVoltages = cellVoltages
        self.probeTemperatures = probeTemperatures
    }

    public enum Fields {
        public static let system = FieldSpec("system", width: 1, unit: "", maxRaw: 253)
        public static let voltage = FieldSpec("voltage", width: 2, divisor: 10, unit: "V", maxRaw: 10_000)
        public static let current = FieldSpec("current", width: 2, divisor: 10, rawOffset: 30_000, unit: "A", maxRaw: 60_000)
        public static let cellVoltage = FieldSpec("cell_voltage", width: 2, divisor: 1000, unit: "V", maxRaw: 60_000)
        public static let probeTemperature = FieldSpec("probe_temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 250)
    }

    init(from r: inout WireReader) throws(BodyError) {
        system = try r.u8("super-capacitor system number")
        voltage = try r.u16("super-capacitor voltage")
        current = try r.u16("super-capacitor current")
        let cells = try r.u16("super-capacitor cell count")
        let cellCount = cells >= 0xFFFE ? 0 : Int(cells)
        try r.need(2 * cellCount, "super-capacitor cell voltages")
        cellVoltages = []
        cellVoltages.reserveCapacity(cellCount)
        for _ in 0..<cellCount { cellVoltages.append(try r.u16("super-capacitor cell voltage")) }
        let probes = try r.u16("super-capacitor probe count")
        probeTemperatures = probes >= 0xFFFE ? [] : try r.take(Int(probes), "super-capacitor probe temperatures")
    }

    func encode(to w: inout WireWriter) {
        precondition(cellVoltages.count <= 65_531 && probeTemperatures.count <= 65_531, "at most 65,531 cells and probes")
        w.u8(system); w.u16(voltage); w.u16(current)
        w.u16(UInt16(cellVoltages.count))
        for v in cellVoltages { w.u16(v) }
        w.u16(UInt16(probeTemperatures.count)); w.append(probeTemperatures)
    }

    func json() -> JSON {
        typealias F = Fields
        return .object([
            F.system.pair(system), F.voltage.pair(voltage), F.current.pair(current),
            ("cell_voltages", .array(cellVoltages.map { F.cellVoltage.json(UInt32($0)) })),
            ("probe_temperatures", .array(probeTemperatures.map { F.probeTemperature.json(UInt32($0)) })),
        ])
    }
}

/// Info type 0x32 (2025): super-capacitor extremes ([S25] Table 26), 18 bytes. Four groups of
/// management-system no BYTE, cell or probe id WORD, value:
///
///     max cell voltage    system BYTE, cell id WORD, voltage WORD (0–60000, ×0.001 V)
///     min cell voltage    system BYTE, cell id WORD, voltage WORD
///     max temperature     system BYTE, probe id WORD, temperature BYTE (0–250, −40 °C)
///     min temperature     system BYTE, probe id WORD, temperature BYTE
///
/// The value widths are those 18 bytes leave (3 × 4 bytes of system and id, 6 of values) and
/// the encodings of 0x31's cell voltages and probe temperatures (and 0x07's / 0x08's): two
/// voltage WORDs and two temperature BYTEs; Table 26 as transcribed says the same. The system
/// numbers and the values are A/I; the ids (1–65531) define no sentinel.
public struct SuperCapacitorExtremes: Equatable, Sendable {
    public var maxVoltageSystem: UInt8, maxVoltageCell: UInt16, maxVoltage: UInt16
    public var minVoltageSystem: UInt8, minVoltageCell: UInt16, minVoltage: UInt16
    public var maxTemperatureSystem: UInt8, maxTemperatureProbe: UInt16, maxTemperature: UInt8
    public var minTemperatureSystem: UInt8, minTemperatureProbe: UInt16, minTemperature: UInt8

    public init(maxVoltageSystem: UInt8, maxVoltageCell: UInt16, maxVoltage: UInt16,
                minVoltageSystem: UInt8, minVoltageCell: UInt16, minVoltage: UInt16,
                maxTemperatureSystem: UInt8, maxTemperatureProbe: UInt16, maxTemperature: UInt8,
                minTemperatureSystem: UInt8, minTemperatureProbe: UInt16, minTemperature: UInt8) {
        self.maxVoltageSystem = maxVoltageSystem; self.maxVoltageCell = maxVoltageCell; self.maxVoltage = maxVoltage
        self.minVoltageSystem = minVoltageSystem; self.minVoltageCell = minVoltageCell; self.minVoltage = minVoltage
        self.maxTemperatureSystem = maxTemperatureSystem; self.maxTemperatureProbe = maxTemperatureProbe; self.maxTemperature = maxTemperature
        self.minTemperatureSystem = minTemperatureSystem; self.minTemperatureProbe = minTemperatureProbe; self.minTemperature = minTemperature
    }

    public enum Fields {
        public static let system = FieldSpec("system", width: 1, unit: "", maxRaw: 253)
        /// A cell or probe id: 1–65531, no sentinel defined.
        public static let id = FieldSpec("id", width: 2, unit: "", maxRaw: 65_531, sentinels: false)
        public static let voltage = FieldSpec("voltage", width: 2, divisor: 1000, unit: "V", maxRaw: 60_000)
        public static let temperature = FieldSpec("temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 250)
    }

    public static let length = 18

    init(from r: inout WireReader) throws(BodyError) {
        try r.need(Self.length, "super-capacitor extremes (0x32)")
        maxVoltageSystem = try r.u8(""); maxVoltageCell = try r.u16(""); maxVoltage = try r.u16("")
        minVoltageSystem = try r.u8(""); minVoltageCell = try r.u16(""); minVoltage = try r.u16("")
        maxTemperatureSystem = try r.u8(""); maxTemperatureProbe = try r.u16(""); maxTemperature = try r.u8("")
        minTemperatureSystem = try r.u8(""); minTemperatureProbe = try r.u16(""); minTemperature = try r.u8("")
    }

    func encode(to w: inout WireWriter) {
        w.u8(maxVoltageSystem); w.u16(maxVoltageCell); w.u16(maxVoltage)
        w.u8(minVoltageSystem); w.u16(minVoltageCell); w.u16(minVoltage)
        w.u8(maxTemperatureSystem); w.u16(maxTemperatureProbe); w.u8(maxTemperature)
        w.u8(minTemperatureSystem); w.u16(minTemperatureProbe); w.u8(minTemperature)
    }

    func json() -> JSON {
        typealias F = Fields
        func system(_ v: UInt8) -> JSON { F.system.json(UInt32(v)) }
        func id(_ v: UInt16) -> JSON { F.id.json(UInt32(v)) }
        return .object([
            ("max_voltage_system", system(maxVoltageSystem)), ("max_voltage_cell", id(maxVoltageCell)), ("max_cell_voltage", F.voltage.json(UInt32(maxVoltage))),
            ("min_voltage_system", system(minVoltageSystem)), ("min_voltage_cell", id(minVoltageCell)), ("min_cell_voltage", F.voltage.json(UInt32(minVoltage))),
            ("max_temperature_system", system(maxTemperatureSystem)), ("max_temperature_probe", id(maxTemperatureProbe)), ("max_temperature", F.temperature.json(UInt32(maxTemperature))),
            ("min_temperature_system", system(minTemperatureSystem)), ("min_temperature_probe", id(minTemperatureProbe)), ("min_temperature", F.temperature.json(UInt32(minTemperature))),
        ])
    }
}
