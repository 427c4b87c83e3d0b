import Testing
@testable import FleetSimulator

/// The bus's two parallel strings (`BMS_StringStatus`): along a drive (discharge, regeneration,
/// standstill) the strings' currents add up to the pack's, and each string's voltage is the sum
/// of its 192 cells' terminal voltages, against a naive sum over the model's cells; the strings
/// differ by their cells' spread. Fixed seeds 5 (trace) and 8 (model).
@Suite struct BatteryStringTests {
    @Test func theStringsShareThePackCurrentAndSumTheirCells() {
        let definition = FleetVehicle.bus.definition
        let battery = definition.parameters.battery
        #expect(battery.parallelStrings == 2 && battery.seriesCells == 192)
        let trace = DriveCycle.urban.trace(seconds: 90, style: definition.style, chargerPowerKW: 6, random: SimulationRandom(seed: 5))
        var model = PowertrainModel(parameters: definition.parameters, trace: trace, initialSOC: 0.7, faults: [], random: SimulationRandom(seed: 8))
        let reader = QuantityReader()
        var compared = 0, discharging = 0, charging = 0, largestGap = 0.0
        for step in 0..<90 * PowertrainModel.stepsPerSecond {
            model.advance()
            guard step % 50 == 0 else { continue }
            let s = model.state
            let currents = (0..<2).map { reader.stringCurrent($0, &model) }
            let voltages = (0..<2).map { reader.stringVoltage($0, &model) }
            #expect(abs(currents.reduce(0, +) - s.packCurrent) <= 1e-9 * max(1, abs(s.packCurrent)), "step \(step): \(currents) vs pack \(s.packCurrent)")
            for k in 0..<2 {
                var naive = 0.0
                for i in (k * 192)..<((k + 1) * 192) { naive += model.cells.cellVoltage(i, soc: s.soc, packCurrent: s.packCurrent) }
                #expect(abs(voltages[k] - naive) <= 1e-9, "step \(step) string \(k + 1): \(voltages[k]) vs \(naive)")
            }
            // Both strings are near the pack's voltage (the model's mean-SOC OCV less the drop).
            #expect(voltages.allSatisfy { abs($0 - s.packVoltage) < 2 }, "step \(step): \(voltages) vs pack \(s.packVoltage)")
            largestGap = max(largestGap, abs(voltages[0] - voltages[1]))
            if s.packCurrent > 1 { discharging += 1 }
            if s.packCurrent < -1 { charging += 1 }
            compared += 1
        }
        print("Bus strings: \(compared) steps (\(discharging) discharging, \(charging) regenerating); largest string voltage gap \(largestGap) V")
        #expect(compared == 180 && discharging > 0 && charging > 0 && largestGap > 0)
    }
}
