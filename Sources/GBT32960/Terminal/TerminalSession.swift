/// The GB/T 32960 terminal as a state machine without I/O: the caller feeds it the clock
/// (`tick`), the link's events and the platform's bytes; it answers with `TerminalAction`s.
/// One owner calls everything (not thread-safe).
///
/// Behaviour (Annex B of both editions):
/// - On connecting, a login (0x01) with the day's next serial (persisted). Unanswered for the
///   response timeout: another login; after three, disconnect and wait `loginBackoff`.
/// - Logged in: a real-time report (0x02) every period on the session's clock; a heartbeat
///   (0x07) when the platform has confirmed nothing for `heartbeat`; a time sync (0x08)
///   after login. Replies of either shape (time only, echo, empty) are accepted.
/// - Reports produced while not logged in go to the `ReportStore` and out as reissue (0x03),
///   with their own collection time, in the idle time between real-time reports; older than
///   the edition's retention they are dropped (counted).
/// - Delivery is confirmed by TCP order: a reply to a frame confirms every frame sent before
///   it. A heartbeat follows each reissue batch as that fence. On a lost connection,
///   unconfirmed real-time reports are stored and unconfirmed reissues handed out again, so
///   nothing is lost; a report may arrive twice if the link died between its delivery and the
///   reply that would have confirmed it.
/// - An error reply to a report: sent again after `errorResend`, at most 3 times (B.2.1).
/// - A level-3 alarm (2025: 3 or 4): the 30 s of 1 s history before it go out as reissue,
///   then reports every second while it lasts (at least 30 s).
/// - Downlink query/set/control (0x80–0x82) are counted and ignored; garbage, bad BCCs and
///   replies to nothing are counted.
public final class TerminalSession {
    public let config: TerminalConfig
    public internal(set) var statistics = TerminalStatistics()
    let store: ReportStore
    let serials: LoginSerialStore
    let source: ReportSource
    /// 2025: signs each report with the vehicle's security chip; without one, reports go unsigned.
    let signer: ReportSigner?

    enum State: Equatable {
        case idle
        case connecting
        case loggingIn(attempt: Int, sentAt: Int64)
        case loggedIn
        case backingOff(until: Int64)
        case waitingToReconnect(until: Int64)
        case loggingOut(sentAt: Int64)
        case finished
    }

    var state = State.idle
    var actions: [TerminalAction] = []
    var framer = StreamFramer()
    var framerSkippedCounted = 0
    var sessionSerial: UInt16 = 0
    var shuttingDown = false
    /// Index of the next frame written on this connection: replies confirm lower indexes.
    var frameIndex = 0
    var lastConfirmedAt: Int64 = 0
    var heartbeat: (index: Int, sentAt: Int64)?
    var timeSync: (index: Int, sentAt: Int64, attempts: Int)?
    /// Real-time reports sent but not yet confirmed: stored if the link dies.
    var unconfirmed: [(index: Int, data: [UInt8])] = []
    /// Reissues handed out by the store and sent, waiting for confirmation.
    var inflight: [(index: Int, id: UInt64, data: [UInt8])] = []
    /// Reports the platform answered with an error, to send again.
    var resends: [(due: Int64, command: Command, data: [UInt8])] = []
    /// How often each recently rejected report was rejected.
    var rejections: [(data: [UInt8], count: Int)] = []
    // Reporting on the session's clock.
    var nextReportAt: Int64?
    var nextSampleAt: Int64?
    var history: [(time: Int64, data: [UInt8])] = []
    var alarmFastUntil: Int64 = .min
    var alarmActive = false

    public init(config: TerminalConfig, store: ReportStore, serials: LoginSerialStore, source: ReportSource, signer: ReportSigner? = nil) {
        self.config = config
        self.signer = signer
        self.store = store
        self.serials = serials
        self.source = source
    }

    public var isLoggedIn: Bool { state == .loggedIn }
    public var isFinished: Bool { state == .finished }

    /// A login, heartbeat, time sync or logout waits for the platform's reply.
    public var awaitingReply: Bool {
        switch state {
        case .loggingIn, .loggingOut: true
        case .loggedIn: heartbeat != nil || timeSync != nil
        default: false
        }
    }

    /// Reports sent on this connection and not yet confirmed by a reply.
    public var hasUnconfirmedReports: Bool { !unconfirmed.isEmpty || !inflight.isEmpty }

    /// Starts the session: asks for a connection.
    public func start(atMillis now: Int64) -> [TerminalAction] {
        state = .connecting
        nextReportAt = now
        nextSampleAt = now
        emit(.connect)
        return drain()
    }

    public func connected(atMillis now: Int64) -> [TerminalAction] {
        framer = StreamFramer()
        framerSkippedCounted = 0
        frameIndex = 0
        lastConfirmedAt = now
        heartbeat = nil
        timeSync = nil
        sendLogin(attempt: 1, now: now)
        return drain()
    }

    public func connectionFailed(atMillis now: Int64) -> [TerminalAction] {
        if !shuttingDown { state = .waitingToReconnect(until: now + config.reconnectMillis) } else { finish() }
        return drain()
    }

    /// The link broke (or the transport closed it after `.disconnect`).
    public func disconnected(atMillis now: Int64) -> [TerminalAction] {
        for report in unconfirmed { storeReport(report.data) }
        unconfirmed.removeAll()
        inflight.removeAll()
        store.rewind()
        heartbeat = nil
        timeSync = nil
        switch state {
        case .backingOff, .finished: break
        case .loggingOut: finish()
        default:
            if shuttingDown { finish() } else { state = .waitingToReconnect(until: now + config.reconnectMillis) }
        }
        return drain()
    }

    /// Logs out (when logged in) and finishes; what is unconfirmed stays stored for the next run.
    public func shutdown(atMillis now: Int64) -> [TerminalAction] {
        shuttingDown = true
        if state == .loggedIn {
            state = .loggingOut(sentAt: now)
            send(.logout, Logout(time: BeijingTime(unixSeconds: now / 1000), serial: sessionSerial).encode())
        } else {
            for report in unconfirmed { storeReport(report.data) }
            unconfirmed.removeAll()
            finish()
        }
        return drain()
    }

    func finish() {
        state = .finished
        emit(.finished)
    }

    /// Bytes from the platform.
    public func received(_ bytes: some Sequence<UInt8>, atMillis now: Int64) -> [TerminalAction] {
        framer.append(bytes)
        while let unit = framer.next() {
            guard case let .frame(raw) = unit else { statistics.badChecksums += 1; continue }
            guard let (frame, _) = try? Frame.decode(raw), let message = try? Message(frame: frame) else {
                statistics.undecodable += 1
                continue
            }
            handle(message, now: now)
        }
        statistics.garbageBytes += framer.skippedBytes - framerSkippedCounted
        framerSkippedCounted = framer.skippedBytes
        return drain()
    }

    func emit(_ action: TerminalAction) { actions.append(action) }
    func emit(_ event: TerminalEvent) { actions.append(.event(event)) }

    func drain() -> [TerminalAction] {
        defer { actions.removeAll() }
        return actions
    }

    /// Writes a frame; returns its index on this connection.
    @discardableResult
    func send(_ command: Command, _ data: [UInt8]) -> Int {
        let frame = Frame(edition: config.edition, command: command, vin: config.vin, data: data)
        emit(.send(frame.bytes))
        statistics.sent[command.rawValue, default: 0] += 1
        frameIndex += 1
        return frameIndex - 1
    }

    func sendLogin(attempt: Int, now: Int64) {
        let time = BeijingTime(unixSeconds: now / 1000)
        let day = time.year * 10_000 + time.month * 100 + time.day
        let serial = (serials.load() ?? LoginSerial(day: 0, serial: 0)).next(day: day)
        do { try serials.save(serial) } catch { emit(.storeFailed("login serial: \(error)")) }
        sessionSerial = serial.serial
        statistics.logins += 1
        state = .loggingIn(attempt: attempt, sentAt: now)
        send(.login, Login(time: time, serial: serial.serial, iccid: config.iccid, systemCount: 0).encode(edition: config.edition))
    }
}
