import Foundation
import MQTT
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Faults between the gateways and the fleet store, each against real processes on a real
/// mosquitto (persistence on). The oracle for every scenario: the fleet store's identities are
/// exactly the ones an independent observer saw published (each record of every run), its rows
/// are the gateways' rows both ways (`CollectorBrokerTests.checkRows`), and no identity is stored
/// twice; duplicates the collector removed are printed, and after a collector's kill -9 its
/// successor stores exactly the records its predecessor had not committed.
@Suite(.serialized) struct CollectorFaultTests {
    /// A broker, an observer, a fleet store and the collector `collect-f` (same id on restart).
    final class Rig {
        let scratch: Scratch
        let broker: MosquittoBroker
        let observer: Observer
        let fleet: String
        var collector: Child?
        private var starts = 0

        /// `brokerConfig`: more mosquitto settings (by default it saves its persistence every second).
        init(_ name: String, brokerConfig: String = "autosave_interval 1") throws {
            scratch = try Scratch(name)
            broker = try MosquittoBroker(name: name, extraConfig: "allow_anonymous true\nmax_queued_messages 100000\n" + brokerConfig)
            try broker.start()
            observer = try Observer(port: broker.port)
            fleet = scratch.path + "/fleet.db"
        }

        func startCollector() throws {
            starts += 1
            let c = try Child(["collect", "--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--fleet", "testfleet", "--sqlite", fleet,
                               "--client-id", "collect-f"], log: scratch.path + "/collect-\(starts).log")
            collector = c
        }

        func awaitSubscribed() {
            #expect(eventually(seconds: 60) { collector?.output.contains("subscribed") == true }, "collector did not subscribe")
        }

        func stored() -> Int { (try? SQLiteShell.identities(fleet).count) ?? 0 }

        /// Everything the observer saw is in the store; the collector stops with 0; the oracle.
        func finish(_ gateways: [GatewayBundle], label: String) throws -> [String: Int] {
            try observer.poll(seconds: 3)
            let published = Set(observer.identities.keys)
            #expect(eventually(seconds: 90) { stored() >= published.count }, "\(label): \(stored()) of \(published.count) stored")
            collector?.signal(SIGTERM)
            #expect(try collector?.wait() == 0, "\(label): \(collector?.output ?? "")")
            #expect(try SQLiteShell.identities(fleet) == published, "\(label): the fleet store's identities differ from those published")
            try CollectorBrokerTests.checkRows(fleet: fleet, gateways: gateways)
            let resent = observer.identities.values.filter { $0 > 1 }.count
            let counts = CollectorBrokerTests.finalCounts(collector?.output ?? "")
            print("CollectorFaultTests \(label): \(published.count) records published, \(resent) of them published more than once; last collector: \(counts)")
            observer.close()
            return counts
        }
    }

    static let capped = ["bandwidth: 1500"]

    @Test func collectorKilledMidStreamGetsTheRestAfterItsRestart() throws {
        let rig = try Rig("collector-kill")
        try rig.startCollector()
        rig.awaitSubscribed()
        let gateways = try ["van-cltc-p", "fcev-urban"].map { try GatewayBundle($0, in: rig.scratch, port: rig.broker.port, extra: Self.capped) }
        let replays = try gateways.map { try Child($0.replayArguments(), log: $0.directory + "/replay.log") }
        #expect(eventually(seconds: 60) { rig.stored() > 0 })
        rig.collector?.signal(SIGKILL)
        try rig.collector?.wait()
        let before = rig.stored()
        try rig.startCollector()
        for r in replays { #expect(try r.wait() == 0, "\(r.output)") }
        let counts = try rig.finish(gateways, label: "collector kill -9 after \(before) records stored")
        let published = rig.observer.identities.count  // as `finish` compared them with the store
        // What the killed collector committed stays; its successor stores exactly the rest
        // (redelivered records already stored are counted as duplicates, not stored again).
        #expect(counts["records"] == published - before, "restarted collector: \(counts), \(before) stored before, \(published) published")
        #expect(counts["duplicates"] != nil, "the restarted collector reports its duplicates")
    }

    @Test func gatewayKilledMidPublishResumesFromItsOutbox() throws {
        let rig = try Rig("gateway-kill")
        try rig.startCollector()
        rig.awaitSubscribed()
        let bundle = try GatewayBundle("van-urban-faults", in: rig.scratch, port: rig.broker.port, extra: Self.capped)
        let first = try Child(bundle.replayArguments(), log: bundle.directory + "/replay-1.log")
        #expect(eventually(seconds: 60) { rig.stored() > 0 })
        first.signal(SIGKILL)
        _ = try? first.wait()
        let before = rig.stored()
        // The same bundle again without the cap: the outbox's leftovers of the killed run first,
        // then this run's own records (a new run id: new identities, the same rows).
        let again = try GatewayBundle.rewritten(bundle, port: rig.broker.port)
        let second = try Child(again.replayArguments(), log: bundle.directory + "/replay-2.log")
        #expect(try second.wait() == 0, "\(second.output)")
        #expect(second.output.contains("0 not delivered"), "\(second.output)")
        let counts = try rig.finish([bundle], label: "gateway kill -9 after \(before) records stored")
        #expect(counts["records", default: 0] > 0)
    }
}

extension CollectorFaultTests {
    /// The broker unreachable at first: a collector and a gateway start while it is down and
    /// it comes up after both have failed to connect (the collector several times, so its next
    /// attempt is seconds away and the gateway is likely to reach the broker first). No
    /// observer: its plain subscription would take the messages that the collector's missing
    /// subscription cannot, and hide the loss. The oracle is the gateway's own store (rows
    /// both ways) and the number of records its uplink stored, each of them in the fleet store.
    @Test func aBrokerUpAfterTheCollectorAndTheGatewayLosesNothing() throws {
        let scratch = try Scratch("broker-late")
        let broker = try MosquittoBroker(name: "broker-late", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        let fleet = scratch.path + "/fleet.db"
        let collector = try Child(["collect", "--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--fleet", "testfleet", "--sqlite", fleet,
                                   "--client-id", "collect-late"], log: scratch.path + "/collect.log")
        let failures = { collector.output.components(separatedBy: "connection attempt failed").count - 1 }
        #expect(eventually(seconds: 60) { failures() >= 5 }, "the collector did not retry: \(collector.output)")
        let bundle = try GatewayBundle("van-cltc-p", in: scratch, port: broker.port)
        let replay = try Child(bundle.replayArguments(), log: bundle.directory + "/replay.log")
        #expect(eventually(seconds: 60) { Self.outboxBytes(bundle.outbox) > 0 }, "the gateway stored nothing in its outbox")
        // Up right after one more failure of the collector: its next attempt is seconds away.
        let before = failures()
        #expect(eventually(seconds: 60) { failures() > before })
        try broker.start()
        #expect(try replay.wait() == 0, "\(replay.output)")
        #expect(replay.output.contains("0 not delivered"), "\(replay.output)")
        let uplinked = Self.recordsStored(replay.output)
        #expect(uplinked > 50, "\(replay.output)")
        let stored = { (try? SQLiteShell.identities(fleet).count) ?? 0 }
        #expect(eventually(seconds: 90) { stored() >= uplinked }, "\(stored()) of \(uplinked) records in the fleet store")
        collector.signal(SIGTERM)
        #expect(try collector.wait() == 0, "\(collector.output)")
        #expect(stored() == uplinked, "the fleet store holds \(stored()) identities, the gateway uplinked \(uplinked)")
        try CollectorBrokerTests.checkRows(fleet: fleet, gateways: [bundle])
        let report = replay.output.split(separator: "\n").first { $0.contains("uplink: ") } ?? ""
        print("CollectorFaultTests broker late: collector failed \(failures()) times before the broker came up; "
              + "\(stored()) records stored; collector \(CollectorBrokerTests.finalCounts(collector.output)); gateway \(report)")
    }

    /// The bytes in an outbox directory's segment files.
    static func outboxBytes(_ directory: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".seg") }.reduce(0) { total, name in
            let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int) ?? 0
            return total + size
        }
    }

    /// `uplink: N records in M messages stored, …` from a replay's output.
    static func recordsStored(_ output: String) -> Int {
        guard let range = output.range(of: "uplink: ") else { return 0 }
        return Int(output[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }
}

extension GatewayBundle {
    /// The bundle's config written again without the `extra` lines (the same outbox and store).
    static func rewritten(_ bundle: GatewayBundle, port: Int) throws -> GatewayBundle {
        let scratch = URL(fileURLWithPath: bundle.directory).deletingLastPathComponent().path
        return try GatewayBundle(reusing: bundle.name, at: scratch, port: port)
    }
}

extension CollectorFaultTests {
    /// mosquitto `kill -9`ed mid-stream and restarted on the same port with the same
    /// persistence directory; the gateways run `uplink.outbox.confirm: collector`. To make the
    /// broker hold what it acknowledged (as a broker does whenever its consumers lag), the
    /// collector is paused (SIGSTOP) once records are stored, until the observer saw 3 more
    /// messages accepted; then the kill, SIGCONT, the restart. mosquitto's persistence is a
    /// snapshot (none here since the start), so every message it had queued for the collector
    /// beyond the one in flight to it is gone, with every session. What the observer
    /// saw accepted before the kill and the fleet store did not hold after it is printed: the
    /// records the broker lost after acknowledging them (PUBACK), which a gateway removing
    /// messages on PUBACK would have lost for good. The oracle: the fleet store's identities
    /// are exactly as many as the gateways' uplinks stored, one per record (the primary key),
    /// include every one the observer saw, and its rows are the gateways' rows both ways.
    @Test func aBrokerKilledMidStreamLosesNothingWithCollectorConfirmation() throws {
        // Persistence saved only at a clean stop (the default interval, 30 minutes, is longer
        // than the test); one message in flight to each client, the rest queued in memory.
        let rig = try Rig("broker-kill", brokerConfig: "max_inflight_messages 1")
        try rig.startCollector()
        rig.awaitSubscribed()
        let gateways = try ["van-cltc-p", "fcev-urban", "bus-c-wtvc"].map {
            try GatewayBundle($0, in: rig.scratch, port: rig.broker.port, extra: Self.capped, outbox: ["confirm: collector"])
        }
        let replays = try gateways.map { try Child($0.replayArguments(), log: $0.directory + "/replay.log") }
        let running = { replays.contains { $0.process.isRunning } }
        #expect(eventually(seconds: 60) { rig.stored() > 0 }, "nothing stored")
        rig.collector?.signal(SIGSTOP)
        try rig.observer.poll(seconds: 0.2)
        let seenAtPause = rig.observer.messages.count
        try rig.observer.poll(seconds: 60) { $0.messages.count >= seenAtPause + 3 || !running() }
        let accepted = Set(rig.observer.identities.keys)
        let acceptedMessages = rig.observer.messages.count
        rig.broker.stop(kill: true)
        rig.collector?.signal(SIGCONT)
        // The collector stores what its socket still held, then fails to reconnect twice.
        let failures = { rig.collector?.output.components(separatedBy: "connection attempt failed").count ?? 1 }
        let before = failures()
        #expect(eventually(seconds: 30) { failures() >= before + 2 }, "the collector did not notice the broker's death")
        let storedAtKill = try SQLiteShell.identities(rig.fleet)
        let lost = accepted.subtracting(storedAtKill)
        let lostMessages = Set(rig.observer.messageIdentities.filter { !$0.isEmpty && lost.contains($0[0]) }.map { $0[0] }).count
        try rig.broker.start()
        rig.observer.close()
        for (r, g) in zip(replays, gateways) {
            #expect(try r.wait() == 0, "\(g.name): \(r.output)")
            #expect(r.output.contains("0 not delivered"), "\(g.name): \(r.output)")
        }
        let uplinked = replays.reduce(0) { $0 + Self.recordsStored($1.output) }
        #expect(eventually(seconds: 90) { rig.stored() >= uplinked }, "\(rig.stored()) of \(uplinked) records in the fleet store")
        rig.collector?.signal(SIGTERM)
        #expect(try rig.collector?.wait() == 0, "\(rig.collector?.output ?? "")")
        let identities = try SQLiteShell.identities(rig.fleet)
        #expect(identities.count == uplinked, "the fleet store holds \(identities.count) identities, the gateways uplinked \(uplinked)")
        #expect(try SQLiteShell.query(rig.fleet, "SELECT count(*) FROM uplinked_record") == "\(uplinked)")
        #expect(accepted.isSubset(of: identities), "\(accepted.subtracting(identities).count) records the broker accepted are missing")
        try CollectorBrokerTests.checkRows(fleet: rig.fleet, gateways: gateways)
        let counts = CollectorBrokerTests.finalCounts(rig.collector?.output ?? "")
        let reports = replays.map { r in r.output.split(separator: "\n").first { $0.contains("uplink: ") }.map(String.init) ?? "" }
        print("CollectorFaultTests broker kill -9: \(uplinked) records uplinked by \(gateways.count) gateways, \(identities.count) in the fleet store; "
              + "before the kill the observer saw \(accepted.count) records in \(acceptedMessages) messages accepted, the fleet store held \(storedAtKill.count); "
              + "\(lost.count) records in \(lostMessages) messages mosquitto had accepted were lost by it and recovered by the confirmation; collector \(counts)")
        for report in reports { print("CollectorFaultTests broker kill -9: gateway \(report)") }
        #expect(!lost.isEmpty, "the kill lost nothing the broker had acknowledged: the scenario did not happen")
        #expect(accepted.count < uplinked, "every record was published before the kill: not mid-stream")
        #expect(counts["duplicates"] != nil)
    }
}
