import Testing
import CANCore
@testable import FleetSimulator

/// Charging in the model: the power the charger offers, cut to what the battery accepts as
/// it fills (the taper), DC stops leaving the on-board charger idle, and the
/// `charging-stops` scenario's sessions as truth reports them.
@Suite struct ChargingTests {
    /// Plugged in for `seconds` from `soc`: (SOC, pack charging power kW, charge state) every
    /// 30 s of simulated time.
    func charge(_ vehicle: FleetVehicle, fromSOC soc: Double, powerKW: Double, dc: Bool, seconds: Int) -> [(soc: Double, kW: Double, state: Double)] {
        var trace = DriveTrace()
        trace.hold(2, .parked)
        trace.plugIn(seconds, powerKW: powerKW, dc: dc)
        var model = PowertrainModel(parameters: vehicle.definition.parameters, trace: trace, initialSOC: soc, faults: [], random: SimulationRandom(seed: 3))
        var out: [(soc: Double, kW: Double, state: Double)] = []
        for step in 0..<(seconds + 2) * PowertrainModel.stepsPerSecond {
            model.advance()
            if step % (30 * PowertrainModel.stepsPerSecond) == 0 { out.append((model.state.soc, model.state.chargePowerKW, model.state.chargeState)) }
        }
        return out
    }

    @Test func theBatteryAcceptsLessAsItFills() {
        // The van: 150 Ah. 1 C up to 55 %, 0.45 C at 80 %, 0.12 C at 95 %, 0.03 C at 98 %.
        let battery = FleetVehicle.van.definition.parameters.battery
        #expect(battery.chargeCurrentLimitA(soc: 0.2) == 150 && battery.chargeCurrentLimitA(soc: 0.55) == 150)
        #expect(abs(battery.chargeCurrentLimitA(soc: 0.8) - 67.5) < 1e-9 && abs(battery.chargeCurrentLimitA(soc: 0.95) - 18) < 1e-9)
        #expect(abs(battery.chargeCurrentLimitA(soc: 0.99) - 4.5) < 1e-9)
        var soc = 0.5, last = Double.infinity
        while soc <= 1 {
            let a = battery.chargeCurrentLimitA(soc: soc)
            #expect(a <= last && a > 0)
            last = a
            soc += 0.001
        }
    }

    @Test func dcPowerTapersAsThePackFills() {
        // The van on a 50 kW DC charger from 62 % for ten minutes: the battery, not the
        // charger, sets the power (≈ 0.85 C × 150 A × 335 V ≈ 43 kW), and it falls as the
        // SOC rises. About 2 s in a debug build.
        let samples = charge(.van, fromSOC: 0.62, powerKW: 50, dc: true, seconds: 600)
        let charging = samples.dropFirst().filter { $0.state == 1 }
        #expect(charging.count == 20)
        #expect(charging.first!.kW < 46 && charging.first!.kW > 38, "\(charging.first!)")
        for (a, b) in zip(charging, charging.dropFirst()) {
            #expect(b.soc > a.soc && b.kW < a.kW, "\(a) then \(b)")
        }
        #expect(charging.last!.soc > 0.68 && charging.last!.kW < 0.9 * charging.first!.kW, "\(charging.last!)")
        // Below 55 % the charger sets it: 50 kW.
        #expect(charge(.van, fromSOC: 0.4, powerKW: 50, dc: true, seconds: 30).last!.kW == 50)
    }

    @Test func theChargeCompletesAt98Percent() {
        let samples = charge(.van, fromSOC: 0.979, powerKW: 6.2, dc: false, seconds: 400)
        #expect(samples[1].state == 1 && samples[1].kW > 0 && samples[1].kW < 6.2)
        #expect(samples.last!.state == 2 && samples.last!.kW == 0)
    }

    @Test func acPowerStaysFlatUntilTheTop() {
        // 6.2 kW is 0.12 C for the van: the battery accepts it up to about 95 %.
        let samples = charge(.van, fromSOC: 0.9, powerKW: 6.2, dc: false, seconds: 120)
        #expect(samples.dropFirst().allSatisfy { abs($0.kW - 6.2) < 1e-9 })
    }

    @Test func dcStopLeavesTheOnBoardChargerIdle() throws {
        let simulation = try FleetSimulation(SimulationOptions(vehicle: .van, cycle: .chargingStops, seed: 1))
        let stops = simulation.trace.chargerStops
        #expect(stops.count == 2 && stops[0].dc && stops[0].powerKW == 50 && !stops[1].dc && stops[1].powerKW == 6.2)
        var trace = DriveTrace()
        trace.plugIn(20, powerKW: 50, dc: true)
        var model = PowertrainModel(parameters: simulation.definition.parameters, trace: trace, initialSOC: 0.5, faults: [], random: SimulationRandom(seed: 1))
        for _ in 0..<1000 { model.advance() }
        #expect(model.state.chargerIsDC && model.state.chargePowerKW == 50)
        let reader = QuantityReader()
        #expect(reader.value(.obcState, &model) == 0 && reader.value(.obcACCurrent, &model) == 0)
    }

    @Test func chargingStopsGiveAFastAndASlowSession() throws {
        var frames = 0
        let truth = try FleetSimulation(SimulationOptions(vehicle: .van, cycle: .chargingStops, seed: 1)).run { (_: CANFrame) in frames += 1 }
        #expect(truth.chargingSessions.count == 2)
        #expect(truth.chargingSessions.map(\.fast) == [true, false])
        // The DC stop is cut by the battery (≈ 0.67 C at 70 %), not the 50 kW charger.
        #expect(truth.chargingSessions[0].maxPowerKW > 30 && truth.chargingSessions[0].maxPowerKW < 45)
        #expect(truth.trips.count == 3 && truth.chargeEnergyKWh > 0.3)
        #expect(throws: SimulationError.self) { _ = try FleetSimulation(SimulationOptions(vehicle: .fcev, cycle: .chargingStops)) }
    }
}
