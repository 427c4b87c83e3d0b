import Foundation
import TestSupport
import Testing
@testable import MQTT

/// Mutual TLS against a real mosquitto: a throwaway CA made by `openssl` (`TestCertificates`)
/// signs the broker's certificate (SAN IP:127.0.0.1) and a client certificate; the broker
/// requires a client certificate from that CA. Ours is accepted; one from another CA, and
/// none, are refused.
@Suite struct MosquittoTLSTests {
    @Test func aClientCertificateFromTheCAIsAcceptedAndOthersAreRefused() throws {
        let broker = try MosquittoBroker(name: "tls")
        let f = try TestCertificates(in: broker.directory)
        broker.setConfig("""
            cafile \(f.path("ca.crt"))
            certfile \(f.path("server.crt"))
            keyfile \(f.path("server.key"))
            require_certificate true
            allow_anonymous true
            """)
        try broker.start()
        func client(_ cert: String?, _ id: String) -> MosquittoClient {
            var o = try! MQTTClientOptions.parse(url: "mqtts://127.0.0.1:\(broker.port)", clientID: id).get()
            o.caFile = f.path("ca.crt")
            o.certFile = cert.map { f.path("\($0).crt") }
            o.keyFile = cert.map { f.path("\($0).key") }
            o.keepAliveSeconds = 5
            return MosquittoClient(options: o)
        }
        let good = client("client", "gw-tls")
        try good.connect()
        #expect(isConnected(pump(good) { isConnected($0) || endedOrRefused($0) }), "\(broker.log())")
        let id = try good.publish(MQTTOutgoing(topic: "candor/v1/f/v/status", payload: Array("online".utf8)))
        #expect(acknowledgedIDs(pump(good) { acknowledgedIDs($0).contains(id) }) == [id])
        good.disconnect()
        for (cert, id) in [("rogue", "gw-rogue"), (nil, "gw-nocert")] as [(String?, String)] {
            let bad = client(cert, id)
            var events: [MQTTEvent] = []
            do {
                try bad.connect()
                events = pump(bad) { isConnected($0) || endedOrRefused($0) }
            } catch {
                events = [.disconnected(reason: error.message)]
            }
            #expect(!isConnected(events) && endedOrRefused(events), "\(id): \(events)")
        }
    }
}
