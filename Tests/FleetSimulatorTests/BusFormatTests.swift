import Testing
import CANCore
import CANDatabase
@testable import FleetSimulator

/// The bus's J1939 powertrain decodes by PGN, its ADAS network is CAN FD with 64-byte
/// frames and bit-rate switch, its cell voltages come through the multiplexed message.
@Suite struct BusFormatTests {
    @Test func j1939FramesDecodeByPGN() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .bus, cycle: .cWTVC, durationSeconds: 12, seed: 41), name: "j1939")
        let withPGN = c.simulation.plans[0]
        #expect(withPGN.options.matchJ1939ByPGN)
        let exact = DecodePlan(withPGN.database)
        let can0 = c.frames.filter { $0.bus == "can0" }
        #expect(can0.allSatisfy { $0.isExtended })
        var values = DecodedSignals(capacity: withPGN.maxSignalsPerMessage)
        for f in can0 {
            guard case .decoded = withPGN.decode(f, into: &values) else {
                Issue.record("undecoded J1939 frame \(String(f.id, radix: 16))")
                continue
            }
        }
        // DM1 from three source addresses, TSC1 to the motor controller: only PGN matching finds them.
        let dm1 = withPGN.messageIndex(named: "DM1")!
        let dm1Sources = Set(can0.filter { withPGN.messageIndex(for: $0) == dm1 }.map { $0.id & 0xFF })
        #expect(dm1Sources == [0x27, 0xEF, 0xF3])
        let tsc1 = can0.filter { withPGN.messageIndex(for: $0) == withPGN.messageIndex(named: "TSC1") }
        #expect(!tsc1.isEmpty && tsc1.allSatisfy { ($0.id >> 8) & 0xFF == 0xEF })
        #expect(tsc1.allSatisfy { exact.messageIndex(for: $0) == nil })
        #expect(!can0.filter { withPGN.messageIndex(for: $0) == dm1 }.contains { exact.messageIndex(for: $0) != nil })
        // Speed decodes sensibly (CCVS1, 1/256 km/h).
        let speed = c.series(SignalReference("can0", "CCVS1", "CCVS1_WheelBasedVehicleSpeed"))
        #expect(speed.count >= 100 && speed.allSatisfy { $0.value >= 0 && $0.value < 100 })
    }

    @Test func fdFramesAre64BytesWithBitRateSwitchAndDecode() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .bus, cycle: .highway, durationSeconds: 60, seed: 42), name: "fd")
        let can1 = c.frames.filter { $0.bus == "can1" && $0.kind != .error }
        #expect(can1.count > 1000)
        #expect(can1.allSatisfy { $0.kind == .fd && $0.length == 64 && $0.fdFlags.contains(.bitRateSwitch) })
        let plan = c.simulation.plans[1]
        var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
        for f in can1 {
            guard case .decoded = plan.decode(f, into: &values) else { Issue.record("undecoded FD frame"); continue }
        }
        let acc = c.series(SignalReference("can1", "ADAS_ACC", "ACC_State"))
        #expect(acc.contains { $0.value == 2 })  // ACC engages on the motorway
        let distance = c.series(SignalReference("can1", "ADAS_ACC", "ACC_TargetDistance"))
        #expect(distance.contains { $0.value > 20 })
    }

    @Test func everyCellVoltageArrivesThroughTheMultiplexedMessage() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .bus, cycle: .idle, durationSeconds: 3, seed: 43), name: "mux")
        let plan = c.simulation.plans[2]
        let m = plan.messageIndex(named: "BMS_CellVoltages")!
        var seen = Set<Int>()
        var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
        var minimum = Double.infinity, maximum = -Double.infinity
        for f in c.frames where f.bus == "can2" && plan.messageIndex(for: f) == m {
            guard case .decoded = plan.decode(f, into: &values) else { continue }
            for i in 0..<values.count {
                let name = plan.message(at: m).signals[values[i].signal].name
                guard name.hasPrefix("BMS_Cell"), name.hasSuffix("_V") else { continue }
                seen.insert(values[i].signal)
                minimum = min(minimum, values[i].value.doubleValue)
                maximum = max(maximum, values[i].value.doubleValue)
            }
        }
        #expect(seen.count == 384)
        #expect(minimum > 3.0 && maximum < 3.6 && maximum - minimum > 0.001)
    }
}
