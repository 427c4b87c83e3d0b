import CANCore
import CANDatabase
import Synchronization
import Telemetry

/// The last frames of every bus, in arrival order: a fixed ring allocated once. A full ring
/// overwrites its oldest frame; `droppedThrough` says how far back history was lost.
struct CaptureRing {
    private var slots: [CANFrame]
    private var next = 0
    private(set) var count = 0
    /// The newest timestamp among the frames overwritten so far (`.min`: none).
    private(set) var droppedThrough: Int64 = .min

    init(capacity: Int) {
        precondition(capacity > 0, "capture ring capacity must be positive")
        slots = Array(repeating: CANFrame(id: 0, length: 0), count: capacity)
    }

    var capacity: Int { slots.count }

    @inline(__always)
    mutating func append(_ frame: CANFrame) {
        if count == slots.count {
            droppedThrough = max(droppedThrough, slots[next].timestamp.totalNanoseconds)
        } else {
            count += 1
        }
        slots[next] = frame
        next += 1
        if next == slots.count { next = 0 }
    }

    /// The frames of `buses` timed `from...through`, oldest first.
    func frames(from: Int64, through: Int64, buses: Set<String>) -> [CANFrame] {
        var out: [CANFrame] = []
        let start = count < slots.count ? 0 : next
        for i in 0..<count {
            let frame = slots[(start + i) % slots.count]
            let t = frame.timestamp.totalNanoseconds
            if t >= from && t <= through && buses.contains(frame.bus) { out.append(frame) }
        }
        return out
    }
}

/// A trigger that fired: the config's trigger `index` and the condition met. `json` is the
/// index message's `trigger` object, its field names written here only.
struct FiredTrigger {
    enum Cause {
        case fault(kind: String, level: Int)
        case busOff(bus: String)
        case silent(bus: String, message: String)
        case signal(CapturePlan.SignalWatch, value: Double)
    }
    var index: Int
    var cause: Cause

    /// `{"kind":"fault","fault":"over_temperature","level":3,"trigger":0}` and the like.
    var json: String {
        func q(_ text: String) -> String { CANCore.JSONString.quoted(text) }
        let fields: String
        switch cause {
        case .fault(let kind, let level):
            fields = "\"kind\":\"fault\",\"fault\":\(q(kind)),\"level\":\(level)"
        case .busOff(let bus):
            fields = "\"kind\":\"bus_off\",\"bus\":\(q(bus))"
        case .silent(let bus, let message):
            fields = "\"kind\":\"silent\",\"bus\":\(q(bus)),\"message\":\(q(message))"
        case .signal(let watch, let value):
            let r = watch.reference
            fields = "\"kind\":\"signal\",\"name\":\(q(watch.name)),\"bus\":\(q(r.bus)),\"message\":\(q(r.message)),"
                + "\"signal\":\(q(r.signal)),\"\(watch.above ? "above" : "below")\":\(watch.threshold),\"value\":\(value)"
        }
        return "{" + fields + ",\"trigger\":\(index)}"
    }
}

/// One capture cut from the ring, handed to the uplink to encode and send.
public struct CaptureCut: Sendable {
    public var vehicle: String
    public var run: RunID
    /// 1, 2, … in the run: (vehicle, run, number) names the capture.
    public var number: Int
    /// The trigger as JSON (`{"kind":"fault","fault":"over_temperature","level":3,…}`).
    public var triggerJSON: String
    /// The trigger's instant and the window, nanoseconds on the capture clock.
    public var time: Int64
    public var from: Int64
    public var to: Int64
    public var frames: [CANFrame]
    /// No frame of the window had been overwritten in the ring when it was cut.
    public var historyComplete: Bool
    /// The input ended before `to`.
    public var endedEarly: Bool
}

/// What the captures did; shared by the watch (ingest) and the uplink's capture thread.
public struct TriggeredCaptureStatistics: Sendable, Hashable {
    /// Triggers that fired (conditions met), taken or not.
    public var triggered: UInt64 = 0
    /// Captures cut from the ring.
    public var taken: UInt64 = 0
    /// Not taken: the vehicle had `max_per_hour` captures in the hour before.
    public var limited: UInt64 = 0
    /// Not taken: the instant falls in the window of a capture already taken.
    public var covered: UInt64 = 0
    /// Captures whose chunks and index are in the outbox, and their sizes.
    public var stored: UInt64 = 0
    public var chunks: UInt64 = 0
    public var bytes: UInt64 = 0
    public var frames: UInt64 = 0
    /// Captures lost before the outbox (the capture queue was full, or the outbox failed).
    public var dropped: UInt64 = 0
}

public final class CaptureCounters: Sendable {
    private let state = Mutex(TriggeredCaptureStatistics())
    public init() {}
    public var statistics: TriggeredCaptureStatistics { state.withLock { $0 } }
    func update(_ body: (inout TriggeredCaptureStatistics) -> Void) { state.withLock { body(&$0) } }
}

/// The ingest side of `uplink.captures`: every routed frame goes into the ring
/// (`observe(_:bus:outcome:values:)`, no allocation); signal triggers are checked on the
/// frames of their message; episode triggers on the records (`observe(records:)`), at the
/// episode's start. A capture is cut once the capture clock (the newest frame's time) passes
/// `trigger + after`, or at `finish`, and handed to `deliver` (the uplink queues it for its
/// capture thread: nothing here waits on the network or the disk).
///
/// Per vehicle, at most `max_per_hour` captures in any hour of the capture clock; a trigger
/// inside the window of a capture already taken is covered by it. Single-threaded (ingest).
public final class CaptureWatch {
    public let plan: CapturePlan
    public let run: RunID
    public let counters: CaptureCounters
    private var ring: CaptureRing
    private let deliver: (CaptureCut) -> Void
    private struct Pending {
        var vehicle: Int
        var time: Int64
        var trigger: FiredTrigger
    }
    private var pending: [Pending] = []
    private var nextDue: Int64 = .max
    private var latest: Int64 = .min
    /// Per vehicle: the instants of the captures taken (the last hour's bound the limit).
    private var taken: [[Int64]]
    /// Per signal watch: whether the last sample was past the threshold (nil: none yet).
    private var past: [Bool?]
    private let watchedBus: [Bool]
    private var number = 0

    public init(plan: CapturePlan, run: RunID, counters: CaptureCounters, deliver: @escaping (CaptureCut) -> Void) {
        self.plan = plan
        self.run = run
        self.counters = counters
        self.deliver = deliver
        ring = CaptureRing(capacity: plan.settings.ringFrames)
        taken = Array(repeating: [], count: plan.vehicles.count)
        past = Array(repeating: nil, count: plan.signals.count)
        watchedBus = plan.messageWatches.map { !$0.isEmpty }
    }

    /// One frame of layout bus `bus` as the pipeline decoded it.
    @inline(__always)
    public func observe(_ frame: CANFrame, bus: Int, outcome: DecodeOutcome, values: DecodedSignals) {
        let t = frame.timestamp.totalNanoseconds
        ring.append(frame)
        if t > latest { latest = t }
        if watchedBus[bus], case .decoded(let m) = outcome { checkSignals(bus: bus, message: m, values: values, at: t) }
        if latest >= nextDue { cutDue(final: false) }
    }

    private func checkSignals(bus: Int, message: Int, values: DecodedSignals, at t: Int64) {
        let table = plan.messageWatches[bus]
        guard message < table.count else { return }
        for w in table[message] {
            let watch = plan.signals[w]
            for i in 0..<values.count where values[i].signal == watch.signal {
                let x = values[i].value.doubleValue * watch.scale + watch.offset
                let beyond = watch.above ? x > watch.threshold : x < watch.threshold
                if past[w] == false && beyond {
                    fire(vehicle: watch.vehicle, at: t, trigger: FiredTrigger(index: watch.trigger, cause: .signal(watch, value: x)))
                }
                past[w] = beyond
            }
        }
    }

    /// Records the pipeline emitted, read in place: the fault and silent episodes among them
    /// (a few among many windows) that match a trigger start a capture at their start.
    public func observe(records: UnsafeBufferPointer<TelemetryRecord>) {
        for i in records.indices {
            switch records[i] {
            case .faultEpisode(let e): episode(e)
            case .silentEpisode(let e): silent(e)
            default: continue
            }
        }
        if latest >= nextDue { cutDue(final: false) }
    }

    private func episode(_ e: FaultEpisode) {
        guard let v = plan.vehicles.firstIndex(of: e.vehicle) else { return }
        for (i, trigger) in plan.settings.triggers.enumerated() where trigger.vehicle == nil || trigger.vehicle == e.vehicle {
            switch trigger.condition {
            case .fault(let kind, let level) where e.kind != FaultEpisode.busOff && (kind == nil || kind == e.kind) && e.level >= level:
                fire(vehicle: v, at: e.start, trigger: FiredTrigger(index: i, cause: .fault(kind: e.kind, level: e.level)))
                return
            case .busOff(let bus) where e.kind == FaultEpisode.busOff && (bus == nil || bus == e.target):
                fire(vehicle: v, at: e.start, trigger: FiredTrigger(index: i, cause: .busOff(bus: e.target ?? "")))
                return
            default: continue
            }
        }
    }

    private func silent(_ e: SilentEpisode) {
        guard let v = plan.vehicles.firstIndex(of: e.vehicle) else { return }
        for (i, trigger) in plan.settings.triggers.enumerated() where trigger.vehicle == nil || trigger.vehicle == e.vehicle {
            if case .silent(let bus, let message) = trigger.condition, bus == nil || bus == e.bus, message == nil || message == e.message {
                fire(vehicle: v, at: e.start, trigger: FiredTrigger(index: i, cause: .silent(bus: e.bus, message: e.message)))
                return
            }
        }
    }

    /// A trigger met at `time`: taken, covered by a capture already taken, or over the limit.
    private func fire(vehicle v: Int, at time: Int64, trigger: FiredTrigger) {
        let s = plan.settings
        let hour: Int64 = 3_600_000_000_000
        taken[v].removeAll { $0 <= time - hour && $0 < latest - hour }
        let covered = taken[v].contains { time >= $0 - s.before && time <= $0 + s.after }
        let limited = !covered && taken[v].filter({ $0 > time - hour && $0 <= time }).count >= s.maxPerHour
        counters.update { c in
            c.triggered += 1
            if covered { c.covered += 1 } else if limited { c.limited += 1 }
        }
        if covered || limited { return }
        taken[v].append(time)
        pending.append(Pending(vehicle: v, time: time, trigger: trigger))
        nextDue = min(nextDue, time + s.after)
    }

    /// Cuts every pending capture whose window has passed (all of them when `final`).
    private func cutDue(final: Bool) {
        let s = plan.settings
        var keep: [Pending] = []
        for p in pending {
            guard final || latest >= p.time + s.after else {
                keep.append(p)
                continue
            }
            number += 1
            let from = p.time - s.before
            let to = p.time + s.after
            let cut = CaptureCut(vehicle: plan.vehicles[p.vehicle], run: run, number: number, triggerJSON: p.trigger.json, time: p.time,
                                 from: from, to: to, frames: ring.frames(from: from, through: to, buses: plan.vehicleBuses[p.vehicle]),
                                 historyComplete: ring.droppedThrough < from, endedEarly: latest < to)
            counters.update { $0.taken += 1 }
            deliver(cut)
        }
        pending = keep
        nextDue = keep.map { $0.time + s.after }.min() ?? .max
    }

    /// The capture clock moved without a frame (a quiet bus): cut what is due.
    public func advance(to time: Int64) {
        if time > latest { latest = time }
        if latest >= nextDue { cutDue(final: false) }
    }

    /// The input ended: every pending capture is cut with the frames there are.
    public func finish() {
        cutDue(final: true)
    }
}

extension SinkSet {
    /// The capture watch of `setup`'s `uplink.captures`, feeding this set's MQTT uplink; nil
    /// without captures. `wait`: a full capture queue holds ingest up (replay) instead of
    /// dropping the capture (a live gateway).
    public func captureWatch(_ setup: GatewaySetup, wait: Bool) -> CaptureWatch? {
        guard let plan = setup.capturePlan, let (uplink, _) = services.queued(UplinkService.self) else { return nil }
        return CaptureWatch(plan: plan, run: run, counters: uplink.captureCounters) { uplink.capture($0, wait: wait) }
    }
}
