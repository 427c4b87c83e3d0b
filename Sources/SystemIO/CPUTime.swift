#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// CPU time used so far, in nanoseconds, user and system together: what a thread reports
/// as it ends (the uplink's threads, for `candor replay`'s CPU line) and the whole process's.
public enum CPUTime {
    /// The calling thread's (`CLOCK_THREAD_CPUTIME_ID`).
    public static func thread() -> UInt64 { read(CLOCK_THREAD_CPUTIME_ID, "thread") }

    /// Every thread of the process, ended ones included (`CLOCK_PROCESS_CPUTIME_ID`).
    public static func process() -> UInt64 { read(CLOCK_PROCESS_CPUTIME_ID, "process") }

    private static func read(_ clock: clockid_t, _ name: String) -> UInt64 {
        var now = timespec()
        // Fails only with a clock the kernel does not have (EINVAL): not on Linux since 2.6.12.
        ConditionLock.require("clock_gettime(\(name) CPU time)", clock_gettime(clock, &now) == 0 ? 0 : errno)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
