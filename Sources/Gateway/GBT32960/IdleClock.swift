import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The terminal's clock while the bus is silent under `candor run`: the end of the newest
/// window that moved the session's clock, plus the CLOCK_MONOTONIC time elapsed since. The
/// session otherwise ticks only when a window arrives, so a bus silent for minutes would send
/// no heartbeat, and the platform would drop the session. Replay never runs it (its clock is
/// the capture's event time alone).
///
/// A bus silent from the start has no window to anchor on: once `idleAfter` has passed since
/// `start` without one, the clock anchors on the wall clock (`CLOCK_REALTIME`, the time base of
/// SocketCAN's receive stamps), read once and cut to its whole second, and runs on by monotonic
/// time from there. The whole second puts the session's 1 s grid, which starts at its first
/// time, on the windows' grid (they are aligned to whole seconds of event time), as a session
/// started by a window is: each sample falls on a window's end, after the values it reads.
///
/// A thread (a `SystemThread` waiting on a `ConditionLock`) wakes every second (monotonic
/// waits) and, once no window has moved the clock for `idleAfter`, calls `tick` with that time
/// (whole milliseconds). Windows that arrive again
/// re-anchor it; those ending at or before the time already reached only update the values.
final class IdleClock: @unchecked Sendable {
    let idleAfterNanos: Int64
    /// Guards the state below; `stop()` wakes the thread's one-second wait through it.
    private let lock = ConditionLock()
    private var anchor: (eventMillis: Int64, monotonic: Int64)?
    private var stopping = false
    /// When `start` ran (monotonic): the silence before any window counts from there.
    private var startedAt: Int64?
    private let wallMillis: @Sendable () -> Int64

    init(idleAfterMillis: Int64, wallMillis: @escaping @Sendable () -> Int64 = IdleClock.realtimeMillis) {
        idleAfterNanos = idleAfterMillis * 1_000_000
        self.wallMillis = wallMillis
    }

    /// CLOCK_REALTIME in whole milliseconds since the Unix epoch.
    static func realtimeMillis() -> Int64 {
        var now = timespec()
        precondition(clock_gettime(CLOCK_REALTIME, &now) == 0, "clock_gettime(CLOCK_REALTIME) failed")
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// `millis` cut down to its whole second (the windows' grid).
    static func wholeSecond(_ millis: Int64) -> Int64 { millis - ((millis % 1000) + 1000) % 1000 }

    /// The session's clock moved to `eventMillis` on a window (call from the consumer).
    func anchor(at eventMillis: Int64) {
        let now = LogThrottle.monotonicNow()
        lock.withLock { anchor = (eventMillis, now) }
    }

    /// The clock's time now, once idle for `idleAfter`; nil while windows are arriving, and
    /// before the first anchor until `idleAfter` has passed since `start` (then the wall clock
    /// becomes the anchor).
    func idleTime(monotonic now: Int64 = LogThrottle.monotonicNow()) -> Int64? {
        lock.withLock {
            if anchor == nil, let startedAt, now - startedAt >= idleAfterNanos {
                let wall = Self.wholeSecond(wallMillis())
                anchor = (wall, now)
                return wall
            }
            guard let anchor, now - anchor.monotonic >= idleAfterNanos else { return nil }
            return anchor.eventMillis + (now - anchor.monotonic) / 1_000_000
        }
    }

    /// Starts the thread; `tick` runs on it with the idle time, once a second while idle.
    func start(_ tick: @escaping @Sendable (Int64) -> Void) {
        let now = LogThrottle.monotonicNow()
        lock.withLock { startedAt = now }
        _ = SystemThread(name: "candor-gbt32960-idle") { [self] in
            while !waitOneSecond() {
                if let time = idleTime() { tick(time) }
            }
        }
    }

    /// Waits a second (monotonic); true when `stop()` came first.
    private func waitOneSecond() -> Bool {
        let deadline = ConditionLock.deadline(after: .seconds(1))
        lock.lock()
        defer { lock.unlock() }
        while !stopping {
            if !lock.wait(untilMonotonic: deadline) { return stopping }
        }
        return true
    }

    /// Ends the thread (it finishes the tick it may be in, and is not waited for); idempotent.
    func stop() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
    }
}
