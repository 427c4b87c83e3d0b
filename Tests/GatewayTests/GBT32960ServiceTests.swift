import FleetSimulator
import Foundation
@testable import GBT32960
import Testing
import TestSupport
@testable import Gateway

/// The GB/T 32960 terminal service end to end: a simulated drive replayed through the whole
/// pipeline (`SinkSet` from the config, as `candor replay` builds it) against the asyncio test
/// platform (Tests/GBT32960Platform/platform.py, a separate process on a loopback port).
/// Expected values come from cantools decoding the capture; every frame candor sent is decoded
/// by rtm_con too (separate processes).
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun(importing: ["cantools", "rtm_con"])))
struct GBT32960ServiceTests {
    static let seed: UInt64 = 32960

    struct Drive {
        let bundle: SimulatedBundle
        let platform: GBT32960PlatformProcess
        let statistics: TerminalStatistics
        let start: Int64
        /// Reports left in the outbox for the next start.
        let left: Int
        /// Waits for a reply that ran out of `reply_wait`.
        let expiredWaits: Int
        /// The terminal's event lines (the last 200).
        let events: [String]
    }

    /// Simulates `seconds` of the van, replays it with `uplink.gbt32960` pointing at a platform
    /// started with `platformArguments` (`{START}` is the capture's start, Unix seconds), as
    /// `host`, with `tls` as the section's `tls:` value; `config` edits the bundle's candor.yaml first.
    func drive(_ name: String, vehicle: FleetVehicle = .van, seconds: Int = 120, faults: [FaultSpec] = [],
               platformArguments: [String] = [], edition: String = "2016", host: String = "127.0.0.1", tls: String? = nil,
               config edit: (String) -> String = { $0 }, python: String) throws -> Drive {
        print("GBT32960 service \(name): seed \(Self.seed)")
        let options = SimulationOptions(vehicle: vehicle, durationSeconds: seconds, seed: Self.seed, faults: faults)
        let bundle = try SimulatedBundle(options, name: "gbt-" + name)
        let start = options.startEpochSeconds
        let platform = try GBT32960PlatformProcess(
            python: python, directory: bundle.directory,
            arguments: platformArguments.map { Self.offset($0, start) })
        defer { try? platform.stop() }
        let config = bundle.directory + "/gbt.yaml"
        try TestFile.write(edit(String(decoding: try TestFile.read(bundle.config), as: UTF8.self))
                           + platform.uplinkSection(state: bundle.directory + "/gbt-state", edition: edition, host: host, tls: tls),
                           to: config)
        let setup = try GatewaySetup.load(configFile: config, environment: [:])
        let sinks = try SinkSet(setup.sinks)
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [bundle.capture])) { try sinks.write($0) }
        try sinks.close()
        let (terminal, queue) = try #require(sinks.services.queued(GBT32960Service.self))
        #expect(queue.statistics.droppedBatches == 0)
        print("GBT32960 service \(name): \(terminal.report)")
        try platform.stop()
        return Drive(bundle: bundle, platform: platform, statistics: terminal.statistics, start: start,
                     left: terminal.outbox.currentStatistics.messages, expiredWaits: terminal.expiredWaits,
                     events: terminal.takeEvents())
    }

    /// "{START}+30" → the capture's start + 30.
    static func offset(_ text: String, _ start: Int64) -> String {
        guard text.hasPrefix("{START}") else { return text }
        return String(start + (Int64(text.dropFirst("{START}+".count)) ?? 0))
    }

    static func message(_ entry: GBT32960PlatformProcess.Entry) throws -> Message {
        let (frame, _) = try Frame.decode(entry.bytes)
        return try Message(frame: frame)
    }

    static func motors(_ message: Message) -> [DriveMotor] {
        guard case let .report(report) = message.payload else { return [] }
        for case let .driveMotors(m) in report.items { return m }
        return []
    }

    static func vehicle(_ message: Message) -> VehicleData? {
        guard case let .report(report) = message.payload else { return nil }
        for case let .vehicle(v) in report.items { return v }
        return nil
    }

    @Test(arguments: [("time", true), ("echo", false)])
    func aReplayedDriveLogsInReportsEveryPeriodWithTheDecodedValuesAndLogsOut(ack: String, garbage: Bool) throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let d = try drive("ack-\(ack)", platformArguments: ["--ack", ack] + (garbage ? ["--garbage"] : []), python: python)
        let frames = try d.platform.acceptedFrames()
        #expect(frames.first?.command == 0x01 && frames.last?.command == 0x04)
        let login = try #require(try frames.first.map(Self.message))
        let logout = try #require(try frames.last.map(Self.message))
        if case let .login(l) = login.payload, case let .logout(o) = logout.payload {
            #expect(l.serial == o.serial && l.serial >= 1)
        } else { Issue.record("first and last frames are not login and logout") }
        // Every report of the drive once, on the 10 s grid of the vehicle's clock.
        let reports = frames.filter { $0.command == 0x02 || $0.command == 0x03 }
        let times = reports.compactMap(\.time)
        #expect(times.count == reports.count && Set(times).count == times.count, "a report twice")
        let t0 = try #require(times.min())
        #expect(times.sorted() == Array(stride(from: t0, through: times.max()!, by: 10)))
        #expect(times.count >= 11 && t0 - d.start <= 1)
        #expect(frames.filter { $0.command == 0x02 }.count >= 10)
        #expect(frames.filter { $0.command == 0x07 }.count >= 2, "heartbeats while idle")
        if garbage { #expect(d.statistics.garbageBytes > 0 && d.statistics.badChecksums > 0) }
        #expect(d.statistics.repliesTimeOnly + d.statistics.repliesEcho + d.statistics.repliesEmpty > 0)
        try expectDecodedValues(reports, bundle: d.bundle, python: python)
        try expectRtmConAgrees(frames, python: python)
    }

    /// The reports' whole-vehicle values against cantools' decode of the capture: the last value
    /// of each signal before the report's instant (half a wire step of tolerance). The gear byte
    /// and the motor state exactly, from the DBC's value names as cantools reads them (`D` → 14,
    /// `Motoring` → consuming 1, `Fault` → abnormal 0xFE, …), with bit 5 for a positive motor
    /// torque and bit 4 for a positive brake pressure or a negative torque.
    func expectDecodedValues(_ reports: [GBT32960PlatformProcess.Entry], bundle: SimulatedBundle, python: String) throws {
        let expected = try cantoolsValues(at: reports.compactMap(\.time), bundle: bundle, python: python, signals: [
            "VCU_VehicleSpeed", "BMS_PackVoltage", "BMS_PackCurrent", "BMS_SOC", "VCU_Odometer", "MCU_MotorSpeed",
            "MCU_MotorTorque", "MCU_DCVoltage", "MCU_DCCurrent", "MCU_MotorTemp", "MCU_ControllerTemp", "EHB_BrakePressure",
            "BMS_InsulationResistance", "VCU_AccelPedal", "VCU_BrakePedal"])
        let f = VehicleData.Fields(.v2016), m = DriveMotor.Fields(.v2016)
        var compared = 0
        for entry in reports {
            let message = try Self.message(entry)
            let v = try #require(Self.vehicle(message))
            let motor = try #require(Self.motors(message).first, "no drive-motor body")
            #expect(GBT32960StorageServiceTests.storage(message).isEmpty, "the van's DBC carries no cells or probes: no storage bodies")
            #expect(v.runningMode == 1, "the van's config fixes its running mode: electric")
            compared += try expectCantoolsValues(of: entry, expected, vehicle: v, motor: motor, [
                Carried(f.speed, v.speed, "VCU_VehicleSpeed", tolerance: 0.05), Carried(f.voltage, v.voltage, "BMS_PackVoltage", tolerance: 0.05),
                Carried(f.current, v.current, "BMS_PackCurrent", tolerance: 0.05), Carried(f.soc, v.soc, "BMS_SOC", tolerance: 0.5),
                Carried(f.mileage, v.mileage, "VCU_Odometer", tolerance: 0.05), Carried(m.speed, motor.speed, "MCU_MotorSpeed", tolerance: 0.5),
                Carried(m.torque, motor.torque, "MCU_MotorTorque", tolerance: 0.05),
                Carried(m.controllerVoltage, motor.controllerVoltage, "MCU_DCVoltage", tolerance: 0.05),
                Carried(m.controllerCurrent, motor.controllerCurrent, "MCU_DCCurrent", tolerance: 0.05),
                Carried(m.temperature, motor.temperature, "MCU_MotorTemp", tolerance: 0.5),
                Carried(m.controllerTemperature, motor.controllerTemperature, "MCU_ControllerTemp", tolerance: 0.5),
                Carried(f.insulation, v.insulation, "BMS_InsulationResistance", tolerance: 0.5),
                Carried(f.accelerator, v.accelerator, "VCU_AccelPedal", tolerance: 0.5),
                Carried(f.brake, v.brake, "VCU_BrakePedal", tolerance: 0.5)]).count
        }
        #expect(compared >= reports.count * 17 - 17, "\(compared) values compared in \(reports.count) reports")
    }

    /// The drive is long enough for the hottest probe to move to the other tank and for the
    /// stack to run and rest, so a number stuck at one value (or invalid) cannot pass as equal.
    static func numbersVary(_ numbers: [[UInt8]]) -> Bool {
        Set(numbers.map { $0[0] }) == [1, 2] && Set(numbers.map { $0[1] }) == [1, 2] && numbers.allSatisfy { $0[2] == 1 || $0[2] == 2 }
    }

    static func fuelCell(_ message: Message) -> FuelCell? {
        guard case let .report(report) = message.payload else { return nil }
        for case let .fuelCell(f) in report.items { return f }
        return nil
    }

    /// The fuel-cell truck's 90 s drive in `edition`: the frames the platform accepted, the
    /// reports among them (at least 8), and cantools' values of `signals` (and of the motor
    /// torque and brake pressure the gear byte needs) at the reports' instants.
    func fuelCellDrive(_ name: String, edition: String, python: String, signals: [String]) throws
        -> (frames: [GBT32960PlatformProcess.Entry], reports: [GBT32960PlatformProcess.Entry], expected: [String: [String: Double]]) {
        let d = try drive(name, vehicle: .fcev, seconds: 90, edition: edition, python: python)
        let frames = try d.platform.acceptedFrames()
        let reports = frames.filter { $0.command == 0x02 || $0.command == 0x03 }
        #expect(reports.count >= 8)
        let expected = try cantoolsValues(at: reports.compactMap(\.time), bundle: d.bundle, python: python,
                                          signals: signals + ["MCU_MotorTorque", "EHB_BrakePressure"])
        return (frames, reports, expected)
    }

    /// The fuel-cell truck (2016): the fuel-cell body of every report against cantools at that
    /// instant — stack voltage and current, hydrogen consumption (kg/100 km), tank pressure and
    /// temperature, and the compartment's hydrogen concentration (%vol in the DBC, ppm on the
    /// wire), the numbers of the probe and sensors behind the highest temperature, concentration
    /// and pressure (FCU_H2MaxTempProbe, FCU_H2MaxConcSensor, FCU_H2MaxPressSensor), and the HV
    /// DC/DC state (FDC_State: On → 1 working, Off → 2 disconnected); its gear,
    /// motor state and running mode (FCU_State `Running` → hybrid) too. rtm_con reads every frame with 0 mismatches (it does
    /// not decode 2016's fuel-cell body: compared byte-equal, the reference's deviation 2).
    @Test func aFuelCellTrucksReportsCarryItsHydrogenValues() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let (frames, reports, expected) = try fuelCellDrive("fcev", edition: "2016", python: python, signals: [
            "FCU_StackVoltage", "FCU_StackCurrent", "FCU_H2Consumption", "FCU_H2Concentration", "FCU_TankPressure", "FCU_TankTemp", "FDC_State",
            "FCU_H2MaxTempProbe", "FCU_H2MaxConcSensor", "FCU_H2MaxPressSensor"])
        typealias F = FuelCell.Fields
        var compared = 0, consumptions: [Double] = [], modes: [UInt8] = [], states: [UInt8] = [], numbers: [[UInt8]] = []
        for entry in reports {
            let message = try Self.message(entry)
            let fc = try #require(Self.fuelCell(message), "no fuel-cell body")
            let state = try #require(expected[String(entry.time!)]?["FDC_State"], "no FDC_State from cantools at \(entry.time!)")
            #expect(fc.dcdcState == GBT32960HydrogenRoleServiceTests.dcdcCode(state), "HV DC/DC state at \(entry.time!): \(fc.dcdcState) vs cantools \(state)")
            states.append(fc.dcdcState)
            let v = try #require(Self.vehicle(message)), motor = try #require(Self.motors(message).first)
            let values = try expectCantoolsValues(of: entry, expected, vehicle: v, motor: motor, [
                Carried(F.voltage, fc.voltage, "FCU_StackVoltage", tolerance: 0.05), Carried(F.current, fc.current, "FCU_StackCurrent", tolerance: 0.05),
                Carried(F.consumption, fc.consumption, "FCU_H2Consumption", tolerance: 0.005),
                Carried(F.maxConcentration, fc.hydrogenMaxConcentration, "FCU_H2Concentration", factor: 10_000, tolerance: 0.5),
                Carried(F.maxPressure, fc.hydrogenMaxPressure, "FCU_TankPressure", tolerance: 0.05),
                Carried(F.maxTemperature, fc.hydrogenMaxTemperature, "FCU_TankTemp", tolerance: 0.05),
                Carried(F.sensorID, fc.hydrogenMaxTemperatureProbe, "FCU_H2MaxTempProbe", tolerance: 0),
                Carried(F.sensorID, fc.hydrogenMaxConcentrationSensor, "FCU_H2MaxConcSensor", tolerance: 0),
                Carried(F.sensorID, fc.hydrogenMaxPressureSensor, "FCU_H2MaxPressSensor", tolerance: 0)])
            compared += values.count
            numbers.append([fc.hydrogenMaxTemperatureProbe, fc.hydrogenMaxConcentrationSensor, fc.hydrogenMaxPressureSensor])
            modes.append(v.runningMode)
            if let consumption = values.decoded["FCU_H2Consumption"] { consumptions.append(consumption) }
        }
        print("GBT32960 service fcev: \(reports.count) reports, \(compared) values equal to cantools'; hydrogen numbers \(numbers)")
        #expect(compared >= reports.count * 12 - 12, "\(compared) values compared in \(reports.count) reports")
        #expect(Self.numbersVary(numbers), "the probe and the concentration sensor never changed: \(numbers)")
        #expect(modes.contains(2), "the stack ran (hybrid) in no report: \(modes)")
        #expect(states.contains(1), "the HV DC/DC worked in no report: \(states)")
        #expect(consumptions.contains { $0 > 0 }, "the truck used no hydrogen: \(consumptions)")
        try expectRtmConAgrees(frames, python: python)
    }

    /// The fuel-cell truck in 2025: every report ends with the hydrogen-system body (0x03) and
    /// one stack (0x30), their values against cantools at the report's instant — the tank's
    /// temperature and pressure, the compartment's concentration (%vol, 0.0001 %vol steps), the
    /// hydrogen remaining (%), the HV DC/DC's temperature and state (FDC_State by its codes), the stack's voltage and current,
    /// its hydrogen and air inlet pressures (kPa, −100 kPa offset on the wire), its air inlet
    /// temperature and its coolant-outlet probe, and the numbers of the probe and sensors behind
    /// the highest temperature, concentration and pressure. rtm_con decodes every frame's other bodies (it
    /// cannot read 2025's 0x03/0x30: `withoutFuelCellBodies`; a test signature appended for it alone).
    @Test func aFuelCellTrucks2025ReportsCarryItsHydrogenSystemAndStack() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let (frames, reports, expected) = try fuelCellDrive("fcev-2025", edition: "2025", python: python, signals: [
            "FCU_StackVoltage", "FCU_StackCurrent", "FCU_H2Concentration", "FCU_TankPressure", "FCU_TankTemp", "FCU_CoolantOutletTemp",
            "FCU_H2SOC", "FDC_Temp", "FCU_H2InletPressure", "FCU_AirInletPressure", "FCU_AirInletTemp", "FDC_State",
            "FCU_H2MaxTempProbe", "FCU_H2MaxConcSensor", "FCU_H2MaxPressSensor"])
        typealias H = HydrogenSystem.Fields
        typealias S = FuelCellStack.Fields
        var compared = 0, currents: [Double] = [], numbers: [[UInt8]] = []
        for entry in reports {
            let message = try Self.message(entry)
            guard case let .report(report) = message.payload else { continue }
            let v = try #require(Self.vehicle(message)), motor = try #require(Self.motors(message).first)
            let last = report.items.suffix(2)
            guard case let .hydrogenSystem(h)? = last.first, case let .fuelCellStacks(stacks)? = last.last, let stack = stacks.first else {
                Issue.record("\(entry.time!): the report does not end with 0x03 and 0x30: \(report.items.map { $0.typeCode(.v2025) })")
                continue
            }
            #expect(stacks.count == 1 && stack.sequence == 1 && stack.coolantOutletTemperatures.count == 1)
            let state = try #require(expected[String(entry.time!)]?["FDC_State"], "no FDC_State from cantools at \(entry.time!)")
            #expect(h.dcdcState == GBT32960HydrogenRoleServiceTests.dcdcCode(state), "HV DC/DC state at \(entry.time!): \(h.dcdcState) vs cantools \(state)")
            compared += 1
            let values = try expectCantoolsValues(of: entry, expected, vehicle: v, motor: motor, [
                Carried(H.maxTemperature, h.maxTemperature, "FCU_TankTemp", tolerance: 0.5),
                Carried(H.maxConcentration, h.maxConcentration, "FCU_H2Concentration", tolerance: 0.00005),
                Carried(H.maxPressure, h.maxPressure, "FCU_TankPressure", tolerance: 0.05),
                Carried(H.remaining, h.remaining, "FCU_H2SOC", tolerance: 0.5), Carried(H.dcdcTemperature, h.dcdcTemperature, "FDC_Temp", tolerance: 0.5),
                Carried(S.hydrogenInletPressure, stack.hydrogenInletPressure, "FCU_H2InletPressure", tolerance: 0.05),
                Carried(S.airInletPressure, stack.airInletPressure, "FCU_AirInletPressure", tolerance: 0.05),
                Carried(S.temperature, stack.airInletTemperature, "FCU_AirInletTemp", tolerance: 0.5),
                Carried(S.voltage, stack.voltage, "FCU_StackVoltage", tolerance: 0.05), Carried(S.current, stack.current, "FCU_StackCurrent", tolerance: 0.05),
                Carried(S.temperature, stack.coolantOutletTemperatures.first ?? 0xFF, "FCU_CoolantOutletTemp", tolerance: 0.5),
                Carried(H.sensorID, h.maxTemperatureProbe, "FCU_H2MaxTempProbe", tolerance: 0),
                Carried(H.sensorID, h.maxConcentrationSensor, "FCU_H2MaxConcSensor", tolerance: 0),
                Carried(H.sensorID, h.maxPressureSensor, "FCU_H2MaxPressSensor", tolerance: 0)])
            compared += values.count
            numbers.append([h.maxTemperatureProbe, h.maxConcentrationSensor, h.maxPressureSensor])
            if let current = values.decoded["FCU_StackCurrent"] { currents.append(current) }
        }
        print("GBT32960 service fcev-2025: \(reports.count) reports, \(compared) values equal to cantools'; hydrogen numbers \(numbers)")
        #expect(compared >= reports.count * 19 - 19, "\(compared) values compared in \(reports.count) reports")
        #expect(Self.numbersVary(numbers), "the probe and the concentration sensor never changed: \(numbers)")
        #expect(currents.contains { $0 > 0 }, "the stack delivered no current: \(currents)")
        let summary = try expectRtmConAgrees(try frames.map(Self.withoutFuelCellBodies).map(GBT32960StorageServiceTests.withTestSignature),
                                             python: python)
        print("GBT32960 service fcev-2025: rtm_con compared \(summary["fields"] ?? 0) fields of the other bodies")
    }

    /// rtm_con 1.0.4 cannot read a 2025 report with a 0x03 or 0x30 body that holds a 0xFF byte:
    /// it has no decoder for them, and its byte-by-byte fallback stops at the first 0xFF as if it
    /// were the signature marker (then reads a signature length out of the body). Every such body
    /// candor sends holds invalid sentinels (0xFF). So for rtm_con alone the report goes without
    /// those two bodies — the other bodies' bytes unchanged, checked by rtm_con; the two bodies
    /// themselves are checked above against cantools.
    static func withoutFuelCellBodies(_ entry: GBT32960PlatformProcess.Entry) throws -> GBT32960PlatformProcess.Entry {
        var message = try message(entry)
        guard message.edition == .v2025, case var .report(report) = message.payload else { return entry }
        report.items.removeAll { switch $0 { case .hydrogenSystem, .fuelCellStacks: true; default: false } }
        message.payload = .report(report)
        var stripped = entry
        stripped.hex = hex(message.frame.bytes)
        return stripped
    }

    /// rtm_con (separate process) decodes every frame the terminal sent, with candor's values.
    /// Returns its summary (`fields` compared, `whitelisted` deviations).
    @discardableResult
    func expectRtmConAgrees(_ frames: [GBT32960PlatformProcess.Entry], python: String) throws -> [String: Any] {
        var input = ""
        for entry in frames {
            let bytes = entry.bytes
            input += entry.hex! + "\t" + FrameInput.describe(LocatedFrame(bytes: bytes, checksumValid: true, location: [])).rendered + "\n"
        }
        let script = PythonOracle.repositoryRoot.appendingPathComponent("Tests/Oracle/gbt32960_rtm_con.py").path
        let runner = "import runpy, signal, sys; signal.alarm(300); sys.argv = [sys.argv[1]]; runpy.run_path(sys.argv[0], run_name='__main__')"
        let result = try PythonOracle.run(python, script: runner, arguments: [script], input: Data(input.utf8), timeout: 320)
        #expect(result.status == 0, "rtm_con: \(result.text) \(result.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: result.output) as? [String: Any], "\(result.errors)")
        #expect(summary["frames"] as? Int == frames.count && summary["mismatch_count"] as? Int == 0, "\(result.text)")
        return summary
    }

    @Test func anOutageOnTheVehiclesClockIsReissuedWithOriginalTimesNoneMissingNoneTwice() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let d = try drive("outage", platformArguments: ["--ack-reports", "--down", "{START}+30", "{START}+70"], python: python)
        let entries = try d.platform.entries()
        #expect(entries.contains { $0.event == "outage" }, "the platform never went down")
        let frames = entries.filter { $0.event == "frame" && $0.accepted }
        let reports = frames.filter { $0.command == 0x02 || $0.command == 0x03 }
        let times = reports.compactMap(\.time)
        #expect(Set(times).count == times.count, "a report arrived twice: \(times.sorted())")
        let t0 = try #require(times.min())
        #expect(times.sorted() == Array(stride(from: t0, through: times.max()!, by: 10)), "a report is missing")
        let outage = reports.filter { $0.time! >= d.start + 30 && $0.time! < d.start + 70 }
        #expect(outage.count == 4 && outage.allSatisfy { $0.command == 0x03 }, "\(outage.map { ($0.command, $0.time) })")
        // Each reissue carries its own collection time in its body, as rtm_con reads it too.
        try expectRtmConAgrees(frames, python: python)
        #expect(frames.filter { $0.command == 0x01 }.count >= 2)
    }

    /// A platform that accepts the connection and never answers: the replay is not held up (one
    /// bounded wait per unanswered request, not one per second), nothing is sent as real-time,
    /// and every report of the drive is left in the outbox for the next start.
    @Test func aStalledPlatformNeitherStallsTheReplayNorLosesAReport() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let d = try drive("stall", seconds: 60, platformArguments: ["--stall"], python: python)
        let frames = try d.platform.acceptedFrames()
        #expect(!frames.isEmpty && frames.allSatisfy { $0.command == 0x01 }, "\(frames.map(\.command))")
        #expect(d.statistics.sent[0x02] == nil && d.statistics.sent[0x03] == nil)
        #expect(d.left == 6 && d.statistics.realtimeStored == 6, "\(d.left) left, \(d.statistics.realtimeStored) stored")
        // One run-out wait per unanswered login (three, then the back-off), not one per tick.
        let logins = frames.count
        #expect(d.expiredWaits <= logins + 1, "\(d.expiredWaits) waits ran out for \(logins) logins")
    }

    static func alarm(_ message: Message) -> AlarmData? {
        guard case let .report(report) = message.payload else { return nil }
        for case let .alarm(a) in report.items { return a }
        return nil
    }

    /// A level-3 episode from the simulator (`--fault over-temperature@50+40`): the first report
    /// carrying level 3 comes at once (not on the 10 s grid), the 30 s of 1 s history before it
    /// arrive as reissue with their own times, and real-time reports follow every second for at
    /// least 30 s, with the over-temperature bit (1) set while level 3 holds.
    @Test func aLevelThreeFaultSendsTheThirtySecondsBeforeAsReissueThenOneSecondReports() throws {
        guard let python = PythonOracle.find(importing: ["cantools", "rtm_con"]) else { return }
        let d = try drive("level3", faults: [FaultSpec(kind: .overTemperature, start: 50, duration: 40)], python: python)
        let reports = try d.platform.acceptedFrames().filter { $0.command == 0x02 || $0.command == 0x03 }
        let decoded = try reports.map { ($0.command!, $0.time!, try #require(Self.alarm(try Self.message($0)))) }
        let first = try #require(decoded.first { $0.0 == 0x02 && $0.2.maxLevel == 3 }, "no level-3 report")
        let onset = first.1
        print("GBT32960 service level3: level 3 from \(onset - d.start) s")
        #expect(first.2.flags & (1 << 1) != 0)
        let history = decoded.filter { $0.0 == 0x03 && $0.1 >= onset - 30 && $0.1 < onset }.map(\.1)
        #expect(history == Array(onset - 30..<onset), "\(history.map { $0 - d.start })")
        let fast = decoded.filter { $0.0 == 0x02 && $0.1 >= onset && $0.1 < onset + 30 }.map(\.1)
        #expect(fast == Array(onset..<onset + 30), "\(fast.map { $0 - d.start })")
    }
}
