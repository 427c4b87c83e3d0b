import Foundation
import MQTT
import Outbox

/// The uplink's network side: one thread that owns the MQTT connection and sends what the
/// outbox holds. Messages leave the outbox only on PUBACK; a lost connection sends what was
/// in flight again after the reconnect (from the outbox, in order). Reconnects back off
/// exponentially with jitter. With a bandwidth cap, a token bucket (one second of burst)
/// paces the payload bytes and the most important class goes first.
///
/// A PUBACK that says no subscription matched (MQTT 5 reason 0x10) is not a delivery: a fleet
/// whose collectors have not subscribed yet — a new broker, or mosquitto 2.0 after a restart,
/// which does not keep shared subscriptions — would otherwise lose everything the gateways
/// send before the collectors are back. Such a message stays in the outbox; once the other
/// messages in flight are answered, sending pauses (`hold`: 1 s doubling to 30 s, jittered)
/// and starts again with the oldest unacknowledged message, one at a time until a subscriber
/// takes one (`settings.requireSubscriber`).
///
/// The outbox is shared with the thread that stores batches (`store`): every use of it is
/// under `lock`.
final class UplinkLink: @unchecked Sendable {
    let settings: UplinkSettings
    private let outbox: Outbox
    private let client: MQTTConnection
    private let broker: String
    private let notify: @Sendable (UplinkEvent) -> Void
    private let lock = NSCondition()
    private var stats = UplinkStatistics()
    private var stopping = false
    private var finished = false
    // Owned by the network thread.
    private var inFlight: [Int32: (sequence: UInt64, bytes: Int)] = [:]
    private var schedule: ConnectSchedule
    private var everConnected = false
    private var tokens: Double = 0
    private var lastRefill: UInt64 = 0
    private var lastAgeCheck: UInt64 = 0
    private var hold: ReconnectBackoff
    private var holding = false
    private var unmatchedInFlight = false
    private var holdUntil: UInt64 = 0
    static let maxInFlight = 32

    init(settings: UplinkSettings, outbox: Outbox, client: MQTTConnection, broker: String, seed: UInt64,
         notify: @escaping @Sendable (UplinkEvent) -> Void) {
        self.settings = settings
        self.outbox = outbox
        self.client = client
        self.broker = broker
        self.notify = notify
        self.schedule = ConnectSchedule(backoff: ReconnectBackoff(baseMillis: 500, capMillis: 60_000, seed: seed))
        self.hold = ReconnectBackoff(baseMillis: 1000, capMillis: 30_000, seed: seed &+ 1)
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
        lock.signal()
        for e in events { notify(.outbox(e)) }
    }

    func start() {
        for e in outbox.takeEvents() { notify(.outbox(e)) }
        let thread = Thread { self.run() }
        thread.name = "candor-uplink"
        thread.start()
    }

    /// Waits until the outbox is empty or `timeout` passed, then says goodbye (retained
    /// `offline`, DISCONNECT) and stops the thread. Returns the statistics at the end.
    func finish(timeout: Double) -> UplinkStatistics {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        while outbox.currentStatistics.messages > 0 && Date() < deadline {
            _ = lock.wait(until: min(deadline, Date().addingTimeInterval(0.05)))
        }
        stopping = true
        while !finished { _ = lock.wait(until: Date().addingTimeInterval(0.05)) }
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
            for event in client.poll(timeoutMillis: client.isConnected && !inFlight.isEmpty ? 10 : 25) { handle(event) }
            if client.isConnected { send() }
            if now - lastAgeCheck > 1000 {
                lastAgeCheck = now
                lock.lock()
                try? outbox.evictExpired(now: Outbox.wallClockMillis())
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
        finished = true
        lock.broadcast()
        lock.unlock()
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
        lock.unlock()
        notify(.connectFailed(broker: broker, reason: reason, retryInSeconds: Double(delay) / 1000))
    }

    private func handle(_ event: MQTTEvent) {
        switch event {
        case .connected(let present, let version):
            schedule.succeeded()
            inFlight.removeAll()
            unmatchedInFlight = false
            lock.lock()
            outbox.resend()
            stats.connected = true
            if everConnected { stats.reconnects += 1 }
            lock.unlock()
            everConnected = true
            _ = try? client.publish(Self.status("online", settings))
            notify(.connected(broker: broker, sessionPresent: present, version: version.rawValue))
        case .refused(let code, let reason):
            failed("refused: \(reason) (\(code))", ConnectSchedule.monotonicMillis())
        case .disconnected(let reason):
            let wasConnected = !schedule.connecting
            inFlight.removeAll()
            unmatchedInFlight = false
            lock.lock()
            stats.connected = false
            lock.unlock()
            if wasConnected { notify(.disconnected(broker: broker, reason: reason)) }
            failed(reason, ConnectSchedule.monotonicMillis())
        case .acknowledged(let id, let reason):
            guard let sent = inFlight.removeValue(forKey: id) else { return }
            if reason == MQTTReasonCode.noMatchingSubscribers && settings.requireSubscriber {
                unmatchedInFlight = true
                lock.lock()
                stats.unmatched += 1
                lock.unlock()
                return
            }
            if holding {
                holding = false
                hold.reset()
                notify(.noSubscriber(broker: broker, holding: false, retryInSeconds: 0))
            }
            lock.lock()
            try? outbox.acknowledge(sent.sequence)
            stats.acknowledged += 1
            stats.acknowledgedBytes += UInt64(sent.bytes)
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
        if unmatchedInFlight {
            // Nobody received a message: when the rest in flight are answered, pause, then
            // send again from the oldest message not acknowledged.
            guard inFlight.isEmpty else { return }
            unmatchedInFlight = false
            lock.lock()
            outbox.resend()
            lock.unlock()
            let delay = hold.nextDelayMillis()
            holdUntil = now + UInt64(delay)
            if !holding { notify(.noSubscriber(broker: broker, holding: true, retryInSeconds: Double(delay) / 1000)) }
            holding = true
        }
        if now < holdUntil { return }
        while inFlight.count < (holding ? 1 : Self.maxInFlight) {
            if settings.bandwidth != nil && tokens <= 0 { return }
            lock.lock()
            let next = try? outbox.next(limit: 1, importantFirst: settings.bandwidth != nil)
            lock.unlock()
            guard let message = next?.first else { return }
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

    private func outgoing(_ message: OutboxMessage) -> MQTTOutgoing {
        let parts = message.label.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let compressed = message.payload.first == 0x78
        var properties = [("run", parts.count > 1 ? parts[1] : "")]
        if parts.count > 3 { properties += [("first_seq", parts[2]), ("last_seq", parts[3])] }
        // When the batch was stored (window close, wall clock): the collector's latency figure.
        properties.append(("stored_ms", String(message.storedMillis)))
        return MQTTOutgoing(topic: parts[0], payload: message.payload, qos: 1,
                            contentType: compressed ? "application/zlib" : "application/json", userProperties: properties)
    }

    static func status(_ state: String, _ settings: UplinkSettings) -> MQTTOutgoing {
        let vehicle = settings.vehicles.first ?? settings.broker.clientID
        let json = #"{"client":"\#(settings.broker.clientID)","config":"\#(settings.configHash)","state":"\#(state)","version":"\#(UplinkService.version)"}"#
        return MQTTOutgoing(topic: UplinkEncoder.topic(fleet: settings.fleet, vehicle: vehicle, kind: .status),
                            payload: Array(json.utf8), qos: 1, retain: true, contentType: "application/json")
    }

}
