#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A mutex with one condition variable on `CLOCK_MONOTONIC`: the hand-off between a
/// producing thread and a consumer that must wait with a deadline (the SocketCAN readers'
/// queue, the daemon's timed input, a writer thread's queue). It exists because
/// `Synchronization`'s `Mutex` cannot wait (it has no condition variable); state that needs
/// no waiting uses that `Mutex`, or `Atomic`, instead.
///
/// Every pthread result is checked: a failure here means the lock itself is broken (a bug),
/// so it stops the process with the call's name.
public final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        Self.require("pthread_mutex_init", pthread_mutex_init(mutex, nil))
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        Self.require("pthread_condattr_init", pthread_condattr_init(&attributes))
        Self.require("pthread_condattr_setclock", pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC))
        Self.require("pthread_cond_init", pthread_cond_init(condition, &attributes))
        Self.require("pthread_condattr_destroy", pthread_condattr_destroy(&attributes))
    }

    deinit {
        Self.require("pthread_cond_destroy", pthread_cond_destroy(condition))
        Self.require("pthread_mutex_destroy", pthread_mutex_destroy(mutex))
        condition.deallocate()
        mutex.deallocate()
    }

    /// Takes the lock; `unlock()` gives it back (for waits that let go of it in the middle).
    public func lock() { Self.require("pthread_mutex_lock", pthread_mutex_lock(mutex)) }

    public func unlock() { Self.require("pthread_mutex_unlock", pthread_mutex_unlock(mutex)) }

    public func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        Self.require("pthread_mutex_lock", pthread_mutex_lock(mutex))
        defer { Self.require("pthread_mutex_unlock", pthread_mutex_unlock(mutex)) }
        return try body()
    }

    /// Waits (lock held) until signalled or the monotonic `deadline` (ns) passes; false on
    /// timeout. A wake-up may be spurious: callers re-check their condition in a loop.
    public func wait(untilMonotonic deadline: Int64?) -> Bool {
        guard let deadline else {
            Self.require("pthread_cond_wait", pthread_cond_wait(condition, mutex))
            return true
        }
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        let result = pthread_cond_timedwait(condition, mutex, &time)
        if result == ETIMEDOUT { return false }
        Self.require("pthread_cond_timedwait", result)
        return true
    }

    /// Waits (lock held) until signalled; a wake-up may be spurious.
    public func wait() { _ = wait(untilMonotonic: nil) }

    /// Wakes one waiter.
    public func signal() { Self.require("pthread_cond_signal", pthread_cond_signal(condition)) }

    /// Wakes every waiter.
    public func broadcast() { Self.require("pthread_cond_broadcast", pthread_cond_broadcast(condition)) }

    /// The monotonic deadline `duration` from now, for `wait(untilMonotonic:)`.
    public static func deadline(after duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return monotonicNanoseconds() + seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// `CLOCK_MONOTONIC` now, in nanoseconds: the clock `wait(untilMonotonic:)` counts on.
    public static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        require("clock_gettime", clock_gettime(CLOCK_MONOTONIC, &now) == 0 ? 0 : errno)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    static func require(_ call: String, _ result: Int32) {
        precondition(result == 0, "\(call) failed: \(SystemError.text(result))")
    }
}
