/// Info type 0x01, whole-vehicle data: 20 bytes in 2016 (Table 9 with Annex B's pedals),
/// 18 bytes in 2025 (no pedals; wider speed, voltage and current ranges; current offset
/// −3000 A instead of −1000 A; insulation gains the sentinels; gear bit 7 = "gear invalid").
/// Fields hold raw wire values; `Fields(edition)` says how to read them.
public struct VehicleData: Equatable, Sendable {
    public var vehicleState: UInt8
    public var chargingState: UInt8
    public var runningMode: UInt8
    public var speed: UInt16
    public var mileage: UInt32
    public var voltage: UInt16
    public var current: UInt16
    public var soc: UInt8
    public var dcdcState: UInt8
    /// Annex A.1: bit 5 driving force, bit 4 braking force, bits 3–0 the gear; 2025 bit 7 = invalid.
    public var gear: UInt8
    public var insulation: UInt16
    /// 2016 only (Annex B): 0–100 %.
    public var accelerator: UInt8
    /// 2016 only: 0–100 %, 101 = braking with no travel value.
    public var brake: UInt8

    public init(vehicleState: UInt8, chargingState: UInt8, runningMode: UInt8, speed: UInt16, mileage: UInt32,
                voltage: UInt16, current: UInt16, soc: UInt8, dcdcState: UInt8, gear: UInt8, insulation: UInt16,
                accelerator: UInt8 = 0xFF, brake: UInt8 = 0xFF) {
        self.vehicleState = vehicleState
        self.chargingState = chargingState
        self.runningMode = runningMode
        self.speed = speed
        self.mileage = mileage
        self.voltage = voltage
        self.current = current
        self.soc = soc
        self.dcdcState = dcdcState
        self.gear = gear
        self.insulation = insulation
        self.accelerator = accelerator
        self.brake = brake
    }

    /// The numeric fields of one edition.
    public struct Fields: Sendable {
        public let speed, mileage, voltage, current, soc, insulation, accelerator, brake: FieldSpec

        public init(_ edition: Edition) {
            let is2016 = edition == .v2016
            speed = FieldSpec("speed", width: 2, divisor: 10, unit: "km/h", maxRaw: is2016 ? 2200 : 5000)
            mileage = FieldSpec("mileage", width: 4, divisor: 10, unit: "km", maxRaw: 9_999_999)
            voltage = FieldSpec("total_voltage", width: 2, divisor: 10, unit: "V", maxRaw: is2016 ? 10_000 : 60_000)
            current = FieldSpec("total_current", width: 2, divisor: 10, rawOffset: is2016 ? 10_000 : 30_000, unit: "A", maxRaw: is2016 ? 20_000 : 60_000)
            soc = FieldSpec("soc", width: 1, unit: "%", maxRaw: 100)
            insulation = FieldSpec("insulation_resistance", width: 2, unit: "kΩ", maxRaw: 60_000, sentinels: !is2016)
            accelerator = FieldSpec("accelerator_pedal", width: 1, unit: "%", maxRaw: 100)
            brake = FieldSpec("brake_pedal", width: 1, unit: "%", maxRaw: 101)
        }
    }

    static let vehicleStateCodes = CodeSpec(name: "vehicle_state", meanings: [1: "started", 2: "off", 3: "other"])
    static let chargingCodes = CodeSpec(name: "charging_state", meanings: [1: "parked_charging", 2: "driving_charging", 3: "not_charging", 4: "charge_complete"])
    static let modeCodes = CodeSpec(name: "running_mode", meanings: [1: "electric", 2: "hybrid", 3: "fuel"])
    static let dcdcCodes = CodeSpec(name: "dcdc_state", meanings: [1: "working", 2: "disconnected"])

    public static func length(_ edition: Edition) -> Int { edition == .v2016 ? 20 : 18 }

    init(from r: inout WireReader, edition: Edition) throws(BodyError) {
        try r.need(Self.length(edition), "whole-vehicle data (0x01)")
        vehicleState = try r.u8("vehicle state")
        chargingState = try r.u8("charging state")
        runningMode = try r.u8("running mode")
        speed = try r.u16("speed")
        mileage = try r.u32("mileage")
        voltage = try r.u16("total voltage")
        current = try r.u16("total current")
        soc = try r.u8("SOC")
        dcdcState = try r.u8("DC-DC state")
        gear = try r.u8("gear")
        insulation = try r.u16("insulation resistance")
        if edition == .v2016 {
            accelerator = try r.u8("accelerator pedal")
            brake = try r.u8("brake pedal")
        } else {
            accelerator = 0xFF
            brake = 0xFF
        }
    }

    func encode(to w: inout WireWriter, edition: Edition) {
        w.u8(vehicleState); w.u8(chargingState); w.u8(runningMode)
        w.u16(speed); w.u32(mileage); w.u16(voltage); w.u16(current)
        w.u8(soc); w.u8(dcdcState); w.u8(gear); w.u16(insulation)
        if edition == .v2016 { w.u8(accelerator); w.u8(brake) }
    }

    func json(_ edition: Edition) -> JSON {
        let f = Fields(edition)
        var pairs: [(String, JSON)] = [
            Self.vehicleStateCodes.pair(vehicleState), Self.chargingCodes.pair(chargingState), Self.modeCodes.pair(runningMode),
            f.speed.pair(speed), f.mileage.pair(mileage), f.voltage.pair(voltage), f.current.pair(current), f.soc.pair(soc),
            Self.dcdcCodes.pair(dcdcState), ("gear", Gear(byte: gear).json(edition)), f.insulation.pair(insulation),
        ]
        if edition == .v2016 { pairs += [f.accelerator.pair(accelerator), f.brake.pair(brake)] }
        return .object(pairs)
    }
}

/// The gear byte (Annex A.1).
///
///     bit 7    2025: 1 = gear invalid (2016: reserved, 0)
///     bit 6    reserved
///     bit 5    1 = driving force present
///     bit 4    1 = braking force present
///     bits 3–0 0 neutral, 1–12 forward gears, 13 R, 14 D, 15 P
public struct Gear: Equatable, Sendable {
    public var byte: UInt8
    public init(byte: UInt8) { self.byte = byte }

    public init(position: UInt8, driving: Bool, braking: Bool, invalid: Bool = false) {
        byte = position & 0x0F | (driving ? 0x20 : 0) | (braking ? 0x10 : 0) | (invalid ? 0x80 : 0)
    }

    public static let neutral: UInt8 = 0, reverse: UInt8 = 13, drive: UInt8 = 14, park: UInt8 = 15

    /// Bits 3–0 by the name a config gives them: `N`, `1`…`12`, `R`, `D`, `P`.
    public static let positionNames: [String: UInt8] = {
        var names: [String: UInt8] = ["N": neutral, "R": reverse, "D": drive, "P": park]
        for gear in UInt8(1)...12 { names[String(gear)] = gear }
        return names
    }()

    public var position: UInt8 { byte & 0x0F }
    public var driving: Bool { byte & 0x20 != 0 }
    public var braking: Bool { byte & 0x10 != 0 }

    var positionName: String {
        switch position {
        case 0: "N"
        case 13: "R"
        case 14: "D"
        case 15: "P"
        default: String(position)
        }
    }

    func json(_ edition: Edition) -> JSON {
        var pairs: [(String, JSON)] = [("raw", .integer(Int64(byte))), ("position", .string(positionName)),
                                       ("driving_force", .bool(driving)), ("braking_force", .bool(braking))]
        if edition == .v2025 { pairs.append(("valid", .bool(byte & 0x80 == 0))) }
        return .object(pairs)
    }
}
