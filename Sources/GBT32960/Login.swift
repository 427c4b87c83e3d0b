/// Vehicle login, command 0x01.
///
///     2016 (Table 6)                       2025
///     time 6                               time 6
///     login serial WORD (1–65531, daily)   login serial WORD
///     ICCID 20 STRING                      ICCID 20 STRING
///     n: storage subsystems BYTE 0–250     n: battery-management systems BYTE 0–20
///     m: code length BYTE 0–50             n × packs per system BYTE 0–50
///     n × m code STRING                    Σ packs × 24-char pack code
public struct Login: Equatable, Sendable {
    public var time: BeijingTime
    public var serial: UInt16
    public var iccid: String
    /// 2016: the subsystem count n (2025: `packsPerSystem.count`).
    public var systemCount: UInt8
    /// 2016: the code length m (0 = codes not sent).
    public var codeLength: UInt8
    /// 2025: packs per battery-management system.
    public var packsPerSystem: [UInt8]
    public var codes: [String]

    public static let iccidLength = 20
    public static let packCodeLength2025 = 24
    /// The serial counts 1…65531 and restarts every day.
    public static let maxSerial: UInt16 = 65_531

    public init(time: BeijingTime, serial: UInt16, iccid: String, systemCount: UInt8 = 0, codeLength: UInt8 = 0,
                packsPerSystem: [UInt8] = [], codes: [String] = []) {
        self.time = time
        self.serial = serial
        self.iccid = iccid
        self.systemCount = systemCount
        self.codeLength = codeLength
        self.packsPerSystem = packsPerSystem
        self.codes = codes
    }

    public func encode(edition: Edition) -> [UInt8] {
        var w = WireWriter()
        w.time(time)
        w.u16(serial)
        w.string(iccid, width: Self.iccidLength)
        if edition == .v2016 {
            w.u8(systemCount)
            w.u8(codeLength)
            if codeLength > 0 { for code in codes { w.string(code, width: Int(codeLength)) } }
        } else {
            w.u8(UInt8(packsPerSystem.count))
            for p in packsPerSystem { w.u8(p) }
            for code in codes { w.string(code, width: Self.packCodeLength2025) }
        }
        return w.bytes
    }

    public static func decode(_ data: [UInt8], edition: Edition) throws(BodyError) -> Login {
        var r = WireReader(data)
        var login = Login(time: try r.time("login time"), serial: try r.u16("login serial"),
                          iccid: text(try r.take(iccidLength, "ICCID")))
        if edition == .v2016 {
            login.systemCount = try r.u8("subsystem count")
            login.codeLength = try r.u8("code length")
            if login.codeLength > 0 {
                for _ in 0..<login.systemCount { login.codes.append(text(try r.take(Int(login.codeLength), "subsystem code"))) }
            }
        } else {
            let n = try r.u8("battery-management system count")
            login.systemCount = n
            for _ in 0..<n { login.packsPerSystem.append(try r.u8("packs per system")) }
            let packs = login.packsPerSystem.reduce(0) { $0 + Int($1) }
            for _ in 0..<packs { login.codes.append(text(try r.take(packCodeLength2025, "pack code"))) }
        }
        if !r.isAtEnd { throw BodyError(offset: r.offset, message: "\(r.remaining) byte(s) after the login body") }
        return login
    }

    func json(_ edition: Edition) -> JSON {
        var pairs: [(String, JSON)] = [("time", .string(time.description)), ("serial", .integer(Int64(serial))), ("iccid", .string(iccid))]
        if edition == .v2016 {
            pairs += [("subsystem_count", .integer(Int64(systemCount))), ("code_length", .integer(Int64(codeLength)))]
        } else {
            pairs.append(("packs_per_system", .array(packsPerSystem.map { .integer(Int64($0)) })))
        }
        pairs.append(("codes", .array(codes.map { .string($0) })))
        return .object(pairs)
    }
}

/// Vehicle logout, command 0x04 (Table 20): time and the serial of the same session's login.
public struct Logout: Equatable, Sendable {
    public var time: BeijingTime
    public var serial: UInt16

    public init(time: BeijingTime, serial: UInt16) {
        self.time = time
        self.serial = serial
    }

    public func encode() -> [UInt8] {
        var w = WireWriter()
        w.time(time)
        w.u16(serial)
        return w.bytes
    }

    public static func decode(_ data: [UInt8]) throws(BodyError) -> Logout {
        var r = WireReader(data)
        let logout = Logout(time: try r.time("logout time"), serial: try r.u16("logout serial"))
        if !r.isAtEnd { throw BodyError(offset: r.offset, message: "\(r.remaining) byte(s) after the logout body") }
        return logout
    }
}
