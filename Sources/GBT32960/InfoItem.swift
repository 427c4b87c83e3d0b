/// One info body of a real-time report. The type codes differ by edition:
///
///     body                       2016   2025
///     whole vehicle              0x01   0x01
///     drive motors               0x02   0x02
///     fuel cell                  0x03   —     (2016 layout)
///     hydrogen system            —      0x03  (2025 layout)
///     engine                     0x04   0x04  (not decoded: raw bytes, 5 / 2)
///     position                   0x05   0x05
///     extreme values             0x06   —     (deleted in 2025)
///     alarms                     0x07   0x06
///     storage voltages           0x08   0x07
///     storage temperatures       0x09   0x08
///     fuel-cell stacks           —      0x30
///     super-capacitor            —      0x31
///     super-capacitor extremes   —      0x32
///     user-defined               0x80–0xFE: WORD length + bytes
public enum InfoItem: Equatable, Sendable {
    case vehicle(VehicleData)
    case driveMotors([DriveMotor])
    case fuelCell(FuelCell)
    case hydrogenSystem(HydrogenSystem)
    case engine([UInt8])
    case position(Position)
    case extremeValues(ExtremeValues)
    case alarm(AlarmData)
    case subsystemVoltages([SubsystemVoltage])
    case subsystemTemperatures([SubsystemTemperature])
    case fuelCellStacks([FuelCellStack])
    case superCapacitor(SuperCapacitor)
    case superCapacitorExtremes(SuperCapacitorExtremes)
    /// User-defined data, 0x80–0xFE.
    case custom(type: UInt8, bytes: [UInt8])
    /// A type whose length is not known: it and everything after it.
    case undelimited(type: UInt8, rest: [UInt8])

    /// The info-type byte of this body in `edition`; nil when the edition has no such body.
    public func typeCode(_ edition: Edition) -> UInt8? {
        let is2016 = edition == .v2016
        switch self {
        case .vehicle: return 0x01
        case .driveMotors: return 0x02
        case .fuelCell: return is2016 ? 0x03 : nil
        case .hydrogenSystem: return is2016 ? nil : 0x03
        case .engine: return 0x04
        case .position: return 0x05
        case .extremeValues: return is2016 ? 0x06 : nil
        case .alarm: return is2016 ? 0x07 : 0x06
        case .subsystemVoltages: return is2016 ? 0x08 : 0x07
        case .subsystemTemperatures: return is2016 ? 0x09 : 0x08
        case .fuelCellStacks: return is2016 ? nil : 0x30
        case .superCapacitor: return is2016 ? nil : 0x31
        case .superCapacitorExtremes: return is2016 ? nil : 0x32
        case let .custom(type, _), let .undelimited(type, _): return type
        }
    }

    static func decode(type: UInt8, from r: inout WireReader, edition: Edition) throws(BodyError) -> InfoItem {
        let is2016 = edition == .v2016
        switch (type, is2016) {
        case (0x01, _): return .vehicle(try VehicleData(from: &r, edition: edition))
        case (0x02, _): return .driveMotors(try DriveMotor.decodeList(&r, edition: edition))
        case (0x03, true): return .fuelCell(try FuelCell(from: &r))
        case (0x03, false): return .hydrogenSystem(try HydrogenSystem(from: &r))
        case (0x04, _): return .engine(try r.take(is2016 ? 5 : 2, "engine data"))
        case (0x05, _): return .position(try Position(from: &r, edition: edition))
        case (0x06, true): return .extremeValues(try ExtremeValues(from: &r))
        case (0x07, true), (0x06, false): return .alarm(try AlarmData.decode(&r, edition: edition))
        case (0x08, true), (0x07, false): return .subsystemVoltages(try SubsystemVoltage.decodeList(&r, edition: edition))
        case (0x09, true), (0x08, false): return .subsystemTemperatures(try SubsystemTemperature.decodeList(&r))
        case (0x30, false): return .fuelCellStacks(try FuelCellStack.decodeList(&r))
        case (0x31, false): return .superCapacitor(try SuperCapacitor(from: &r))
        case (0x32, false): return .superCapacitorExtremes(try SuperCapacitorExtremes(from: &r))
        case (0x80...0xFE, _):
            let length = try r.u16("user-defined length")
            return .custom(type: type, bytes: try r.take(Int(length), "user-defined data"))
        default:
            return .undelimited(type: type, rest: try r.take(r.remaining, "rest"))
        }
    }

    /// Writes the type byte and the body. Traps when the edition has no such body (a programmer error).
    func encode(to w: inout WireWriter, edition: Edition) {
        guard let code = typeCode(edition) else { preconditionFailure("\(self) has no info type in \(edition.rawValue)") }
        w.u8(code)
        switch self {
        case let .vehicle(v): v.encode(to: &w, edition: edition)
        case let .driveMotors(m): DriveMotor.encodeList(m, to: &w, edition: edition)
        case let .fuelCell(f): f.encode(to: &w)
        case let .hydrogenSystem(h): h.encode(to: &w)
        case let .engine(b): w.append(b)
        case let .position(p): p.encode(to: &w, edition: edition)
        case let .extremeValues(e): e.encode(to: &w)
        case let .alarm(a): a.encode(to: &w, edition: edition)
        case let .subsystemVoltages(s): SubsystemVoltage.encodeList(s, to: &w, edition: edition)
        case let .subsystemTemperatures(s): SubsystemTemperature.encodeList(s, to: &w)
        case let .fuelCellStacks(s): FuelCellStack.encodeList(s, to: &w)
        case let .superCapacitor(s): s.encode(to: &w)
        case let .superCapacitorExtremes(e): e.encode(to: &w)
        case let .undelimited(_, b): w.append(b)
        case let .custom(_, b): w.u16(UInt16(b.count)); w.append(b)
        }
    }

    var name: String {
        switch self {
        case .vehicle: "vehicle"
        case .driveMotors: "drive_motors"
        case .fuelCell: "fuel_cell"
        case .hydrogenSystem: "hydrogen_system"
        case .engine: "engine"
        case .position: "position"
        case .extremeValues: "extreme_values"
        case .alarm: "alarm"
        case .subsystemVoltages: "storage_voltages"
        case .subsystemTemperatures: "storage_temperatures"
        case .fuelCellStacks: "fuel_cell_stacks"
        case .superCapacitor: "super_capacitor"
        case .superCapacitorExtremes: "super_capacitor_extremes"
        case .custom: "custom"
        case .undelimited: "undelimited"
        }
    }

    func json(_ edition: Edition) -> JSON {
        let body: JSON
        switch self {
        case let .vehicle(v): body = v.json(edition)
        case let .driveMotors(m): body = .array(m.map { $0.json(edition) })
        case let .fuelCell(f): body = f.json()
        case let .hydrogenSystem(h): body = h.json()
        case let .engine(b), let .custom(_, b), let .undelimited(_, b): body = .object([("bytes", .string(hex(b)))])
        case let .position(p): body = p.json(edition)
        case let .extremeValues(e): body = e.json()
        case let .alarm(a): body = a.json(edition)
        case let .subsystemVoltages(s): body = .array(s.map { $0.json(edition) })
        case let .subsystemTemperatures(s): body = .array(s.map { $0.json() })
        case let .fuelCellStacks(s): body = .array(s.map { $0.json() })
        case let .superCapacitor(s): body = s.json()
        case let .superCapacitorExtremes(e): body = e.json()
        }
        return .object([("type", .integer(Int64(typeCode(edition) ?? 0))), ("name", .string(name)), ("data", body)])
    }
}
