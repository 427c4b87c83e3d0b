import FleetSimulator
import Gateway
import Telemetry
import Testing

/// Replaying a simulator bundle through the whole pipeline (config → DBCs → capture → decode
/// → telemetry) gives the figures the simulator recorded as ground truth (`truth.json`).
@Suite struct GoldenReplayTests {
    static let transportFaults: Set<String> = ["silent_ecu", "bus_off", "bad_checksum", "counter_jump"]

    static func faults(_ texts: [String]) throws -> [FaultSpec] {
        try texts.map { try FaultSpec(parsing: $0) }
    }

    @Test func vanWithEveryFault() throws {
        let options = SimulationOptions(
            vehicle: .van, cycle: .urban, durationSeconds: 120, seed: 11,
            faults: try Self.faults(["over-temperature@20+15", "insulation-drop@40+10", "silent-ecu:MCU@60+8",
                                     "bus-off@80+2", "bad-checksum:EHB_Status@95+1", "counter-jump@105+0.5"]))
        try check(SimulatedBundle(options, name: "van"))
    }

    @Test func busOnThreeBusesWithFaults() throws {
        let options = SimulationOptions(
            vehicle: .bus, cycle: .cWTVC, durationSeconds: 90, seed: 12,
            faults: try Self.faults(["over-temperature@10+15", "insulation-drop@30+10", "silent-ecu@45+6",
                                     "bus-off:can1@60+2", "bad-checksum@70+2", "counter-jump@80+0.5"]))
        try check(SimulatedBundle(options, name: "bus"))
    }

    @Test func fuelCellTruckWithFaults() throws {
        let options = SimulationOptions(
            vehicle: .fcev, cycle: .urban, durationSeconds: 90, seed: 13,
            faults: try Self.faults(["over-temperature@10+12", "insulation-drop@28+8", "silent-ecu@40+6",
                                     "bus-off@55+2", "bad-checksum@65+1", "counter-jump@75+0.5"]))
        try check(SimulatedBundle(options, name: "fcev"))
    }

    func check(_ bundle: SimulatedBundle) throws {
        let truth = bundle.truth
        let (result, _) = try bundle.replay()
        try #require(result.summaries.count == 1)
        let ours = result.summaries[0]
        print("\(truth.vehicle): distance \(ours.distanceKm) vs \(truth.distanceKm), traction \(ours.tractionEnergyKWh) vs \(truth.tractionEnergyKWh), regen \(ours.regenEnergyKWh) vs \(truth.regenEnergyKWh)")

        #expect(within(ours.distanceKm, truth.distanceKm), "distance_km")
        #expect(within(ours.tractionEnergyKWh, truth.tractionEnergyKWh), "traction_energy_kwh")
        #expect(within(ours.regenEnergyKWh, truth.regenEnergyKWh), "regen_energy_kwh")
        #expect(within(ours.chargeEnergyKWh, truth.chargeEnergyKWh), "charge_energy_kwh")
        #expect(ours.brakeApplications == truth.brakeApplications)
        #expect(ours.checksumErrors == truth.checksumErrors)
        #expect(ours.counterErrors == truth.counterErrors)
        #expect(truth.checksumErrors > 0 && truth.counterErrors > 0, "the bundle exercises the checks")
        #expect(Dictionary(uniqueKeysWithValues: ours.frames.map { ($0.name, $0.count) }) == truth.frames)
        #expect(Dictionary(uniqueKeysWithValues: ours.errorFrames.map { ($0.name, $0.count) }).filter { $0.value > 0 } == truth.errorFrames.filter { $0.value > 0 })
        #expect(result.outOfOrderFrames.allSatisfy { $0.count == 0 } && result.unknownBuses.isEmpty && result.lateFrames == 0)

        // Alarm episodes: same kinds, levels, and times within one cycle of the alarm message.
        let alarms = truth.faultEpisodes.filter { !Self.transportFaults.contains($0.kind) }
        #expect(alarms.count >= 2, "over-temperature and insulation alarms")
        #expect(ours.faultEpisodes.map(\.kind) == alarms.map(\.kind))
        for (a, t) in zip(ours.faultEpisodes, alarms) {
            let flag = bundle.definition.faultFlags.first { $0.kind == t.kind }!
            let cycle = try bundle.cycleSeconds(message: flag.ref.message, bus: flag.ref.bus)
            #expect(a.level == t.level, "\(t.kind) level")
            #expect(abs(seconds(a.start) - t.start) <= cycle, "\(t.kind) start \(seconds(a.start)) vs \(t.start)")
            #expect(abs(seconds(a.end) - t.end) <= cycle, "\(t.kind) end \(seconds(a.end)) vs \(t.end)")
        }

        // Silent-message episodes: the same (bus, message) episodes, start/end within one cycle.
        #expect(!truth.silentMessages.isEmpty, "silent ECU and bus-off give silent messages")
        let key = { (bus: String, message: String, start: Double) in "\(bus) \(message) \(Int(start))" }
        let oursSilent = ours.silentMessages.sorted { (seconds($0.start), $0.bus, $0.message) < (seconds($1.start), $1.bus, $1.message) }
        let truthSilent = truth.silentMessages.sorted { ($0.start, $0.bus, $0.message) < ($1.start, $1.bus, $1.message) }
        #expect(oursSilent.count == truthSilent.count)
        #expect(Set(oursSilent.map { key($0.bus, $0.message, seconds($0.start).rounded()) })
                == Set(truthSilent.map { key($0.bus, $0.message, $0.start.rounded()) }))
        for t in truthSilent {
            let cycle = try bundle.cycleSeconds(message: t.message, bus: t.bus)
            let match = oursSilent.first { $0.bus == t.bus && $0.message == t.message && abs(seconds($0.start) - t.start) <= cycle }
            #expect(match != nil, "silent \(t.bus) \(t.message) at \(t.start)")
            if let match { #expect(abs(seconds(match.end) - t.end) <= cycle, "silent \(t.bus) \(t.message) end") }
        }
    }

    func within(_ ours: Double, _ truth: Double) -> Bool {
        truth == 0 ? abs(ours) < 1e-3 : abs(ours - truth) <= 0.005 * abs(truth)
    }

    func seconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e9 }
}
