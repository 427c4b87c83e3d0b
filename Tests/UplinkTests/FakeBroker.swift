import Foundation
@testable import Gateway
import MQTT

/// An in-process MQTT broker for the uplink's link: `connect` is answered by a CONNACK, every
/// publish by a PUBACK whose reason code `answer` picks (changeable while the link runs).
/// Records what was published with the answer given. Waiters (`await`) wake at every `poll`
/// of the link's thread, so they see its progress without sleeping.
final class FakeBroker: MQTTConnection, @unchecked Sendable {
    struct Publish {
        var topic: String
        var payload: [UInt8]
        var reason: Int
    }

    private let condition = NSCondition()
    private var pending: [MQTTEvent] = []
    private var connectedNow = false
    private var nextID: Int32 = 0
    private var answerCode: (MQTTOutgoing) -> Int = { _ in 0 }
    private(set) var published: [Publish] = []
    private var subscribed: [String] = []
    private var keepsSession = false
    private var sessionQueue: [MQTTIncoming] = []

    /// Sets the PUBACK reason code for what is published from now on.
    func answer(_ code: @escaping (MQTTOutgoing) -> Int) {
        condition.lock()
        answerCode = code
        condition.unlock()
    }

    var log: [Publish] {
        condition.lock()
        defer { condition.unlock() }
        return published
    }

    func connect() throws(MQTTError) {
        condition.lock()
        pending.append(.connected(sessionPresent: keepsSession, version: .v5))
        if keepsSession { pending += sessionQueue.map { .message($0) } }
        sessionQueue.removeAll()
        keepsSession = true
        condition.unlock()
    }

    /// The filters subscribed to, in order (every connection's).
    var subscriptions: [String] {
        condition.lock()
        defer { condition.unlock() }
        return subscribed
    }

    /// A message from the broker (a collector's confirmation), returned by the next `poll`.
    func deliver(_ message: MQTTIncoming) {
        condition.lock()
        pending.append(.message(message))
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the connection; the next connect finds the session again when `keepSession`, with
    /// `queued` (what was published to us meanwhile) right after the CONNACK; else it is as a
    /// broker that lost the session (CONNACK with session present 0, `queued` gone).
    func drop(keepSession: Bool, queued: [MQTTIncoming] = []) {
        condition.lock()
        pending.append(.disconnected(reason: "dropped by the test"))
        keepsSession = keepSession
        sessionQueue = queued
        condition.broadcast()
        condition.unlock()
    }

    func publish(_ message: MQTTOutgoing) throws(MQTTError) -> Int32 {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        let reason = answerCode(message)
        published.append(Publish(topic: message.topic, payload: message.payload, reason: reason))
        pending.append(.acknowledged(messageID: nextID, reasonCode: reason))
        return nextID
    }

    func subscribe(_ filter: String, qos: Int) throws(MQTTError) {
        condition.lock()
        subscribed.append(filter)
        condition.unlock()
    }

    func poll(timeoutMillis: Int32) -> [MQTTEvent] {
        condition.lock()
        defer { condition.unlock() }
        if pending.isEmpty { _ = condition.wait(until: Date().addingTimeInterval(Double(timeoutMillis) / 1000)) }
        let events = pending
        pending.removeAll()
        for event in events {
            if case .connected = event { connectedNow = true }
            if case .disconnected = event { connectedNow = false }
        }
        condition.broadcast()
        return events
    }

    func disconnect() {
        condition.lock()
        connectedNow = false
        condition.unlock()
    }

    var isConnected: Bool {
        condition.lock()
        defer { condition.unlock() }
        return connectedNow
    }

    /// Waits (at most `seconds`) until `done` holds, checked at each poll of the link.
    func await(seconds: Double = 60, _ done: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !done() {
            guard Date() < deadline else { return false }
            condition.lock()
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.5)))
            condition.unlock()
        }
        return true
    }
}

/// The link's events, kept for the test.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [UplinkEvent] = []

    func add(_ event: UplinkEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var all: [UplinkEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}
