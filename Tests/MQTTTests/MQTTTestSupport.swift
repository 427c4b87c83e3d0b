import Foundation
import TestSupport
@testable import MQTT

/// Polls `client` until `done` holds for the events seen so far, or `seconds` pass.
@discardableResult
func pump(_ client: MQTTConnection, seconds: Double = 10, until done: ([MQTTEvent]) -> Bool) -> [MQTTEvent] {
    var events: [MQTTEvent] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline && !done(events) {
        events += client.poll(timeoutMillis: 50)
    }
    return events
}

func isConnected(_ events: [MQTTEvent]) -> Bool {
    events.contains { if case .connected = $0 { true } else { false } }
}

func endedOrRefused(_ events: [MQTTEvent]) -> Bool {
    events.contains {
        switch $0 {
        case .disconnected, .refused: true
        default: false
        }
    }
}

func acknowledgedIDs(_ events: [MQTTEvent]) -> Set<Int32> {
    Set(events.compactMap { if case .acknowledged(let id, _) = $0 { id } else { nil } })
}

func messages(_ events: [MQTTEvent]) -> [MQTTIncoming] {
    events.compactMap { if case .message(let m) = $0 { m } else { nil } }
}

/// `mosquitto_sub` started in the background: an independent MQTT 5 subscriber.
final class Subscriber {
    let process = Process()
    let pipe = Pipe()

    init(port: Int, topic: String, count: Int, format: String = "%t|%C|%P|%x", extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        process.arguments = ["-V", "5", "-h", "127.0.0.1", "-p", String(port), "-t", topic, "-C", String(count), "-q", "1",
                             "-W", "20", "-F", format] + extra
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Its output lines once it exits (after `count` messages, or at its 20 s timeout).
    func lines() -> [String] {
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
