/// Cell chemistry: the open-circuit voltage curve over state of charge.
public enum CellChemistry: Sendable {
    /// Lithium iron phosphate: a flat plateau near 3.3 V.
    case lfp
    /// Nickel manganese cobalt: 3.0 … 4.2 V, steeper.
    case nmc

    /// (SOC, OCV) breakpoints, SOC in 0…1, volts; linear in between.
    var ocvTable: [(soc: Double, volts: Double)] {
        switch self {
        case .lfp:
            return [(0, 2.80), (0.05, 3.10), (0.10, 3.20), (0.20, 3.24), (0.30, 3.27), (0.40, 3.29),
                    (0.50, 3.30), (0.60, 3.31), (0.70, 3.32), (0.80, 3.33), (0.90, 3.35), (0.95, 3.38), (1.0, 3.50)]
        case .nmc:
            return [(0, 3.00), (0.05, 3.35), (0.10, 3.45), (0.20, 3.55), (0.30, 3.62), (0.40, 3.68),
                    (0.50, 3.74), (0.60, 3.81), (0.70, 3.89), (0.80, 3.97), (0.90, 4.07), (0.95, 4.12), (1.0, 4.20)]
        }
    }
}

/// A traction battery: cells in series strings, strings in parallel, with a fixed spread
/// of state of charge and resistance from cell to cell, and temperature probes.
public struct BatteryParameters: Sendable {
    public var chemistry: CellChemistry
    public var seriesCells: Int
    public var parallelStrings: Int
    /// Capacity of one cell, Ah.
    public var cellCapacityAh: Double
    /// DC internal resistance of one cell, Ω.
    public var cellResistanceOhm: Double
    /// Heat capacity of the pack, J/K.
    public var heatCapacityJPerK: Double
    /// Heat removed per kelvin above the coolant, W/K.
    public var coolingWPerK: Double
    public var temperatureProbes: Int
    /// Half-width of the uniform SOC spread between cells (0.01 = ±1 %).
    public var socSpread: Double
    /// Half-width of the uniform resistance spread (0.1 = ±10 %).
    public var resistanceSpread: Double

    public init(chemistry: CellChemistry, seriesCells: Int, parallelStrings: Int, cellCapacityAh: Double, cellResistanceOhm: Double, heatCapacityJPerK: Double, coolingWPerK: Double, temperatureProbes: Int, socSpread: Double = 0.012, resistanceSpread: Double = 0.12) {
        self.chemistry = chemistry
        self.seriesCells = seriesCells
        self.parallelStrings = parallelStrings
        self.cellCapacityAh = cellCapacityAh
        self.cellResistanceOhm = cellResistanceOhm
        self.heatCapacityJPerK = heatCapacityJPerK
        self.coolingWPerK = coolingWPerK
        self.temperatureProbes = temperatureProbes
        self.socSpread = socSpread
        self.resistanceSpread = resistanceSpread
    }

    public var cellCount: Int { seriesCells * parallelStrings }
    public var capacityAh: Double { cellCapacityAh * Double(parallelStrings) }
    public var packResistanceOhm: Double { cellResistanceOhm * Double(seriesCells) / Double(parallelStrings) }
    /// Nominal energy, kWh (at the OCV of 50 % SOC).
    public var nominalEnergyKWh: Double { capacityAh * Double(seriesCells) * BatteryCells.ocv(chemistry, soc: 0.5) / 1000 }

    /// The charge current the BMS accepts at `soc`, A: the pack's C-rate falls as it fills
    /// (constant current up to 55 %, then tapering like the constant-voltage phase of a
    /// CC-CV charge: 1 C → 0.45 C at 80 %, → 0.12 C at 95 %, → 0.03 C at 98 %, where the
    /// charge completes).
    public func chargeCurrentLimitA(soc: Double) -> Double {
        let knots: [(soc: Double, cRate: Double)] = [(0.55, 1.0), (0.80, 0.45), (0.95, 0.12), (0.98, 0.03)]
        var cRate = knots[knots.count - 1].cRate
        if soc <= knots[0].soc {
            cRate = knots[0].cRate
        } else {
            for (a, b) in zip(knots, knots.dropFirst()) where soc <= b.soc {
                cRate = a.cRate + (b.cRate - a.cRate) * (soc - a.soc) / (b.soc - a.soc)
                break
            }
        }
        return cRate * capacityAh
    }
}

/// The cells of one battery: each cell's fixed deviations, drawn once from the seed.
public struct BatteryCells: Sendable {
    public let parameters: BatteryParameters
    /// Per cell: SOC offset and resistance factor. Cell `i` is in string `i / seriesCells`.
    let socOffset: [Double]
    let resistanceFactor: [Double]
    /// Per temperature probe: offset from the pack's mean temperature, °C.
    let probeOffset: [Double]
    let maxProbeOffset: Double
    let minProbeOffset: Double
    private let ocvSOC: [Double]
    private let ocvVolts: [Double]

    public init(_ parameters: BatteryParameters, random: SimulationRandom) {
        self.parameters = parameters
        var rng = random
        var soc: [Double] = []
        var res: [Double] = []
        for _ in 0..<parameters.cellCount {
            soc.append(rng.uniform(-parameters.socSpread, parameters.socSpread))
            res.append(1 + rng.uniform(-parameters.resistanceSpread, parameters.resistanceSpread))
        }
        socOffset = soc
        resistanceFactor = res
        var probes: [Double] = []
        for i in 0..<parameters.temperatureProbes {
            // Probes near the pack's middle run warmer than those near the cooling plate's inlet.
            let position = Double(i) / Double(max(1, parameters.temperatureProbes - 1))
            probes.append(-1.5 + 3.0 * position * (1 - position) * 2 + rng.uniform(-0.6, 0.6))
        }
        probeOffset = probes
        maxProbeOffset = probes.max() ?? 0
        minProbeOffset = probes.min() ?? 0
        ocvSOC = parameters.chemistry.ocvTable.map(\.soc)
        ocvVolts = parameters.chemistry.ocvTable.map(\.volts)
    }

    /// Open-circuit voltage of one cell at `soc` (clamped to 0…1).
    public func ocv(soc: Double) -> Double {
        let s = min(1, max(0, soc))
        var i = 1
        while i < ocvSOC.count - 1 && ocvSOC[i] < s { i += 1 }
        let f = (s - ocvSOC[i - 1]) / (ocvSOC[i] - ocvSOC[i - 1])
        return ocvVolts[i - 1] + (ocvVolts[i] - ocvVolts[i - 1]) * f
    }

    static func ocv(_ chemistry: CellChemistry, soc: Double) -> Double {
        let table = chemistry.ocvTable
        let s = min(1, max(0, soc))
        var i = 1
        while i < table.count - 1 && table[i].soc < s { i += 1 }
        let f = (s - table[i - 1].soc) / (table[i].soc - table[i - 1].soc)
        return table[i - 1].volts + (table[i].volts - table[i - 1].volts) * f
    }

    /// The current of parallel string `string` (0-based) when the pack carries `packCurrent` A
    /// (positive = discharging): the model shares it equally between the strings (their cells'
    /// resistance spread is not fed back into the split), so the strings' currents add up to the
    /// pack's.
    public func stringCurrent(_ string: Int, packCurrent: Double) -> Double {
        precondition((0..<parameters.parallelStrings).contains(string), "no string \(string)")
        return packCurrent / Double(parameters.parallelStrings)
    }

    /// Terminal voltage of cell `index` with the pack at `soc` carrying `packCurrent` A
    /// (positive = discharging). Cell `index` is in string `index / seriesCells`.
    public func cellVoltage(_ index: Int, soc: Double, packCurrent: Double) -> Double {
        let cellCurrent = stringCurrent(index / parameters.seriesCells, packCurrent: packCurrent)
        return ocv(soc: soc + socOffset[index]) - cellCurrent * parameters.cellResistanceOhm * resistanceFactor[index]
    }

    /// The voltage of parallel string `string` (0-based): the sum of its cells' terminal
    /// voltages, as its cell monitors measure it. The strings differ by their cells' spread.
    public func stringVoltage(_ string: Int, soc: Double, packCurrent: Double) -> Double {
        let first = string * parameters.seriesCells
        var sum = 0.0
        for i in first..<(first + parameters.seriesCells) { sum += cellVoltage(i, soc: soc, packCurrent: packCurrent) }
        return sum
    }

    /// The lowest and highest cell voltage and their 1-based cell numbers.
    public func extremes(soc: Double, packCurrent: Double) -> (minV: Double, minCell: Int, maxV: Double, maxCell: Int) {
        var lo = Double.infinity, hi = -Double.infinity
        var loIndex = 0, hiIndex = 0
        for i in 0..<parameters.cellCount {
            let v = cellVoltage(i, soc: soc, packCurrent: packCurrent)
            if v < lo { lo = v; loIndex = i }
            if v > hi { hi = v; hiIndex = i }
        }
        return (lo, loIndex + 1, hi, hiIndex + 1)
    }

    /// Open-circuit voltage of the whole pack (series sum at the mean SOC).
    public func packOCV(soc: Double) -> Double { ocv(soc: soc) * Double(parameters.seriesCells) }

    /// The current that draws `powerW` from the pack at `soc` (positive = discharge):
    /// the smaller root of R·I² − OCV·I + P = 0.
    public func current(forPower powerW: Double, soc: Double) -> Double {
        let e = packOCV(soc: soc)
        let r = parameters.packResistanceOhm
        let discriminant = max(0, e * e - 4 * r * powerW)
        return (e - discriminant.squareRoot()) / (2 * r)
    }
}
