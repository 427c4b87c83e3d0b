import Testing
import CANCore
@testable import FleetSimulator

/// The capture, decoded with candor's own decode plan, gives the figures in truth.json.
@Suite struct GroundTruthTests {
    func check(_ c: SimulatedCapture, charging: Bool = false) {
        let d = c.simulation.definition
        let speed = c.series(d.roles[.vehicleSpeed]!)
        let distance = integrate(speed) / 3600
        print("\(d.name): distance decoded \(distance) km, truth \(c.truth.distanceKm) km")
        #expect(c.truth.distanceKm == 0 || abs(distance / c.truth.distanceKm - 1) < 0.005)

        let volts = c.series(d.roles[.packVoltage]!)
        let amps = c.series(d.roles[.packCurrent]!)
        #expect(volts.count == amps.count)
        let power = zip(volts, amps).map { (t: $0.t, value: $0.value * $1.value) }
        var chargingAt: [(t: Double, value: Double)] = []
        if let ref = d.roles[.charging] { chargingAt = c.series(ref) }
        // Split by the charging state most recently reported at each power sample.
        var traction = [(t: Double, value: Double)](), regen = traction, charge = traction
        var k = 0
        var isCharging = false
        for p in power {
            while k < chargingAt.count && chargingAt[k].t <= p.t {
                isCharging = d.chargingOnValues.contains(Int(chargingAt[k].value))
                k += 1
            }
            traction.append((p.t, isCharging ? 0 : max(0, p.value)))
            regen.append((p.t, isCharging ? 0 : max(0, -p.value)))
            charge.append((p.t, isCharging ? max(0, -p.value) : 0))
        }
        let kWh = { (xs: [(t: Double, value: Double)]) in integrate(xs) / 3_600_000 }
        print("\(d.name): traction \(kWh(traction)) / \(c.truth.tractionEnergyKWh), regen \(kWh(regen)) / \(c.truth.regenEnergyKWh), charge \(kWh(charge)) / \(c.truth.chargeEnergyKWh) kWh")
        func near(_ a: Double, _ b: Double) -> Bool { b == 0 ? abs(a) < 1e-6 : abs(a / b - 1) < 0.005 }
        #expect(near(kWh(traction), c.truth.tractionEnergyKWh))
        #expect(near(kWh(regen), c.truth.regenEnergyKWh))
        #expect(near(kWh(charge), c.truth.chargeEnergyKWh))
        if charging { #expect(c.truth.chargeEnergyKWh > 0.1) } else { #expect(c.truth.regenEnergyKWh > 0) }

        // Truth holds the physical values; candor's decode sees them on the signal's raw
        // grid: within half the factor.
        func near(_ decoded: Double?, _ truth: Double?, _ role: SignalRole) -> Bool {
            guard let decoded, let truth else { return false }
            return abs(decoded - truth) <= c.halfStep(d.roles[role]!)
        }
        let soc = c.series(d.roles[.soc]!)
        #expect(near(soc.first?.value, c.truth.socStart, .soc))
        #expect(near(soc.last?.value, c.truth.socEnd, .soc))
        #expect(near(c.series(d.roles[.minCellVoltage]!).map(\.value).min(), c.truth.minCellVoltageV, .minCellVoltage))
        #expect(near(c.series(d.roles[.maxCellVoltage]!).map(\.value).max(), c.truth.maxCellVoltageV, .maxCellVoltage))
        #expect(near(c.series(d.roles[.maxCellTemperature]!).map(\.value).max(), c.truth.maxCellTempC, .maxCellTemperature))
        #expect(c.truth.faultEpisodes.isEmpty && c.truth.silentMessages.isEmpty)
        let dataFrames = c.frames.filter { $0.kind != .error }.count
        #expect(dataFrames == c.truth.frames.values.reduce(0, +))
    }

    @Test func vanCLTC() throws {
        check(try SimulatedCapture(SimulationOptions(vehicle: .van, cycle: .cltcP, durationSeconds: 300, seed: 11), name: "van-cltc"))
    }

    @Test func vanDepotCharging() throws {
        check(try SimulatedCapture(SimulationOptions(vehicle: .van, cycle: .depotCharging, durationSeconds: 240, seed: 12), name: "van-charge"), charging: true)
    }

    @Test func busCWTVC() throws {
        check(try SimulatedCapture(SimulationOptions(vehicle: .bus, cycle: .cWTVC, durationSeconds: 100, seed: 13), name: "bus-cwtvc"))
    }

    @Test func busDepotCharging() throws {
        check(try SimulatedCapture(SimulationOptions(vehicle: .bus, cycle: .depotCharging, durationSeconds: 60, seed: 14), name: "bus-charge"), charging: true)
    }

    @Test func fuelCellHighway() throws {
        check(try SimulatedCapture(SimulationOptions(vehicle: .fcev, cycle: .highway, durationSeconds: 180, seed: 15), name: "fcev-highway"))
    }

    /// Hydrogen in truth (the model's tank) against the stack current the frames carry,
    /// integrated by Faraday's law (330 cells, 2 electrons per H₂, M = 2.016 g/mol,
    /// F = 96 485 C/mol): within 1 %. The vehicles without a fuel cell report none.
    @Test func hydrogenFollowsTheStackCurrent() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .fcev, cycle: .urban, durationSeconds: 120, seed: 1), name: "fcev-h2")
        let current = c.series(SignalReference("can0", "FCU_Status", "FCU_StackCurrent"))
        let kgPerAmpereSecond = 330 * 2.016e-3 / (2 * 96_485)
        let kg = integrate(current) * kgPerAmpereSecond
        let truth = try #require(c.truth.hydrogenKg)
        print("fcev urban 120 s: hydrogen from the stack current \(kg) kg, truth \(truth) kg")
        #expect(truth > 0.005 && abs(kg / truth - 1) < 0.01)
        #expect(String(decoding: Array(c.truth.json().utf8), as: UTF8.self).contains("\"hydrogen_kg\": "))
        let van = try SimulatedCapture(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 10, seed: 1), name: "van-h2")
        #expect(van.truth.hydrogenKg == nil && !van.truth.json().contains("hydrogen_kg"))
    }

    @Test func brakeApplicationsAndTripsFollowTheSignals() throws {
        let c = try SimulatedCapture(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 600, seed: 16), name: "van-urban")
        let d = c.simulation.definition
        // Rising edges with the config's hysteresis.
        var applications = 0
        var on = false
        for p in c.series(d.roles[.brakePressure]!) {
            if !on && p.value > d.brakeHysteresis.onAbove { on = true; applications += 1 }
            if on && p.value < d.brakeHysteresis.offBelow { on = false }
        }
        #expect(applications == c.truth.brakeApplications)
        #expect(applications > 5)
        // Trips: ready on/off edges, each within one VCU cycle of the truth.
        var starts: [Double] = []
        var ready = false
        for p in c.series(d.roles[.ready]!) {
            let now = d.readyOnValues.contains(Int(p.value))
            if now && !ready { starts.append(p.t) }
            ready = now
        }
        #expect(c.truth.trips.count >= 2)  // deliveries switch the van off
        for trip in c.truth.trips {
            #expect(starts.contains { abs($0 - trip.start) < 0.05 })
        }
    }
}
