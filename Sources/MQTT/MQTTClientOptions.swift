#if canImport(Glibc)
import Glibc
#endif

/// Where and how to connect. `url` is `mqtt://HOST:PORT` (TCP, default port 1883) or
/// `mqtts://HOST:PORT` (TLS, default 8883).
public struct MQTTClientOptions: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var useTLS: Bool
    public var clientID: String
    public var keepAliveSeconds = 30
    /// MQTT 5 session expiry; with clean start off the broker keeps the session (its
    /// subscriptions and queued QoS 1 messages) this long after a disconnect.
    public var sessionExpirySeconds: UInt32 = 7 * 86_400
    public var cleanStart = false
    public var username: String?
    public var password: String?
    /// PEM files: the CA that signed the broker's certificate; the client's certificate and
    /// key for mutual TLS.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var will: MQTTOutgoing?
    /// At most this many QoS 1 messages unacknowledged at once.
    public var maxInFlight = 64
    public var preferredVersion: MQTTProtocolVersion = .v5

    public init(host: String, port: Int, useTLS: Bool = false, clientID: String) {
        self.host = host
        self.port = port
        self.useTLS = useTLS
        self.clientID = clientID
    }

    /// Parses `mqtt://HOST[:PORT]` or `mqtts://HOST[:PORT]`; nil with a reason otherwise.
    public static func parse(url: String, clientID: String) -> Result<MQTTClientOptions, MQTTURLError> {
        let tls: Bool
        let rest: Substring
        if url.hasPrefix("mqtt://") {
            tls = false
            rest = url.dropFirst(7)
        } else if url.hasPrefix("mqtts://") {
            tls = true
            rest = url.dropFirst(8)
        } else {
            return .failure(MQTTURLError(url: url, reason: "expected mqtt://HOST:PORT or mqtts://HOST:PORT"))
        }
        var hostPart = rest.hasSuffix("/") ? rest.dropLast() : rest
        guard !hostPart.contains("/"), !hostPart.contains("@") else {
            return .failure(MQTTURLError(url: url, reason: "no path or user part is allowed (credentials go in uplink.mqtt.username/password)"))
        }
        var port = tls ? 8883 : 1883
        if hostPart.hasPrefix("[") {  // [::1]:1883
            guard let close = hostPart.firstIndex(of: "]") else { return .failure(MQTTURLError(url: url, reason: "unclosed [")) }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { return .failure(MQTTURLError(url: url, reason: "bad port")) }
                port = p
            } else if !after.isEmpty {
                return .failure(MQTTURLError(url: url, reason: "unexpected text after ]"))
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(MQTTURLError(url: url, reason: "bad port"))
            }
            port = p
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { return .failure(MQTTURLError(url: url, reason: "no host")) }
        return .success(MQTTClientOptions(host: String(hostPart), port: port, useTLS: tls, clientID: clientID))
    }

    /// `host:port`, for messages.
    public var broker: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public struct MQTTURLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var url: String
    public var reason: String
    public var description: String { "\(url): \(reason)" }
}

/// Exponential backoff with full jitter between reconnect attempts: the n-th delay is drawn
/// uniformly from [base/2, min(cap, base · 2ⁿ)], so a fleet that lost its broker at the same
/// instant does not come back at the same instant. `reset` after a successful connect.
public struct ReconnectBackoff: Sendable {
    public var baseMillis: Int64
    public var capMillis: Int64
    private var attempt = 0
    private var random: UInt64

    public init(baseMillis: Int64 = 500, capMillis: Int64 = 60_000, seed: UInt64) {
        self.baseMillis = baseMillis
        self.capMillis = capMillis
        self.random = (seed &* 0x9E37_79B9_7F4A_7C15) | 1
    }

    public mutating func nextDelayMillis() -> Int64 {
        let ceiling = min(capMillis, baseMillis << min(attempt, 20))
        attempt += 1
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        let floor = min(baseMillis / 2, ceiling)
        return floor + Int64(random % UInt64(max(1, ceiling - floor + 1)))
    }

    public mutating func reset() { attempt = 0 }
}

/// When an MQTT owner thread (re)connects: one attempt at a time, the next one a backoff delay
/// after a failure, an attempt without CONNACK within `connackTimeoutMillis` a failure.
public struct ConnectSchedule: Sendable {
    public enum Step: Sendable { case wait, connect, timedOut }

    public private(set) var connecting = false
    public var connackTimeoutMillis: UInt64 = 15_000
    private var backoff: ReconnectBackoff
    private var nextAttempt: UInt64 = 0
    private var started: UInt64 = 0

    public init(backoff: ReconnectBackoff) { self.backoff = backoff }

    /// What to do at `now` (monotonic milliseconds) with the client `connected` or not.
    public func step(now: UInt64, connected: Bool) -> Step {
        if connecting { return now - started > connackTimeoutMillis ? .timedOut : .wait }
        return !connected && now >= nextAttempt ? .connect : .wait
    }

    /// `connect` was called and returned: CONNACK awaited.
    public mutating func started(now: UInt64) {
        connecting = true
        started = now
    }

    /// CONNACK accepted: the backoff starts over.
    public mutating func succeeded() {
        connecting = false
        backoff.reset()
    }

    /// The attempt or the connection failed: returns the delay before the next attempt.
    public mutating func failed(now: UInt64) -> Int64 {
        connecting = false
        let delay = backoff.nextDelayMillis()
        nextAttempt = now + UInt64(delay)
        return delay
    }

    public static func monotonicMillis() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }
}
