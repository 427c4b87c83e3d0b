import Foundation
import MQTT
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `candor collect` end to end against a real mosquitto: fixture bundles replayed by `candor
/// replay` with the uplink on, collectors as processes. Oracles: an independent observer's
/// record identities (every record the gateways published), the gateways' own stores (read by
/// the sqlite3 shell), the collectors' exit status and final counts.
@Suite(.serialized) struct CollectorBrokerTests {
    static let bundles = ["van-cltc-p", "bus-c-wtvc", "fcev-urban", "van-urban-faults"]

    /// Every uplinked row of the fleet store is a gateway's row, byte for byte (the sqlite3
    /// shell's EXCEPT compares values exactly), and every gateway row of an uplinked kind (60 s
    /// windows of the uplinked signals, 60 s health, episodes, operations) is in the fleet store.
    static func checkRows(fleet: String, gateways: [GatewayBundle]) throws {
        let all = StoreColumns.tables + [("signal_window_named", StoreColumns.signalWindow)]
        for g in gateways {
            for (table, columns) in all {
                var condition = table.hasSuffix("_health") || table == "signal_window_named" ? StoreColumns.sixty : "1"
                if table == "signal_window_named" {
                    condition += " AND vehicle || '/' || bus || '/' || message || '/' || signal IN (SELECT vehicle || '/' || bus || '/' || message || '/' || name FROM other.signal)"
                }
                let missing = try SQLiteShell.missing(table, columns: columns, from: g.store, in: fleet, where: condition)
                #expect(missing == 0, "\(g.name): \(missing) \(table) rows of the gateway missing in the fleet store")
            }
        }
        let attach = gateways.enumerated().map { "ATTACH '\($1.store)' AS g\($0);" }.joined(separator: " ")
        for (table, columns) in all {
            let others = gateways.indices.map { " EXCEPT SELECT \(columns) FROM g\($0).\(table)" }.joined()
            let extra = try SQLiteShell.query(fleet, "\(attach) SELECT count(*) FROM (SELECT \(columns) FROM main.\(table)\(others));")
            #expect(extra == "0", "\(table): \(extra) fleet rows that no gateway store holds")
            let n = try SQLiteShell.query(fleet, "SELECT count(*) FROM \(table)")
            print("CollectorBrokerTests rows: \(table) \(n) in the fleet store")
        }
    }

    @Test func fourBundlesThroughTwoCollectorsAreStoredOnceEach() throws {
        let scratch = try Scratch("four")
        let broker = try MosquittoBroker(name: "collect", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        try broker.start()
        let observer = try Observer(port: broker.port)
        let fleet = scratch.path + "/fleet.db"
        // Started together: they race to create the store's schema (the loser retries).
        let collectors = try ["a", "b"].map {
            try Child(["collect", "--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--fleet", "testfleet", "--sqlite", fleet,
                       "--client-id", "collect-\($0)"], log: scratch.path + "/collect-\($0).log")
        }
        // Both collectors subscribed before any gateway publishes.
        #expect(eventually(seconds: 30) { collectors.allSatisfy { $0.output.contains("subscribed") } }, "collectors did not subscribe")
        let gateways = try Self.bundles.map { try GatewayBundle($0, in: scratch, port: broker.port) }
        let replays = try gateways.map { try Child($0.replayArguments(), log: $0.directory + "/replay.log") }
        for (r, g) in zip(replays, gateways) {
            #expect(try r.wait() == 0, "\(g.name): \(r.output)")
            #expect(r.output.contains("0 not delivered"), "\(g.name): \(r.output)")
        }
        try observer.poll(seconds: 5)
        let published = Set(observer.identities.keys)
        print("CollectorBrokerTests four: \(published.count) records published by \(gateways.count) gateways")
        #expect(published.count > 150)
        // The collectors commit asynchronously: await the store.
        #expect(try eventually(seconds: 60) { try SQLiteShell.identities(fleet).count >= published.count })
        for c in collectors { c.signal(SIGTERM) }
        for c in collectors { #expect(try c.wait() == 0, "\(c.output)") }
        #expect(try SQLiteShell.identities(fleet) == published)
        let counts = collectors.map { Self.finalCounts($0.output) }
        print("CollectorBrokerTests four: collectors' final counts \(counts)")
        #expect(counts.allSatisfy { $0["messages", default: 0] > 0 }, "the shared subscription gave both collectors messages")
        #expect(counts.reduce(0) { $0 + $1["records", default: 0] } == published.count)
        #expect(counts.reduce(0) { $0 + $1["duplicates", default: -1] } == 0)
        try Self.checkRows(fleet: fleet, gateways: gateways)
        observer.close()
    }

    /// `stopped messages=… records=… duplicates=… malformed=…` from a collector's log.
    static func finalCounts(_ log: String) -> [String: Int] {
        guard let line = log.split(separator: "\n").last(where: { $0.contains("stopped") }) else { return [:] }
        var out: [String: Int] = [:]
        for part in line.split(separator: " ") {
            let kv = part.split(separator: "=")
            if kv.count == 2, let n = Int(kv[1]) { out[String(kv[0])] = n }
        }
        return out
    }
}
