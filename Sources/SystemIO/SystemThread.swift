import CThreadName
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A joinable thread running one closure: the one way candor starts a thread of its own
/// (a blocking reader, a writer behind a bounded queue). `join()` waits for the closure to
/// return; a thread never joined is detached when its handle goes away.
public final class SystemThread: @unchecked Sendable {
    private var thread = pthread_t()
    private var joined = false

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `run` on a new thread, named `name` (its first 15 bytes: what `top -H` and
    /// `/proc/PID/task/*/comm` show) when given.
    public init(name: String? = nil, _ run: @escaping @Sendable () -> Void) {
        let named: () -> Void
        if let name {
            named = {
                var bytes = Array(name.utf8.prefix(15))
                bytes.append(0)
                ConditionLock.require("pthread_setname_np", bytes.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { candor_name_current_thread($0.baseAddress!) }
                })
                run()
            }
        } else {
            named = run
        }
        let body = Unmanaged.passRetained(Body(named)).toOpaque()
        let result = pthread_create(&thread, nil, { argument in
            let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
            body.run()
            return nil
        }, body)
        ConditionLock.require("pthread_create", result)
    }

    /// Waits for the closure to return (once; later calls return at once).
    public func join() {
        guard !joined else { return }
        joined = true
        ConditionLock.require("pthread_join", pthread_join(thread, nil))
    }

    deinit {
        if !joined { ConditionLock.require("pthread_detach", pthread_detach(thread)) }
    }
}
