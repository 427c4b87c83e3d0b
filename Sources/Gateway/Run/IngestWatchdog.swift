import Synchronization
import SystemIO

/// The ingest thread's sign of life: bumped after every frame and every idle tick of the
/// gateway loop (the loop wakes at least every 500 ms on quiet buses), with the frame count
/// for `STATUS=`. Two relaxed atomic stores per frame.
public final class IngestHeartbeat: Sendable {
    private let beatCount = Atomic<Int>(0)
    private let frameCount = Atomic<Int>(0)

    public init() {}

    public func beat(frames: Int) {
        beatCount.add(1, ordering: .relaxed)
        frameCount.store(frames, ordering: .relaxed)
    }

    public var beats: Int { beatCount.load(ordering: .relaxed) }
    public var frames: Int { frameCount.load(ordering: .relaxed) }
}

/// Sends systemd's `WATCHDOG=1` from its own thread, and only while ingest is alive: every
/// `interval / 4` it looks at the heartbeat and feeds the watchdog when it moved since the
/// last look. A stalled ingest loop therefore gets the daemon restarted, and nothing else —
/// a long reload on the supervisor thread, a slow sink close — delays or fakes the feed.
public final class IngestWatchdog: @unchecked Sendable {
    private let heartbeat: IngestHeartbeat
    private let period: Duration
    private let feed: @Sendable () -> Void
    private let stalled: @Sendable (Bool) -> Void
    private let condition = ConditionLock()
    private var stopping = false
    private var finished = false

    /// `interval`: systemd's WatchdogSec; `feed` sends WATCHDOG=1; `stalled(true)` is called
    /// once when a look finds no progress after some did, `stalled(false)` when it resumes.
    public init(heartbeat: IngestHeartbeat, interval: Duration, feed: @escaping @Sendable () -> Void,
                stalled: @escaping @Sendable (Bool) -> Void = { _ in }) {
        self.heartbeat = heartbeat
        self.period = interval / 4
        self.feed = feed
        self.stalled = stalled
    }

    public func start() {
        _ = SystemThread(name: "candor-watchdog") { self.watch() }
    }

    /// Ends the thread and waits for it.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func watch() {
        var last = heartbeat.beats
        var isStalled = false
        condition.lock()
        while !stopping {
            _ = condition.wait(untilMonotonic: ConditionLock.deadline(after: period))
            if stopping { break }
            let now = heartbeat.beats
            if now != last {
                last = now
                if isStalled { isStalled = false; stalled(false) }
                condition.unlock()
                feed()
                condition.lock()
            } else if !isStalled {
                isStalled = true
                condition.unlock()
                stalled(true)
                condition.lock()
            }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
