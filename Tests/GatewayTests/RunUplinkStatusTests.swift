import CANCapture
import CANCore
import FleetSimulator
import Foundation
import Synchronization
import Gateway
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

extension FakeSystemdSocket {
    /// The next `STATUS=` datagram whose text satisfies `match`, waiting at most `seconds`.
    func status(within seconds: Double, _ what: String, _ match: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = "<none>"
        while Date() < deadline {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 200) > 0 else { continue }
            let message = receive()
            guard message.hasPrefix("STATUS=") else { continue }
            last = message
            if match(message) {
                print("RunUplinkStatusTests \(what): \(message)")
                return message
            }
        }
        throw TestFailure("no STATUS= \(what) within \(seconds) s; the last was: \(last)")
    }
}

/// The daemon's `STATUS=` line says the uplink's state: a real mosquitto, which the test starts,
/// refuses (ACL), fixes, stops and starts again, while the daemon runs in-process with a
/// NOTIFY_SOCKET the test binds.
@Suite(.serialized) struct RunUplinkStatusTests {
    /// `outbox N messages` in a status line.
    static func backlog(_ status: String) -> Int? {
        guard let range = status.range(of: "outbox ") else { return nil }
        return Int(status[range.upperBound...].prefix { $0.isNumber })
    }

    /// The `since` time of a status line (the log's UTC format, which sorts as text).
    static func since(_ status: String) -> String? {
        guard let range = status.range(of: " since ") else { return nil }
        return String(status[range.upperBound...].prefix { $0 != " " && $0 != ";" })
    }

    /// Now in the status line's format, to the second (a `since` at or after this one is later).
    static func utcSecond() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    @Test func statusShowsTheLinkTheBacklogAndTheRefusals() throws {
        let directory = try TemporaryDirectory.make("uplink-status")
        let bundle = try SimulatedBundle(SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 20, seed: 23), name: "uplink-status")
        let reader = try CaptureReader(path: bundle.capture)
        var frames: [CANFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        let acl = directory + "/acl"
        try TestFile.write("topic read candor/v1/testfleet/#\ntopic write candor/v1/testfleet/+/status\n", to: acl)
        let broker = try MosquittoBroker(name: "status", extraConfig: "allow_anonymous true\nacl_file \(acl)")
        let target = "127.0.0.1:\(broker.port)"
        let config = bundle.directory + "/daemon.yaml"
        // 1 s windows go up, so each second of frames is a message; no subscriber needed (0x10 counts).
        try TestFile.write(String(decoding: try TestFile.read(bundle.config), as: UTF8.self) + """

            sinks:
              prometheus: { listen: "127.0.0.1:0" }
            uplink:
              mqtt: { url: "mqtt://\(target)", fleet: testfleet, keepalive: 5s, require_subscriber: false }
              outbox: { path: \(directory)/outbox }
              windows: [1s]
              drain_timeout: 5s
            """, to: config)
        let systemd = try FakeSystemdSocket(name: directory + "/notify")
        let input = GatedInput(interfaces: bundle.definition.buses.map(\.interface))
        input.release(frames[..<(frames.count / 2)])
        let signals = DaemonScriptedSignals()
        let lines = DaemonLines()
        var daemon = GatewayDaemon(configFile: config, environment: [:], log: GatewayLog(label: "candor", format: .terminal, output: { lines.add($0) }),
                                   buses: InputBuses(input), signals: signals,
                                   notifier: ServiceNotifier(environment: ["NOTIFY_SOCKET": systemd.name]))
        // The frames' clock: at the first half's last whole second until the second half comes
        // (so no window the second half still fills closes early), then past the last frame.
        let gate = frames[frames.count / 2 - 1].timestamp.totalNanoseconds
        let clock = SettableClock(gate - gate % 1_000_000_000)
        daemon.now = { clock.nanoseconds.load(ordering: .relaxed) }
        let outcome = DaemonTests.start(daemon)
        var finished = false
        defer {
            if !finished {
                print("RunUplinkStatusTests: the daemon's log:\n" + lines.lines.joined())
                if outcome.done.wait(timeout: .now()) == .success {
                    print("RunUplinkStatusTests: the daemon ended: \(Result { try outcome.get() })")
                } else {
                    signals.send(.stop("SIGTERM"))
                    _ = outcome.done.wait(timeout: .now() + 60)
                }
            }
        }

        // No broker yet: never connected, the reason, a backlog.
        let down = try systemd.status(within: 60, "before the broker") {
            $0.contains("uplink not yet connected to \(target) since ") && $0.contains("Connection refused") && (Self.backlog($0) ?? 0) > 0
        }
        #expect(down.hasPrefix("STATUS=") && down.contains(" frames/s, "))
        #expect(down.contains(", oldest "))

        // The broker comes up with an ACL that denies the data topics: connected, refused, held.
        let upAt = Self.utcSecond()
        try broker.start()
        let refused = try systemd.status(within: 90, "refused by the ACL") {
            $0.contains("uplink connected to \(target) (MQTT 5) since ") && $0.contains("refused 0x87 Not authorized: ") && $0.contains("sending held")
        }
        #expect((Self.backlog(refused) ?? 0) > 0)
        #expect(Self.since(refused).map { $0 >= upAt } == true, "connected since \(Self.since(refused) ?? "?"), the broker started at \(upAt)")

        // The ACL allows them (reloaded, the connection stays): the outbox drains, nothing held.
        try TestFile.write("topic readwrite candor/v1/testfleet/#\n", to: acl)
        try broker.reload()
        let drained = try systemd.status(within: 90, "drained") {
            $0.contains("uplink connected to \(target) (MQTT 5)") && Self.backlog($0) == 0 && !$0.contains("sending held")
        }
        #expect(Self.since(drained) == Self.since(refused), "one connection throughout")
        #expect(drained.contains("refused 0x87 Not authorized: "))  // the total so far

        // The broker stops: disconnected since then, with the reason.
        let stoppedAt = Self.utcSecond()
        broker.stop()
        let lost = try systemd.status(within: 60, "broker stopped") { $0.contains("uplink disconnected from \(target) since ") }
        #expect(Self.since(lost).map { $0 >= stoppedAt } == true, "disconnected since \(Self.since(lost) ?? "?"), stopped at \(stoppedAt)")
        #expect(lost.contains("since \(Self.since(lost)!) ("), "a reason follows the time")

        // Frames while it is down: the backlog grows again.
        clock.nanoseconds.store(frames.last!.timestamp.totalNanoseconds + 2_000_000_000, ordering: .relaxed)
        input.release(frames[(frames.count / 2)...])
        let backlog = try systemd.status(within: 60, "backlog while down") {
            $0.contains("uplink disconnected from \(target)") && (Self.backlog($0) ?? 0) > 0
        }
        #expect(Self.since(backlog) == Self.since(lost))

        // The broker comes back (no ACL): connected again, the backlog delivered.
        broker.setConfig("allow_anonymous true")
        let backAt = Self.utcSecond()
        try broker.start()
        let back = try systemd.status(within: 90, "back") {
            $0.contains("uplink connected to \(target) (MQTT 5) since ") && Self.backlog($0) == 0
        }
        #expect(Self.since(back).map { $0 >= backAt } == true)
        #expect(lines.contains("uplink connected to \(target)") && lines.contains("uplink lost \(target)"))

        finished = true
        try outcome.stop(signals, within: 60)
        // The stop line says what was delivered and what the uplink's threads cost.
        #expect(lines.contains("uplink stopped") && lines.contains("uplink CPU: ") && lines.contains(" of the process's "))
    }
}

final class SettableClock: Sendable {
    let nanoseconds: Atomic<Int64>
    init(_ start: Int64) { nanoseconds = Atomic(start) }
}
