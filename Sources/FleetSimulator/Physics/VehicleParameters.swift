/// The physical description of one vehicle: body, driveline, battery, optional fuel cell.
public struct VehicleParameters: Sendable {
    /// Kerb mass plus typical payload, kg.
    public var massKg: Double
    /// Equivalent mass of rotating parts as a factor on the mass (≈ 1.03–1.08).
    public var rotatingMassFactor: Double
    public var dragCoefficient: Double
    public var frontalAreaM2: Double
    public var rollingResistance: Double
    public var wheelRadiusM: Double
    /// Motor revolutions per wheel revolution.
    public var gearRatio: Double
    /// Battery-to-wheel efficiency when driving (inverter, motor, gears).
    public var drivetrainEfficiency: Double
    /// Wheel-to-battery efficiency when regenerating.
    public var regenEfficiency: Double
    public var maxMotorPowerKW: Double
    public var maxMotorTorqueNm: Double
    public var maxRegenPowerKW: Double
    /// High-voltage auxiliaries while ready (HVAC, air compressor, DC-DC), kW.
    public var auxiliaryPowerKW: Double
    /// Friction brake force per bar of wheel-brake pressure, N.
    public var brakeNewtonPerBar: Double
    /// Handwheel degrees per degree of road-wheel angle.
    public var steeringRatio: Double
    /// Scale of the driver-demand brake pressure: 1 for hydraulic brakes (8 bar at first
    /// touch), about 0.25 for a bus's air brakes.
    public var brakeDemandScale: Double
    public var battery: BatteryParameters
    public var fuelCell: FuelCellParameters?
    public var ambientC: Double
    /// Insulation resistance of a healthy high-voltage system, kΩ.
    public var insulationKOhm: Double

    public init(massKg: Double, rotatingMassFactor: Double, dragCoefficient: Double, frontalAreaM2: Double, rollingResistance: Double, wheelRadiusM: Double, gearRatio: Double, drivetrainEfficiency: Double, regenEfficiency: Double, maxMotorPowerKW: Double, maxMotorTorqueNm: Double, maxRegenPowerKW: Double, auxiliaryPowerKW: Double, brakeNewtonPerBar: Double, steeringRatio: Double, brakeDemandScale: Double = 1, battery: BatteryParameters, fuelCell: FuelCellParameters? = nil, ambientC: Double = 25, insulationKOhm: Double = 3500) {
        self.massKg = massKg
        self.rotatingMassFactor = rotatingMassFactor
        self.dragCoefficient = dragCoefficient
        self.frontalAreaM2 = frontalAreaM2
        self.rollingResistance = rollingResistance
        self.wheelRadiusM = wheelRadiusM
        self.gearRatio = gearRatio
        self.drivetrainEfficiency = drivetrainEfficiency
        self.regenEfficiency = regenEfficiency
        self.maxMotorPowerKW = maxMotorPowerKW
        self.maxMotorTorqueNm = maxMotorTorqueNm
        self.maxRegenPowerKW = maxRegenPowerKW
        self.auxiliaryPowerKW = auxiliaryPowerKW
        self.brakeNewtonPerBar = brakeNewtonPerBar
        self.steeringRatio = steeringRatio
        self.brakeDemandScale = brakeDemandScale
        self.battery = battery
        self.fuelCell = fuelCell
        self.ambientC = ambientC
        self.insulationKOhm = insulationKOhm
    }
}

/// A proton-exchange-membrane fuel-cell system with its hydrogen tanks.
public struct FuelCellParameters: Sendable {
    public var stackCells: Int
    /// Stack current at full power, A.
    public var maxCurrentA: Double
    /// Net power limits (after the air compressor), kW.
    public var maxNetPowerKW: Double
    public var idleNetPowerKW: Double
    /// Fraction of gross stack power the balance of plant takes (compressor, pumps).
    public var balanceOfPlantShare: Double
    /// How slowly the stack follows the power demand, s.
    public var responseTimeS: Double
    /// Buffer-battery SOC the power split aims for.
    public var targetSOC: Double
    public var tankCapacityKg: Double
    public var tankFullPressureMPa: Double
    public var tankFillFraction: Double
    public var dcdcEfficiency: Double

    public init(stackCells: Int, maxCurrentA: Double, maxNetPowerKW: Double, idleNetPowerKW: Double, balanceOfPlantShare: Double, responseTimeS: Double, targetSOC: Double, tankCapacityKg: Double, tankFullPressureMPa: Double, tankFillFraction: Double, dcdcEfficiency: Double) {
        self.stackCells = stackCells
        self.maxCurrentA = maxCurrentA
        self.maxNetPowerKW = maxNetPowerKW
        self.idleNetPowerKW = idleNetPowerKW
        self.balanceOfPlantShare = balanceOfPlantShare
        self.responseTimeS = responseTimeS
        self.targetSOC = targetSOC
        self.tankCapacityKg = tankCapacityKg
        self.tankFullPressureMPa = tankFullPressureMPa
        self.tankFillFraction = tankFillFraction
        self.dcdcEfficiency = dcdcEfficiency
    }

    /// Cell voltage at a fraction `x` of the maximum current (a simple polarisation curve:
    /// activation and ohmic losses).
    func cellVoltage(currentFraction x: Double) -> Double {
        0.93 - 0.12 * x - 0.05 * max(0, x).squareRoot()
    }

    /// Stack voltage at current `amps`.
    func stackVoltage(current amps: Double) -> Double {
        Double(stackCells) * cellVoltage(currentFraction: amps / maxCurrentA)
    }

    /// The stack current that delivers `grossW` (bisection: monotone on 0…max current).
    func current(forGrossPower grossW: Double) -> Double {
        guard grossW > 0 else { return 0 }
        var lo = 0.0, hi = maxCurrentA
        for _ in 0..<40 {
            let mid = (lo + hi) / 2
            if stackVoltage(current: mid) * mid < grossW { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
