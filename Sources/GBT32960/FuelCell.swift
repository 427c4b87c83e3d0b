/// Info type 0x03 in 2016: fuel-cell data (Table 12), 18 + N bytes. Probe temperatures and
/// the hydrogen pressure define no sentinel; everything else does.
public struct FuelCell: Equatable, Sendable {
    public var voltage: UInt16
    public var current: UInt16
    public var consumption: UInt16
    /// Raw BYTEs, one per probe (the count WORD is `probeTemperatures.count`).
    public var probeTemperatures: [UInt8]
    public var hydrogenMaxTemperature: UInt16
    public var hydrogenMaxTemperatureProbe: UInt8
    public var hydrogenMaxConcentration: UInt16
    public var hydrogenMaxConcentrationSensor: UInt8
    public var hydrogenMaxPressure: UInt16
    public var hydrogenMaxPressureSensor: UInt8
    public var dcdcState: UInt8

    public init(voltage: UInt16, current: UInt16, consumption: UInt16, probeTemperatures: [UInt8],
                hydrogenMaxTemperature: UInt16, hydrogenMaxTemperatureProbe: UInt8, hydrogenMaxConcentration: UInt16,
                hydrogenMaxConcentrationSensor: UInt8, hydrogenMaxPressure: UInt16, hydrogenMaxPressureSensor: UInt8, dcdcState: UInt8) {
        self.voltage = voltage
        self.current = current
        self.consumption = consumption
        self.probeTemperatures = probeTemperatures
        self.hydrogenMaxTemperature = hydrogenMaxTemperature
        self.hydrogenMaxTemperatureProbe = hydrogenMaxTemperatureProbe
        self.hydrogenMaxConcentration = hydrogenMaxConcentration
        self.hydrogenMaxConcentrationSensor = hydrogenMaxConcentrationSensor
        self.hydrogenMaxPressure = hydrogenMaxPressure
        self.hydrogenMaxPressureSensor = hydrogenMaxPressureSensor
        self.dcdcState = dcdcState
    }

    public enum Fields {
        public static let voltage = FieldSpec("voltage", width: 2, divisor: 10, unit: "V", maxRaw: 20_000)
        public static let current = FieldSpec("current", width: 2, divisor: 10, unit: "A", maxRaw: 20_000)
        public static let consumption = FieldSpec("hydrogen_consumption", width: 2, divisor: 100, unit: "kg/100km", maxRaw: 60_000)
        public static let probeTemperature = FieldSpec("probe_temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 240, sentinels: false)
        public static let maxTemperature = FieldSpec("hydrogen_max_temperature", width: 2, divisor: 10, rawOffset: 400, unit: "°C", maxRaw: 2400)
        /// "0–60000 mg/kg" (the text also says 0–50000; the wider bound is taken).
        public static let maxConcentration = FieldSpec("hydrogen_max_concentration", width: 2, unit: "mg/kg", maxRaw: 60_000)
        public static let maxPressure = FieldSpec("hydrogen_max_pressure", width: 2, divisor: 10, unit: "MPa", maxRaw: 1000, sentinels: false)
        public static let sensorID = FieldSpec("id", width: 1, unit: "", maxRaw: 252)
    }

    static let dcdcCodes = CodeSpec(name: "hv_dcdc_state", meanings: [1: "working", 2: "disconnected"])

    init(from r: inout WireReader) throws(BodyError) {
        voltage = try r.u16("fuel-cell voltage")
        current = try r.u16("fuel-cell current")
        consumption = try r.u16("hydrogen consumption")
        let count = try r.u16("probe count")
        probeTemperatures = count >= 0xFFFE ? [] : try r.take(Int(count), "probe temperatures")
        hydrogenMaxTemperature = try r.u16("hydrogen max temperature")
        hydrogenMaxTemperatureProbe = try r.u8("hydrogen max temperature probe")
        hydrogenMaxConcentration = try r.u16("hydrogen max concentration")
        hydrogenMaxConcentrationSensor = try r.u8("hydrogen max concentration sensor")
        hydrogenMaxPressure = try r.u16("hydrogen max pressure")
        hydrogenMaxPressureSensor = try r.u8("hydrogen max pressure sensor")
        dcdcState = try r.u8("HV DC/DC state")
    }

    func encode(to w: inout WireWriter) {
        precondition(probeTemperatures.count <= 65_531, "at most 65,531 probes")
        w.u16(voltage); w.u16(current); w.u16(consumption)
        w.u16(UInt16(probeTemperatures.count)); w.append(probeTemperatures)
        w.u16(hydrogenMaxTemperature); w.u8(hydrogenMaxTemperatureProbe)
        w.u16(hydrogenMaxConcentration); w.u8(hydrogenMaxConcentrationSensor)
        w.u16(hydrogenMaxPressure); w.u8(hydrogenMaxPressureSensor); w.u8(dcdcState)
    }

    func json() -> JSON {
        typealias F = Fields
        return .object([
            F.voltage.pair(voltage), F.current.pair(current), F.consumption.pair(consumption),
            ("probe_temperatures", .array(probeTemperatures.map { F.probeTemperature.json(UInt32($0)) })),
            F.maxTemperature.pair(hydrogenMaxTemperature), ("hydrogen_max_temperature_probe", F.sensorID.json(UInt32(hydrogenMaxTemperatureProbe))),
            F.maxConcentration.pair(hydrogenMaxConcentration), ("hydrogen_max_concentration_sensor", F.sensorID.json(UInt32(hydrogenMaxConcentrationSensor))),
            F.maxPressure.pair(hydrogenMaxPressure), ("hydrogen_max_pressure_sensor", F.sensorID.json(UInt32(hydrogenMaxPressureSensor))),
            Self.dcdcCodes.pair(dcdcState),
        ])
    }
}

/// Info type 0x03 in 2025: the on-board hydrogen system, 12 bytes. The transcription does
/// not state the sentinels of every field; they are taken as defined throughout, as for
/// the other 2025 bodies.
public struct HydrogenSystem: Equatable, Sendable {
    public var maxTemperature: UInt16
    public var maxTemperatureProbe: UInt8
    public var maxConcentration: UInt16
    public var maxConcentrationSensor: UInt8
    public var maxPressure: UInt16
    public var maxPressureSensor: UInt8
    public var dcdcState: UInt8
    public var remaining: UInt8
    public var dcdcTemperature: UInt8

    public init(maxTemperature: UInt16, maxTemperatureProbe: UInt8, maxConcentration: UInt16, maxConcentrationSensor: UInt8,
                maxPressure: UInt16, maxPressureSensor: UInt8, dcdcState: UInt8, remaining: UInt8, dcdcTemperature: UInt8) {
        self.maxTemperature = maxTemperature
        self.maxTemperatureProbe = maxTemperatureProbe
        self.maxConcentration = maxConcentration
        self.maxConcentrationSensor = maxConcentrationSensor
        self.maxPressure = maxPressure
        self.maxPressureSensor = maxPressureSensor
        self.dcdcState = dcdcState
        self.remaining = remaining
        self.dcdcTemperature = dcdcTemperature
    }

    public enum Fields {
        public static let maxTemperature = FieldSpec("hydrogen_max_temperature", width: 2, rawOffset: 40, unit: "°C", maxRaw: 250)
        public static let maxConcentration = FieldSpec("hydrogen_max_concentration", width: 2, divisor: 10_000, unit: "%vol", maxRaw: 60_000)
        public static let maxPressure = FieldSpec("hydrogen_max_pressure", width: 2, divisor: 10, unit: "MPa", maxRaw: 1000)
        public static let remaining = FieldSpec("hydrogen_remaining", width: 1, unit: "%", maxRaw: 100)
        public static let dcdcTemperature = FieldSpec("hv_dcdc_temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 250)
        public static let sensorID = FieldSpec("id", width: 1, unit: "", maxRaw: 253)
    }

    public static let length = 12

    init(from r: inout WireReader) throws(BodyError) {
        try r.need(Self.length, "hydrogen-system data (0x03)")
        maxTemperature = try r.u16("hydrogen max temperature")
        maxTemperatureProbe = try r.u8("its probe")
        maxConcentration = try r.u16("hydrogen max concentration")
        maxConcentrationSensor = try r.u8("its sensor")
        maxPressure = try r.u16("hydrogen max pressure")
        maxPressureSensor = try r.u8("its sensor")
        dcdcState = try r.u8("HV DC/DC state")
        remaining = try r.u8("hydrogen remaining")
        dcdcTemperature = try r.u8("HV DC/DC temperature")
    }

    func encode(to w: inout WireWriter) {
        w.u16(maxTemperature); w.u8(maxTemperatureProbe); w.u16(maxConcentration); w.u8(maxConcentrationSensor)
        w.u16(maxPressure); w.u8(maxPressureSensor); w.u8(dcdcState); w.u8(remaining); w.u8(dcdcTemperature)
    }

    func json() -> JSON {
        typealias F = Fields
        return .object([
            F.maxTemperature.pair(maxTemperature), ("hydrogen_max_temperature_probe", F.sensorID.json(UInt32(maxTemperatureProbe))),
            F.maxConcentration.pair(maxConcentration), ("hydrogen_max_concentration_sensor", F.sensorID.json(UInt32(maxConcentrationSensor))),
            F.maxPressure.pair(maxPressure), ("hydrogen_max_pressure_sensor", F.sensorID.json(UInt32(maxPressureSensor))),
            FuelCell.dcdcCodes.pair(dcdcState), F.remaining.pair(remaining), F.dcdcTemperature.pair(dcdcTemperature),
        ])
    }
}

/// One record of info type 0x30 (2025): a fuel-cell stack. The body is a count BYTE and the records.
public struct FuelCellStack: Equatable, Sendable {
    public var sequence: UInt8
    public var voltage: UInt16
    public var current: UInt16
    public var hydrogenInletPressure: UInt16
    public var airInletPressure: UInt16
    public var airInletTemperature: UInt8
    /// Raw BYTEs, one per coolant-outlet probe.
    public var coolantOutletTemperatures: [UInt8]

    public init(sequence: UInt8, voltage: UInt16, current: UInt16, hydrogenInletPressure: UInt16, airInletPressure: UInt16,
                airInletTemperature: UInt8, coolantOutletTemperatures: [UInt8]) {
        self.sequence = sequence
        self.voltage = voltage
        self.current = current
        self.hydrogenInletPressure = hydrogenInletPressure
        self.airInletPressure = airInletPressure
        self.airInletTemperature = airInletTemperature
        self.coolantOutletTemperatures = coolantOutletTemperatures
    }

    public enum Fields {
        public static let voltage = FieldSpec("voltage", width: 2, divisor: 10, unit: "V", maxRaw: 20_000)
        public static let current = FieldSpec("current", width: 2, divisor: 10, unit: "A", maxRaw: 20_000)
        public static let hydrogenInletPressure = FieldSpec("hydrogen_inlet_pressure", width: 2, divisor: 10, rawOffset: 1000, unit: "kPa", maxRaw: 5000)
        public static let airInletPressure = FieldSpec("air_inlet_pressure", width: 2, divisor: 10, rawOffset: 1000, unit: "kPa", maxRaw: 5000)
        public static let temperature = FieldSpec("temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 250)
    }

    static func decodeList(_ r: inout WireReader) throws(BodyError) -> [FuelCellStack] {
        let count = try r.u8("fuel-cell stack count")
        if count >= 0xFE { return [] }
        var stacks: [FuelCellStack] = []
        for _ in 0..<count {
            let seq = try r.u8("stack sequence"), v = try r.u16("stack voltage"), i = try r.u16("stack current")
            let h2 = try r.u16("hydrogen inlet pressure"), air = try r.u16("air inlet pressure"), t = try r.u8("air inlet temperature")
            let n = try r.u16("coolant probe count")
            let probes = n >= 0xFFFE ? [] : try r.take(Int(n), "coolant outlet temperatures")
            stacks.append(FuelCellStack(sequence: seq, voltage: v, current: i, hydrogenInletPressure: h2, airInletPressure: air,
                                        airInletTemperature: t, coolantOutletTemperatures: probes))
        }
        return stacks
    }

    static func encodeList(_ stacks: [FuelCellStack], to w: inout WireWriter) {
        w.u8(UInt8(stacks.count))
        for s in stacks {
            w.u8(s.sequence); w.u16(s.voltage); w.u16(s.current); w.u16(s.hydrogenInletPressure); w.u16(s.airInletPressure)
            w.u8(s.airInletTemperature); w.u16(UInt16(s.coolantOutletTemperatures.count)); w.append(s.coolantOutletTemperatures)
        }
    }

    func json() -> JSON {
        typealias F = Fields
        return .object([
            ("sequence", .integer(Int64(sequence))), F.voltage.pair(voltage), F.current.pair(current),
            F.hydrogenInletPressure.pair(hydrogenInletPressure), F.airInletPressure.pair(airInletPressure),
            ("air_inlet_temperature", F.temperature.json(UInt32(airInletTemperature))),
            ("coolant_outlet_temperatures", .array(coolantOutletTemperatures.map { F.temperature.json(UInt32($0)) })),
        ])
    }
}
