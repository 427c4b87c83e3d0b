import CANDatabase

/// A configuration name that does not resolve: the key path, what was expected, what was found.
public struct TelemetryConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// For example `vehicles.van01.signals.vehicle_speed.signal`.
    public var keyPath: String
    public var expected: String
    public var found: String

    public init(keyPath: String, expected: String, found: String) {
        self.keyPath = keyPath
        self.expected = expected
        self.found = found
    }

    public var description: String { "\(keyPath): expected \(expected), found \(found)" }
}

/// The roles of the semantic map the operations figures read; the other roles of
/// `SemanticMap.keyedReferences` only the GB/T 32960 terminal reads. The raw value is the
/// role's staging slot (`StagedRoles`).
enum MapRole: Int, CaseIterable, Sendable {
    case vehicleSpeed, packVoltage, packCurrent, soc, minCellVoltage, maxCellVoltage
    case maxCellTemperature, minCellTemperature, brakePressure, steeringAngle, ready, charging
    /// The stack current, bound only when the stack's cells are configured (hydrogen consumed).
    case fuelCellCurrent
    case ambientTemperature
    /// Driver assistance (coded): ACC's state and disengagement cause, AEB's state.
    case accState, accCause, aebState

    /// The role's key under `signals:`, as `SemanticMap.keyedReferences` pairs it with its reference.
    var key: String {
        switch self {
        case .vehicleSpeed: "vehicle_speed"
        case .packVoltage: "pack_voltage"
        case .packCurrent: "pack_current"
        case .soc: "soc"
        case .minCellVoltage: "min_cell_voltage"
        case .maxCellVoltage: "max_cell_voltage"
        case .maxCellTemperature: "max_cell_temperature"
        case .minCellTemperature: "min_cell_temperature"
        case .brakePressure: "brake_pressure"
        case .steeringAngle: "steering_angle"
        case .ready: "ready"
        case .charging: "charging"
        case .fuelCellCurrent: "fuel_cell_current"
        case .ambientTemperature: "ambient_temperature"
        case .accState: "acc_state"
        case .accCause: "acc_cause"
        case .aebState: "aeb_state"
        }
    }

    static let byKey = Dictionary(uniqueKeysWithValues: allCases.map { ($0.key, $0) })
}

extension SemanticMap {
    /// The keys of the roles the operations figures read (the aggregator binds them), in the
    /// order of `keyedReferences`.
    public static let operationsKeys = MapRole.allCases.map(\.key)
}

/// What a semantic binding feeds.
enum Role: Sendable, Hashable {
    case map(MapRole)
    case temperature(Int)
    case fault(Int)
}

/// One signal slot feeding one role of one vehicle. Slots with several roles chain via `next`.
struct RoleBinding: Sendable {
    var vehicle: Int
    var role: Role
    var scale: Double
    var offset: Double
    var next: Int
}

/// Per-message facts resolved once.
///
/// Only plain values (no strings) so that the hot path copies nothing reference-counted;
/// names live in `TelemetryLayout.messageNames`.
struct MessageSlot: Sendable {
    var vehicle: Int
    var bus: Int
    var signalBase: Int
    var signalCount: Int
    var dbcLength: Int
    var expectedPeriod: Int64
    var periodSource: PeriodSource
    /// Signal index of the rolling counter, or -1.
    var counterSignal: Int
    var counterModulus: Int
    /// Payload byte of the checksum, or -1.
    var checksumByte: Int
    var checksumAlgorithm: ChecksumAlgorithm
}

/// The configuration resolved against the message tables: flat slot tables indexed by
/// (bus, message, signal), so that the aggregator finds everything by integer arithmetic.
///
///     global message index = bus.messageBase + plan message index
///     global signal slot   = message.signalBase + signal index in the message
public struct TelemetryLayout: Sendable {
    public let configuration: TelemetryConfiguration
    struct BusSlot: Sendable {
        var vehicle: Int
        /// The bus's index among its vehicle's buses.
        var local: Int
        var messageBase: Int
        var messageCount: Int
        var bitrate: Int
        var dataBitrate: Int
    }
    let buses: [BusSlot]
    let busInterfaces: [String]
    let messages: [MessageSlot]
    let messageNames: [String]
    let signalNames: [String]
    /// The global message index of each signal slot.
    let signalMessage: [Int]
    /// First role binding of each signal slot, or -1.
    let roleHead: [Int]
    let bindings: [RoleBinding]
    let tripRules: [TripRule.Kind]

    public var busCount: Int { buses.count }
    public var messageCount: Int { messages.count }
    public var signalCount: Int { signalNames.count }

    /// The bus index for an interface name, as frames carry it.
    public func busIndex(interface: String) -> Int? {
        busInterfaces.firstIndex(of: interface)
    }

    public init(_ configuration: TelemetryConfiguration) throws(TelemetryConfigurationError) {
        self.configuration = configuration
        var buses: [BusSlot] = []
        var busInterfaces: [String] = []
        var messages: [MessageSlot] = []
        var messageNames: [String] = []
        var signalNames: [String] = []
        var seen: Set<String> = []
        for (v, vehicle) in configuration.vehicles.enumerated() {
            for bus in vehicle.buses {
                let busPath = "vehicles.\(vehicle.name).buses.\(bus.interface)"
                guard seen.insert(bus.interface).inserted else {
                    throw TelemetryConfigurationError(keyPath: busPath, expected: "an interface used once in the file", found: "a second bus \"\(bus.interface)\"")
                }
                let b = buses.count
                busInterfaces.append(bus.interface)
                buses.append(BusSlot(vehicle: v, local: buses.filter { $0.vehicle == v }.count, messageBase: messages.count, messageCount: bus.messages.count, bitrate: bus.rules.bitrate, dataBitrate: bus.rules.dataPhaseBitrate))
                for name in bus.rules.messageRules.keys.sorted() where !bus.messages.contains(where: { $0.name == name }) {
                    throw TelemetryConfigurationError(keyPath: "\(busPath).messages.\(name)", expected: "a message of the bus's DBC", found: "\"\(name)\"")
                }
                for message in bus.messages {
                    let rules = bus.rules.messageRules[message.name] ?? MessageRules()
                    let path = "\(busPath).messages.\(message.name)"
                    var slot = MessageSlot(
                        vehicle: v, bus: b, signalBase: signalNames.count,
                        signalCount: message.signals.count, dbcLength: message.length,
                        expectedPeriod: 0, periodSource: .unknown, counterSignal: -1, counterModulus: 0,
                        checksumByte: -1, checksumAlgorithm: .xor8)
                    if let cycle = rules.cycle {
                        slot.expectedPeriod = cycle
                        slot.periodSource = .configured
                    } else if let ms = message.cycleTime, ms > 0 {
                        slot.expectedPeriod = Int64(ms) * 1_000_000
                        slot.periodSource = .database
                    }
                    if let counter = rules.counter {
                        guard let i = message.signals.firstIndex(where: { $0.name == counter.signal }) else {
                            throw TelemetryConfigurationError(keyPath: "\(path).counter.signal", expected: "a signal of \(message.name)", found: "\"\(counter.signal)\"")
                        }
                        let length = message.signals[i].length
                        slot.counterSignal = i
                        slot.counterModulus = counter.modulus ?? (length >= 62 ? Int.max : 1 << length)
                        guard slot.counterModulus >= 2 else {
                            throw TelemetryConfigurationError(keyPath: "\(path).counter.modulus", expected: "an integer ≥ 2", found: "\(slot.counterModulus)")
                        }
                    }
                    if let checksum = rules.checksum {
                        guard let signal = message.signal(named: checksum.signal) else {
                            throw TelemetryConfigurationError(keyPath: "\(path).checksum.signal", expected: "a signal of \(message.name)", found: "\"\(checksum.signal)\"")
                        }
                        let aligned = signal.byteOrder == .littleEndian ? signal.startBit % 8 == 0 : signal.startBit % 8 == 7
                        guard signal.length == 8, aligned, signal.startBit / 8 < message.length else {
                            throw TelemetryConfigurationError(keyPath: "\(path).checksum.signal", expected: "an 8-bit, byte-aligned signal", found: "\(signal.length) bits at bit \(signal.startBit)")
                        }
                        slot.checksumByte = signal.startBit / 8
                        slot.checksumAlgorithm = checksum.algorithm
                    }
                    messages.append(slot)
                    messageNames.append(message.name)
                    signalNames.append(contentsOf: message.signals.map(\.name))
                }
            }
        }
        self.buses = buses
        self.busInterfaces = busInterfaces
        self.messages = messages
        self.messageNames = messageNames
        self.signalNames = signalNames
        var signalMessage: [Int] = []
        signalMessage.reserveCapacity(signalNames.count)
        for (m, message) in messages.enumerated() {
            signalMessage.append(contentsOf: repeatElement(m, count: message.signalCount))
        }
        self.signalMessage = signalMessage

        var roleHead = [Int](repeating: -1, count: signalNames.count)
        var bindings: [RoleBinding] = []
        var tripRules: [TripRule.Kind] = []
        /// The signal slot `reference` names.
        func locate(_ reference: SignalReference, vehicle v: Int, keyPath: String) throws(TelemetryConfigurationError) -> Int {
            let vehicle = configuration.vehicles[v]
            guard let b = buses.indices.first(where: { busInterfaces[$0] == reference.bus && buses[$0].vehicle == v }) else {
                throw TelemetryConfigurationError(keyPath: "\(keyPath).bus", expected: "a bus of vehicle \(vehicle.name)", found: "\"\(reference.bus)\"")
            }
            let bus = buses[b]
            guard let m = messageNames[bus.messageBase..<(bus.messageBase + bus.messageCount)].lastIndex(of: reference.message) else {
                throw TelemetryConfigurationError(keyPath: "\(keyPath).message", expected: "a message of the DBC on \(reference.bus)", found: "\"\(reference.message)\"")
            }
            let message = messages[m]
            guard let s = signalNames[message.signalBase..<(message.signalBase + message.signalCount)].firstIndex(of: reference.signal) else {
                throw TelemetryConfigurationError(keyPath: "\(keyPath).signal", expected: "a signal of \(reference.message) on \(reference.bus)", found: "\"\(reference.signal)\"")
            }
            return s
        }
        func bind(_ reference: SignalReference, vehicle v: Int, role: Role, keyPath: String) throws(TelemetryConfigurationError) {
            let s = try locate(reference, vehicle: v, keyPath: keyPath)
            bindings.append(RoleBinding(vehicle: v, role: role, scale: reference.scale, offset: reference.offset, next: roleHead[s]))
            roleHead[s] = bindings.count - 1
        }
        for (v, vehicle) in configuration.vehicles.enumerated() {
            let p = "vehicles.\(vehicle.name).signals"
            let map = vehicle.rules.signals
            // The roles the operations figures read are bound (the stack current only with the
            // stack's cells: hydrogen consumed); the others (the odometer, the motor, the fuel
            // cell, the pedals, the series…, which only the GB/T 32960 terminal reads) are resolved
            // too, so a misspelled name is a config error at load, not a field sent as invalid forever.
            var bound: Set<String> = []
            for (key, reference) in map.keyedReferences {
                guard let role = MapRole.byKey[key], role != .fuelCellCurrent || map.fuelCellCells != nil else { continue }
                try bind(reference, vehicle: v, role: .map(role), keyPath: "\(p).\(key)")
                bound.insert(key)
            }
            for (key, reference) in map.keyedReferences where !bound.contains(key) {
                _ = try locate(reference, vehicle: v, keyPath: "\(p).\(key)")
            }
            for case let (series?, key) in [(map.cellVoltages, "cell_voltages"), (map.probeTemperatures, "probe_temperatures")] {
                for reference in series.references { _ = try locate(reference, vehicle: v, keyPath: "\(p).\(key)") }
            }
            for (i, subsystem) in map.storageSubsystems.enumerated() {
                _ = try locate(subsystem.voltage, vehicle: v, keyPath: "\(p).storage_subsystems.\(i).voltage")
                _ = try locate(subsystem.current, vehicle: v, keyPath: "\(p).storage_subsystems.\(i).current")
            }
            for (i, temperature) in vehicle.rules.temperatures.enumerated() {
                try bind(temperature.reference, vehicle: v, role: .temperature(i), keyPath: "vehicles.\(vehicle.name).temperatures.\(temperature.name)")
            }
            for (i, fault) in vehicle.rules.faults.enumerated() {
                try bind(fault.flag.reference, vehicle: v, role: .fault(i), keyPath: "vehicles.\(vehicle.name).faults.\(fault.kind)")
            }
            let kind = vehicle.rules.trips.kind ?? (map.ready != nil ? .ready : .speed)
            if kind == .ready && map.ready == nil {
                throw TelemetryConfigurationError(keyPath: "vehicles.\(vehicle.name).trips.rule", expected: "`speed`, or a mapped `signals.ready`", found: "`ready` without a ready signal")
            }
            tripRules.append(kind)
        }
        self.roleHead = roleHead
        self.bindings = bindings
        self.tripRules = tripRules
    }
}
