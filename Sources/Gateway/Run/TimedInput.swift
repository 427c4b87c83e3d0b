import CANCore
#if canImport(Glibc)
import Glibc
#endif

/// Gives a blocking input timed reads: one thread reads `inner` and hands frames over in
/// batches through a bounded buffer; `next(waitingAtMost:)` returns `.idle` when nothing
/// came in time. When the buffer is full the reading thread waits (the inner input's own
/// queue then takes the back-pressure and counts its drops).
public final class TimedInput: LiveFrameInput, @unchecked Sendable {
    private let inner: any LiveFrameInput
    private let capacity: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var pending: [CANFrame] = []
    private var ended = false
    // Owned by the consumer.
    private var batch: [CANFrame] = []
    private var position = 0
    private var thread = pthread_t()

    /// Starts reading `inner` on a new thread; `inner.next()` is only ever called there.
    public init(_ inner: any LiveFrameInput, capacity: Int = 4096) {
        precondition(capacity > 0, "capacity must be positive")
        self.inner = inner
        self.capacity = capacity
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(notEmpty, &attributes)
        pthread_cond_init(notFull, &attributes)
        pthread_condattr_destroy(&attributes)
        pending.reserveCapacity(capacity)
        batch.reserveCapacity(capacity)
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let input = Unmanaged<TimedInput>.fromOpaque(raw!).takeRetainedValue()
            input.pump()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(thread)
    }

    deinit {
        pthread_cond_destroy(notEmpty)
        pthread_cond_destroy(notFull)
        pthread_mutex_destroy(mutex)
        notEmpty.deallocate()
        notFull.deallocate()
        mutex.deallocate()
    }

    private func pump() {
        while let frame = inner.next() {
            pthread_mutex_lock(mutex)
            while pending.count >= capacity { pthread_cond_wait(notFull, mutex) }
            pending.append(frame)
            if pending.count == 1 { pthread_cond_signal(notEmpty) }
            pthread_mutex_unlock(mutex)
        }
        pthread_mutex_lock(mutex)
        ended = true
        pthread_cond_signal(notEmpty)
        pthread_mutex_unlock(mutex)
    }

    public func next(waitingAtMost nanoseconds: Int64) -> LiveInputEvent {
        if position < batch.count {
            defer { position += 1 }
            return .frame(batch[position])
        }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if pending.isEmpty && !ended {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let deadline = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) + nanoseconds
            var until = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
            while pending.isEmpty && !ended {
                if pthread_cond_timedwait(notEmpty, mutex, &until) == ETIMEDOUT { break }
            }
        }
        if pending.isEmpty { return ended ? .end : .idle }
        batch.removeAll(keepingCapacity: true)
        swap(&batch, &pending)
        pthread_cond_signal(notFull)
        position = 1
        return .frame(batch[0])
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
