/// Alarm data: info type 0x07 in 2016 (Tables 17–18), 0x06 in 2025.
///
///     max alarm level       BYTE  0–3 (2025: 0–4, 4 = thermal event); A/I
///     general alarm flags   DWORD bit i = (flags >> i) & 1, bit 0 the LSB (table below)
///     N1, N1 × DWORD        RESS fault codes          (N: 0–252, 2025 0–253; A/I)
///     N2, N2 × DWORD        drive-motor fault codes
///     N3, N3 × DWORD        engine fault codes
///     N4, N4 × DWORD        other fault codes
///     2025: N5, N5 × (flag-bit index BYTE, level BYTE)
public struct AlarmData: Equatable, Sendable {
    public var maxLevel: UInt8
    public var flags: UInt32
    public var storageFaults: [UInt32]
    public var motorFaults: [UInt32]
    public var engineFaults: [UInt32]
    public var otherFaults: [UInt32]
    /// 2025 only: the level of individual flag bits.
    public var flagLevels: [FlagLevel]

    public struct FlagLevel: Equatable, Sendable {
        public var bit: UInt8
        public var level: UInt8
        public init(bit: UInt8, level: UInt8) {
            self.bit = bit
            self.level = level
        }
    }

    public init(maxLevel: UInt8, flags: UInt32, storageFaults: [UInt32] = [], motorFaults: [UInt32] = [],
                engineFaults: [UInt32] = [], otherFaults: [UInt32] = [], flagLevels: [FlagLevel] = []) {
        self.maxLevel = maxLevel
        self.flags = flags
        self.storageFaults = storageFaults
        self.motorFaults = motorFaults
        self.engineFaults = engineFaults
        self.otherFaults = otherFaults
        self.flagLevels = flagLevels
    }

    /// The general alarm flags: bits 0–18 in both editions (2025 renames 5, 6, 10 and 11), 19–27 new in 2025.
    public static let flagNames: [String] = [
        "temperature_difference", "battery_high_temperature", "storage_over_voltage", "storage_under_voltage",
        "soc_low", "cell_over_voltage", "cell_under_voltage", "soc_high", "soc_jump", "storage_mismatch",
        "cell_consistency_poor", "insulation", "dcdc_temperature", "brake_system", "dcdc_status",
        "motor_controller_temperature", "hv_interlock", "motor_temperature", "storage_over_charge",
        "motor_over_speed", "motor_over_current", "supercapacitor_over_temperature", "supercapacitor_over_voltage",
        "storage_thermal_event", "hydrogen_leak", "hydrogen_pressure_abnormal", "hydrogen_temperature_abnormal",
        "stack_over_temperature",
    ]

    /// The number of defined flag bits: 19 in 2016, 28 in 2025.
    public static func flagCount(_ edition: Edition) -> Int { edition == .v2016 ? 19 : 28 }

    public static func levelSpec(_ edition: Edition) -> FieldSpec {
        FieldSpec("max_level", width: 1, unit: "", maxRaw: UInt32(edition.maxAlarmLevel))
    }

    static func decode(_ r: inout WireReader, edition: Edition) throws(BodyError) -> AlarmData {
        let level = try r.u8("max alarm level")
        let flags = try r.u32("general alarm flags")
        var lists: [[UInt32]] = []
        for name in ["RESS", "drive-motor", "engine", "other"] {
            let count = try r.u8("\(name) fault count")
            var codes: [UInt32] = []
            if count < 0xFE {
                for _ in 0..<count { codes.append(try r.u32("\(name) fault code")) }
            }
            lists.append(codes)
        }
        var alarm = AlarmData(maxLevel: level, flags: flags, storageFaults: lists[0], motorFaults: lists[1],
                              engineFaults: lists[2], otherFaults: lists[3])
        if edition == .v2025 {
            let n5 = try r.u8("flag-level count")
            if n5 < 0xFE {
                for _ in 0..<n5 {
                    let bit = try r.u8("flag bit"), level = try r.u8("flag level")
                    alarm.flagLevels.append(FlagLevel(bit: bit, level: level))
                }
            }
        }
        return alarm
    }

    func encode(to w: inout WireWriter, edition: Edition) {
        w.u8(maxLevel)
        w.u32(flags)
        for list in [storageFaults, motorFaults, engineFaults, otherFaults] {
            precondition(list.count <= 253, "at most 253 fault codes per list")
            w.u8(UInt8(list.count))
            for code in list { w.u32(code) }
        }
        if edition == .v2025 {
            w.u8(UInt8(flagLevels.count))
            for f in flagLevels { w.u8(f.bit); w.u8(f.level) }
        }
    }

    func json(_ edition: Edition) -> JSON {
        let count = Self.flagCount(edition)
        var set: [JSON] = []
        for bit in 0..<32 where flags >> UInt32(bit) & 1 == 1 {
            set.append(.string(bit < count ? Self.flagNames[bit] : "reserved_bit_\(bit)"))
        }
        var pairs: [(String, JSON)] = [
            Self.levelSpec(edition).pair(maxLevel), ("flags_raw", .integer(Int64(flags))), ("flags", .array(set)),
            ("storage_faults", .array(storageFaults.map { .integer(Int64($0)) })),
            ("motor_faults", .array(motorFaults.map { .integer(Int64($0)) })),
            ("engine_faults", .array(engineFaults.map { .integer(Int64($0)) })),
            ("other_faults", .array(otherFaults.map { .integer(Int64($0)) })),
        ]
        if edition == .v2025 {
            pairs.append(("flag_levels", .array(flagLevels.map { .object([("bit", .integer(Int64($0.bit))), ("level", .integer(Int64($0.level)))]) })))
        }
        return .object(pairs)
    }
}
