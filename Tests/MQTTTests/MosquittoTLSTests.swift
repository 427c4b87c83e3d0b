import Foundation
import TestSupport
import Testing
@testable import MQTT

/// Mutual TLS against a real mosquitto: a throwaway CA made by `openssl` signs the broker's
/// certificate (SAN IP:127.0.0.1) and a client certificate; the broker requires a client
/// certificate from that CA. Ours is accepted; one from another CA, and none, are refused.
@Suite struct MosquittoTLSTests {
    struct Files {
        var directory: String
        func path(_ name: String) -> String { directory + "/" + name }
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try runTool("/usr/bin/openssl", arguments)
        if result.status != 0 { throw BrokerError("openssl \(arguments.joined(separator: " ")) failed") }
    }

    /// `ca` and `rogue-ca`; `server` signed by ca; `client` by ca; `rogue` by rogue-ca.
    private func makeCertificates(in directory: String) throws -> Files {
        let f = Files(directory: directory)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "rogue-ca"] {
            try openssl(["req", "-x509"] + curve + ["-keyout", f.path("\(ca).key"), "-out", f.path("\(ca).crt"), "-subj", "/CN=candor-test-\(ca)", "-days", "2"])
        }
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: f.path("server.ext"), atomically: true, encoding: .utf8)
        for (name, ca) in [("server", "ca"), ("client", "ca"), ("rogue", "rogue-ca")] {
            try openssl(["req"] + curve + ["-keyout", f.path("\(name).key"), "-out", f.path("\(name).csr"), "-subj", "/CN=candor-\(name)"])
            try openssl(["x509", "-req", "-in", f.path("\(name).csr"), "-CA", f.path("\(ca).crt"), "-CAkey", f.path("\(ca).key"),
                         "-CAcreateserial", "-out", f.path("\(name).crt"), "-days", "2"]
                        + (name == "server" ? ["-extfile", f.path("server.ext")] : []))
        }
        return f
    }

    @Test func aClientCertificateFromTheCAIsAcceptedAndOthersAreRefused() throws {
        let broker = try MosquittoBroker(name: "tls")
        let f = try makeCertificates(in: broker.directory)
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
