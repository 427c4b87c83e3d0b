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
/// With `settings.confirmation == .collector` a PUBACK only ends a message's flight: the
/// message stays in the outbox (`markDelivered`, counted as awaiting confirmation) until a
/// collector confirms it on `candor/confirm/v1/<fleet>/<vehicle>` (`UplinkConfirmationMessage`),
/// to which the link subscribes on every connection (its persistent session keeps what is
/// confirmed while it is away; mosquitto may forget the subscription itself). At most
/// `maxAwaiting` messages await confirmation at once: beyond that sending waits, and the
/// rest stays in the outbox (bounded, evicting as always). A message not confirmed
/// `confirmTimeoutSeconds` after its PUBACK is sent again (its wait doubling per resend, to
/// 16 ×); after a reconnect at once when the broker lost our session (the confirmations it
/// held are gone too), else after `reconnectGraceMillis` (the session's queued confirmations
/// come first). The collector removes duplicates by record identity and confirms them too.
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
    /// With `.collector`: the messages handed out and not confirmed, by outbox sequence, and
    /// their sequences by identity (what a confirmation names).
    private var awaiting: [UInt64: Awaiting] = [:]
    private var identities: [UplinkMessageIdentity: UInt64] = [:]
    private var unconfirmedLine = ThrottledLine()
    private let confirmTopics: [String]
    /// Ends the network thread's poll when a message is stored or the link finishes; without
    /// a pipe (no descriptor left) the thread polls in 25 ms steps. Closed with the link
    /// (FileDescriptor's deinit: a pipe's close has nothing to report).
    private let wake = OptionalWakePipe()
    static let maxInFlight = 32
    /// Messages PUBACK'd and awaiting the collector's confirmation, at most.
    static let maxAwaiting = 512
    static let reconnectGraceMillis: UInt64 = 2000

    /// A message handed out under `.collector`: `due` (monotonic ms) is when it is sent again
    /// unless confirmed, set at its PUBACK; nil while it is pending or in flight.
    struct Awaiting {
        var identity: UplinkMessageIdentity
        var due: UInt64?
        var resends = 0
    }

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
        let vehicles = settings.vehicles.isEmpty ? [settings.broker.clientID] : settings.vehicles
        confirmTopics = settings.confirmation == .collector
            ? vehicles.map { UplinkConfirmationMessage.topic(fleet: settings.fleet, vehicle: $0) } : []
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
                if client.isConnected && !awaiting.isEmpty { resendUnconfirmed(now: ConnectSchedule.monotonicMillis()) }
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
        stats.cpu.sending = CPUTime.thread()
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
            // Without our session the broker has lost the confirmations it held for us too.
            outbox.resend(delivered: !present)
            reconnected(sessionPresent: present)
            stats.connected = true
            if stats.everConnected { stats.reconnects += 1 }
            stats.everConnected = true
            stats.protocolVersion = version.rawValue
            stats.linkSinceMillis = Outbox.wallClockMillis()
            stats.linkDownReason = nil
            lock.unlock()
            _ = try? client.publish(Self.status("online", settings))
            for topic in confirmTopics {
                do { try client.subscribe(topic, qos: 1) } catch {
                    lock.lock()
                    stats.lastError = error.description
                    lock.unlock()
                }
            }
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
            if awaiting[sent.sequence] != nil {
                // Stays until a collector confirms it (already confirmed or evicted: gone).
                if outbox.markDelivered(sent.sequence) {
                    awaiting[sent.sequence]!.due = ConnectSchedule.monotonicMillis() + confirmWait(awaiting[sent.sequence]!.resends)
                } else {
                    forget(sent.sequence)
                }
            } else {
                do { try outbox.acknowledge(sent.sequence) } catch { outboxFailed(error) }
            }
            stats.acknowledged += 1
            stats.acknowledgedBytes += UInt64(sent.bytes)
            stats.sendingHeld = false
            lock.broadcast()
            lock.unlock()
        case .message(let message):
            confirmed(message)
        case .subscribed(_, let granted):
            if !confirmTopics.isEmpty, granted.contains(where: { $0 >= MQTTReasonCode.firstRefusal }) {
                notify(.confirmationsRefused(broker: broker, reasonCode: granted.first { $0 >= MQTTReasonCode.firstRefusal }!))
            }
        }
    }

    // MARK: - Confirmations (`.collector`)

    /// How long after its PUBACK a message that was sent `resends` times already is awaited.
    private func confirmWait(_ resends: Int) -> UInt64 {
        UInt64(settings.confirmTimeoutSeconds * 1000) << UInt64(min(resends, 4))
    }

    /// A collector's confirmation: the messages it names leave the outbox.
    private func confirmed(_ message: MQTTIncoming) {
        guard confirmTopics.contains(message.topic) else { return }
        let vehicle = String(message.topic.split(separator: "/", omittingEmptySubsequences: false)[4])
        lock.lock()
        defer {
            lock.broadcast()
            lock.unlock()
        }
        guard let named = UplinkConfirmationMessage.decode(message.payload, vehicle: vehicle) else {
            stats.confirmationsIgnored += 1
            return
        }
        for identity in named {
            guard let sequence = identities[identity] else {
                stats.confirmationsIgnored += 1  // confirmed before (a duplicate's), or not ours
                continue
            }
            forget(sequence)
            do {
                if try outbox.acknowledge(sequence) { stats.confirmed += 1 } else { stats.confirmationsIgnored += 1 }
            } catch {
                outboxFailed(error)
            }
        }
    }

    /// Stops tracking `sequence` (confirmed, or gone from the outbox). Under `lock`.
    private func forget(_ sequence: UInt64) {
        if let a = awaiting.removeValue(forKey: sequence) { identities.removeValue(forKey: a.identity) }
    }

    /// After a reconnect (under `lock`): what was in flight is pending again; what awaits a
    /// confirmation is due at once without a session (`outbox.resend` made it pending),
    /// else after the grace. Messages no longer in the outbox (evicted) are forgotten.
    private func reconnected(sessionPresent: Bool) {
        let graceEnd = ConnectSchedule.monotonicMillis() + Self.reconnectGraceMillis
        for (sequence, a) in awaiting {
            if !outbox.holds(sequence) {
                forget(sequence)
            } else if !sessionPresent || a.due == nil {
                awaiting[sequence]!.due = nil
            } else {
                awaiting[sequence]!.due = min(a.due!, graceEnd)
            }
        }
    }

    /// Sends again the messages whose confirmation is overdue.
    private func resendUnconfirmed(now: UInt64) {
        let overdue = awaiting.filter { $0.value.due.map { $0 <= now } ?? false }.keys.sorted()
        guard !overdue.isEmpty else { return }
        lock.lock()
        let again = Set(outbox.resend(overdue))
        for sequence in overdue {
            if again.contains(sequence) {
                awaiting[sequence]!.due = nil
                awaiting[sequence]!.resends += 1
            } else {
                forget(sequence)
            }
        }
        stats.confirmTimeouts += UInt64(again.count)
        lock.unlock()
        guard !again.isEmpty else { return }
        for _ in 0..<again.count { unconfirmedLine.note() }
        if let count = unconfirmedLine.due("unconfirmed", now: now) {
            notify(.unconfirmed(broker: broker, messages: count, afterSeconds: settings.confirmTimeoutSeconds))
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
            outbox.resend(delivered: false)
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
            if !confirmTopics.isEmpty && outbox.awaitingConfirmation + inFlight.count >= Self.maxAwaiting {
                lock.unlock()
                return
            }
            let next: [OutboxMessage]
            do { next = try outbox.next(limit: 1, importantFirst: settings.bandwidth != nil) } catch {
                outboxFailed(error)
                lock.unlock()
                return
            }
            lock.unlock()
            guard let message = next.first else { return }
            let label = UplinkLabel(message.label)
            do {
                let id = try client.publish(outgoing(message, label))
                inFlight[id] = (message.sequence, message.payload.count)
                tokens -= Double(message.payload.count)
                lock.lock()
                if !confirmTopics.isEmpty, awaiting[message.sequence] == nil, let identity = UplinkMessageIdentity(label: label) {
                    awaiting[message.sequence] = Awaiting(identity: identity)
                    identities[identity] = message.sequence
                }
                stats.published += 1
                if message.resent { stats.resent += 1 }
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
