import CANCore
@testable import GBT32960

/// Seeded random messages of every kind and body, for round-trip and oracle tests. Raw values
/// are drawn across each field's range and, now and then, its sentinels.
struct RandomMessages {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    /// A raw value for `spec`: in range mostly, a sentinel sometimes (where defined).
    mutating func raw(_ spec: FieldSpec) -> UInt32 {
        if spec.sentinels && chance(0.08) { return chance(0.5) ? spec.invalidRaw : spec.abnormalRaw }
        return UInt32.random(in: 0...spec.maxRaw, using: &rng)
    }
    mutating func u8(_ spec: FieldSpec) -> UInt8 { UInt8(raw(spec)) }
    mutating func u16(_ spec: FieldSpec) -> UInt16 { UInt16(raw(spec)) }
    mutating func code(_ max: Int) -> UInt8 { chance(0.05) ? 0xFF : UInt8(int(1...max)) }
    mutating func byteArray(_ count: ClosedRange<Int>, max: Int) -> [UInt8] { (0..<int(count)).map { _ in UInt8(int(0...max)) } }
    mutating func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(int(0...9))) }) }

    mutating func vin() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
        return String((0..<17).map { _ in alphabet[int(0...alphabet.count - 1)] })
    }

    /// Between 2000 and 2099.
    mutating func time() -> BeijingTime { BeijingTime(unixSeconds: Int64(int(946_656_000...4_102_415_999))) }

    mutating func vehicle(_ e: Edition) -> VehicleData {
        let f = VehicleData.Fields(e)
        let gear = UInt8(int(0...15)) | (chance(0.5) ? 0x20 : 0) | (chance(0.5) ? 0x10 : 0) | (e == .v2025 && chance(0.1) ? 0x80 : 0)
        return VehicleData(vehicleState: code(3), chargingState: code(4), runningMode: code(3), speed: u16(f.speed),
                           mileage: raw(f.mileage), voltage: u16(f.voltage), current: u16(f.current), soc: u8(f.soc),
                           dcdcState: code(2), gear: gear, insulation: u16(f.insulation),
                           accelerator: e == .v2016 ? u8(f.accelerator) : 0xFF, brake: e == .v2016 ? u8(f.brake) : 0xFF)
    }

    mutating func motors(_ e: Edition) -> [DriveMotor] {
        let f = DriveMotor.Fields(e)
        return (1...int(1...3)).map { seq in
            var m = DriveMotor(sequence: UInt8(seq), state: code(4), controllerTemperature: u8(f.controllerTemperature),
                               speed: u16(f.speed), torque: raw(f.torque), temperature: u8(f.temperature))
            if e == .v2016 {
                m.controllerVoltage = u16(f.controllerVoltage)
                m.controllerCurrent = u16(f.controllerCurrent)
            }
            return m
        }
    }

    mutating func fuelCell() -> FuelCell {
        typealias F = FuelCell.Fields
        return FuelCell(voltage: u16(F.voltage), current: u16(F.current), consumption: u16(F.consumption),
                        probeTemperatures: byteArray(0...6, max: 240), hydrogenMaxTemperature: u16(F.maxTemperature),
                        hydrogenMaxTemperatureProbe: u8(F.sensorID), hydrogenMaxConcentration: u16(F.maxConcentration),
                        hydrogenMaxConcentrationSensor: u8(F.sensorID), hydrogenMaxPressure: u16(F.maxPressure),
                        hydrogenMaxPressureSensor: u8(F.sensorID), dcdcState: code(2))
    }

    mutating func hydrogen() -> HydrogenSystem {
        typealias F = HydrogenSystem.Fields
        return HydrogenSystem(maxTemperature: u16(F.maxTemperature), maxTemperatureProbe: u8(F.sensorID),
                              maxConcentration: u16(F.maxConcentration), maxConcentrationSensor: u8(F.sensorID),
                              maxPressure: u16(F.maxPressure), maxPressureSensor: u8(F.sensorID), dcdcState: code(2),
                              remaining: u8(F.remaining), dcdcTemperature: u8(F.dcdcTemperature))
    }

    mutating func stacks() -> [FuelCellStack] {
        typealias F = FuelCellStack.Fields
        return (1...int(1...2)).map { seq in
            FuelCellStack(sequence: UInt8(seq), voltage: u16(F.voltage), current: u16(F.current),
                          hydrogenInletPressure: u16(F.hydrogenInletPressure), airInletPressure: u16(F.airInletPressure),
                          airInletTemperature: u8(F.temperature), coolantOutletTemperatures: byteArray(0...4, max: 250))
        }
    }

    mutating func superCapacitor() -> SuperCapacitor {
        typealias F = SuperCapacitor.Fields
        return SuperCapacitor(system: u8(F.system), voltage: u16(F.voltage), current: u16(F.current),
                              cellVoltages: (0..<int(1...24)).map { _ in u16(F.cellVoltage) },
                              probeTemperatures: (0..<int(1...12)).map { _ in u8(F.probeTemperature) })
    }

    mutating func superCapacitorExtremes() -> SuperCapacitorExtremes {
        typealias F = SuperCapacitorExtremes.Fields
        func id(_ r: inout RandomMessages) -> UInt16 { r.chance(0.05) ? UInt16(r.int(65_532...65_535)) : UInt16(r.int(1...65_531)) }
        return SuperCapacitorExtremes(maxVoltageSystem: u8(F.system), maxVoltageCell: id(&self), maxVoltage: u16(F.voltage),
                                      minVoltageSystem: u8(F.system), minVoltageCell: id(&self), minVoltage: u16(F.voltage),
                                      maxTemperatureSystem: u8(F.system), maxTemperatureProbe: id(&self), maxTemperature: u8(F.temperature),
                                      minTemperatureSystem: u8(F.system), minTemperatureProbe: id(&self), minTemperature: u8(F.temperature))
    }

    mutating func position(_ e: Edition) -> Position {
        Position(status: UInt8(int(0...7)), coordinateSystem: e == .v2025 ? UInt8(int(1...3)) : 1,
                 longitude: UInt32(int(0...180_000_000)), latitude: UInt32(int(0...90_000_000)))
    }

    mutating func extremes() -> ExtremeValues {
        typealias F = ExtremeValues.Fields
        return ExtremeValues(maxVoltageSubsystem: u8(F.number), maxVoltageCell: u8(F.number), maxVoltage: u16(F.voltage),
                             minVoltageSubsystem: u8(F.number), minVoltageCell: u8(F.number), minVoltage: u16(F.voltage),
                             maxTemperatureSubsystem: u8(F.number), maxTemperatureProbe: u8(F.number), maxTemperature: u8(F.temperature),
                             minTemperatureSubsystem: u8(F.number), minTemperatureProbe: u8(F.number), minTemperature: u8(F.temperature))
    }

    mutating func alarm(_ e: Edition) -> AlarmData {
        func codes(_ r: inout RandomMessages) -> [UInt32] { (0..<r.int(0...3)).map { _ in UInt32.random(in: 0...UInt32.max, using: &r.rng) } }
        let flagMask: UInt32 = e == .v2016 ? 0x7FFFF : 0xFFFFFFF
        var a = AlarmData(maxLevel: UInt8(int(0...Int(e.maxAlarmLevel))), flags: UInt32.random(in: 0...UInt32.max, using: &rng) & flagMask,
                          storageFaults: codes(&self), motorFaults: codes(&self), engineFaults: codes(&self), otherFaults: codes(&self))
        if e == .v2025 {
            a.flagLevels = (0..<int(0...3)).map { _ in AlarmData.FlagLevel(bit: UInt8(int(0...27)), level: UInt8(int(1...4))) }
        }
        return a
    }

    mutating func voltages(_ e: Edition) -> [SubsystemVoltage] {
        let f = SubsystemVoltage.Fields(e)
        return (1...int(1...2)).map { n in
            let cells = (0..<int(1...(e == .v2016 ? 200 : 120))).map { _ in u16(f.cellVoltage) }
            let total = e == .v2016 ? UInt16(cells.count + int(0...100)) : UInt16(cells.count)
            return SubsystemVoltage(number: UInt8(n), voltage: u16(f.voltage), current: u16(f.current), totalCells: total,
                                    firstCell: e == .v2016 ? UInt16(int(1...100)) : 1, cellVoltages: cells)
        }
    }

    mutating func temperatures() -> [SubsystemTemperature] {
        (1...int(1...2)).map { n in
            SubsystemTemperature(number: UInt8(n), probeTemperatures: (0..<int(1...40)).map { _ in u8(SubsystemTemperature.probeTemperature) })
        }
    }

    /// Every body of the edition once, in a shuffled order, plus a user-defined one now and then.
    mutating func report(_ e: Edition) -> RealtimeReport {
        var items: [InfoItem] = [.vehicle(vehicle(e)), .driveMotors(motors(e)), .position(position(e)), .alarm(alarm(e)),
                                 .subsystemVoltages(voltages(e)), .subsystemTemperatures(temperatures())]
        if e == .v2016 {
            items += [.fuelCell(fuelCell()), .extremeValues(extremes())]
        } else {
            items += [.hydrogenSystem(hydrogen()), .fuelCellStacks(stacks()),
                      .superCapacitor(superCapacitor()), .superCapacitorExtremes(superCapacitorExtremes())]
        }
        if chance(0.3) { items.append(.custom(type: UInt8(int(0x80...0xFE)), bytes: byteArray(0...8, max: 255))) }
        items.shuffle(using: &rng)
        return RealtimeReport(time: time(), items: items)
    }

    mutating func login(_ e: Edition) -> Login {
        var l = Login(time: time(), serial: UInt16(int(1...65_531)), iccid: digits(20))
        if e == .v2016 {
            l.systemCount = UInt8(int(0...3))
            l.codeLength = chance(0.5) ? 0 : UInt8(int(1...10))
            if l.codeLength > 0 { l.codes = (0..<l.systemCount).map { _ in digits(Int(l.codeLength)) } }
        } else {
            l.packsPerSystem = (0..<int(0...2)).map { _ in UInt8(int(0...2)) }
            l.systemCount = UInt8(l.packsPerSystem.count)
            l.codes = (0..<l.packsPerSystem.reduce(0) { $0 + Int($1) }).map { _ in digits(24) }
        }
        return l
    }

    /// One message of each command kind a terminal sends, and a reply of each shape.
    mutating func messages(_ e: Edition) -> [Message] {
        let vin = vin()
        let login = login(e)
        return [
            Message(edition: e, command: .login, vin: vin, payload: .login(login)),
            Message(edition: e, command: .realtime, vin: vin, payload: .report(report(e))),
            Message(edition: e, command: .reissue, vin: vin, payload: .report(report(e))),
            Message(edition: e, command: .heartbeat, vin: vin, payload: .empty),
            Message(edition: e, command: .timeSync, vin: vin, payload: .empty),
            Message(edition: e, command: .logout, vin: vin, payload: .logout(Logout(time: time(), serial: login.serial))),
            Message(edition: e, command: .login, response: .success, vin: vin, payload: .reply(Reply(time: time()))),
            Message(edition: e, command: .login, response: .success, vin: vin, payload: .reply(Reply(data: login.encode(edition: e)))),
            Message(edition: e, command: .heartbeat, response: .success, vin: vin, payload: .reply(Reply(data: []))),
        ]
    }
}
