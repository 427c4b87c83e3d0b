import CANCore

/// One decoded signal value: the signal's index in its message (the decode plan's order)
/// and its physical value.
public struct SignalSample: Sendable, Hashable {
    public var signal: Int
    public var value: Double
    @inlinable public init(signal: Int, value: Double) {
        self.signal = signal
        self.value = value
    }
}

/// Turns decoded frames into closed-window records and operations figures, on event time.
///
/// Time comes only from the frames (and from `advance(to:)`, the injected clock that a live
/// gateway calls when its buses are quiet): a window `[start, start + length)` closes when
/// the first frame at or after its end arrives, and is emitted exactly once. Frames older
/// than an already closed window are counted as late and not aggregated.
///
/// Steady state allocates nothing per frame: every counter lives in a slot preallocated from
/// the layout and indexed by (window, bus, message, signal). Records are built only when a
/// window, an episode, a trip or a day closes; collect them with `takeRecords()`.
public struct TelemetryAggregator: Sendable {
    public let layout: TelemetryLayout
    let windowLengths: [Int64]
    /// The shortest window. When every length is a multiple of it (`derivedWindows`), each
    /// sample updates only the shortest window's statistics, and the longer windows absorb
    /// a shortest window when it closes: one update per sample instead of one per length.
    let baseWindow: Int
    let derivedWindows: Bool
    /// Window indices in closing order: the shortest first.
    let closingOrder: [Int]
    let rules: HealthRules
    private var windowStart: [Int64]
    private var started = false
    /// The start of the newest open window: frames before it are late.
    private var lateBefore: Int64 = .min
    private var latestTime: Int64 = .min

    private var signalStats: [RunningStatistics]
    private var messageCounters: [MessageWindowCounters]
    private var busCounters: [BusWindowCounters]
    private var busErrorClasses: [Int]
    private var messageStates: [MessageState]
    private var busSeen: [Bool]
    private var busFrames: [Int]
    private var busErrorFrames: [Int]
    /// Bus-off episode start per bus, or `nil` while the controller is not bus-off.
    private var busOffSince: [Int64?]
    private var vehicles: [VehicleOperations]
    private var records: [TelemetryRecord] = []
    /// Where each closed window's records sit in `records`.
    private var windowRuns: [WindowRun] = []
    private var finished = false

    static let errorClassCount = CANErrorClass.named.count

    public init(layout: TelemetryLayout) {
        self.layout = layout
        let config = layout.configuration
        let lengths = config.rules.windowLengths
        precondition(!lengths.isEmpty && lengths.allSatisfy { $0 > 0 }, "window lengths must be positive")
        windowLengths = lengths
        rules = config.rules.health
        let w = windowLengths.count
        let shortest = lengths.min()!
        let base = lengths.firstIndex(of: shortest)!
        baseWindow = base
        derivedWindows = lengths.allSatisfy { $0 % shortest == 0 }
        closingOrder = [base] + lengths.indices.filter { $0 != base }
        windowStart = [Int64](repeating: 0, count: w)
        signalStats = [RunningStatistics](repeating: RunningStatistics(), count: w * layout.signalCount)
        messageCounters = [MessageWindowCounters](repeating: MessageWindowCounters(), count: w * layout.messageCount)
        busCounters = [BusWindowCounters](repeating: BusWindowCounters(), count: w * layout.busCount)
        busErrorClasses = [Int](repeating: 0, count: w * layout.busCount * Self.errorClassCount)
        messageStates = layout.messages.map { MessageState(expectedPeriod: $0.expectedPeriod, periodSource: $0.periodSource) }
        busSeen = [Bool](repeating: false, count: layout.busCount)
        busFrames = [Int](repeating: 0, count: layout.busCount)
        busErrorFrames = [Int](repeating: 0, count: layout.busCount)
        busOffSince = [Int64?](repeating: nil, count: layout.busCount)
        vehicles = config.vehicles.indices.map {
            VehicleOperations(config.vehicles[$0], tripKind: layout.tripRules[$0], dayUTCOffsetSeconds: config.rules.dayUTCOffsetSeconds)
        }
        records.reserveCapacity(1024)
    }

    /// The records emitted since the last call, in emission order.
    public mutating func takeRecords() -> [TelemetryRecord] {
        takeEmitted().records
    }

    /// The records emitted since the last call, in emission order, with where each closed
    /// window's records sit among them.
    public mutating func takeEmitted() -> EmittedRecords {
        defer {
            records = []
            windowRuns = []
        }
        return EmittedRecords(records: records, windowRuns: windowRuns)
    }

    /// The records emitted and not yet taken, in emission order: a watcher may look at them
    /// as they come, before the next `takeRecords` (shares the buffer, allocates nothing).
    public var pendingRecords: ArraySlice<TelemetryRecord> { records[...] }
    public var pendingRecordCount: Int { records.count }

    /// Calls `body` with each record emitted since the last call, then forgets them
    /// (keeps the buffer: no allocation in steady state).
    public mutating func drainRecords(_ body: (TelemetryRecord) throws -> Void) rethrows {
        defer {
            records.removeAll(keepingCapacity: true)
            windowRuns.removeAll(keepingCapacity: true)
        }
        for record in records { try body(record) }
    }

    /// The vehicle's figures so far (scope `.vehicle`).
    public func summary(vehicle: Int) -> OperationsSummary {
        var summary = vehicles[vehicle].total
        let base = layout.buses.indices.filter { layout.buses[$0].vehicle == vehicle }
        summary.frames = base.map { NamedCount(name: layout.busInterfaces[$0], count: busFrames[$0]) }
        summary.errorFrames = base.map { NamedCount(name: layout.busInterfaces[$0], count: busErrorFrames[$0]) }
        if summary.end < summary.start { summary.end = summary.start }
        return summary
    }

    /// One frame. `bus` is the layout's bus index (`layout.busIndex(interface:)`); `message`
    /// the decode plan's message index on that bus, `nil` when no message matched;
    /// `decodeFailed` when a known message could not be decoded; `values` the decoded
    /// signals (empty for error frames, unknown and failed frames).
    public mutating func ingest<Values: Sequence>(
        _ frame: CANFrame, bus: Int, message: Int?, decodeFailed: Bool = false, values: Values
    ) where Values.Element == SignalSample {
        precondition(!finished, "ingest after finish")
        let t = frame.timestamp.totalNanoseconds
        let busCount = layout.busCount
        if t < lateBefore {
            for w in windowLengths.indices { busCounters[w * busCount + bus].lateFrames += 1 }
            return
        }
        closeWindows(before: t)
        latestTime = max(latestTime, t)
        busSeen[bus] = true

        if frame.kind == .error {
            let classes = CANErrorClass(rawValue: frame.id)
            busErrorFrames[bus] += 1
            vehicles[layout.buses[bus].vehicle].countFrame(onBus: layout.buses[bus].local, error: true, at: t, into: &records)
            if classes.contains(.restarted), busOffSince[bus] != nil {
                endBusOff(bus, at: t, open: false)
            } else if classes.contains(.busOff), busOffSince[bus] == nil {
                busOffSince[bus] = t
            }
            let counters = classes.contains(.errorCounters) ? (Int(frame.data[6]), Int(frame.data[7])) : (0, 0)
            for w in windowLengths.indices {
                busCounters[w * busCount + bus].errorFrames += 1
                busCounters[w * busCount + bus].maxTxErrorCount = max(busCounters[w * busCount + bus].maxTxErrorCount, counters.0)
                busCounters[w * busCount + bus].maxRxErrorCount = max(busCounters[w * busCount + bus].maxRxErrorCount, counters.1)
                for (c, named) in CANErrorClass.named.enumerated() where classes.contains(named.0) {
                    busErrorClasses[(w * busCount + bus) * Self.errorClassCount + c] += 1
                }
            }
            return
        }
        busFrames[bus] += 1
        if busOffSince[bus] != nil { endBusOff(bus, at: t, open: false) }
        let slotBus = layout.buses[bus]
        vehicles[slotBus.vehicle].countFrame(onBus: slotBus.local, error: false, at: t, into: &records)
        let bits = FrameBits.of(frame, worstCase: false).seconds(bitrate: slotBus.bitrate, dataBitrate: slotBus.dataBitrate)
        let worst = FrameBits.of(frame, worstCase: true).seconds(bitrate: slotBus.bitrate, dataBitrate: slotBus.dataBitrate)
        for w in windowLengths.indices {
            let i = w * busCount + bus
            busCounters[i].frames += 1
            busCounters[i].busSeconds += bits
            busCounters[i].busSecondsWorstCase += worst
            if message == nil { busCounters[i].unknownFrames += 1 }
            if decodeFailed { busCounters[i].decodeErrors += 1 }
        }
        guard let message else { return }
        precondition(message < slotBus.messageCount, "message index outside the bus's table")
        let g = slotBus.messageBase + message
        let vehicle = slotBus.vehicle
        observeArrival(message: g, vehicle: vehicle, at: t)
        let messageCount = layout.messageCount
        if decodeFailed {
            for w in windowLengths.indices { messageCounters[w * messageCount + g].decodeErrors += 1 }
            return
        }
        let slot = layout.messages[g]
        if slot.checksumByte >= 0 && Int(frame.length) >= slot.dbcLength && frame.kind != .remote {
            let expected = frame.data.withUnsafeBytes {
                slot.checksumAlgorithm.checksum($0, count: slot.dbcLength, skipping: slot.checksumByte)
            }
            if expected != frame.data[slot.checksumByte] {
                for w in windowLengths.indices { messageCounters[w * messageCount + g].checksumErrors += 1 }
                vehicles[vehicle].addChecksumError()
            }
        }
        let signalCount = layout.signalCount
        for sample in values {
            let value = sample.value
            guard value.isFinite else { continue }
            precondition(sample.signal < slot.signalCount, "signal index outside the message")
            let s = slot.signalBase + sample.signal
            if derivedWindows {
                signalStats[baseWindow * signalCount + s].add(value, at: t)
            } else {
                for w in windowLengths.indices { signalStats[w * signalCount + s].add(value, at: t) }
            }
            var b = layout.roleHead[s]
            while b >= 0 {
                let binding = layout.bindings[b]
                vehicles[binding.vehicle].stage(binding.role, value * binding.scale + binding.offset)
                b = binding.next
            }
            if sample.signal == slot.counterSignal { checkCounter(message: g, vehicle: vehicle, value: value) }
        }
        vehicles[vehicle].commit(at: t, into: &records)
    }

    private mutating func observeArrival(message g: Int, vehicle: Int, at t: Int64) {
        let messageCount = layout.messageCount
        var state = messageStates[g]
        defer { messageStates[g] = state }
        for w in windowLengths.indices { messageCounters[w * messageCount + g].frames += 1 }
        guard state.seen else {
            state.seen = true
            state.lastTime = t
            return
        }
        guard t >= state.lastTime else { return }
        let gap = t - state.lastTime
        state.lastTime = t
        for w in windowLengths.indices {
            let i = w * messageCount + g
            messageCounters[i].gaps.add(Double(gap) / 1e9, at: t)
            messageCounters[i].maxGap = max(messageCounters[i].maxGap, gap)
        }
        if state.periodSource == .unknown {
            state.learnCount += 1
            state.learnSum += gap
            if state.learnCount == rules.learnFrames {
                state.expectedPeriod = state.learnSum / Int64(state.learnCount)
                state.periodSource = state.expectedPeriod > 0 ? .learned : .unknown
            }
            return
        }
        let period = Double(state.expectedPeriod)
        if Double(gap) > rules.timeoutFactor * period {
            for w in windowLengths.indices { messageCounters[w * messageCount + g].timeouts += 1 }
            state.hasCounter = false  // a counter may restart after an outage
        }
        if Double(gap) > rules.silentAfter * period && gap > rules.minimumSilentGap {
            let slot = layout.messages[g]
            let episode = SilentEpisode(
                vehicle: layout.configuration.vehicles[vehicle].name, bus: layout.busInterfaces[slot.bus],
                message: layout.messageNames[g], start: t - gap + state.expectedPeriod, end: t, open: false)
            records.append(.silentEpisode(episode))
            vehicles[vehicle].addSilentEpisode(episode)
        }
    }

    private mutating func endBusOff(_ bus: Int, at t: Int64, open: Bool) {
        guard let start = busOffSince[bus] else { return }
        busOffSince[bus] = nil
        let vehicle = layout.buses[bus].vehicle
        let episode = FaultEpisode(
            vehicle: layout.configuration.vehicles[vehicle].name, kind: FaultEpisode.busOff, level: 3,
            start: start, end: t, open: open, target: layout.busInterfaces[bus])
        records.append(.faultEpisode(episode))
        vehicles[vehicle].addFaultEpisode(episode)
    }

    private mutating func checkCounter(message g: Int, vehicle: Int, value: Double) {
        let modulus = layout.messages[g].counterModulus
        let counter = Int(exactly: value.rounded(.down)) ?? 0
        if messageStates[g].hasCounter {
            let previous = messageStates[g].lastCounter
            let expected = previous == modulus - 1 ? 0 : previous + 1
            if counter != expected {
                let messageCount = layout.messageCount
                for w in windowLengths.indices { messageCounters[w * messageCount + g].counterErrors += 1 }
                vehicles[vehicle].addCounterError()
            }
        }
        messageStates[g].hasCounter = true
        messageStates[g].lastCounter = counter
    }

    /// The injected clock: closes every window that ends at or before `time` (nanoseconds),
    /// as if a frame at `time` had arrived. A live gateway calls this on quiet buses.
    public mutating func advance(to time: Int64) {
        precondition(!finished, "advance after finish")
        if time >= lateBefore { closeWindows(before: time) }
    }

    /// Closes every open window, ends open trips, faults and silent episodes at the last
    /// frame's time, and emits each vehicle's figures (scope `.vehicle`). Call once at the
    /// end of the input.
    public mutating func finish() {
        precondition(!finished, "finish twice")
        guard started else {
            finished = true
            for v in vehicles.indices { records.append(.operations(summary(vehicle: v))) }
            return
        }
        for w in closingOrder { closeWindow(w, end: windowStart[w] + windowLengths[w]) }
        for g in messageStates.indices {
            let state = messageStates[g]
            guard state.seen, state.periodSource != .unknown else { continue }
            let gap = latestTime - state.lastTime
            if Double(gap) > rules.silentAfter * Double(state.expectedPeriod) && gap > rules.minimumSilentGap {
                let slot = layout.messages[g]
                let episode = SilentEpisode(
                    vehicle: layout.configuration.vehicles[slot.vehicle].name, bus: layout.busInterfaces[slot.bus],
                    message: layout.messageNames[g], start: state.lastTime + state.expectedPeriod, end: latestTime, open: true)
                records.append(.silentEpisode(episode))
                vehicles[slot.vehicle].addSilentEpisode(episode)
            }
        }
        for b in busOffSince.indices where busOffSince[b] != nil { endBusOff(b, at: latestTime, open: true) }
        for v in vehicles.indices { vehicles[v].finish(into: &records) }
        for v in vehicles.indices { records.append(.operations(summary(vehicle: v))) }
        finished = true
    }

    private mutating func closeWindows(before t: Int64) {
        guard started else {
            started = true
            for w in windowLengths.indices { windowStart[w] = alignDown(t, to: windowLengths[w]) }
            lateBefore = windowStart.max()!
            return
        }
        var moved = false
        for w in closingOrder where t >= windowStart[w] + windowLengths[w] {
            closeWindow(w, end: windowStart[w] + windowLengths[w])
            windowStart[w] = alignDown(t, to: windowLengths[w])
            moved = true
        }
        if moved { lateBefore = windowStart.max()! }
    }

    /// Emits window `w`'s records (signals, then messages, then buses, each in layout order)
    /// and resets its counters.
    private mutating func closeWindow(_ w: Int, end: Int64) {
        let start = windowStart[w], length = windowLengths[w]
        let seconds = Double(length) / 1e9
        let config = layout.configuration
        let signalCount = layout.signalCount, messageCount = layout.messageCount, busCount = layout.busCount
        let first = records.count
        defer { if records.count > first { windowRuns.append(WindowRun(range: first..<records.count, length: length)) } }
        for s in 0..<signalCount {
            let i = w * signalCount + s
            let stats = signalStats[i]
            guard stats.count > 0 else { continue }
            if derivedWindows && w == baseWindow {
                for other in windowLengths.indices where other != w { signalStats[other * signalCount + s].merge(stats) }
            }
            let g = layout.signalMessage[s]
            let m = layout.messages[g]
            records.append(.signalWindow(SignalWindowRecord(
                vehicle: config.vehicles[m.vehicle].name, bus: layout.busInterfaces[m.bus], message: layout.messageNames[g],
                signal: layout.signalNames[s], windowStart: start, windowLength: length, count: stats.count,
                minimum: stats.minimum, maximum: stats.maximum, mean: stats.mean, last: stats.last,
                standardDeviation: stats.standardDeviation, firstTime: stats.firstTime, lastTime: stats.lastTime)))
            signalStats[i].reset()
        }
        for g in 0..<messageCount where messageStates[g].seen {
            let i = w * messageCount + g
            let c = messageCounters[i]
            let state = messageStates[g]
            let m = layout.messages[g]
            let gap = end - state.lastTime
            let silent = state.periodSource != .unknown
                && Double(gap) > rules.silentAfter * Double(state.expectedPeriod) && gap > rules.minimumSilentGap
            records.append(.messageHealth(MessageHealthRecord(
                vehicle: config.vehicles[m.vehicle].name, bus: layout.busInterfaces[m.bus], message: layout.messageNames[g],
                windowStart: start, windowLength: length, frames: c.frames, rate: Double(c.frames) / seconds,
                expectedPeriod: state.periodSource == .unknown ? 0 : state.expectedPeriod, periodSource: state.periodSource,
                meanPeriod: c.gaps.mean, periodJitter: c.gaps.standardDeviation, maxGap: c.maxGap,
                timeouts: c.timeouts, counterErrors: c.counterErrors, checksumErrors: c.checksumErrors,
                decodeErrors: c.decodeErrors, silent: silent)))
            messageCounters[i] = MessageWindowCounters()
        }
        for b in 0..<busCount where busSeen[b] {
            let i = w * busCount + b
            let c = busCounters[i]
            let base = i * Self.errorClassCount
            let bus = layout.buses[b]
            records.append(.busHealth(BusHealthRecord(
                vehicle: config.vehicles[bus.vehicle].name, bus: layout.busInterfaces[b], windowStart: start, windowLength: length,
                frames: c.frames, framesPerSecond: Double(c.frames) / seconds,
                busLoadPercent: c.busSeconds / seconds * 100, busLoadWorstCasePercent: c.busSecondsWorstCase / seconds * 100,
                errorFrames: c.errorFrames, errorFramesByClass: Array(busErrorClasses[base..<(base + Self.errorClassCount)]),
                maxTxErrorCount: c.maxTxErrorCount, maxRxErrorCount: c.maxRxErrorCount,
                unknownFrames: c.unknownFrames, decodeErrors: c.decodeErrors, lateFrames: c.lateFrames)))
            busCounters[i] = BusWindowCounters()
            for k in base..<(base + Self.errorClassCount) { busErrorClasses[k] = 0 }
        }
    }
}
