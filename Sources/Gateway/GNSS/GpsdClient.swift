import GBT32960
import SystemIO

/// The vehicle's position from gpsd (the Linux GNSS daemon), for the GB/T 32960 location body:
/// a thread that connects to gpsd's TCP port (default 2947), asks for JSON reports
/// (`?WATCH={"enable":true,"json":true}`) and keeps the newest TPV report (`GNSSFixKeeper`).
///
/// gpsd absent or gone: the thread connects again after 1 s, doubling up to 30 s (back to 1 s
/// after a connection that delivered a line). Lines are bounded (`maxLine`, 16 KiB: gpsd's
/// longest reports are a few KiB); a longer line, or one that is not a report this client can
/// read, is counted and skipped — never a crash, never unbounded memory. Events (connected,
/// cannot connect, lost, malformed lines throttled to one line a minute) are kept for the log
/// (`takeEvents`); the counters are `statistics` (the daemon's metrics).
final class GpsdClient: @unchecked Sendable {
    struct Statistics: Equatable, Sendable {
        var connected = false
        /// Connections made (the first included).
        var connections = 0
        var failedConnects = 0
        var lines = 0
        /// TPV reports; those with a 2D/3D fix.
        var reports = 0
        var fixes = 0
        /// Lines skipped: not a report this client can read, or over the bound (`oversized`).
        var malformed = 0
        var oversized = 0
    }

    static let maxLine = 16 * 1024
    static let watch = Array(#"?WATCH={"enable":true,"json":true}"#.utf8) + [0x0A]
    static let firstRetryMillis: Int64 = 1_000
    static let maxRetryMillis: Int64 = 30_000

    let host: String
    let port: Int
    private let connection = PlatformConnection(peer: "gpsd")
    /// Guards `shared`; broadcast on every change (`stop()` wakes the retry wait, `await` its
    /// callers).
    private let lock = ConditionLock()
    private var shared: State
    private var thread: SystemThread?

    fileprivate struct State {
        var keeper: GNSSFixKeeper
        var statistics = Statistics()
        var events: [String] = []
        var malformedLog = LogThrottle(interval: .seconds(60))
        var stopping = false

        mutating func note(_ line: String) {
            if events.count >= 200 { events.removeFirst() }
            events.append(line)
        }
    }

    /// `maxFixAgeMillis`: how old the newest fix may be (monotonic) for the location to be valid.
    init(host: String, port: Int, maxFixAgeMillis: Int64) {
        self.host = host
        self.port = port
        shared = State(keeper: GNSSFixKeeper(maxAgeMillis: maxFixAgeMillis))
    }

    var endpoint: String { "\(host):\(port)" }

    var statistics: Statistics { lock.withLock { shared.statistics } }

    /// The location body now: valid with a fresh 2D/3D fix, else invalid with the last fix.
    func position() -> Position {
        let now = ConditionLock.monotonicNanoseconds()
        return lock.withLock { shared.keeper.position(at: now) }
    }

    /// Whether the newest report is a fresh fix.
    var hasValidFix: Bool {
        let now = ConditionLock.monotonicNanoseconds()
        return lock.withLock { shared.keeper.isValid(at: now) }
    }

    /// Waits until `condition` holds for the statistics (true) or `timeout` passes (false):
    /// for a test to await the first fix, or a reconnection.
    func waitForStatistics(_ timeout: Duration, until condition: (Statistics) -> Bool) -> Bool {
        let deadline = ConditionLock.deadline(after: timeout)
        lock.lock()
        defer { lock.unlock() }
        while !condition(shared.statistics) {
            if !lock.wait(untilMonotonic: deadline) { return condition(shared.statistics) }
        }
        return true
    }

    /// The log lines since the last call.
    func takeEvents() -> [String] {
        lock.withLock {
            defer { shared.events.removeAll() }
            return shared.events
        }
    }

    func start() {
        thread = SystemThread(name: "candor-gpsd") { [self] in run() }
    }

    /// Ends the thread and closes the connection; waits for the thread (at most one bounded
    /// receive, 500 ms). Idempotent.
    func stop() {
        change { $0.stopping = true }
        _ = connection.interrupt()
        thread?.join()
        connection.close()
    }

    private var isStopping: Bool { lock.withLock { shared.stopping } }

    /// Changes the shared state and wakes every waiter.
    private func change(_ body: (inout State) -> Void) {
        lock.withLock {
            body(&shared)
            lock.broadcast()
        }
    }

    private func run() {
        var retry = Self.firstRetryMillis
        while !isStopping {
            do {
                try connection.open(host: host, port: port, timeoutMillis: 2_000)
            } catch {
                change {
                    $0.statistics.failedConnects += 1
                    $0.note("gpsd: cannot connect to \(endpoint): \(error.description); retrying in \(retry / 1000) s")
                }
                if waitForStop(millis: retry) { return }
                retry = min(retry * 2, Self.maxRetryMillis)
                continue
            }
            change {
                $0.statistics.connected = true
                $0.statistics.connections += 1
                $0.note("gpsd: connected to \(endpoint)")
            }
            let (delivered, reason) = session()
            connection.close()
            change {
                $0.statistics.connected = false
                if let reason { $0.note("gpsd: lost \(endpoint): \(reason); reconnecting in \((delivered ? Self.firstRetryMillis : retry) / 1000) s") }
            }
            if delivered { retry = Self.firstRetryMillis }
            if waitForStop(millis: retry) { return }
            if !delivered { retry = min(retry * 2, Self.maxRetryMillis) }
        }
    }

    /// One connection: WATCH, then lines until it breaks or `stop()`. Whether a line came, and
    /// why it ended (nil: stopped).
    private func session() -> (delivered: Bool, reason: String?) {
        var lines = GpsdLineBuffer(maxLine: Self.maxLine)
        var delivered = false
        do {
            try connection.send(Self.watch, timeoutMillis: 2_000)
            while !isStopping {
                let bytes = try connection.receive(timeoutMillis: 500)
                if bytes.isEmpty { continue }
                let complete = lines.append(bytes)
                let oversized = lines.oversized
                let now = ConditionLock.monotonicNanoseconds()
                delivered = delivered || !complete.isEmpty
                change { s in
                    if oversized > s.statistics.oversized {
                        s.statistics.oversized = oversized
                        s.notedMalformed("a line over \(Self.maxLine) bytes", now: now)
                    }
                    for line in complete { s.read(line, at: now) }
                }
            }
            return (delivered, nil)
        } catch {
            return (delivered, isStopping ? nil : error.description)
        }
    }
}

extension GpsdClient.State {
    mutating func read(_ line: [UInt8], at now: Int64) {
        statistics.lines += 1
        do {
            if case .tpv(let tpv) = try GpsdReport.parse(line) {
                statistics.reports += 1
                if tpv.isFix { statistics.fixes += 1 }
                keeper.received(tpv, at: now)
            }
        } catch {
            notedMalformed(error.description, now: now)
        }
    }

    mutating func notedMalformed(_ what: String, now: Int64) {
        statistics.malformed += 1
        if let held = malformedLog.admit(now: now) {
            note("gpsd: skipped a malformed line (\(what))" + (held > 0 ? "; \(held) more since the last such line" : ""))
        }
    }
}

extension GpsdClient {
    /// Waits `millis` of monotonic time; true when `stop()` came first.
    private func waitForStop(millis: Int64) -> Bool {
        let deadline = ConditionLock.deadline(after: .milliseconds(millis))
        lock.lock()
        defer { lock.unlock() }
        while !shared.stopping {
            if !lock.wait(untilMonotonic: deadline) { return shared.stopping }
        }
        return true
    }
}
