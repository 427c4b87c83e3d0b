import Foundation
import Gateway
import MQTT
import Synchronization
import SystemIO

/// What `candor collect` needs: the broker, the fleet, the store and how to reach them.
public struct CollectorOptions: Sendable {
    /// The broker (`mqtt://HOST:PORT` or `mqtts://HOST:PORT`), the client id — stable across
    /// restarts, the broker keeps this client's session and queue — credentials and TLS files.
    public var broker: MQTTClientOptions
    public var fleet: String
    /// The fleet store (SQLite, the gateway's schema); created when missing.
    public var sqlitePath: String
    /// The shared subscription's group: collectors of one group split the fleet's messages.
    public var group = "candor"
    public var durability: SQLiteStore.Durability = .normal
    /// Also write line protocol to `<url>/write` (VictoriaMetrics, InfluxDB 1.x).
    public var influxURL: String?
    /// Write the gateways' captures (`uplink.captures`) under this directory (`CaptureFiles`);
    /// nil: capture messages are counted as malformed (kind) and skipped.
    public var capturesDirectory: String?

    public init(broker: MQTTClientOptions, fleet: String, sqlitePath: String) {
        self.broker = broker
        self.fleet = fleet
        self.sqlitePath = sqlitePath
    }

    /// `$share/<group>/candor/v1/<fleet>/#`
    public var filter: String { "$share/\(group)/candor/v1/\(fleet)/#" }
}

public struct CollectorError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case usage, runtime }
    public var kind: Kind
    public var message: String
    public var description: String { message }
}

/// The fleet side: subscribes to a fleet's uplink through an MQTT 5 shared subscription with a
/// persistent session, writes every record once into the fleet store (`FleetStore`), and
/// acknowledges a message only after its transaction committed: libmosquitto queues a
/// received message's PUBACK and `MosquittoClient` writes it at the next `poll`, which comes
/// after the store write; a failed write drops the connection without writing (`abandon`),
/// so the broker delivers those messages again. After the commit it confirms every stored
/// message — duplicates too — to its gateway (`UplinkConfirmationMessage`, QoS 1 on
/// `candor/confirm/v1/<fleet>/<vehicle>`): a gateway with `uplink.outbox.confirm: collector`
/// keeps a message until then, so a broker that loses what it acknowledged (mosquitto's
/// `kill -9`) loses nothing for good. Malformed messages (not confirmed) are counted, the first of
/// each kind logged with its topic, and skipped. Reconnects back off exponentially with
/// jitter; a broker that refuses the very first connection (credentials, certificate) ends
/// `run` with an error.
public final class Collector: @unchecked Sendable {
    public let options: CollectorOptions
    public let metrics = CollectorMetrics()
    private let store: FleetStore
    private let influx: LineProtocolWriter?
    private let captureFiles: CaptureFiles?
    private let client: MQTTConnection
    private let broker: String
    private let log: GatewayLog
    private let stopping = Atomic<Bool>(false)
    /// Ends `run`'s wait when `stop` is called, so an idle collector sleeps until the broker
    /// sends something or it is asked to stop; without a pipe (no descriptor left) `run`
    /// waits in 50 ms steps.
    private let wake = OptionalWakePipe()
    private var schedule: ConnectSchedule
    private var everConnected = false
    private var loggedKinds: Set<MalformedKind> = []
    private let counts = Mutex(CollectorStatistics())

    public init(_ options: CollectorOptions, log: GatewayLog, client: MQTTConnection? = nil) throws(CollectorError) {
        self.options = options
        self.log = log
        let mqtt = options.broker
        broker = mqtt.broker
        influx = try options.influxURL.map { url throws(CollectorError) in try LineProtocolWriter(url: url) }
        captureFiles = options.capturesDirectory.map { CaptureFiles(directory: $0) }
        do { store = try FleetStore(path: options.sqlitePath, durability: options.durability) } catch {
            throw CollectorError(kind: error.kind == .io ? .runtime : .usage, message: error.description)
        }
        self.client = client ?? MosquittoClient(options: mqtt)
        var seed = SystemRandomNumberGenerator()
        schedule = ConnectSchedule(backoff: ReconnectBackoff(baseMillis: 500, capMillis: 30_000, seed: seed.next()))
    }

    /// Asks `run` to return (any thread): what was received is stored, its PUBACKs sent.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }

    public var statistics: CollectorStatistics { counts.withLock { $0 } }

    /// Receives and stores until `stop`; closes the store. Throws when the broker refuses the
    /// first connection or the store cannot be closed.
    public func run() throws(CollectorError) {
        defer { try? store.close() }
        while !stopping.load(ordering: .relaxed) {
            let now = ConnectSchedule.monotonicMillis()
            switch schedule.step(now: now, connected: client.isConnected) {
            case .connect: attempt(now)
            case .timedOut: failed("no CONNACK within 15 s", now)
            case .wait: break
            }
            var received: [MQTTIncoming] = []
            let events = client.poll(timeoutMillis: waitMillis, wakingOn: wake.reader)
            wake.drain()
            for event in events {
                switch event {
                case .connected(let present, let version):
                    schedule.succeeded()
                    if everConnected { metrics.reconnected(); counts.withLock { $0.reconnects += 1 } }
                    everConnected = true
                    metrics.setConnected(true)
                    counts.withLock { $0.connected = true }
                    log.notice("connected", ["broker": broker, "session_present": "\(present)", "mqtt": version == .v5 ? "5" : "3.1.1"])
                    do { try client.subscribe(options.filter, qos: 1) } catch { failed(error.message, ConnectSchedule.monotonicMillis()) }
                case .refused(let code, let reason):
                    if !everConnected {
                        throw CollectorError(kind: .runtime, message: "MQTT \(broker) refused the connection: \(reason) (\(code))")
                    }
                    failed("refused: \(reason) (\(code))", ConnectSchedule.monotonicMillis())
                case .disconnected(let reason):
                    if !schedule.connecting { log.warning("disconnected", ["broker": broker, "reason": reason]) }
                    failed(reason, ConnectSchedule.monotonicMillis())
                case .subscribed(_, let granted):
                    if granted.contains(where: { $0 >= 0x80 }) {
                        log.error("subscription refused", ["broker": broker, "filter": options.filter, "code": "\(granted)"])
                    } else {
                        log.info("subscribed", ["filter": options.filter])
                    }
                case .message(let m):
                    received.append(m)
                case .acknowledged:
                    break
                }
            }
            if !received.isEmpty {
                do { confirm(try store(received)) } catch {
                    // Not acknowledged: the broker sends these again after the reconnect.
                    log.error("write failed; reconnecting without acknowledging", ["error": error.description])
                    client.abandon()
                    failed("store: \(error.description)", ConnectSchedule.monotonicMillis())
                }
            }
        }
        // Every message `poll` returned is stored: their queued PUBACKs leave with DISCONNECT.
        client.disconnect()
        metrics.setConnected(false)
        counts.withLock { $0.connected = false }
        do { try store.close() } catch { throw CollectorError(kind: .runtime, message: error.description) }
    }

    /// How long `run`'s poll may wait. The socket (the broker's messages, CONNACK) and the
    /// wake pipe (`stop`) end it early, so a connected collector wakes once a second when
    /// nothing arrives (keepalive, ≥ 5 s, needs no more); polling in 50 ms steps instead woke
    /// it 20 times a second for nothing. A quarter second while connecting or waiting to
    /// reconnect (the schedule's time is what is awaited then).
    private var waitMillis: Int32 {
        guard wake.exists else { return 50 }
        return client.isConnected ? 1000 : 250
    }

    /// Publishes the confirmations of what was committed, one message per vehicle (and per
    /// `maxIdentities`). A publish that fails (the connection is going) is counted: the
    /// gateway sends those messages again when their confirmation is overdue.
    private func confirm(_ stored: [UplinkMessageIdentity]) {
        var byVehicle: [String: [UplinkMessageIdentity]] = [:]
        var order: [String] = []
        for identity in stored {
            if byVehicle[identity.vehicle] == nil { order.append(identity.vehicle) }
            byVehicle[identity.vehicle, default: []].append(identity)
        }
        for vehicle in order {
            let all = byVehicle[vehicle]!
            for start in stride(from: 0, to: all.count, by: UplinkConfirmationMessage.maxIdentities) {
                let part = Array(all[start..<min(all.count, start + UplinkConfirmationMessage.maxIdentities)])
                let message = MQTTOutgoing(topic: UplinkConfirmationMessage.topic(fleet: options.fleet, vehicle: vehicle),
                                           payload: UplinkConfirmationMessage.encode(part), qos: 1, contentType: "application/json")
                do {
                    _ = try client.publish(message)
                    metrics.confirmed(part.count)
                    counts.withLock { $0.confirmed += part.count }
                } catch {
                    counts.withLock { $0.confirmFailures += part.count }
                }
            }
        }
    }

    /// Decodes, writes line protocol for the records not stored yet (when asked), then commits
    /// each message's records with their identities; returns the identities of the messages
    /// committed (or found stored already), to confirm. Throws before anything is committed
    /// when the line-protocol write fails (after its retries).
    private func store(_ messages: [MQTTIncoming]) throws(CollectorError) -> [UplinkMessageIdentity] {
        var decoded: [(message: MQTTIncoming, payload: UplinkPayload)] = []
        var stored: [UplinkMessageIdentity] = []
        for m in messages {
            metrics.received()
            counts.withLock { $0.messages += 1 }
            if let vehicle = UplinkPayload.captureVehicle(m.topic, fleet: options.fleet) {
                switch try capture(m, vehicle: vehicle) {
                case .failure(let malformed): skip(malformed)
                case .success(let identity): stored.append(identity)
                }
                continue
            }
            let payload: UplinkPayload
            do { payload = try UplinkPayload(m, fleet: options.fleet) } catch {
                skip(error)
                continue
            }
            if let state = payload.state {
                metrics.seen(vehicle: payload.vehicle, at: Date().timeIntervalSince1970, online: state == "online")
            } else {
                decoded.append((m, payload))
            }
        }
        do {
            if let influx { try writeLines(decoded.map(\.payload), to: influx) }
            for (m, payload) in decoded {
                let duplicates = try store.write(vehicle: payload.vehicle, run: payload.run, sequences: payload.sequences, records: payload.records)
                metrics.stored(records: payload.records.count - duplicates, duplicates: duplicates)
                let now = Date().timeIntervalSince1970
                metrics.seen(vehicle: payload.vehicle, at: now)
                var lag: Double?
                if let stored = m.userProperties.first(where: { $0.0 == "stored_ms" }).flatMap({ Int64($0.1) }) {
                    lag = now - Double(stored) / 1000
                    metrics.lag(seconds: lag!)
                }
                counts.withLock {
                    $0.records += payload.records.count - duplicates
                    $0.duplicates += duplicates
                    if let lag, $0.lags.count < CollectorStatistics.maxLags { $0.lags.append(lag) }
                }
                if let first = payload.sequences.first {
                    stored.append(UplinkMessageIdentity(vehicle: payload.vehicle, run: payload.run, part: .records(firstSequence: first)))
                }
            }
            return stored
        } catch let error as SinkError {
            throw CollectorError(kind: .runtime, message: error.description)
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(kind: .runtime, message: "\(error)")
        }
    }

    private func skip(_ error: MalformedPayload) {
        metrics.skipped(error.kind)
        counts.withLock { $0.malformed += 1 }
        if loggedKinds.insert(error.kind).inserted {
            log.warning("malformed message skipped (further ones of this kind are only counted)",
                        ["topic": error.topic, "kind": error.kind.rawValue, "reason": error.reason])
        }
    }

    /// A capture chunk or index, written under `--captures`: a file-system failure throws, so
    /// the message is not acknowledged and comes again; without `--captures`, or malformed, it
    /// is returned to be skipped as malformed. Written: its identity, to confirm.
    private func capture(_ m: MQTTIncoming, vehicle: String) throws(CollectorError) -> Result<UplinkMessageIdentity, MalformedPayload> {
        guard let captureFiles else {
            return .failure(MalformedPayload(kind: .kind, topic: m.topic, reason: "a capture (uplink.captures): give --captures DIR to keep them"))
        }
        let outcome: CaptureFiles.Outcome
        let identity: UplinkMessageIdentity
        do { (outcome, identity) = try captureFiles.store(m.payload, vehicle: vehicle) } catch {
            if error.io { throw CollectorError(kind: .runtime, message: "captures: \(error.reason)") }
            return .failure(MalformedPayload(kind: .envelope, topic: m.topic, reason: error.reason))
        }
        metrics.seen(vehicle: vehicle, at: Date().timeIntervalSince1970)
        counts.withLock { $0.captureMessages += 1 }
        if case .completed(let path) = outcome {
            metrics.captured()
            counts.withLock { $0.captures += 1 }
            log.info("capture written", ["vehicle": vehicle, "path": path])
        }
        return .success(identity)
    }

    /// One POST for the batch's records not stored yet, tried 3 times (0.5 s, then 1 s apart).
    private func writeLines(_ payloads: [UplinkPayload], to influx: LineProtocolWriter) throws(CollectorError) {
        var body: [UInt8] = []
        for p in payloads {
            let fresh: [Int]
            do { fresh = try store.unseen(vehicle: p.vehicle, run: p.run, sequences: p.sequences) } catch {
                throw CollectorError(kind: .runtime, message: error.description)
            }
            LineProtocolWriter.lines(fresh.map { p.records[$0] }, into: &body)
        }
        guard !body.isEmpty else { return }
        for attempt in 1...3 {
            do {
                try influx.post(body)
                counts.withLock { $0.linesPosted += 1 }
                return
            } catch {
                if attempt == 3 { throw error }
                log.warning("line protocol write failed; retrying", ["url": influx.url, "error": error.message])
                Syscall.sleep(milliseconds: Int32(500 * attempt))
            }
        }
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
        metrics.setConnected(false)
        counts.withLock { $0.connected = false }
        let delay = schedule.failed(now: now)
        log.info("connection attempt failed; retrying", ["broker": broker, "reason": reason, "retry_in_s": "\(Double(delay) / 1000)"])
    }

}

/// What the collector did so far.
public struct CollectorStatistics: Sendable {
    public var messages = 0
    public var records = 0
    public var duplicates = 0
    public var malformed = 0
    /// Messages confirmed to their gateways (`UplinkConfirmationMessage`), and those whose
    /// confirmation could not be published (the connection was going).
    public var confirmed = 0
    public var confirmFailures = 0
    public var reconnects = 0
    public var connected = false
    /// Line-protocol batches written (`--influx-url`).
    public var linesPosted = 0
    /// Capture chunks and indexes written (`--captures`), and captures completed (joined, CRC checked).
    public var captureMessages = 0
    public var captures = 0
    /// Per stored message, seconds from the gateway storing it to the commit (the first
    /// `maxLags`, for the figures).
    public var lags: [Double] = []
    public static let maxLags = 1_000_000

    /// The `p`-th percentile (0…100, nearest rank) of `lags`; nil before the first.
    public func lagPercentile(_ p: Double) -> Double? {
        guard !lags.isEmpty else { return nil }
        let sorted = lags.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
