/// One record of info type 0x02, drive-motor data (2016 Tables 10–11: 12 bytes; 2025: 10
/// bytes, no controller voltage and current, speed offset 32000, torque a DWORD).
/// The body is a count BYTE (1–253; 2025 defines its sentinels) and the records.
public struct DriveMotor: Equatable, Sendable {
    public var sequence: UInt8
    public var state: UInt8
    public var controllerTemperature: UInt8
    public var speed: UInt16
    /// 2016: a WORD; 2025: a DWORD.
    public var torque: UInt32
    public var temperature: UInt8
    /// 2016 only.
    public var controllerVoltage: UInt16
    /// 2016 only.
    public var controllerCurrent: UInt16

    public init(sequence: UInt8, state: UInt8, controllerTemperature: UInt8, speed: UInt16, torque: UInt32,
                temperature: UInt8, controllerVoltage: UInt16 = 0xFFFF, controllerCurrent: UInt16 = 0xFFFF) {
        self.sequence = sequence
        self.state = state
        self.controllerTemperature = controllerTemperature
        self.speed = speed
        self.torque = torque
        self.temperature = temperature
        self.controllerVoltage = controllerVoltage
        self.controllerCurrent = controllerCurrent
    }

    public struct Fields: Sendable {
        public let controllerTemperature, speed, torque, temperature, controllerVoltage, controllerCurrent: FieldSpec

        public init(_ edition: Edition) {
            let is2016 = edition == .v2016
            controllerTemperature = FieldSpec("controller_temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 250)
            speed = FieldSpec("speed", width: 2, rawOffset: is2016 ? 20_000 : 32_000, unit: "r/min", maxRaw: 65_531)
            torque = is2016
                ? FieldSpec("torque", width: 2, divisor: 10, rawOffset: 20_000, unit: "N·m", maxRaw: 65_531)
                : FieldSpec("torque", width: 4, divisor: 10, rawOffset: 200_000, unit: "N·m", maxRaw: 400_000)
            temperature = FieldSpec("temperature", width: 1, rawOffset: 40, unit: "°C", maxRaw: 250)
            controllerVoltage = FieldSpec("controller_input_voltage", width: 2, divisor: 10, unit: "V", maxRaw: 60_000)
            controllerCurrent = FieldSpec("controller_dc_current", width: 2, divisor: 10, rawOffset: 10_000, unit: "A", maxRaw: 20_000)
        }
    }

    static let stateCodes = CodeSpec(name: "state", meanings: [1: "consuming", 2: "generating", 3: "off", 4: "ready"])

    /// The state byte by the name a config gives it (Table 11): the four states and
    /// `abnormal` (0xFE). The invalid sentinel (0xFF) has no name: it means "no value".
    public static let stateNames: [String: UInt8] = ["consuming": 1, "generating": 2, "off": 3, "ready": 4, "abnormal": 0xFE]

    public static func recordLength(_ edition: Edition) -> Int { edition == .v2016 ? 12 : 10 }

    static func decodeList(_ r: inout WireReader, edition: Edition) throws(BodyError) -> [DriveMotor] {
        let count = try r.u8("drive-motor count")
        if edition == .v2025 && count >= 0xFE { return [] }
        var motors: [DriveMotor] = []
        for _ in 0..<count {
            try r.need(recordLength(edition), "drive-motor record")
            let seq = try r.u8("motor sequence"), state = try r.u8("motor state"), ctl = try r.u8("controller temperature")
            let speed = try r.u16("motor speed")
            let torque = edition == .v2016 ? UInt32(try r.u16("motor torque")) : try r.u32("motor torque")
            let temp = try r.u8("motor temperature")
            var motor = DriveMotor(sequence: seq, state: state, controllerTemperature: ctl, speed: speed, torque: torque, temperature: temp)
            if edition == .v2016 {
                motor.controllerVoltage = try r.u16("controller input voltage")
                motor.controllerCurrent = try r.u16("controller DC-bus current")
            }
            motors.append(motor)
        }
        return motors
    }

    static func encodeList(_ motors: [DriveMotor], to w: inout WireWriter, edition: Edition) {
        precondition(motors.count <= 253, "at most 253 drive motors")
        w.u8(UInt8(motors.count))
        for m in motors {
            w.u8(m.sequence); w.u8(m.state); w.u8(m.controllerTemperature); w.u16(m.speed)
            if edition == .v2016 { w.u16(UInt16(truncatingIfNeeded: m.torque)) } else { w.u32(m.torque) }
            w.u8(m.temperature)
            if edition == .v2016 { w.u16(m.controllerVoltage); w.u16(m.controllerCurrent) }
        }
    }

    func json(_ edition: Edition) -> JSON {
        let f = Fields(edition)
        var pairs: [(String, JSON)] = [
            ("sequence", .integer(Int64(sequence))), Self.stateCodes.pair(state), f.controllerTemperature.pair(controllerTemperature),
            f.speed.pair(speed), f.torque.pair(torque), f.temperature.pair(temperature),
        ]
        if edition == .v2016 { pairs += [f.controllerVoltage.pair(controllerVoltage), f.controllerCurrent.pair(controllerCurrent)] }
        return .object(pairs)
    }
}
