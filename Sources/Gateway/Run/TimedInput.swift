import CANCore
import SystemIO

/// Gives a blocking input timed reads: one thread reads `inner` and hands frames over in
/// batches through a bounded buffer; `next(waitingAtMost:)` returns `.idle` when nothing
/// came in time. When the buffer is full the reading thread waits (the inner input's own
/// queue then takes the back-pressure and counts its drops).
public final class TimedInput: LiveFrameInput, @unchecked Sendable {
    private let inner: any LiveFrameInput
    private let capacity: Int
    /// Guards `pending` and `ended`; its one condition wakes the consumer (frames or the
    /// end arrived) and the reading thread (room in the buffer).
    private let lock = ConditionLock()
    private var pending: [CANFrame] = []
    private var ended = false
    // Owned by the consumer.
    private var batch: [CANFrame] = []
    private var position = 0

    /// Starts reading `inner` on a new thread; `inner.next()` is only ever called there.
    public init(_ inner: any LiveFrameInput, capacity: Int = 4096) {
        precondition(capacity > 0, "capacity must be positive")
        self.inner = inner
        self.capacity = capacity
        pending.reserveCapacity(capacity)
        batch.reserveCapacity(capacity)
        // The thread holds the input until the inner one ends; it is never joined (its
        // handle goes away here, which detaches it).
        _ = SystemThread(name: "candor-input") { [self] in pump() }
    }

    private func pump() {
        while let frame = inner.next() {
            lock.withLock {
                while pending.count >= capacity { _ = lock.wait(untilMonotonic: nil) }
                pending.append(frame)
                if pending.count == 1 { lock.broadcast() }
            }
        }
        lock.withLock {
            ended = true
            lock.broadcast()
        }
    }

    public func next(waitingAtMost nanoseconds: Int64) -> LiveInputEvent {
        if position < batch.count {
            defer { position += 1 }
            return .frame(batch[position])
        }
        return lock.withLock {
            if pending.isEmpty && !ended {
                let deadline = ConditionLock.monotonicNanoseconds() + nanoseconds
                while pending.isEmpty && !ended {
                    if !lock.wait(untilMonotonic: deadline) { break }
                }
            }
            if pending.isEmpty { return ended ? .end : .idle }
            batch.removeAll(keepingCapacity: true)
            swap(&batch, &pending)
            lock.broadcast()
            position = 1
            return .frame(batch[0])
        }
    }

    public func next() -> CANFrame? {
        while true {
            switch next(waitingAtMost: 1_000_000_000) {
            case .frame(let frame): return frame
            case .idle: continue
            case .end: return nil
            }
        }
    }

    /// Stops the inner input; what it already gave is still delivered, then `.end`.
    public func stop() { inner.stop() }
}
