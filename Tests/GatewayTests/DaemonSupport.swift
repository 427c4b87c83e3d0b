import CANCore
import Foundation
import Gateway
import Synchronization

/// The in-process daemon's test doubles: its buses around an input from memory, the inputs,
/// scripted signals and a log that keeps its lines. `DaemonTests.start` runs a daemon on its
/// own thread; `DaemonTests.Outcome.stop` ends it with SIGTERM.

/// The daemon's buses in a test: no controllers to set or poll, `input` as every open bus.
final class InputBuses: DaemonBuses {
    let input: any DaemonFrameInput
    init(_ input: any DaemonFrameInput) { self.input = input }
    func configureControllers(_ plans: [BusControllerPlan], log: GatewayLog) {}
    func open(_ setup: GatewaySetup, log: GatewayLog) -> any DaemonFrameInput { input }
    func pollControllers(metrics: PrometheusMetrics, log: GatewayLog) {}
}

/// An input from memory: its buses never change, it loses no frame and has nothing to log.
protocol MemoryFrameInput: DaemonFrameInput {}

extension MemoryFrameInput {
    func add(interfaces: [String]) {}
    func remove(interfaces: [String]) {}
    func logEvents(to log: GatewayLog) {}
    var drops: [(stage: String, total: Int)] { [] }
    func logTotals(to log: GatewayLog) {}
}

/// Frames from memory, then blocks until `stop()` — buses that go quiet until SIGTERM (also
/// the input of RunGatewayTests).
final class DaemonMemoryInput: MemoryFrameInput, @unchecked Sendable {
    private let frames: [CANFrame]
    private var position = 0
    let interfaces: [String]
    let exhausted = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    let stopCalls = Atomic<Int>(0)

    init(_ frames: [CANFrame], interfaces: [String]) {
        self.frames = frames
        self.interfaces = interfaces
    }

    func next() -> CANFrame? {
        if position < frames.count {
            defer { position += 1 }
            return frames[position]
        }
        exhausted.signal()
        stopped.wait()
        return nil
    }

    func stop() {
        if stopCalls.add(1, ordering: .relaxed).oldValue == 0 { stopped.signal() }
    }
}

/// A bus that sends only what the test releases and waits for more until `stop()`.
final class GatedInput: MemoryFrameInput, @unchecked Sendable {
    let interfaces: [String]
    private let condition = NSCondition()
    private var queue: [CANFrame] = []
    private var position = 0
    private var stopped = false

    init(interfaces: [String]) { self.interfaces = interfaces }

    /// Lets `frames` through; with `startingAt`, their stamps moved so the first is at that second.
    func release(_ frames: some Collection<CANFrame>, startingAt seconds: Int64? = nil) {
        let shift = seconds.map { $0 - (frames.first?.timestamp.seconds ?? $0) } ?? 0
        condition.lock(); defer { condition.unlock() }
        queue += frames.map { var f = $0; f.timestamp.seconds += shift; return f }
        condition.broadcast()
    }

    func next() -> CANFrame? {
        condition.lock(); defer { condition.unlock() }
        while position == queue.count && !stopped { condition.wait() }
        guard position < queue.count else { return nil }
        defer { position += 1 }
        return queue[position]
    }

    func stop() {
        condition.lock(); defer { condition.unlock() }
        stopped = true
        condition.broadcast()
    }
}

/// Signals a test sends (SIGTERM, SIGHUP) without touching the process's signal mask.
final class DaemonScriptedSignals: DaemonSignals, @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [DaemonSignal] = []

    func send(_ signal: DaemonSignal) {
        condition.lock(); queue.append(signal); condition.signal(); condition.unlock()
    }

    func wait(timeout: Duration) -> DaemonSignal? {
        condition.lock(); defer { condition.unlock() }
        if queue.isEmpty { _ = condition.wait(until: Date(timeIntervalSinceNow: Double(timeout.components.seconds) + 0.001)) }
        return queue.isEmpty ? nil : queue.removeFirst()
    }
}

final class DaemonLines: Sendable {
    private let all = Mutex<[String]>([])
    func add(_ line: String) { all.withLock { $0.append(line) } }
    var lines: [String] { all.withLock { $0 } }
    func contains(_ text: String) -> Bool { lines.contains { $0.contains(text) } }
}
