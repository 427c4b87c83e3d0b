import CANCore
import CANDatabase
import Telemetry

/// One periodic transmission: a message sent by one ECU with one identifier, compiled
/// once (signal sources in signal order, counter and checksum places, timing).
struct CompiledStream {
    var bus: Int
    var busName: String
    var messageIndex: Int
    var messageName: String
    /// Index into the per-(bus, message) silence tracking.
    var messageKey: Int
    var node: String
    var frameID: UInt32
    var isExtended: Bool
    var kind: CANFrame.Kind
    var fdFlags: CANFrame.FDFlags
    var length: Int
    /// Cycle time with this ECU's clock drift, ns.
    var cycleNs: Int64
    /// The DBC's cycle time, ns.
    var nominalCycleNs: Int64
    var jitterNs: Int64
    /// `sources[sourceStart ..< sourceStart + signalCount]` are this message's signals.
    var sourceStart: Int
    var signalCount: Int
    var counterSignal: Int
    var counterModulus: Int
    var checksumByte: Int
    var algorithm: ChecksumAlgorithm?
    /// Number of multiplexer groups this message cycles through (0: not multiplexed).
    var groupCount: Int
    /// For a multiplexed message whose groups are contiguous runs of signals: where group
    /// `g`'s run starts (`groupSpans[groupSpanStart + g]`), so that filling a frame touches
    /// only the always-present signals and one group; -1 when the layout is not so.
    var groupSpanStart: Int
    /// `observations[observationStart ..< + observationCount]` feed the truth.
    var observationStart: Int
    var observationCount: Int
    var isProtected: Bool { algorithm != nil }

    // Run-time state.
    var firstNs: Int64 = 0
    var sent = 0
    var nominalIndex: Int64 = 0
    var counter = 0
    var group = 0
    var random: SimulationRandom
}

/// One compiled signal source: what to evaluate, and (for multiplexed signals) the group
/// in which the signal is present.
struct CompiledSource {
    var source: SignalSource
    /// The multiplexer value that carries this signal; -1 when always present.
    var group: Int
    /// Physical value sent for `.constant` and for unbound signals.
    var constant: Double
}

/// What a written frame tells the truth recorder: the physical value the simulator put
/// into one mapped signal (read from its state before encoding, never from the bits).
struct Observation {
    enum Kind {
        case soc, minCellVoltage, maxCellVoltage, maxCellTemperature
        /// The driver-assistance events: the speed they happened at, ACC's state and the
        /// disengagement cause, AEB's state.
        case vehicleSpeed, accState, accCause, aebState
        case temperature(Int)
        case faultFlag(Int)
        /// A mapped role that only feeds `GroundTruth.samples`.
        case sampleOnly
    }
    var kind: Kind
    /// The signal's index in its message.
    var signal: Int
    /// Index into `CompiledVehicle.sampleNames`.
    var sample: Int
    /// The multiplexer group that carries the signal; -1 when always present.
    var group: Int
}

/// The messages of all buses of one vehicle, compiled for sending.
struct CompiledVehicle {
    var plans: [DecodePlan]
    var streams: [CompiledStream]
    var sources: [CompiledSource]
    var observations: [Observation]
    /// (bus, message name, DBC cycle) per silence-tracking key.
    var messageKeys: [(bus: Int, message: String, cycleNs: Int64)]
    var maxSignals: Int
    /// Per group of a multiplexed message: (first signal, count); see `groupSpanStart`.
    var groupSpans: [(first: Int, count: Int)]
    /// Per multiplexed stream: the signals present in every frame.
    var alwaysPresent: [[Int]]
    var temperatureNames: [String]
    var faultFlagKinds: [String]
    /// The config's names of the mapped signals (`soc`, `temperatures.motor`,
    /// `faults.insulation`, …), one per `GroundTruth.samples` series.
    var sampleNames: [String]

    init(_ definition: VehicleDefinition, random: SimulationRandom) throws(SimulationError) {
        var plans: [DecodePlan] = []
        var streams: [CompiledStream] = []
        var sources: [CompiledSource] = []
        var observations: [Observation] = []
        var keys: [(bus: Int, message: String, cycleNs: Int64)] = []
        var maxSignals = 0
        var groupSpans: [(first: Int, count: Int)] = []
        var alwaysPresent: [[Int]] = []
        var sampleNames: [String] = []
        func sampleIndex(_ name: String) -> Int {
            if let i = sampleNames.firstIndex(of: name) { return i }
            sampleNames.append(name)
            return sampleNames.count - 1
        }
        var streamRandom = random.derived(100)
        for (busIndex, bus) in definition.buses.enumerated() {
            let loaded = DBCParser.parse(Array(bus.dbcText.utf8), file: bus.dbcFile)
            if loaded.hasErrors {
                let first = loaded.diagnostics.first { $0.severity == .error }.map { "\($0)" } ?? ""
                throw SimulationError("\(bus.dbcFile) does not load: \(first)")
            }
            let plan = DecodePlan(loaded.database, options: DecodeOptions(matchJ1939ByPGN: bus.j1939))
            plans.append(plan)
            for (messageIndex, message) in loaded.database.messages.enumerated() {
                guard let cycle = message.cycleTime, cycle > 0 else { continue }
                let bound = definition.sources[message.name] ?? [:]
                for name in bound.keys {
                    precondition(message.signal(named: name) != nil, "\(definition.name): \(message.name) has no signal \(name)")
                }
                let sourceStart = sources.count
                var groups = 0
                for signal in message.signals {
                    var group = -1
                    if let condition = signal.multiplexer, let first = condition.ranges.first {
                        group = Int(first.lowerBound)
                        groups = max(groups, group + 1)
                    }
                    let rawStart = signal.startValue ?? 0
                    let constant = rawStart * signal.factor.doubleValue + signal.offset.doubleValue
                    let source = bound[signal.name] ?? .constant(constant)
                    sources.append(CompiledSource(source: source, group: group, constant: constant))
                }
                maxSignals = max(maxSignals, message.signals.count)
                // Contiguous groups: each group's signals form one run, in group order.
                var groupSpanStart = -1
                if groups > 0 {
                    var spans: [(first: Int, count: Int)] = Array(repeating: (-1, 0), count: groups)
                    var contiguous = true
                    var always: [Int] = []
                    for (j, compiled) in sources[sourceStart...].enumerated() {
                        let g = compiled.group
                        if g < 0 { always.append(j); continue }
                        if spans[g].first < 0 {
                            spans[g] = (j, 1)
                        } else if spans[g].first + spans[g].count == j {
                            spans[g].count += 1
                        } else {
                            contiguous = false
                        }
                    }
                    if contiguous && spans.allSatisfy({ $0.first >= 0 }) {
                        groupSpanStart = groupSpans.count
                        groupSpans.append(contentsOf: spans)
                        alwaysPresent.append(always)
                        groupSpanStart = groupSpanStart << 16 | (alwaysPresent.count - 1)
                    }
                }
                let protection = definition.protection[message.name]
                var counterSignal = -1, checksumByte = -1, modulus = 1
                if let protection {
                    guard let c = message.signals.firstIndex(where: { $0.name == protection.counterSignal }),
                          let k = message.signals.firstIndex(where: { $0.name == protection.checksumSignal }) else {
                        preconditionFailure("\(message.name): protection signals missing")
                    }
                    let checksum = message.signals[k]
                    let aligned = checksum.byteOrder == .littleEndian ? checksum.startBit % 8 == 0 : checksum.startBit % 8 == 7
                    precondition(checksum.length == 8 && aligned, "\(message.name): the checksum must be one whole byte")
                    counterSignal = c
                    checksumByte = checksum.startBit / 8
                    modulus = 1 << message.signals[c].length
                }
                let observationStart = observations.count
                func observe(_ ref: SignalReference?, _ kind: Observation.Kind, name: String) {
                    guard let ref, ref.bus == bus.interface, ref.message == message.name else { return }
                    guard let i = message.signals.firstIndex(where: { $0.name == ref.signal }) else {
                        preconditionFailure("\(definition.name): no signal \(ref.signal) in \(message.name)")
                    }
                    observations.append(Observation(kind: kind, signal: i, sample: sampleIndex(name), group: sources[sourceStart + i].group))
                }
                for role in SignalRole.allCases {
                    let kind: Observation.Kind
                    switch role {
                    case .soc: kind = .soc
                    case .minCellVoltage: kind = .minCellVoltage
                    case .maxCellVoltage: kind = .maxCellVoltage
                    case .maxCellTemperature: kind = .maxCellTemperature
                    case .vehicleSpeed: kind = .vehicleSpeed
                    case .accState: kind = .accState
                    case .accCause: kind = .accCause
                    case .aebState: kind = .aebState
                    default: kind = .sampleOnly
                    }
                    observe(definition.roles[role], kind, name: role.rawValue)
                }
                for (i, t) in definition.temperatures.enumerated() { observe(t.ref, .temperature(i), name: "temperatures." + t.name) }
                for (i, f) in definition.faultFlags.enumerated() { observe(f.ref, .faultFlag(i), name: "faults." + f.kind) }
                for (i, s) in definition.storageSubsystems.enumerated() {
                    observe(s.voltage, .sampleOnly, name: "storage_subsystems.\(i + 1).voltage")
                    observe(s.current, .sampleOnly, name: "storage_subsystems.\(i + 1).current")
                }
                let observationCount = observations.count - observationStart

                let isFD = message.isFD || message.length > 8
                let length = isFD ? CANDLC.fdLength(forDLC: CANDLC.dlc(forFDLength: min(64, message.length))) : min(8, message.length)
                let transmitters = definition.transmitters[message.name]
                    ?? [TransmitterOverride(node: message.senders.first ?? "Vector__XXX", frameID: message.id)]
                let key = keys.count
                let nominal = Int64(cycle) * 1_000_000
                keys.append((busIndex, message.name, nominal))
                for t in transmitters {
                    var rng = streamRandom.derived(UInt64(streams.count))
                    _ = streamRandom.next()
                    // Each ECU's oscillator is off by up to ±50 ppm; jitter up to 2 % of the cycle (≤ 0.5 ms).
                    let drift = rng.uniform(-50e-6, 50e-6)
                    let cycleNs = Int64((Double(nominal) * (1 + drift)).rounded())
                    var stream = CompiledStream(
                        bus: busIndex, busName: bus.interface, messageIndex: messageIndex, messageName: message.name,
                        messageKey: key, node: t.node, frameID: t.frameID, isExtended: message.isExtended,
                        kind: isFD ? .fd : .classic,
                        fdFlags: isFD ? (message.bitRateSwitch == false ? [.fdFormat] : [.fdFormat, .bitRateSwitch]) : [],
                        length: length, cycleNs: cycleNs, nominalCycleNs: nominal,
                        jitterNs: min(nominal / 50, 500_000),
                        sourceStart: sourceStart, signalCount: message.signals.count,
                        counterSignal: counterSignal, counterModulus: modulus, checksumByte: checksumByte,
                        algorithm: protection?.algorithm, groupCount: groups, groupSpanStart: groupSpanStart,
                        observationStart: observationStart, observationCount: observationCount,
                        random: rng)
                    stream.firstNs = Int64(rng.uniform(0, Double(nominal)))
                    stream.counter = Int(rng.next() % UInt64(modulus))
                    streams.append(stream)
                }
            }
        }
        precondition(streams.count < 1 << 16, "too many streams")
        self.plans = plans
        self.streams = streams
        self.sources = sources
        self.observations = observations
        self.messageKeys = keys
        self.maxSignals = maxSignals
        self.groupSpans = groupSpans
        self.alwaysPresent = alwaysPresent
        self.temperatureNames = definition.temperatures.map(\.name)
        self.faultFlagKinds = definition.faultFlags.map(\.kind)
        self.sampleNames = sampleNames
    }
}
