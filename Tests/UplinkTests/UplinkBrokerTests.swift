import Foundation
@testable import Gateway
import MQTT
import Telemetry
import TestSupport
import SystemIO
import Testing

/// The uplink end to end against a real mosquitto: a simulated van replayed with `uplink:`
/// on; a persistent-session subscriber collects what arrived. The oracle is the pipeline's own
/// record list (with the identities SinkSet gives) filtered by an independent restatement of
/// the selection (60 s windows of the van's mapped roles, 60 s health, every episode and
/// operations record), each compared as a JSON object with the JSON-lines sink's line.
@Suite(.serialized) struct UplinkBrokerTests {
    @Test func aReplayUplinksEveryChosenRecordWithItsIdentity() throws {
        let broker = try MosquittoBroker(name: "uplink", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        try broker.start()
        let bundle = try UplinkBundle(name: "normal")
        try bundle.writeConfig(port: broker.port)
        let subscriber = try FleetSubscriber(port: broker.port)
        let (records, uplink, run) = try bundle.replay()
        let stats = uplink.statistics
        print("UplinkBrokerTests normal: \(records.count) records, \(uplink.report)")
        #expect(stats.outbox.messages == 0 && stats.acknowledged == stats.outbox.stored && stats.outbox.evictedTotal == 0)
        // Each thread's CPU time as it ended: what `candor replay` prints beside the process's.
        let process = CPUTime.process()
        print("UplinkBrokerTests normal: \(uplink.cpuLine(processNanoseconds: process))")
        #expect(stats.cpu.encoding > 0 && stats.cpu.sending > 0 && stats.cpu.captures == 0 && stats.cpu.total < process, "\(stats.cpu)")
        try subscriber.drain()
        let wanted = bundle.expected(records)
        #expect(wanted.count > 50 && wanted.count < records.count)
        let duplicates = try checkUplinked(subscriber.received, against: wanted, run: run, vehicle: bundle.vehicle)
        #expect(duplicates == 0)
        let status = subscriber.received.filter { $0.topic.hasSuffix("/status") }.map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(status.first?.contains(#""state":"online""#) == true && status.last?.contains(#""state":"offline""#) == true, "\(status)")
    }

    @Test func theCPULineAddsTheThreadsAndRelatesThemToTheProcess() {
        let cpu = UplinkCPU(encoding: 20_900_000, sending: 9_900_000)
        #expect(cpu.line(processNanoseconds: 1_510_200_000, captures: false)
                == "uplink CPU: 30.8 ms on its threads (20.9 ms encoding, 9.9 ms sending), 2.04 % of the process's 1510.2 ms")
        #expect(UplinkCPU(encoding: 1_000_000, sending: 2_000_000, captures: 3_060_000).line(processNanoseconds: 0, captures: true)
                == "uplink CPU: 6.1 ms on its threads (1.0 ms encoding, 2.0 ms sending, 3.1 ms captures), n/a of the process's 0.0 ms")
    }

    @Test func aBrokerThatComesUpLateGetsEverything() throws {
        let broker = try MosquittoBroker(name: "late", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        let bundle = try UplinkBundle(name: "late", seconds: 300)
        try bundle.writeConfig(port: broker.port, drainTimeout: "30s")
        // The subscriber's session must exist before the gateway publishes: start, subscribe, stop.
        try broker.start()
        let subscriber = try FleetSubscriber(port: broker.port)
        broker.stop()
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) { try? broker.start() }
        let (records, uplink, run) = try bundle.replay()
        print("UplinkBrokerTests late: broker up after 3 s; drained after \(Date().timeIntervalSince(started)) s; \(uplink.report)")
        #expect(uplink.statistics.outbox.messages == 0)
        #expect(uplink.statistics.connectFailures > 0)
        try subscriber.drain()
        #expect(try checkUplinked(subscriber.received, against: bundle.expected(records), run: run, vehicle: bundle.vehicle) == 0)
    }

    /// A broker without any subscriber yet (a new fleet, or mosquitto 2.0 restarted: it keeps
    /// no shared subscription) answers PUBACK 0x10 "no matching subscribers": those messages
    /// stay in the outbox and go again once a subscriber exists. The subscriber's session is
    /// made only after the broker logged such a PUBACK for a records message.
    @Test func messagesNobodySubscribedToAreSentAgainWhenASubscriberCame() throws {
        let broker = try MosquittoBroker(name: "unmatched", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        let bundle = try UplinkBundle(name: "unmatched", seconds: 300)
        try bundle.writeConfig(port: broker.port, drainTimeout: "60s")
        try broker.start()
        let late = LateSubscriber()
        Thread {
            // The status message is the first publish; a second 0x10 answers a records message.
            let deadline = Date().addingTimeInterval(60)
            var found = false
            while !found && Date() < deadline {
                found = broker.log().components(separatedBy: ", rc16)").count > 2
                if !found { usleep(20_000) }
            }
            late.set(found ? Result { try FleetSubscriber(port: broker.port) } : .failure(BrokerError("no PUBACK 0x10 in 60 s")))
        }.start()
        let (records, uplink, run) = try bundle.replay()
        print("UplinkBrokerTests unmatched: \(uplink.report)")
        let subscriber = try late.wait().get()
        #expect(uplink.statistics.unmatched > 0 && uplink.statistics.outbox.messages == 0)
        try subscriber.drain()
        #expect(try checkUplinked(subscriber.received, against: bundle.expected(records), run: run, vehicle: bundle.vehicle) == 0)
    }

    /// A broker whose ACL denies the gateway write to the data topics answers each records
    /// message with PUBACK 0x87 (mosquitto 2.0.11 does, for an MQTT 5 client; it logs "Denied
    /// PUBLISH"): nothing leaves the outbox, the refusals are counted (statistics, metrics, one
    /// log line naming the code). Once the ACL allows it (mosquitto reloads it on SIGHUP; the
    /// connection stays), the same link delivers every record exactly once.
    @Test func messagesTheBrokerRefusesStayInTheOutboxUntilItTakesThem() throws {
        let acl = NSTemporaryDirectory() + "candor-acl-\(getpid())-\(UUID().uuidString.prefix(8))"
        try "topic read candor/v1/testfleet/#\ntopic write candor/v1/testfleet/+/status\n".write(toFile: acl, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: acl) }
        let broker = try MosquittoBroker(name: "acl", extraConfig: "allow_anonymous true\nmax_queued_messages 100000\nacl_file \(acl)")
        let bundle = try UplinkBundle(name: "refused", seconds: 300)
        try bundle.writeConfig(port: broker.port, drainTimeout: "120s")
        try broker.start()
        let subscriber = try FleetSubscriber(port: broker.port)
        let (records, uplink, run) = try bundle.replay { sinks, setup in
            let (service, queue) = try #require(sinks.services.queued(UplinkService.self))
            #expect(queue.waitUntilIdle(timeout: .seconds(120)))
            // Everything stored is answered once, then the oldest goes alone after each pause:
            // wait for two such resends.
            func refused() -> UInt64 { service.statistics.refused[0x87, default: 0] }
            let deadline = Date().addingTimeInterval(120)
            while refused() == 0 && Date() < deadline { usleep(20_000) }
            let first = refused()
            while refused() < first + 2 && Date() < deadline { usleep(20_000) }
            let s = service.statistics
            print("UplinkBrokerTests refused: before the ACL allows: \(service.report)")
            #expect(refused() >= first + 2 && first > 0 && s.refused.count == 1 && s.acknowledged == 0)
            #expect(s.outbox.stored > 0 && s.outbox.messages == Int(s.outbox.stored) && s.outbox.evictedTotal == 0)
            #expect(broker.log().contains("Denied PUBLISH") && broker.log().contains(", rc135)"))
            let metrics = PrometheusMetrics(layout: setup.layout)
            let lines = try #require(UplinkMetrics(metrics, services: sinks.services)).update()
            let refusals = lines.filter { $0.contains("refused") }
            #expect(refusals.count == 1 && refusals.first?.contains("PUBACK 0x87 (Not authorized)") == true, "\(lines)")
            let sample = metrics.exposition().split(separator: "\n").first { $0.hasPrefix(#"candor_uplink_refused_total{reason="0x87"}"#) }
            #expect(sample.flatMap { Double($0.split(separator: " ").last!) }.map { $0 >= Double(first + 2) } == true, "\(String(describing: sample))")
            try "topic readwrite candor/v1/testfleet/#\n".write(toFile: acl, atomically: true, encoding: .utf8)
            try broker.reload()
        }
        print("UplinkBrokerTests refused: after: \(uplink.report)")
        let s = uplink.statistics
        #expect(s.outbox.messages == 0 && s.acknowledged == s.outbox.stored && s.outbox.evictedTotal == 0 && s.reconnects == 0)
        #expect(uplink.takeEvents().contains(.accepted(broker: "127.0.0.1:\(broker.port)")))
        try subscriber.drain()
        let duplicates = try checkUplinked(subscriber.received, against: bundle.expected(records), run: run, vehicle: bundle.vehicle)
        print("UplinkBrokerTests refused: \(duplicates) duplicates")
        #expect(duplicates == 0)
    }

    /// The outbox on a full disk inside a running gateway: a 192 KiB tmpfs, 1 s and 60 s windows
    /// going up, the broker down for the whole replay. The disk fills; ingest is unharmed (the
    /// uplink's queue neither failed nor dropped), given-up segments are counted and logged
    /// with the cause; the next start, with the broker up, delivers exactly what was kept:
    /// every operations and episode record, each record as the JSON-lines sink wrote it, no
    /// duplicates, and the messages given up are the ones missing.
    @Test(.enabled(if: ScratchTmpfs.mayMount, "mounting a tmpfs needs root"))
    func aFullDiskUnderTheOutboxCostsCountedWindowsAndNothingElse() throws {
        let disk = try ScratchTmpfs("uplink", size: "192k")
        defer { try? disk.unmount() }
        let broker = try MosquittoBroker(name: "fulldisk", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        let bundle = try UplinkBundle(name: "fulldisk", seconds: 600)
        try bundle.writeConfig(port: broker.port, drainTimeout: "1s", extra: ["windows: [1s, 60s]"],
                               outbox: ["path: \(disk.path)/outbox", "max_bytes: 1048576"])
        try broker.start()
        let subscriber = try FleetSubscriber(port: broker.port)
        broker.stop()
        var lines: [String] = []
        let (records, first, run) = try bundle.replay { sinks, setup in
            let (_, queue) = try #require(sinks.services.queued(UplinkService.self))
            #expect(queue.waitUntilIdle(timeout: .seconds(120)))
            #expect(queue.statistics.failures == 0 && queue.statistics.droppedRecords == 0)
            lines = try #require(UplinkMetrics(PrometheusMetrics(layout: setup.layout), services: sinks.services)).update()
        }
        let s = first.statistics
        print("UplinkBrokerTests full disk: \(first.report); evicted \(s.outbox.evicted) by class \(s.outbox.evictedByClass)")
        let given = s.outbox.evicted[.disk, default: 0] + s.outbox.evicted[.rejected, default: 0]
        #expect(s.outbox.evicted[.disk, default: 0] > 0 && s.outbox.evictedByClass[.essential, default: 0] == 0)
        #expect(s.outbox.evicted[.full, default: 0] == 0 && s.outbox.evicted[.age, default: 0] == 0)
        #expect(lines.contains { $0.contains("outbox: disk refused a write (No space left on device, errno 28); dropped") }, "\(lines)")
        #expect(s.acknowledged == 0 && s.outbox.messages == Int(s.outbox.stored - s.outbox.evicted[.disk, default: 0]))
        try broker.start()
        var settings = try GatewaySetup.load(configFile: bundle.config, environment: [:]).sinks.uplink!
        settings.drainTimeoutSeconds = 60
        let second = try UplinkService(settings)
        try second.close()
        print("UplinkBrokerTests full disk: next start: \(second.report)")
        #expect(second.statistics.outbox.messages == 0 && second.statistics.acknowledged == UInt64(s.outbox.messages))
        try subscriber.drain()
        let wanted = bundle.expected(records, lengths: [1_000_000_000, 60_000_000_000])
        #expect(try checkUplinked(subscriber.received, against: wanted, run: run, vehicle: bundle.vehicle, complete: false) == 0)
        let arrived = Set(subscriber.received.filter { !$0.topic.hasSuffix("/status") }.flatMap { try! UnpackedMessage($0).records.map(\.sequence) })
        let essential = Set(records.compactMap { identity, record in
            switch record {
            case .operations, .faultEpisode, .silentEpisode: identity.sequence
            default: nil
            }
        })
        #expect(!essential.isEmpty && essential.isSubset(of: arrived))
        let messages = subscriber.received.filter { !$0.topic.hasSuffix("/status") }.count
        #expect(messages == s.outbox.messages && arrived.count < wanted.count && given > 0)
    }

    @Test func whatWasNotDeliveredIsSentByTheNextStart() throws {
        let broker = try MosquittoBroker(name: "restart", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        let bundle = try UplinkBundle(name: "restart", seconds: 300)
        try bundle.writeConfig(port: broker.port, drainTimeout: "1s")
        try broker.start()
        let subscriber = try FleetSubscriber(port: broker.port)
        broker.stop()
        let (records, first, run) = try bundle.replay()
        let left = first.statistics.outbox.messages
        print("UplinkBrokerTests restart: broker down: \(first.report)")
        #expect(left > 0 && first.statistics.acknowledged == 0)
        #expect(first.report.contains("\(left) not delivered"))
        // The next start (with nothing new to send) delivers the old run's records.
        try broker.start()
        let setup = try GatewaySetup.load(configFile: bundle.config, environment: [:])
        let second = try UplinkService(setup.sinks.uplink!)
        try second.close()
        print("UplinkBrokerTests restart: next start: \(second.report)")
        #expect(second.statistics.outbox.messages == 0 && second.statistics.acknowledged == UInt64(left))
        try subscriber.drain()
        #expect(try checkUplinked(subscriber.received, against: bundle.expected(records), run: run, vehicle: bundle.vehicle) == 0)
    }
}

/// A value one thread sets and another awaits.
final class LateSubscriber: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Result<FleetSubscriber, Error>?

    func set(_ result: Result<FleetSubscriber, Error>) {
        condition.lock()
        value = result
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Result<FleetSubscriber, Error> {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}
