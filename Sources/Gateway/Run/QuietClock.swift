/// The frames' clock while every bus is quiet, for closing the windows of quiet buses: the
/// newest frame's event time plus the monotonic time elapsed since then.
///
/// The daemon once read CLOCK_REALTIME here. A wall clock stepped under the daemon (NTP after
/// a cold start without RTC, an operator's `date -s`) then moved the windows with it: a step of
/// an hour forward closed an hour of empty windows at once and made every later frame a late
/// frame, lost to the aggregates. The frames' kernel timestamps are the event time; this clock
/// only extends it by how long the buses have been quiet, measured on CLOCK_MONOTONIC, which
/// no step moves. A step of the system clock shows in the frames themselves and is handled as
/// event time.
///
/// The input reports idle only after `quietAfter` without a frame, so at the first idle after
/// a frame that frame is taken to be `quietAfter` old (it is at least that: the estimate never
/// runs ahead of the frames).
struct QuietClock {
    let quietAfter: Int64
    /// Event time of the frame the estimate is anchored to, and the monotonic time it stands for.
    private var anchor: (event: Int64, monotonic: Int64) = (.min, 0)

    init(quietAfter: Int64) { self.quietAfter = quietAfter }

    /// The frames' time now, given the newest event time seen and the monotonic clock.
    mutating func now(latestEvent: Int64, monotonic: Int64) -> Int64 {
        if anchor.event != latestEvent { anchor = (latestEvent, monotonic - quietAfter) }
        return latestEvent + (monotonic - anchor.monotonic)
    }
}
