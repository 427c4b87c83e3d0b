import CANCore
import CANDatabase
import Telemetry

/// The event loop behind `FleetSimulation.run`: pops the next transmission, brings the
/// physics up to its time, encodes, protects, emits and records. Nothing allocates per
/// frame: values go through one preallocated buffer, payloads are inline.
struct SimulationEngine {
    static var stepNs: Int64 { 10_000_000 }

    let simulation: FleetSimulation
    let initialStreams: [CompiledStream]
    let sources: [CompiledSource]
    let observations: [Observation]
    let groupSpans: [(first: Int, count: Int)]
    let alwaysPresent: [[Int]]
    let plans: [DecodePlan]
    let endNs: Int64
    let epochSeconds: Int64
    var model: PowertrainModel
    let reader = QuantityReader()
    var truth: TruthRecorder
    let windows: FaultWindows
    /// Nanoseconds each stream's frame occupies its bus.
    let busyNs: [Int64]
    var busFreeAt: [Int64]
    let checksums = ChecksumTable()

    init(simulation: FleetSimulation) {
        self.simulation = simulation
        let options = simulation.options
        let vehicle = simulation.vehicle
        initialStreams = vehicle.streams
        sources = vehicle.sources
        observations = vehicle.observations
        groupSpans = vehicle.groupSpans
        alwaysPresent = vehicle.alwaysPresent
        plans = vehicle.plans
        endNs = Int64(options.effectiveDuration) * 1_000_000_000
        epochSeconds = options.startEpochSeconds
        let definition = simulation.definition
        model = PowertrainModel(
            parameters: definition.parameters, trace: simulation.trace,
            initialSOC: definition.initialSOC(options.cycle), faults: options.faults, random: simulation.random.derived(4))
        truth = TruthRecorder(
            truth: GroundTruth(vehicle: definition.name, cycle: options.cycle.rawValue, seed: options.seed,
                               durationSeconds: options.effectiveDuration, captureStart: Double(options.startEpochSeconds)),
            definition: definition, vehicle: vehicle)
        windows = FaultWindows(options.faults, definition: definition, endNs: endNs)
        busyNs = vehicle.streams.map { s in
            let bus = definition.buses[s.bus]
            let nominalRate = Double(bus.bitrate)
            if s.kind == .fd {
                let dataRate = Double(bus.dataBitrate ?? bus.bitrate)
                let nominalBits = Double(s.isExtended ? 49 : 30)
                let dataBits = Double(8 * s.length + 37)
                return Int64(((nominalBits / nominalRate + dataBits / dataRate) * 1.05 * 1e9).rounded())
            }
            let bits = Double((s.isExtended ? 67 : 47) + 8 * s.length) * 1.1
            return Int64((bits / nominalRate * 1e9).rounded())
        }
        busFreeAt = Array(repeating: 0, count: definition.buses.count)
    }

    mutating func advancePhysics(to ns: Int64) {
        let step = Int(ns / Self.stepNs)
        while model.step < step {
            model.advance()
            truth.integrate(model)
        }
    }

    func timestamp(_ ns: Int64) -> CANTimestamp {
        CANTimestamp(seconds: epochSeconds + ns / 1_000_000_000, nanoseconds: UInt32(ns % 1_000_000_000), fractionDigits: 6)
    }

    mutating func run<E: Error>(progress: ((Int) -> Void)?, _ emit: (CANFrame) throws(E) -> Void) throws(E) -> GroundTruth {
        var sinceProgress = 0
        var streams = initialStreams
        var queue = EventQueue(capacity: streams.count)
        for (i, s) in streams.enumerated() { queue.push(time: s.firstNs, stream: i) }
        let maxSignals = max(1, streams.map(\.signalCount).max() ?? 1)
        let values = UnsafeMutableBufferPointer<Double>.allocate(capacity: maxSignals)
        values.initialize(repeating: 0)
        defer { values.deallocate() }
        let errorFrames = windows.errorFrames
        var nextError = 0

        while let (t, si) = queue.first, t < endNs {
            // Error frames due before this frame.
            while nextError < errorFrames.count && errorFrames[nextError].ns <= t {
                try emitError(errorFrames[nextError], emit)
                nextError += 1
            }
            let bus = streams[si].bus
            // Arbitration: the bus is busy with an earlier frame; try again when it is free.
            if t < busFreeAt[bus] {
                queue.replaceFirst(time: busFreeAt[bus], stream: si)
                continue
            }
            // Schedule this stream's next transmission (nominal grid + drift + jitter).
            streams[si].nominalIndex += 1
            let jitterNs = streams[si].jitterNs
            let jitter = jitterNs > 0 ? Int64(streams[si].random.next() % UInt64(2 * jitterNs + 1)) - jitterNs : 0
            let next = max(t + 1, streams[si].firstNs + streams[si].nominalIndex * streams[si].cycleNs + jitter)
            queue.replaceFirst(time: next, stream: si)

            let tUs = t / 1000 * 1000
            if windows.isSilenced(streams[si], at: t) { continue }
            advancePhysics(to: t)
            busFreeAt[bus] = t + busyNs[si]
            let frame = encode(&streams[si], values: values, at: tUs)
            try emit(frame)
            truth.frameWritten(bus: bus, messageKey: streams[si].messageKey, at: tUs)
            if let progress {
                sinceProgress += 1
                if sinceProgress == 1 << 20 {
                    sinceProgress = 0
                    progress(Int(t / 1_000_000_000))
                }
            }
        }
        while nextError < errorFrames.count && errorFrames[nextError].ns < endNs {
            try emitError(errorFrames[nextError], emit)
            nextError += 1
        }
        advancePhysics(to: endNs - 1)
        truth.finish(endNs: endNs, lastModel: model, injected: windows.episodes(epoch: Double(epochSeconds)))
        return truth.truth
    }

    mutating func emitError<E: Error>(_ e: FaultWindows.ErrorFrame, _ emit: (CANFrame) throws(E) -> Void) throws(E) {
        let frame = CANFrame(
            timestamp: timestamp(e.ns / 1000 * 1000), bus: simulation.definition.buses[e.bus].interface,
            id: e.classes, kind: .error, length: 8, data: e.details)
        try emit(frame)
        truth.errorFrameWritten(bus: e.bus, at: e.ns / 1000 * 1000)
    }

    /// One signal's physical value into `values[j]`. The model is read in place (through a
    /// pointer, passed on `inout`), not copied per signal.
    @inline(__always)
    static func fill(
        _ source: SignalSource, _ j: Int, _ stream: inout CompiledStream, _ values: UnsafeMutableBufferPointer<Double>,
        _ reader: QuantityReader, _ model: UnsafeMutablePointer<PowertrainModel>
    ) {
        switch source {
        case .quantity(let q): values[j] = reader.value(q, &model.pointee)
        case .constant(let c): values[j] = c
        case .rollingCounter: values[j] = Double(stream.counter)
        case .checksum: values[j] = 0
        case .groupIndex: values[j] = Double(stream.group)
        case .cellVoltage(let i): values[j] = reader.cellVoltage(i, &model.pointee)
        case .probeTemperature(let i): values[j] = reader.probeTemperature(i, &model.pointee)
        case .stringVoltage(let i): values[j] = reader.stringVoltage(i, &model.pointee)
        case .stringCurrent(let i): values[j] = reader.stringCurrent(i, &model.pointee)
        }
    }

    /// Fills the values, encodes, sets counter and checksum, records what the truth needs.
    mutating func encode(_ stream: inout CompiledStream, values: UnsafeMutableBufferPointer<Double>, at tUs: Int64) -> CANFrame {
        var counterError = false
        if stream.isProtected && windows.counterJumps(stream, at: tUs) {
            stream.counter = (stream.counter + 1) % stream.counterModulus
            counterError = true
        }
        let sources = self.sources, reader = self.reader, alwaysPresent = self.alwaysPresent, groupSpans = self.groupSpans
        withUnsafeMutablePointer(to: &model) { model in
            let start = stream.sourceStart
            if stream.groupSpanStart >= 0 {
                // Multiplexed with contiguous groups: the always-present signals and one group.
                let spans = stream.groupSpanStart >> 16, always = stream.groupSpanStart & 0xFFFF
                for j in alwaysPresent[always] { Self.fill(sources[start + j].source, j, &stream, values, reader, model) }
                let span = groupSpans[spans + stream.group]
                for j in span.first..<(span.first + span.count) { Self.fill(sources[start + j].source, j, &stream, values, reader, model) }
            } else {
                for j in 0..<stream.signalCount {
                    let source = sources[start + j]
                    if source.group >= 0 && source.group != stream.group { continue }
                    Self.fill(source.source, j, &stream, values, reader, model)
                }
            }
        }
        var frame = CANFrame(
            timestamp: timestamp(tUs), bus: stream.busName, id: stream.frameID, isExtended: stream.isExtended,
            kind: stream.kind, fdFlags: stream.fdFlags, length: stream.length)
        let plan = plans[stream.bus]
        plan.encode(messageIndex: stream.messageIndex, physicalInSignalOrder: UnsafeBufferPointer(rebasing: values[0..<stream.signalCount]), into: &frame.data)
        if let algorithm = stream.algorithm {
            let length = stream.length, skip = stream.checksumByte
            var checksum = frame.data.withUnsafeBytes { checksums.checksum(algorithm, $0, count: length, skipping: skip) }
            if windows.corruptsChecksum(stream, at: tUs) {
                checksum ^= 0x5A
                truth.truth.checksumErrors += 1
            }
            frame.data[skip] = checksum
            if counterError { truth.truth.counterErrors += 1 }
            stream.counter = (stream.counter + 1) % stream.counterModulus
        }
        // The truth reads the physical values the model gave this frame (not its bits).
        for o in stream.observationStart..<(stream.observationStart + stream.observationCount) {
            let observation = observations[o]
            if observation.group >= 0 && observation.group != stream.group { continue }
            let value = values[observation.signal]
            if case .temperature(let i) = observation.kind {
                truth.observeTemperature(name: simulation.vehicle.temperatureNames[i], value)
            } else {
                truth.observe(observation.kind, value, at: tUs)
            }
            truth.sample(observation.sample, value, at: tUs)
        }
        truth.frameObserved(at: tUs)
        if stream.groupCount > 0 { stream.group = (stream.group + 1) % stream.groupCount }
        return frame
    }
}
