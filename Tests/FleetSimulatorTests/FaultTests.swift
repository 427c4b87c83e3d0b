import Testing
import CANCore
import CANDatabase
@testable import FleetSimulator
import Telemetry

/// Every fault asked for is in truth.json and visible in the capture.
@Suite struct FaultTests {
    static let faults = [
        "over-temperature@20+15", "insulation-drop@40+10", "silent-ecu:MCU@55+8",
        "bus-off@70+2", "bad-checksum:EHB_Status@80+1", "counter-jump@85+0.5",
    ]

    @Test func everyKindAppearsInTruthAndInTheCapture() throws {
        let specs = try Self.faults.map { try FaultSpec(parsing: $0) }
        let c = try SimulatedCapture(SimulationOptions(vehicle: .van, cycle: .cltcP, durationSeconds: 100, seed: 21, faults: specs), name: "faults")
        let d = c.simulation.definition
        let t0 = c.truth.captureStart
        func episode(_ kind: String) -> GroundTruth.FaultEpisode? { c.truth.faultEpisodes.first { $0.kind == kind } }

        // Alarms: the episode in truth is where the alarm frames say so.
        for (kind, start, end) in [("over_temperature", 20.0, 35.0), ("insulation", 40.0, 50.0)] {
            let e = try #require(episode(kind), "\(kind) missing from truth")
            let flag = d.faultFlags.first { $0.kind == kind }!.ref
            let on = c.series(flag).filter { $0.value >= 1 }
            #expect(on.first.map { abs($0.t - e.start) < 1e-6 } == true)
            #expect(abs(e.start - (t0 + start)) < 0.6 && abs(e.end - (t0 + end)) < 0.6, "\(kind) \(e)")
            #expect(on.allSatisfy { $0.t >= e.start && $0.t < e.end })
        }
        #expect(c.truth.maxCellTempC! >= 55)

        // Silent ECU: no MCU message between 55 s and 63 s, and silent_messages says so.
        let silent = try #require(episode("silent_ecu"))
        #expect(silent.target == "MCU")
        for name in ["MCU_Status", "MCU_Power", "MCU_Temperature"] {
            let inside = c.payloads(bus: "can0", message: name).filter { $0.t >= t0 + 55 && $0.t < t0 + 63 }
            #expect(inside.isEmpty, "\(name)")
            #expect(c.truth.silentMessages.contains { $0.message == name }, "\(name)")
        }

        // Bus-off: error frames (bus-off class) and no data frames for 2 s.
        #expect(episode("bus_off") != nil)
        let errors = c.frames.filter { $0.kind == .error }
        #expect(errors.contains { CANErrorClass(rawValue: $0.id).contains(.busOff) })
        #expect(errors.contains { CANErrorClass(rawValue: $0.id).contains(.restarted) })
        #expect(errors.count == c.truth.errorFrames["can0"])
        let busOff = errors.first { CANErrorClass(rawValue: $0.id).contains(.busOff) }!.timestamp.timeInterval
        #expect(!c.frames.contains { $0.kind != .error && $0.timestamp.timeInterval > busOff && $0.timestamp.timeInterval < t0 + 72 })

        // Bad checksums and counter jumps: counted in the capture exactly as in truth.
        #expect(episode("bad_checksum") != nil && episode("counter_jump") != nil)
        let (checksums, counters) = ProtectionCheck.failures(c)
        #expect(checksums == c.truth.checksumErrors && checksums > 50)
        #expect(counters == c.truth.counterErrors && counters > 50)
    }

    @Test func badFaultTargetsAreRefused() throws {
        for text in ["silent-ecu:ABS@10", "bus-off:can7@10", "bad-checksum:VCU_Status@10", "over-temperature:BMS@10", "bus-off@9999"] {
            let spec = try FaultSpec(parsing: text)
            #expect(throws: SimulationError.self, "\(text)") {
                _ = try FleetSimulation(SimulationOptions(vehicle: .van, durationSeconds: 60, faults: [spec]))
            }
        }
        #expect(throws: SimulationError.self) { _ = try FleetSimulation(SimulationOptions(vehicle: .fcev, cycle: .depotCharging)) }
    }
}

/// Counter and checksum checking, written from the DBC comments' definitions
/// (independently of the simulator's own implementation).
enum ProtectionCheck {
    static func crc8J1850(_ bytes: [UInt8]) -> UInt8 {
        var crc: UInt16 = 0xFF
        for b in bytes {
            crc ^= UInt16(b)
            for _ in 0..<8 { crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x1D) & 0xFF : (crc << 1) & 0xFF }
        }
        return UInt8(crc ^ 0xFF)
    }

    /// (checksum failures, counter failures) over every protected message of the capture.
    static func failures(_ c: SimulatedCapture) -> (Int, Int) {
        var checksums = 0, counters = 0
        let d = c.simulation.definition
        for bus in d.buses {
            let plan = c.simulation.plans[c.busIndex(bus.interface)]
            for (name, p) in d.protection.sorted(by: { $0.key < $1.key }) {
                guard let m = plan.messageIndex(named: name) else { continue }
                let message = plan.message(at: m)
                let counterIndex = message.signals.firstIndex { $0.name == p.counterSignal }!
                let checksumSignal = message.signal(named: p.checksumSignal)!
                let byte = checksumSignal.startBit / 8
                var previous: UInt64?
                for (_, frame) in c.payloads(bus: bus.interface, message: name) {
                    var bytes = frame.bytes
                    let sent = bytes.remove(at: byte)
                    let expected = p.algorithm == .crc8SAEJ1850 ? crc8J1850(bytes) : bytes.reduce(0, ^)
                    if sent != expected { checksums += 1 }
                    let counter = plan.raw(signal: counterIndex, messageIndex: m, in: frame.data)!
                    if let previous, counter != (previous + 1) % 16 { counters += 1 }
                    previous = counter
                }
            }
        }
        return (checksums, counters)
    }
}

@Suite struct ProtectionTests {
    /// The simulator's table-driven checksums are Telemetry's definitions: check values, and
    /// equal results on random payloads for every algorithm (seed printed).
    @Test func checksumTableComputesTelemetrysAlgorithms() {
        let text = Array("123456789".utf8)
        let table = ChecksumTable()
        let checkValues: [(Telemetry.ChecksumAlgorithm, UInt8)] = [(.crc8SAEJ1850, 0x4B), (.crc8SAEJ1850Zero, 0x37), (.xor8, 0x31), (.sum8, 0xDD)]
        text.withUnsafeBytes { bytes in
            for (algorithm, expected) in checkValues {
                #expect(table.checksum(algorithm, bytes, count: 9, skipping: -1) == expected, "\(algorithm)")
            }
        }
        #expect(ProtectionCheck.crc8J1850(text) == 0x4B)
        let seed: UInt64 = 0x5eed_c4ec_6500_0001
        print("checksum table seed \(seed)")
        var random = SimulationRandom(seed: seed)
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...64, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            let skip = Int.random(in: -1..<count, using: &random)
            bytes.withUnsafeBytes { raw in
                for algorithm in Telemetry.ChecksumAlgorithm.allCases {
                    #expect(table.checksum(algorithm, raw, count: count, skipping: skip) == algorithm.checksum(raw, count: count, skipping: skip))
                }
            }
        }
    }

    @Test(arguments: FleetVehicle.allCases)
    func everyCounterAndChecksumIsValidWithoutFaults(vehicle: FleetVehicle) throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: vehicle, cycle: .urban, durationSeconds: 40, seed: 31), name: "protect-\(vehicle.rawValue)")
        let (checksums, counters) = ProtectionCheck.failures(c)
        #expect(checksums == 0 && counters == 0)
        #expect(c.truth.checksumErrors == 0 && c.truth.counterErrors == 0)
        #expect(!c.simulation.definition.protection.isEmpty)
    }
}
