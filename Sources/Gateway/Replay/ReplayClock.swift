#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The wall clock `--realtime` paces against, injected so that tests use a fake one.
public protocol ReplayClock: AnyObject {
    /// Monotonic nanoseconds.
    func now() -> Int64
    /// Returns at or after `deadline` (monotonic nanoseconds).
    func sleep(until deadline: Int64)
}

/// CLOCK_MONOTONIC and clock_nanosleep(TIMER_ABSTIME).
public final class SystemReplayClock: ReplayClock {
    public init() {}

    public func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    public func sleep(until deadline: Int64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}

/// Maps the captures' clock onto a wall clock: the first frame plays at once, every later
/// frame at its offset from the first divided by `speed` (1: the original timing, 10: ten
/// times faster). Sleeps only when more than `slack` ahead (sleeping for each of a million
/// frames a second would cost more than it paces).
struct RealtimePacer {
    let clock: any ReplayClock
    let speed: Double
    let slack: Int64
    private var origin: (capture: Int64, wall: Int64)?

    init(clock: any ReplayClock, speed: Double = 1, slack: Int64 = 1_000_000) {
        precondition(speed > 0 && speed.isFinite, "a replay speed is a positive factor")
        self.clock = clock
        self.speed = speed
        self.slack = slack
    }

    mutating func wait(forFrameAt time: Int64) {
        guard let origin else {
            origin = (time, clock.now())
            return
        }
        let offset = max(0, time - origin.capture)
        let deadline = origin.wall + (speed == 1 ? offset : Int64(Double(offset) / speed))
        if deadline - clock.now() > slack { clock.sleep(until: deadline) }
    }
}
