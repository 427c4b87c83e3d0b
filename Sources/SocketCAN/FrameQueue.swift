import CANCore
import SystemIO

/// A bounded first-in-first-out queue of frames between reader threads (producers) and one
/// consumer. Pushing never blocks: when the queue is full the new frame is dropped and
/// counted in `overflowCount` (the "queue" drop stage; the kernel's drops are counted by
/// `SO_RXQ_OVFL` before it). Storage is allocated once.
public final class FrameQueue: @unchecked Sendable {
    public let capacity: Int
    private let lock = ConditionLock()
    private let slots: UnsafeMutablePointer<CANFrame>
    private var head = 0
    private var count = 0
    private var overflow = 0
    private var closed = false

    public init(capacity: Int) {
        precondition(capacity > 0, "queue capacity must be positive")
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
    }

    deinit {
        for i in 0..<count { (slots + (head + i) % capacity).deinitialize(count: 1) }
        slots.deallocate()
    }

    /// Appends `frame`; returns false (and counts it) when the queue is full or closed.
    @discardableResult
    public func push(_ frame: CANFrame) -> Bool {
        lock.withLock {
            guard !closed, count < capacity else {
                overflow += 1
                return false
            }
            (slots + (head + count) % capacity).initialize(to: frame)
            count += 1
            if count == 1 { lock.broadcast() }
            return true
        }
    }

    /// Appends `frames` in order under one lock; returns how many were accepted (the rest
    /// are counted as overflow).
    @discardableResult
    public func push(contentsOf frames: [CANFrame]) -> Int {
        lock.withLock {
            var accepted = 0
            let wasEmpty = count == 0
            for frame in frames {
                guard !closed, count < capacity else {
                    overflow += 1
                    continue
                }
                (slots + (head + count) % capacity).initialize(to: frame)
                count += 1
                accepted += 1
            }
            if wasEmpty && count > 0 { lock.broadcast() }
            return accepted
        }
    }

    /// The oldest frame; waits until one arrives, the queue is closed and empty (nil), or the
    /// monotonic deadline in nanoseconds passes (nil).
    public func pop(untilMonotonic deadline: Int64? = nil) -> CANFrame? {
        lock.withLock {
            while count == 0 {
                if closed { return nil }
                if !lock.wait(untilMonotonic: deadline) && count == 0 { return nil }
            }
            let frame = (slots + head).move()
            head = (head + 1) % capacity
            count -= 1
            return frame
        }
    }

    /// Wakes the consumer; later pushes are refused; frames already queued can still be popped.
    public func close() {
        lock.withLock {
            closed = true
            lock.broadcast()
        }
    }

    /// Frames refused because the queue was full (or closed).
    public var overflowCount: Int { lock.withLock { overflow } }
    /// Frames waiting.
    public var depth: Int { lock.withLock { count } }
}
