/// What `candor simulate` was asked for.
public struct SimulationOptions: Sendable {
    public var vehicle: FleetVehicle
    public var cycle: DriveCycle
    /// Whole seconds; nil for the scenario's natural length.
    public var durationSeconds: Int?
    public var seed: UInt64
    public var faults: [FaultSpec]
    /// The capture's clock at t = 0, seconds since the Unix epoch (default 2026-01-01 00:00:00 UTC).
    public var startEpochSeconds: Int64

    public init(vehicle: FleetVehicle, cycle: DriveCycle? = nil, durationSeconds: Int? = nil, seed: UInt64 = 1, faults: [FaultSpec] = [], startEpochSeconds: Int64 = 1_767_225_600) {
        self.vehicle = vehicle
        self.cycle = cycle ?? vehicle.defaultCycle
        self.durationSeconds = durationSeconds
        self.seed = seed
        self.faults = faults
        self.startEpochSeconds = startEpochSeconds
    }

    public var effectiveDuration: Int { durationSeconds ?? cycle.naturalDuration }
}

extension FleetVehicle {
    /// The scenario each vehicle drives when `--cycle` is not given.
    public var defaultCycle: DriveCycle {
        switch self {
        case .van: return .cltcP
        case .bus: return .cWTVC
        case .fcev: return .cWTVC
        }
    }
}

/// Why a simulation cannot be set up (bad arguments, a DBC that does not load).
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
