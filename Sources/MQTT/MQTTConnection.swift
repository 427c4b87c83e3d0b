/// An MQTT connection as the uplink and the collector use it: one owner thread calls
/// `poll`, which writes what is queued, waits for the socket, reads, and returns what
/// happened. Nothing is written while the owner handles the returned events, so a
/// receiver's PUBACKs leave only at the next `poll`, after the owner stored the messages
/// (acknowledge after write). `MosquittoClient` is the real one; tests drive fakes.
public protocol MQTTConnection: AnyObject {
    /// Begins a connection (TCP, TLS, CONNECT); the outcome arrives as an event.
    func connect() throws(MQTTError)
    /// Queues a publish; returns the message id that its `.acknowledged` event carries.
    func publish(_ message: MQTTOutgoing) throws(MQTTError) -> Int32
    func subscribe(_ filter: String, qos: Int) throws(MQTTError)
    /// Writes what is queued, waits up to `timeoutMillis` for input, reads it.
    func poll(timeoutMillis: Int32) -> [MQTTEvent]
    /// `poll(timeoutMillis:)` that also ends when `wake` (a descriptor the caller owns, e.g.
    /// a `WakePipe`'s reader, which the caller drains) turns readable: an owner thread that
    /// has nothing to do sleeps until the socket or its producer has something.
    func poll(timeoutMillis: Int32, wakingOn wake: Int32) -> [MQTTEvent]
    /// Sends DISCONNECT (normal: the broker drops the will) and closes.
    func disconnect()
    /// Closes the socket without sending anything more: the PUBACKs of messages received
    /// since the last `poll` never leave, so the broker delivers those messages again (the
    /// collector's answer to a failed store write).
    func abandon()
    var isConnected: Bool { get }
}

extension MQTTConnection {
    public func abandon() { disconnect() }

    /// For connections that cannot watch another descriptor (test fakes): short steps.
    public func poll(timeoutMillis: Int32, wakingOn wake: Int32) -> [MQTTEvent] {
        poll(timeoutMillis: min(timeoutMillis, 25))
    }
}

/// MQTT 5 reason codes the clients act on.
public enum MQTTReasonCode {
    /// PUBACK 0x10: accepted, but no subscription matched (nobody received the message).
    public static let noMatchingSubscribers = 0x10
    /// PUBACK reason codes from here up are refusals: the broker did not take the message.
    public static let firstRefusal = 0x80

    /// The name MQTT 5 (section 3.4.2.1) gives a PUBACK reason code, or "reason 0xNN" for a
    /// code the standard does not define for PUBACK.
    public static func pubackName(_ code: Int) -> String {
        switch code {
        case 0x00: "Success"
        case 0x10: "No matching subscribers"
        case 0x80: "Unspecified error"
        case 0x83: "Implementation specific error"
        case 0x87: "Not authorized"
        case 0x90: "Topic Name invalid"
        case 0x91: "Packet identifier in use"
        case 0x97: "Quota exceeded"
        case 0x99: "Payload format invalid"
        default: "reason \(hex(code))"
        }
    }

    /// `0x87`: how the log and the metrics label write a reason code.
    public static func hex(_ code: Int) -> String {
        let digits = String(code, radix: 16)
        return "0x" + (digits.count < 2 ? "0" + digits : digits)
    }
}

public enum MQTTProtocolVersion: Int, Sendable, Hashable {
    case v311 = 4
    case v5 = 5
}

public struct MQTTOutgoing: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int
    public var retain: Bool
    /// MQTT 5 content type (dropped on a 3.1.1 connection).
    public var contentType: String?
    /// MQTT 5 user properties (dropped on a 3.1.1 connection).
    public var userProperties: [(String, String)]

    public init(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = false,
                contentType: String? = nil, userProperties: [(String, String)] = []) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.contentType = contentType
        self.userProperties = userProperties
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.topic == b.topic && a.payload == b.payload && a.qos == b.qos && a.retain == b.retain
            && a.contentType == b.contentType && a.userProperties.elementsEqual(b.userProperties, by: ==)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(topic)
        hasher.combine(payload)
    }
}

public struct MQTTIncoming: Sendable {
    public var topic: String
    public var payload: [UInt8]
    public var contentType: String?
    public var userProperties: [(String, String)]

    public init(topic: String, payload: [UInt8], contentType: String? = nil, userProperties: [(String, String)] = []) {
        self.topic = topic
        self.payload = payload
        self.contentType = contentType
        self.userProperties = userProperties
    }
}

public enum MQTTEvent: Sendable {
    case connected(sessionPresent: Bool, version: MQTTProtocolVersion)
    /// CONNACK with a refusal: `code` is the MQTT 5 reason code or the 3.1.1 return code.
    case refused(code: Int, reason: String)
    /// The connection ended (or could not be made); `reason` says why.
    case disconnected(reason: String)
    /// PUBACK for the message id `publish` returned, with its MQTT 5 reason code (0 on 3.1.1):
    /// 0 success, `noMatchingSubscribers` (0x10) when the broker accepted the message but no
    /// subscription matched it — nobody got it — and 0x80 or more when it refused the message.
    case acknowledged(messageID: Int32, reasonCode: Int)
    case message(MQTTIncoming)
    case subscribed(messageID: Int32, grantedQoS: [Int])
}

public struct MQTTError: Error, Sendable, Hashable, CustomStringConvertible {
    public var broker: String
    public var operation: String
    public var message: String

    public init(broker: String, operation: String, message: String) {
        self.broker = broker
        self.operation = operation
        self.message = message
    }

    public var description: String { "MQTT \(broker): \(operation): \(message)" }
}
