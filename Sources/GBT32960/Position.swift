/// Info type 0x05, vehicle position (2016 Tables 14–15: 9 bytes; 2025 adds the coordinate
/// system after the status: 10 bytes).
///
///     status bit 0: 0 valid fix, 1 invalid (then the last valid fix is sent)
///            bit 1: 0 north, 1 south
///            bit 2: 0 east, 1 west
///
/// Longitude then latitude, DWORD degrees × 10⁶, unsigned (the sign is in the status); no
/// sentinel is defined.
public struct Position: Equatable, Sendable {
    public var status: UInt8
    /// 2025 only: 1 WGS84, 2 GCJ-02, 3 other.
    public var coordinateSystem: UInt8
    public var longitude: UInt32
    public var latitude: UInt32

    public init(status: UInt8, coordinateSystem: UInt8 = 1, longitude: UInt32, latitude: UInt32) {
        self.status = status
        self.coordinateSystem = coordinateSystem
        self.longitude = longitude
        self.latitude = latitude
    }

    /// From signed degrees. Without a fix pass the last valid fix with `valid: false`; with no
    /// fix ever (nil) the status says invalid and the coordinates are zero.
    public init(latitude: Double?, longitude: Double?, valid: Bool, coordinateSystem: UInt8 = 1) {
        let lat = latitude ?? 0, lon = longitude ?? 0
        let ok = valid && latitude != nil && longitude != nil
        self.status = (ok ? 0 : 1) | (lat < 0 ? 2 : 0) | (lon < 0 ? 4 : 0)
        self.coordinateSystem = coordinateSystem
        self.longitude = Fields.longitude.raw(abs(lon))
        self.latitude = Fields.latitude.raw(abs(lat))
    }

    public var isValid: Bool { status & 1 == 0 }
    /// Signed degrees (south and west negative).
    public var signedLatitude: Double { Double(latitude) / 1e6 * (status & 2 != 0 ? -1 : 1) }
    public var signedLongitude: Double { Double(longitude) / 1e6 * (status & 4 != 0 ? -1 : 1) }

    public enum Fields {
        public static let longitude = FieldSpec("longitude", width: 4, divisor: 1_000_000, unit: "°", maxRaw: 180_000_000, sentinels: false)
        public static let latitude = FieldSpec("latitude", width: 4, divisor: 1_000_000, unit: "°", maxRaw: 90_000_000, sentinels: false)
    }

    static let coordinateCodes = CodeSpec(name: "coordinate_system", meanings: [1: "wgs84", 2: "gcj02", 3: "other"])

    public static func length(_ edition: Edition) -> Int { edition == .v2016 ? 9 : 10 }

    init(from r: inout WireReader, edition: Edition) throws(BodyError) {
        try r.need(Self.length(edition), "position (0x05)")
        status = try r.u8("position status")
        coordinateSystem = edition == .v2025 ? try r.u8("coordinate system") : 1
        longitude = try r.u32("longitude")
        latitude = try r.u32("latitude")
    }

    func encode(to w: inout WireWriter, edition: Edition) {
        w.u8(status)
        if edition == .v2025 { w.u8(coordinateSystem) }
        w.u32(longitude)
        w.u32(latitude)
    }

    func json(_ edition: Edition) -> JSON {
        var pairs: [(String, JSON)] = [("valid", .bool(isValid)), ("hemisphere", .string((status & 2 != 0 ? "S" : "N") + (status & 4 != 0 ? "W" : "E")))]
        if edition == .v2025 { pairs.append(Self.coordinateCodes.pair(coordinateSystem)) }
        pairs += [Fields.longitude.pair(longitude), Fields.latitude.pair(latitude)]
        return .object(pairs)
    }
}

/// Info type 0x06 in 2016, extreme values (Table 16, 14 bytes, every field A/I). Deleted in 2025.
public struct ExtremeValues: Equatable, Sendable {
    public var maxVoltageSubsystem: UInt8, maxVoltageCell: UInt8, maxVoltage: UInt16
    public var minVoltageSubsystem: UInt8, minVoltageCell: UInt8, minVoltage: UInt16
    public var maxTemperatureSubsystem: UInt8, maxTemperatureProbe: UInt8, maxTemperature: UInt8
    public var minTemperatureSubsystem: UInt8, minTemperatureProbe: UInt8, minTemperature: UInt8

    public init(maxVoltageSubsystem: UInt8, maxVoltageCell: UInt8, maxVoltage: UInt16,
                minVoltageSubsystem: UInt8, minVoltageCell: UInt8, minVoltage: UInt16,
                maxTemperatureSubsystem: UInt8, maxTemperatureProbe: UInt8, maxTemperature: UInt8,
                minTemperatureSubsystem: UInt8, minTemperatureProbe: UInt8, minTemperature: UInt8) {
        self.maxVoltageSubsystem = maxVoltageSubsystem; self.maxVoltageCell = maxVoltageCell; self.maxVoltage = maxVoltage
        self.minVoltageSubsystem = minVoltageSubsystem; self.minVoltageCell = minVoltageCell; self.minVoltage = minVoltage
        self.maxTemperatureSubsystem = maxTemperatureSubsystem; self.maxTemperatureProbe = maxTemperatureProbe; self.maxTemperature = maxTemperature
        self.minTemperatureSubsystem = minTemperatureSubsystem; self.minTemperatureProbe = minTemperatureProbe; self.minTemperature = minTemperature
    }

    public enum Fields {
        public static let number = FieldSpec("number", width: 1, unit: "", maxRaw: 250)
        public static let voltage = FieldSpec("voltage", width: 2, divisor: 1000, unit: "V", maxRaw: 15_000)
        public static let temperature = FieldSpec("temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 250)
    }

    public static let length = 14

    init(from r: inout WireReader) throws(BodyError) {
        try r.need(Self.length, "extreme values (0x06)")
        maxVoltageSubsystem = try r.u8(""); maxVoltageCell = try r.u8(""); maxVoltage = try r.u16("")
        minVoltageSubsystem = try r.u8(""); minVoltageCell = try r.u8(""); minVoltage = try r.u16("")
        maxTemperatureSubsystem = try r.u8(""); maxTemperatureProbe = try r.u8(""); maxTemperature = try r.u8("")
        minTemperatureSubsystem = try r.u8(""); minTemperatureProbe = try r.u8(""); minTemperature = try r.u8("")
    }

    func encode(to w: inout WireWriter) {
        w.u8(maxVoltageSubsystem); w.u8(maxVoltageCell); w.u16(maxVoltage)
        w.u8(minVoltageSubsystem); w.u8(minVoltageCell); w.u16(minVoltage)
        w.u8(maxTemperatureSubsystem); w.u8(maxTemperatureProbe); w.u8(maxTemperature)
        w.u8(minTemperatureSubsystem); w.u8(minTemperatureProbe); w.u8(minTemperature)
    }

    func json() -> JSON {
        typealias F = Fields
        func n(_ v: UInt8) -> JSON { F.number.json(UInt32(v)) }
        return .object([
            ("max_voltage_subsystem", n(maxVoltageSubsystem)), ("max_voltage_cell", n(maxVoltageCell)), ("max_cell_voltage", F.voltage.json(UInt32(maxVoltage))),
            ("min_voltage_subsystem", n(minVoltageSubsystem)), ("min_voltage_cell", n(minVoltageCell)), ("min_cell_voltage", F.voltage.json(UInt32(minVoltage))),
            ("max_temperature_subsystem", n(maxTemperatureSubsystem)), ("max_temperature_probe", n(maxTemperatureProbe)), ("max_temperature", F.temperature.json(UInt32(maxTemperature))),
            ("min_temperature_subsystem", n(minTemperatureSubsystem)), ("min_temperature_probe", n(minTemperatureProbe)), ("min_temperature", F.temperature.json(UInt32(minTemperature))),
        ])
    }
}
