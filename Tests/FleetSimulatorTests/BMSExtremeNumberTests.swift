import Testing
@testable import FleetSimulator

/// The simulated BMS's numbers of its extreme cells and probes (`BMS_MaxCellIndex`,
/// `BMS_MinTempProbe`, the bus's `BMS_MaxCellNo`…) are the cells and probes its model has at the
/// extremes at that step: against a naive search over every cell's terminal voltage and every
/// probe's temperature, along a drive (discharge, regeneration, standstill).
@Suite struct BMSExtremeNumberTests {
    @Test(arguments: FleetVehicle.allCases)
    func theBMSNamesTheCellsAndProbesItsModelHasAtTheExtremes(vehicle: FleetVehicle) {
        let definition = vehicle.definition
        let trace = DriveCycle.urban.trace(seconds: 90, style: definition.style, chargerPowerKW: 6, random: SimulationRandom(seed: 5))
        var model = PowertrainModel(parameters: definition.parameters, trace: trace, initialSOC: 0.7, faults: [], random: SimulationRandom(seed: 8))
        let reader = QuantityReader()
        let cellCount = definition.parameters.battery.cellCount
        var maxCells: Set<Int> = [], minCells: Set<Int> = [], compared = 0
        for step in 0..<90 * PowertrainModel.stepsPerSecond {
            model.advance()
            guard step % 50 == 0 else { continue }
            let s = model.state
            let volts = (0..<cellCount).map { model.cells.cellVoltage($0, soc: s.soc, packCurrent: s.packCurrent) }
            let temps = model.cells.probeOffset.map { s.packTempC + $0 + s.temperatureFaultC }
            let naive = [volts.firstIndex(of: volts.max()!)!, volts.firstIndex(of: volts.min()!)!,
                         temps.firstIndex(of: temps.max()!)!, temps.firstIndex(of: temps.min()!)!].map { Double($0 + 1) }
            let sent = [Quantity.maxCellNumber, .minCellNumber, .maxTempProbe, .minTempProbe].map { reader.value($0, &model) }
            #expect(sent == naive, "\(vehicle) at step \(step): BMS \(sent), model \(naive)")
            #expect(reader.value(.maxCellVoltage, &model) == volts.max()! && reader.value(.minTempC, &model) == temps.min()!)
            maxCells.insert(Int(sent[0]))
            minCells.insert(Int(sent[1]))
            compared += 1
        }
        print("BMS extreme numbers, \(vehicle): \(compared) steps; highest cells \(maxCells.sorted()), lowest \(minCells.sorted()) of \(cellCount)")
        #expect(compared == 180)
    }
}
