import MQTT
import Outbox
import SystemIO

/// The uplink's network side: one thread that owns the MQTT connection and sends what the
/// outbox holds. Messages leave the outbox only on PUBACK; a lost connection sends what was
/// in flight again after the reconnect (from the outbox, in order). Reconnects back off
/// exponentially with jitter. With a bandwidth cap, a token bucket (one second of burst)
/// paces the payload bytes and the most important class goes first.
///
/// Only a PUBACK that is a delivery (`PubackVerdict`) removes a message. A refusal (MQTT 5
/// reason 0x80 and up: not authorized, quota exceeded, …) and, with
/// `settings.requireSubscriber`, "no matching subscribers" (0x10: a fleet whose collectors
/// have not subscribed yet — a new broker, or mosquitto 2.0 after a restart, which does not
/// keep shared subscriptions) leave the message in the outbox; once the other messages in
/// flight are answered, sending pauses (`hold`: 1 s doubling to 30 s, jittered) and starts
/// again with the oldest unacknowledged message, one at a time until the broker takes one.
/// Refusals are counted by reason code and logged (`ThrottledLine`: at once, then at most once
/// a minute); so are the outbox's I/O errors on this thread (the message stays where it was,
/// or, for an acknowledgement, the broker has it and the next start may send it again).
///
/// The outbox is shared with the thread that stores batches (`store`): every use of it is
/// under `lock`.
final class UplinkLink: @unchecked Sendable {
    let settings: UplinkSettings
    private let outbox: Outbox
    private let client: MQTTConnection
    private let broker: String
    private let notify: @Sendable (UplinkEvent) -> Void
    private let lock = ConditionLock()
    private var stats = UplinkStatistics()
    private var stopping = false
    private var finished = false
    // Owned by the network thread.
    private var inFlight: [Int32: (sequence: UInt64, bytes: Int)] = [:]
    private var schedule: ConnectSchedule
    private var tokens: Double = 0
    private var lastRefill: UInt64 = 0
    private var lastAgeCheck: UInt64 = 0
    private var hold: ReconnectBackoff
    private var holding = false
    /// Why the hold began (the log line that ends it says so).
    private var holdCause: PubackVerdict = .noSubscriber
    /// A message in flight was answered without a delivery: hold when the rest are answered.
    private var undeliveredInFlight: PubackVerdict?
    private var refusalLine = ThrottledLine()
    private var outboxLine = ThrottledLine()
    private var holdUntil: UInt64 = 0
    /// Ends the network thread's poll when a message is stored or the link finishes; without
    /// a pipe (no descriptor left) the thread polls in 25 ms steps. Closed with the link
    /// (FileDescriptor's deinit: a pipe's close has nothing to report).
    private let wake = OptionalWakePipe()
    static let maxInFlight = 32

    /// `holdBaseMillis`: the first pause after an undelivered PUBACK (doubling to 30 s).
    init(settings: UplinkSettings, outbox: Outbox, client: MQTTConnection, broker: String, seed: UInt64,
         holdBaseMillis: Int64 = 1000, notify: @escaping @Sendable (UplinkEvent) -> Void) {
        self.settings = settings
        self.outbox = outbox
        self.client = client
        self.broker = broker
        self.notify = notify
        self.schedule = ConnectSchedule(backoff: ReconnectBackoff(baseMillis: 500, capMillis: 60_000, seed: seed))
        self.hold = ReconnectBackoff(baseMillis: holdBaseMillis, capMillis: 30_000, seed: seed &+ 1)
        stats.linkSinceMillis = Outbox.wallClockMillis()
    }

    var statistics: UplinkStatistics {
        lock.lock()
        defer { lock.unlock() }
        var s = stats
        s.outbox = outbox.currentStatistics
        return s
    }

    /// Stores messages (the record service's thread). Never waits for the network.
    func store(_ messages: [UplinkMessage]) throws(OutboxError) {
        lock.lock()
        defer { lock.unlock() }
        for m in messages {
            if try outbox.append(label: m.label, payload: m.payload, class: m.outboxClass) != nil {
                stats.recordsStored += UInt64(m.records)
            }
        }
        let events = outbox.takeEvents()
        wake.signal()
        for e in events { notify(.outbox(e)) }
    }

    func start() {
        for e in outbox.takeEvents() { notify(.outbox(e)) }
        _ = SystemThread(name: "candor-uplink") { self.run() }
    }

    /// Waits until the outbox is empty or `timeout` passed, then says goodbye (retained
    /// `offline`, DISCONNECT) and stops the thread. Returns the statistics at the end.
    func finish(timeout: Double) -> UplinkStatistics {
        let deadline = ConditionLock.deadline(after: .seconds(timeout))
        lock.lock()
        while outbox.currentStatistics.messages > 0 && ConditionLock.monotonicNanoseconds() < deadline {
            _ = lock.wait(untilMonotonic: min(deadline, ConditionLock.deadline(after: .milliseconds(50))))
        }
        stopping = true
        wake.signal()
        while !finished { _ = lock.wait(untilMonotonic: ConditionLock.deadline(after: .milliseconds(50))) }
        lock.unlock()
        return statistics
    }

    func close() throws(OutboxError) {
        lock.lock()
        defer { lock.unlock() }
        try outbox.close()
    }

    // MARK: - The network thread

    private func run() {
        while true {
            lock.lock()
            let stop = stopping
            lock.unlock()
            if stop { break }
            let now = ConnectSchedule.monotonicMillis()
            switch schedule.step(now: now, connected: client.isConnected) {
            case .connect: attempt(now)
            case .timedOut: failed("no CONNACK within 15 s", now)
            case .wait: break
            }
            for event in client.poll(timeoutMillis: pollTimeout(now: now), wakingOn: wake.reader) { handle(event) }
            wake.drain()
            if client.isConnected { send() }
            if now - lastAgeCheck > 1000 {
                lastAgeCheck = now
                lock.lock()
                do { try outbox.evictExpired(now: Outbox.wallClockMillis()) } catch { outboxFailed(error) }
                lock.unlock()
            }
        }
        if client.isConnected {
            _ = try? client.publish(Self.status("offline", settings))
            let deadline = ConnectSchedule.monotonicMillis() + 1000
            var acked = false
            while !acked && client.isConnected && ConnectSchedule.monotonicMillis() < deadline {
                acked = client.poll(timeoutMillis: 20).contains { if case .acknowledged = $0 { true } else { false } }
            }
            client.disconnect()
        }
        lock.lock()
        stats.connected = false
        stats.protocolVersion = nil
        finished = true
        lock.broadcast()
        lock.unlock()
    }

    /// How long the next poll may wait. The socket (PUBACKs, the broker's packets) and the
    /// wake pipe (`store`, `finish`) end the wait early, so an idle link wakes once a second
    /// (mosquitto's keepalive, ≥ 5 s, and the age check need no more); polling every 25 ms
    /// instead cost a live gateway about 6 s of CPU an hour, three times what decoding the
    /// van's bus costs. Shorter steps only where time itself is what is awaited: a reconnect,
    /// a pause after a refusal, a bandwidth cap's tokens.
    private func pollTimeout(now: UInt64) -> Int32 {
        guard wake.exists else { return client.isConnected && !inFlight.isEmpty ? 10 : 25 }
        if !client.isConnected { return 250 }
        if now < holdUntil { return Int32(min(holdUntil - now, 1000)) }
        if settings.bandwidth != nil && tokens <= 0 { return 25 }
        return 1000
    }

    private func attempt(_ now: UInt64) {
        do {
            try client.connect()
            schedule.started(now: now)
        } catch {
            failed(error.message, now)
        }
    }

    private func failed(_ reason: String, _ now: UInt64) {
        let delay = schedule.failed(now: now)
        lock.lock()
        stats.connectFailures += 1
        stats.lastError = reason
        stats.linkDownReason = reason
        lock.unlock()
        notify(.connectFailed(broker: broker, reason: reason, retryInSeconds: Double(delay) / 1000))
    }

    private func handle(_ event: MQTTEvent) {
        switch event {
        case .connected(let present, let version):
            schedule.succeeded()
            inFlight.removeAll()
            undeliveredInFlight = nil
            lock.lock()
            outbox.resend()
            stats.connected = true
            if stats.everConnected { stats.reconnects += 1 }
            stats.everConnected = true
            stats.protocolVersion = version.rawValue
            stats.linkSinceMillis = Outbox.wallClockMillis()
            stats.linkDownReason = nil
            lock.unlock()
            _ = try? client.publish(Self.status("online", settings))
            notify(.connected(broker: broker, sessionPresent: present, version: version.rawValue))
        case .refused(let code, let reason):
            failed("refused: \(reason) (\(code))", ConnectSchedule.monotonicMillis())
        case .disconnected(let reason):
            let wasConnected = !schedule.connecting
            inFlight.removeAll()
            undeliveredInFlight = nil
            lock.lock()
            if stats.connected { stats.linkSinceMillis = Outbox.wallClockMillis() }
            stats.connected = false
            stats.protocolVersion = nil
            lock.unlock()
            if wasConnected { notify(.disconnected(broker: broker, reason: reason)) }
            failed(reason, ConnectSchedule.monotonicMillis())
        case .acknowledged(let id, let reason):
            guard let sent = inFlight.removeValue(forKey: id) else { return }
            let verdict = PubackVerdict(reasonCode: reason, requireSubscriber: settings.requireSubscriber)
            switch verdict {
            case .noSubscriber:
                if undeliveredInFlight == nil { undeliveredInFlight = verdict }
                lock.lock()
                stats.unmatched += 1
                lock.unlock()
                return
            case .refused(let code):
                undeliveredInFlight = verdict  // a refusal names the hold before a missing subscriber
                refusalLine.note()
                lock.lock()
                stats.refused[code, default: 0] += 1
                lock.unlock()
                return
            case .delivered:
                break
            }
            if holding {
                holding = false
                hold.reset()
                refusalLine.reset()
                if case .refused = holdCause {
                    notify(.accepted(broker: broker))
                } else {
                    notify(.noSubscriber(broker: broker, holding: false, retryInSeconds: 0))
                }
            }
            lock.lock()
            do { try outbox.acknowledge(sent.sequence) } catch { outboxFailed(error) }
            stats.acknowledged += 1
            stats.acknowledgedBytes += UInt64(sent.bytes)
            stats.sendingHeld = false
            lock.broadcast()
            lock.unlock()
        case .message, .subscribed:
            break
        }
    }

    private func send() {
        let now = ConnectSchedule.monotonicMillis()
        if let cap = settings.bandwidth {
            tokens = min(Double(cap), tokens + Double(now - lastRefill) * Double(cap) / 1000)
        }
        lastRefill = now
        if let cause = undeliveredInFlight {
            // A message was not delivered: when the rest in flight are answered, pause, then
            // send again from the oldest message not acknowledged.
            guard inFlight.isEmpty else { return }
            undeliveredInFlight = nil
            lock.lock()
            outbox.resend()
            stats.sendingHeld = true
            lock.unlock()
            let delay = hold.nextDelayMillis()
            holdUntil = now + UInt64(delay)
            let retry = Double(delay) / 1000
            if case .refused(let code) = cause {
                if let count = refusalLine.due(MQTTReasonCode.hex(code), now: now) {
                    notify(.refused(broker: broker, reasonCode: code, messages: count, retryInSeconds: retry))
                }
            } else if !holding || holdCause != .noSubscriber {
                notify(.noSubscriber(broker: broker, holding: true, retryInSeconds: retry))
            }
            holding = true
            holdCause = cause
        }
        if now < holdUntil { return }
        while inFlight.count < (holding ? 1 : Self.maxInFlight) {
            if settings.bandwidth != nil && tokens <= 0 { return }
            lock.lock()
            let next: [OutboxMessage]
            do { next = try outbox.next(limit: 1, importantFirst: settings.bandwidth != nil) } catch {
                outboxFailed(error)
                lock.unlock()
                return
            }
            lock.unlock()
            guard let message = next.first else { return }
            do {
                let id = try client.publish(outgoing(message))
                inFlight[id] = (message.sequence, message.payload.count)
                tokens -= Double(message.payload.count)
                lock.lock()
                stats.published += 1
                lock.unlock()
            } catch {
                // The connection is going; what is in flight is sent again after the reconnect.
                lock.lock()
                stats.lastError = error.description
                lock.unlock()
                return
            }
        }
    }

    /// An outbox operation of this thread failed (under `lock`): counted, logged (throttled).
    private func outboxFailed(_ error: OutboxError) {
        stats.outboxErrors += 1
        stats.lastError = error.description
        outboxLine.note()
        if let count = outboxLine.due(error.operation, now: ConnectSchedule.monotonicMillis()) {
            notify(.outboxFailed(message: error.description, occurrences: count))
        }
    }
}
