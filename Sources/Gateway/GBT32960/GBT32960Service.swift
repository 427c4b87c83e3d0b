import GBT32960
import Outbox
import Synchronization
import SystemIO
import Telemetry
import TLS

/// The GB/T 32960 terminal as a record service: ingest hands batches to a bounded
/// `QueuedRecordService`; on its thread this consumer feeds the reported vehicle's shortest
/// signal windows into a `SignalSnapshot` and drives the `TerminalSession` on the vehicle's
/// clock — each window end is a tick (event time in replay, so a replay reports exactly as the
/// drive would have). The session's actions go to one TCP connection, TLS on it when
/// `uplink.gbt32960.tls` is set (never plain then: a refused or stalled handshake is a failed
/// connection, retried with the session's back-off).
///
/// Replay runs faster than the wall clock, so after a login, heartbeat, time sync or logout
/// (and after a report, once the platform has shown that it acknowledges reports) the thread
/// waits up to `reply_wait` of wall time for the reply before the session's clock moves on.
/// The location body comes from gpsd (`gpsd:`, its newest fix when the report is made) or,
/// in a replay, from a recorded NMEA track on the capture's clock (`track:`, `GNSSTrack`).
///
/// Reports stored while the platform is unreachable are in the outbox on disk
/// (`state_directory/outbox`) and go out as reissue after the next login, in this run or a
/// later one.
///
/// Under `candor run` (`liveClock`), a bus that falls silent stops the windows, not the
/// session: after `idleAfterMillis` without a window the clock runs on from the newest
/// window's end by monotonic time (`IdleClock`), so heartbeats keep the session and reports go
/// on (their stale values as the tables' sentinels). A bus silent from the start logs in on the
/// wall clock after `idleAfterMillis` and reports on from it; windows that come later move the
/// clock only forward (a window ending at or before it updates the values, not the time), so
/// the reports' times never decrease. Replay stays on event time alone.
public final class GBT32960Service: AsyncRecordConsumer, @unchecked Sendable {
    public let name = "gbt32960"
    public let options: GBT32960UplinkOptions
    let session: TerminalSession
    let snapshot: SignalSnapshot
    let outbox: Outbox
    let connection: PlatformConnection
    /// The position's source: gpsd (`gpsd:`) or a recorded track (`track:`); nil without one.
    let gpsd: GpsdClient?
    let track: GNSSTrack?
    private let log: (@Sendable (String) -> Void)?
    /// Held around every call into the session (other threads read its statistics); guards
    /// the event lines kept and the count of waits that ran out.
    private let lock = Mutex(Shared())
    /// Held by whatever moves the session's clock (a batch, an idle tick, close); guards the
    /// properties below.
    private let driving = Mutex(())
    private let idle: IdleClock?
    private var closed = false
    private var shortestWindow = Int64.max
    private var started = false
    private var now: Int64 = 0
    /// Frames sent when a wait for a reply last ran out (-1: none did).
    private var waitedInVain = -1

    private struct Shared {
        var kept: [String] = []
        /// Waits for a reply that ran out of `reply_wait`.
        var waitsRunOut = 0
    }

    /// The record service `SinkSet` runs: this terminal behind a bounded queue.
    public static func make(_ options: GBT32960UplinkOptions, log: (@Sendable (String) -> Void)? = nil) throws(SinkError) -> QueuedRecordService {
        QueuedRecordService(try GBT32960Service(options, log: log), capacity: options.queueRecords,
                            closeTimeout: .milliseconds(Int64(options.replyWaitMillis) * 2 + 5_000))
    }

    /// `log` receives one line per session event; without it the last 200 are kept (`takeEvents`).
    public init(_ options: GBT32960UplinkOptions, log: (@Sendable (String) -> Void)? = nil) throws(SinkError) {
        self.options = options
        self.log = log
        // The track first: a file that cannot be read stops the start before anything is opened.
        if let file = options.track {
            do { track = try GNSSTrack.load(path: file.path, maxAgeMillis: options.fixMaxAgeMillis) } catch {
                throw SinkError(.io, path: file.path, message: "uplink.gbt32960.track: \(error.reason)")
            }
        } else {
            track = nil
        }
        let directory = options.stateDirectory
        if let files = options.tls {
            do {
                connection = PlatformConnection(tls: try TLSClientContext(ca: files.ca, certificate: files.certificate, key: files.key))
            } catch {
                throw SinkError(.io, path: "uplink.gbt32960.tls", message: error.description)
            }
        } else {
            connection = PlatformConnection()
        }
        do { try Syscall.makeDirectories(directory, mode: 0o755) } catch {
            throw SinkError(.io, path: directory, message: "cannot create the state directory: \(error)")
        }
        do {
            outbox = try Outbox(directory: directory + "/outbox", options: OutboxOptions(
                maxAgeMillis: options.terminal.retentionMillis, durability: .full))
        } catch {
            throw SinkError(.io, path: directory + "/outbox", message: error.description)
        }
        snapshot = SignalSnapshot(options.rules, edition: options.terminal.edition)
        gpsd = options.gpsd.map { GpsdClient(host: $0.host, port: $0.port, maxFixAgeMillis: options.fixMaxAgeMillis) }
        if let track {
            snapshot.position = { [track] time in track.position(atMillis: time) }
        } else if let gpsd {
            snapshot.position = { [gpsd] _ in gpsd.position() }
            gpsd.start()
        }
        session = TerminalSession(config: options.terminal, store: OutboxReportStore(outbox: outbox),
                                  serials: FileLoginSerialStore(path: directory + "/login-serial"), source: snapshot)
        idle = options.liveClock ? IdleClock(idleAfterMillis: options.idleAfterMillis) : nil
        idle?.start { [weak self] time in self?.idleTick(time) }
    }

    public var statistics: TerminalStatistics {
        locked { session.statistics }
    }

    /// Waits for a reply that ran out of `reply_wait` (a stalled platform costs one per
    /// unanswered request, not one per tick).
    public var expiredWaits: Int {
        lock.withLock { $0.waitsRunOut }
    }

    /// The session's event lines kept since the last call (when no `log` was given).
    public func takeEvents() -> [String] {
        lock.withLock { shared in
            defer { shared.kept.removeAll() }
            return shared.kept
        }
    }

    public func consume(_ batch: RecordBatch) throws(SinkError) {
        driving.withLock { _ in drive(batch) }
    }

    private func drive(_ batch: RecordBatch) {
        let before = now
        var groupEnd: Int64?
        for case let .signalWindow(window) in batch.records where window.vehicle == options.vehicle {
            shortestWindow = min(shortestWindow, window.windowLength)
            guard window.windowLength == shortestWindow else { continue }
            let end = (window.windowStart + window.windowLength) / 1_000_000
            if let current = groupEnd, end > current { advance(to: current) }
            groupEnd = end
            snapshot.update(window)
        }
        if let groupEnd { advance(to: groupEnd) }
        if now > before { idle?.anchor(at: now) }
    }

    /// The bus has been silent (live only): the clock runs on by monotonic time; silent since
    /// the start, the session starts (logs in) on the wall clock's time.
    private func idleTick(_ time: Int64) {
        driving.withLock { _ in
            guard !closed else { return }
            advance(to: time)
        }
    }

    public func close() throws(SinkError) {
        idle?.stop()
        defer { gpsd?.stop() }
        driving.withLock { _ in
            closed = true
            if started {
                perform(locked { session.shutdown(atMillis: now) })
                awaitReplies()
            }
            if let problem = connection.close() { note("close: \(problem)") }
        }
        do { try outbox.close() } catch { throw SinkError(.io, path: options.stateDirectory + "/outbox", message: error.description) }
    }

    public func interrupt() {
        if let problem = connection.interrupt() { note("interrupt: \(problem)") }
    }

    /// One second of the vehicle's clock (or more, across a gap): the session samples, reports
    /// and runs its timers; then what the platform sent is read.
    private func advance(to time: Int64) {
        guard time > now || !started else { return }
        now = time
        if !started {
            started = true
            perform(locked { session.start(atMillis: time) })
        }
        perform(locked { session.tick(atMillis: time) })
        awaitReplies()
    }

    private func locked<T: Sendable>(_ body: () -> T) -> T {
        lock.withLock { _ in body() }
    }

    /// Reads what is there; while a reply is awaited, waits for it (at most `reply_wait`, and
    /// only once for the same frames: a stalled platform costs one wait, not one per tick).
    private func awaitReplies() {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(options.replyWaitMillis)))
        var first = true
        while connection.isOpen {
            let (waiting, sent) = locked {
                (!session.isFinished && (session.awaitingReply || (session.statistics.reportReplies > 0 && session.hasUnconfirmedReports)),
                 session.statistics.sent.values.reduce(0, +))
            }
            let left = deadline - ContinuousClock.now
            if waiting && left <= .zero && sent != waitedInVain {
                waitedInVain = sent
                lock.withLock { $0.waitsRunOut += 1 }
            }
            let millis = first ? 0 : (waiting && left > .zero && sent != waitedInVain
                ? Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1) : -1)
            if millis < 0 { return }
            first = false
            do {
                let bytes = try connection.receive(timeoutMillis: millis)
                if !bytes.isEmpty { perform(locked { session.received(bytes, atMillis: now) }) }
            } catch {
                lostConnection(error.description)
            }
        }
    }

    private func lostConnection(_ reason: String) {
        note("connection lost: \(reason)")
        if let problem = connection.close() { note("close: \(problem)") }
        perform(locked { session.disconnected(atMillis: now) })
    }

    private func perform(_ actions: [TerminalAction]) {
        for action in actions {
            switch action {
            case let .send(bytes):
                guard connection.isOpen else { continue }
                do { try connection.send(bytes, timeoutMillis: options.replyWaitMillis) } catch { lostConnection(error.description) }
            case .connect:
                do {
                    try connection.open(host: options.host, port: options.port, timeoutMillis: options.replyWaitMillis)
                    note("connected to \(options.host):\(options.port)")
                    perform(locked { session.connected(atMillis: now) })
                } catch {
                    note("cannot connect: \(error)")
                    perform(locked { session.connectionFailed(atMillis: now) })
                }
            case .disconnect:
                if let problem = connection.close() { note("close: \(problem)") }
                perform(locked { session.disconnected(atMillis: now) })
            case .finished:
                if let problem = connection.close() { note("close: \(problem)") }
            case let .event(event):
                note("\(event)")
            }
        }
    }

    private func note(_ line: String) {
        if let log { return log(line) }
        lock.withLock { shared in
            if shared.kept.count >= 200 { shared.kept.removeFirst() }
            shared.kept.append(line)
        }
    }

    /// One line for the end of a replay: what was sent, what is left for the next start.
    public var report: String {
        let s = statistics
        let sent = { (c: Command) in s.sent[c.rawValue, default: 0] }
        return "gbt32960: \(sent(.login)) logins, \(sent(.realtime)) real-time reports, \(sent(.reissue)) reissued "
            + "(\(s.reissueConfirmed) confirmed), \(sent(.heartbeat)) heartbeats, \(s.realtimeStored) stored while offline, "
            + "\(outbox.currentStatistics.messages) left in \(options.stateDirectory)/outbox"
            + (gpsd.map { g in
                let s = g.statistics
                return "; gpsd \(g.endpoint): \(s.fixes) fixes in \(s.reports) reports, \(s.connections) connections, \(s.malformed) malformed lines"
            } ?? "")
            + (track.map { "; " + $0.summary } ?? "")
    }
}
