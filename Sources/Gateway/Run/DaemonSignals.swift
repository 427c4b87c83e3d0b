#if canImport(Glibc)
import Glibc
#endif

/// What a signal asks of the daemon.
public enum DaemonSignal: Sendable, Equatable {
    /// SIGTERM or SIGINT (the name goes to the log).
    case stop(String)
    /// SIGHUP: read the config again.
    case reload
}

/// Where the supervisor waits for signals: the process's (`ProcessSignals`), or a script in tests.
public protocol DaemonSignals: AnyObject, Sendable {
    /// The next signal, or nil when none came within `timeout`.
    func wait(timeout: Duration) -> DaemonSignal?
}

/// SIGTERM, SIGINT and SIGHUP blocked for the whole process and taken with sigtimedwait by the
/// supervisor thread, so that no work ever runs in a signal handler. Make it before any
/// thread starts: threads inherit the mask, and only the supervisor then sees the signals.
public final class ProcessSignals: DaemonSignals, @unchecked Sendable {
    private var set = sigset_t()

    public init() {
        sigemptyset(&set)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, signal) }
        let rc = pthread_sigmask(SIG_BLOCK, &set, nil)
        precondition(rc == 0, "pthread_sigmask failed: \(rc)")
    }

    public func wait(timeout: Duration) -> DaemonSignal? {
        let (seconds, attoseconds) = timeout.components
        var time = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        switch sigtimedwait(&set, nil, &time) {
        case SIGTERM: return .stop("SIGTERM")
        case SIGINT: return .stop("SIGINT")
        case SIGHUP: return .reload
        default: return nil  // timeout (EAGAIN) or EINTR: the caller ticks and waits again
        }
    }
}
