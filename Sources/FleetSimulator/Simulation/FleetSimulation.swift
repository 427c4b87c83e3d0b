import CANCore
import CANDatabase

/// A deterministic simulation of one demonstration vehicle: physics in 10 ms steps, every
/// DBC message at its cycle time (with the ECU's clock drift and jitter, and arbitration
/// delays on a busy bus), faults as asked, frames in event-time order across all buses.
///
/// The same options give the same frames, bit for bit: all randomness comes from
/// `SimulationRandom` seeded by `options.seed`, and the physics uses only IEEE-exact
/// operations and our own `sin`.
///
///     let simulation = try FleetSimulation(SimulationOptions(vehicle: .van, seed: 7))
///     let truth = try simulation.run { frame in try writer.write(frame) }
public final class FleetSimulation {
    public let options: SimulationOptions
    public let definition: VehicleDefinition
    public let trace: DriveTrace
    /// One decode plan per bus, in `definition.buses` order.
    public var plans: [DecodePlan] { vehicle.plans }
    let vehicle: CompiledVehicle
    let random: SimulationRandom

    public init(_ options: SimulationOptions) throws(SimulationError) {
        self.options = options
        let definition = options.vehicle.definition
        self.definition = definition
        let duration = options.effectiveDuration
        guard duration > 0, Int64(duration) * 1_000_000_000 < EventQueue.maxTime else {
            throw SimulationError("duration must be between 1 s and 72 h, got \(duration) s")
        }
        if options.cycle.charges && definition.chargerPowerKW == nil {
            throw SimulationError("the \(definition.name) has no charging inlet; choose another --cycle")
        }
        random = SimulationRandom(seed: options.seed)
        trace = options.cycle.trace(seconds: duration, style: definition.style, chargerPowerKW: definition.chargerPowerKW ?? 0,
                                   stopChargers: definition.stopChargers, random: random.derived(3))
        vehicle = try CompiledVehicle(definition, random: random)
        try Self.check(options.faults, definition: definition, vehicle: vehicle, duration: duration)
    }

    static func check(_ faults: [FaultSpec], definition: VehicleDefinition, vehicle: CompiledVehicle, duration: Int) throws(SimulationError) {
        let nodes = Set(vehicle.streams.map(\.node))
        let buses = definition.buses.map(\.interface)
        for f in faults {
            if f.start >= Double(duration) {
                throw SimulationError("fault \(f) starts after the capture ends (\(duration) s)")
            }
            guard let target = f.target else { continue }
            switch f.kind {
            case .silentECU:
                if !nodes.contains(target) {
                    throw SimulationError("fault \(f): no ECU \(target) on the \(definition.name); ECUs: \(nodes.sorted().joined(separator: ", "))")
                }
            case .busOff:
                if !buses.contains(target) {
                    throw SimulationError("fault \(f): no interface \(target) on the \(definition.name); interfaces: \(buses.joined(separator: ", "))")
                }
            case .badChecksum, .counterJump:
                if definition.protection[target] == nil {
                    throw SimulationError("fault \(f): \(target) carries no counter and checksum; protected: \(definition.protection.keys.sorted().joined(separator: ", "))")
                }
            case .overTemperature, .insulationDrop:
                throw SimulationError("fault \(f): \(f.kind.rawValue) takes no target")
            }
        }
    }

    /// Runs the simulation, handing every frame (data and error frames, in time order) to
    /// `emit`, and returns the ground truth. `progress`, when given, is called now and then
    /// with the simulated seconds so far (for a progress line; it must not block).
    public func run<E: Error>(progress: ((Int) -> Void)? = nil, _ emit: (CANFrame) throws(E) -> Void) throws(E) -> GroundTruth {
        var engine = SimulationEngine(simulation: self)
        return try engine.run(progress: progress, emit)
    }
}
