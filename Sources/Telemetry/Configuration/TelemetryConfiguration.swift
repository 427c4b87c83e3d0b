import CANDatabase

/// What the aggregator needs to know, as typed values: the vehicles, their buses with the
/// decode plan's message table, and the rules for windows, health, trips and days.
///
/// The rules are the values `candor.yaml` is parsed into (`FleetRules`, `VehicleRules`,
/// `BusRules`): the gateway's config entries hold the same values, so resolving a config adds
/// the message tables and copies no field. Tests build it by hand. `TelemetryLayout` resolves
/// it against the message tables and reports every name that does not resolve, with its key path.
public struct TelemetryConfiguration: Sendable {
    public var vehicles: [VehicleConfiguration]
    public var rules: FleetRules

    public init(vehicles: [VehicleConfiguration], rules: FleetRules = FleetRules()) {
        self.vehicles = vehicles
        self.rules = rules
    }
}

/// The rules every vehicle's figures follow (`windows:`, `health:`, `day:`).
public struct FleetRules: Sendable, Hashable {
    /// Signal window lengths in nanoseconds, epoch-aligned (default 1 s and 60 s).
    public var windowLengths: [Int64]
    public var health: HealthRules
    /// Offset from UTC, in seconds, of the local midnight where per-day figures roll over.
    public var dayUTCOffsetSeconds: Int64

    public init(
        windowLengths: [Int64] = [1_000_000_000, 60_000_000_000],
        health: HealthRules = HealthRules(),
        dayUTCOffsetSeconds: Int64 = 0
    ) {
        self.windowLengths = windowLengths
        self.health = health
        self.dayUTCOffsetSeconds = dayUTCOffsetSeconds
    }
}

/// Message-health thresholds (`health:` in the config).
public struct HealthRules: Sendable, Hashable {
    /// A gap longer than `timeoutFactor` × period counts one timeout.
    public var timeoutFactor: Double
    /// A gap longer than `silentAfter` × period (and longer than `minimumSilentGap`) is a
    /// silent-message episode from last frame + period to the next frame.
    public var silentAfter: Double
    /// Nanoseconds; the shortest gap that can be a silent episode.
    public var minimumSilentGap: Int64
    /// Inter-arrival times averaged to learn a period when the message has no cycle time.
    public var learnFrames: Int

    public init(timeoutFactor: Double = 2.0, silentAfter: Double = 5, minimumSilentGap: Int64 = 1_000_000_000, learnFrames: Int = 20) {
        precondition(timeoutFactor > 1 && silentAfter >= timeoutFactor && learnFrames >= 2, "inconsistent health rules")
        self.timeoutFactor = timeoutFactor
        self.silentAfter = silentAfter
        self.minimumSilentGap = minimumSilentGap
        self.learnFrames = learnFrames
    }
}

/// One vehicle: its buses and its rules.
public struct VehicleConfiguration: Sendable {
    public var name: String
    public var buses: [BusConfiguration]
    public var rules: VehicleRules

    public init(name: String, buses: [BusConfiguration], rules: VehicleRules = VehicleRules()) {
        self.name = name
        self.buses = buses
        self.rules = rules
    }
}

/// What a vehicle's operations figures are made of (`vehicles.<id>`): the semantic map,
/// extra temperatures, fault flags, and the trip and brake rules.
public struct VehicleRules: Sendable, Hashable {
    public var signals: SemanticMap
    /// Extra temperatures whose maxima are reported, by name, in the order given.
    public var temperatures: [Temperature]
    /// Fault flags by kind, in the order given.
    public var faults: [Fault]
    public var trips: TripRule
    public var brake: BrakeRule

    /// `temperatures.<name>`: a temperature signal by name (`motor`, `controller`, ...).
    public struct Temperature: Sendable, Hashable {
        public var name: String
        public var reference: SignalReference
        public init(name: String, reference: SignalReference) {
            self.name = name
            self.reference = reference
        }
    }

    /// `faults.<kind>`: a fault flag by kind (`FaultKinds.all`).
    public struct Fault: Sendable, Hashable {
        public var kind: String
        public var flag: FaultFlag
        public init(kind: String, flag: FaultFlag) {
            self.kind = kind
            self.flag = flag
        }
    }

    public init(
        signals: SemanticMap = SemanticMap(),
        temperatures: [Temperature] = [],
        faults: [Fault] = [],
        trips: TripRule = TripRule(), brake: BrakeRule = BrakeRule()
    ) {
        self.signals = signals
        self.temperatures = temperatures
        self.faults = faults
        self.trips = trips
        self.brake = brake
    }

    /// The temperature named `name` (the first, as the config keys are unique), or nil.
    public func temperature(_ name: String) -> SignalReference? {
        temperatures.first { $0.name == name }?.reference
    }
}

/// One bus: its interface name, its rules, and the decode plan's message table.
public struct BusConfiguration: Sendable {
    /// The interface name as SocketCAN and captures write it (`can0`).
    public var interface: String
    public var rules: BusRules
    /// The decode plan's message table: index `i` here is the plan's message index `i`.
    public var messages: [Message]

    public init(interface: String, rules: BusRules, messages: [Message]) {
        self.interface = interface
        self.rules = rules
        self.messages = messages
    }
}

/// How a bus's frames are judged (`vehicles.<id>.buses.<if>`): its bit rates, for the bus
/// load, and the per-message rules.
public struct BusRules: Sendable, Hashable {
    /// Nominal bit rate, bit/s.
    public var bitrate: Int
    /// CAN FD data-phase bit rate, bit/s; nil when none is configured (see `dataPhaseBitrate`).
    public var dataBitrate: Int?
    /// Per-message rules by message name.
    public var messageRules: [String: MessageRules]

    public init(bitrate: Int, dataBitrate: Int? = nil, messageRules: [String: MessageRules] = [:]) {
        precondition(bitrate > 0 && (dataBitrate ?? bitrate) > 0, "bit rates must be positive")
        self.bitrate = bitrate
        self.dataBitrate = dataBitrate
        self.messageRules = messageRules
    }

    /// The rate of the data phase of frames with the bit-rate switch set: `dataBitrate`, or
    /// the nominal rate when none is configured.
    public var dataPhaseBitrate: Int { dataBitrate ?? bitrate }
}

/// `buses.<if>.messages.<name>`: cycle override, rolling counter and checksum checks.
public struct MessageRules: Sendable, Hashable {
    /// Expected period in nanoseconds; overrides `GenMsgCycleTime`.
    public var cycle: Int64?
    public var counter: CounterRule?
    public var checksum: ChecksumRule?

    public init(cycle: Int64? = nil, counter: CounterRule? = nil, checksum: ChecksumRule? = nil) {
        self.cycle = cycle
        self.counter = counter
        self.checksum = checksum
    }
}

/// A rolling counter: each frame's counter is the previous one plus one, modulo `modulus`.
public struct CounterRule: Sendable, Hashable {
    public var signal: String
    /// `nil`: 2^(signal length).
    public var modulus: Int?
    public init(signal: String, modulus: Int? = nil) {
        self.signal = signal
        self.modulus = modulus
    }
}

/// A checksum byte computed over the message's other bytes.
public struct ChecksumRule: Sendable, Hashable {
    public var signal: String
    public var algorithm: ChecksumAlgorithm
    public init(signal: String, algorithm: ChecksumAlgorithm) {
        self.signal = signal
        self.algorithm = algorithm
    }
}

/// Where a semantic value lives, and how its physical value becomes the canonical unit:
/// `canonical = value × scale + offset`.
public struct SignalReference: Sendable, Hashable {
    public var bus: String
    public var message: String
    public var signal: String
    public var scale: Double
    public var offset: Double

    public init(bus: String, message: String, signal: String, scale: Double = 1, offset: Double = 0) {
        self.bus = bus
        self.message = message
        self.signal = signal
        self.scale = scale
        self.offset = offset
    }
}

/// A two-state signal (ready, charging): on when the value is one of `onValues`, or non-zero
/// when `onValues` is empty.
public struct StateReference: Sendable, Hashable {
    public var reference: SignalReference
    public var onValues: [Double]
    public init(_ reference: SignalReference, onValues: [Double] = []) {
        self.reference = reference
        self.onValues = onValues
    }

    func isOn(_ value: Double) -> Bool {
        onValues.isEmpty ? value != 0 : onValues.contains(value)
    }
}

/// Sign convention of the pack current signal.
public enum CurrentDirection: String, Sendable, Hashable {
    /// Current out of the pack (discharge) is positive.
    case discharge
    /// Current into the pack (charge) is positive.
    case charge
}

/// A fault flag: the level is the signal's value (0 none, 1…3), or a fixed level for any
/// non-zero value.
public struct FaultFlag: Sendable, Hashable {
    public enum Level: Sendable, Hashable {
        case fromValue
        case fixed(Int)
    }
    public var reference: SignalReference
    public var level: Level
    public init(_ reference: SignalReference, level: Level = .fromValue) {
        self.reference = reference
        self.level = level
    }
}

/// How trips start and end (`trips:`).
public struct TripRule: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A trip is the time the ready signal is on.
        case ready
        /// A trip starts when speed exceeds `movingSpeed` and ends after `idleEnd` of standing.
        case speed
    }
    /// `nil`: `.ready` when a ready signal is mapped, else `.speed`.
    public var kind: Kind?
    /// km/h; also separates driving from idle time.
    public var movingSpeed: Double
    /// Nanoseconds of standing that end a `.speed` trip.
    public var idleEnd: Int64
    /// km; shorter trips are dropped.
    public var minimumDistance: Double

    public init(kind: Kind? = nil, movingSpeed: Double = 1.0, idleEnd: Int64 = 300_000_000_000, minimumDistance: Double = 0.01) {
        self.kind = kind
        self.movingSpeed = movingSpeed
        self.idleEnd = idleEnd
        self.minimumDistance = minimumDistance
    }
}

/// Brake applications: a rising edge above `onAbove`, re-armed below `offBelow` (bar).
public struct BrakeRule: Sendable, Hashable {
    public var onAbove: Double
    public var offBelow: Double
    public init(onAbove: Double = 5.0, offBelow: Double = 2.0) {
        precondition(offBelow <= onAbove, "brake hysteresis: off_below must not exceed on_above")
        self.onAbove = onAbove
        self.offBelow = offBelow
    }
}
