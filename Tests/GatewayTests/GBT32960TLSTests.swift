import Foundation
import Testing
import TestSupport
@testable import Gateway

/// `uplink.gbt32960.tls`: the terminal over TLS (OpenSSL, `TLSStream`) to the asyncio test
/// platform in its TLS mode (Python's ssl: TLS 1.2+, a client certificate from its CA
/// required), with a throwaway PKI made by `openssl` (`TestCertificates`: the platform's
/// certificate is issued to IP 127.0.0.1). A replayed drive sends the same frames as over plain
/// TCP; a platform candor cannot verify, a client certificate the platform does not accept, a
/// name the certificate does not carry and a stalled handshake are failed connections —
/// logged with OpenSSL's reason, retried on the session's schedule, no frame ever sent in
/// plain, every report kept in the outbox.
@Suite(.serialized, .enabled(if: PythonOracle.shouldRun()))
struct GBT32960TLSTests {
    static func certificates() throws -> TestCertificates {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("candor-gbt-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return try TestCertificates(in: path)
    }

    /// The platform's `--tls` arguments: its certificate and key, and the CA of the terminals.
    static func platformTLS(_ c: TestCertificates) -> [String] {
        ["--tls", c.certificate("server"), c.key("server"), c.certificate("ca")]
    }

    /// The config's `tls:` value.
    static func section(ca: String, client: String?, _ c: TestCertificates) -> String {
        "{ ca: \(c.certificate(ca))" + (client.map { ", certificate: \(c.certificate($0)), key: \(c.key($0))" } ?? "") + " }"
    }

    /// The same 60 s drive over TCP and over TLS (1.3, and 1.2 where the platform offers no
    /// newer) with a client certificate: the platform accepts the same frames, byte for byte
    /// (login, reports on the 10 s grid, heartbeats, logout), and saw the terminal's
    /// certificate on a connection of that version.
    @Test(arguments: ["1.3", "1.2"])
    func aReplayOverTLSWithAClientCertificateSendsWhatPlainTCPSends(version: String) throws {
        guard let python = PythonOracle.find() else { return }
        let c = try Self.certificates()
        defer { try? FileManager.default.removeItem(atPath: c.directory) }
        let drives = GBT32960ServiceTests()
        let tcp = try drives.drive("tcp", seconds: 60, python: python)
        let tls = try drives.drive("tls-\(version)", seconds: 60, platformArguments: Self.platformTLS(c) + ["--tls-max", version],
                                   tls: Self.section(ca: "ca", client: "client", c), python: python)
        let plain = try tcp.platform.acceptedFrames(), secure = try tls.platform.acceptedFrames()
        #expect(secure.first?.command == 0x01 && secure.last?.command == 0x04, "\(secure.map(\.command))")
        #expect(secure.filter { $0.command == 0x02 }.count >= 5)
        #expect(secure.map(\.hex) == plain.map(\.hex), "\(secure.map { ($0.command, $0.time) }) vs \(plain.map { ($0.command, $0.time) })")
        let handshakes = try tls.platform.entries().filter { $0.event == "tls" }
        #expect(!handshakes.isEmpty && handshakes.allSatisfy { $0.client == "candor-client" && $0.version == "TLSv\(version)" },
                "\(handshakes)")
        #expect(tls.left == 0 && tls.statistics.realtimeStored == tcp.statistics.realtimeStored,
                "\(tls.left) left, \(tls.statistics.realtimeStored) stored, \(tcp.statistics.realtimeStored) over TCP")
    }

    /// Refused both ways, and the wrong name: the platform reads no frame and records why the
    /// handshake failed (its own verification, or the alert candor sent), candor logs OpenSSL's
    /// reason (its own verification, or the platform's alert: in TLS 1.3 the platform checks the
    /// client certificate after candor's side of the handshake is done, so it shows on the first
    /// receive), tries again on the session's 30 s schedule (twice in 60 s of the vehicle's
    /// clock), and keeps the drive's six reports in the outbox.
    @Test(arguments: [
        // candor cannot verify the platform: its CA is another.
        ("wrong-ca", "1.3", "127.0.0.1", "rogue-ca", "client", "certificate verify failed", "alert unknown ca"),
        // The platform does not accept candor's certificate (another CA signed it); in TLS 1.2
        // its alert ends candor's handshake (in 1.3 it comes after: see above).
        ("rogue-client", "1.3", "127.0.0.1", "ca", "rogue", "receive failed: tlsv1 alert unknown ca", "certificate verify failed"),
        ("rogue-client-1.2", "1.2", "127.0.0.1", "ca", "rogue", "TLS handshake failed: tlsv1 alert unknown ca", "certificate verify failed"),
        // The platform's certificate is issued to 127.0.0.1, not to the name candor knows it by.
        ("wrong-name", "1.3", "localhost", "ca", "client", "hostname mismatch", "alert bad certificate"),
    ])
    func aRefusedHandshakeSendsNothingLogsTheReasonAndRetries(name: String, version: String, host: String, ca: String, client: String,
                                                               candorReason: String, platformReason: String) throws {
        guard let python = PythonOracle.find() else { return }
        let c = try Self.certificates()
        defer { try? FileManager.default.removeItem(atPath: c.directory) }
        let d = try GBT32960ServiceTests().drive("tls-\(name)", seconds: 60, platformArguments: Self.platformTLS(c) + ["--tls-max", version], host: host,
                                                 tls: Self.section(ca: ca, client: client, c), python: python)
        let entries = try d.platform.entries()
        #expect(!entries.contains { $0.event == "frame" || $0.event == "tls" }, "the platform read a frame: \(entries.map(\.event))")
        let failures = d.events.filter { $0.contains("cannot connect") || $0.contains("connection lost") }
        print("GBT32960 TLS \(name): \(failures.first ?? "no failure logged")")
        #expect(failures.count >= 2 && failures.allSatisfy { $0.contains(candorReason) }, "\(d.events)")
        let refusals = entries.filter { $0.event == "tls_error" }
        #expect(refusals.count >= 2 && refusals.count == entries.filter { $0.event == "connect" }.count, "\(entries.map(\.event))")
        #expect(refusals.allSatisfy { $0.error?.contains(platformReason) == true }, "\(refusals.map(\.error))")
        #expect(d.statistics.sent[0x02] == nil && d.statistics.sent[0x03] == nil)
        #expect(d.left == 6 && d.statistics.realtimeStored == 6, "\(d.left) left, \(d.statistics.realtimeStored) stored")
    }

    /// A platform that accepts the TCP connection and never answers the handshake: each attempt
    /// ends after `reply_wait` (2 s: the platform sees candor close 2–4 s after the connection,
    /// measured on its clock), logged as a timeout; the replay goes on and keeps every report.
    @Test func aStalledHandshakeHitsTheTimeout() throws {
        guard let python = PythonOracle.find() else { return }
        let c = try Self.certificates()
        defer { try? FileManager.default.removeItem(atPath: c.directory) }
        let started = ContinuousClock.now
        let d = try GBT32960ServiceTests().drive("tls-stall", seconds: 60, platformArguments: Self.platformTLS(c) + ["--stall-handshake"],
                                                 tls: Self.section(ca: "ca", client: "client", c), python: python)
        let elapsed = ContinuousClock.now - started
        let entries = try d.platform.entries()
        let stalls = entries.filter { $0.event == "stall_handshake" }.count
        let timeouts = d.events.filter { $0.contains("TLS handshake timed out after 2000 ms") }.count
        var held: [Double] = []
        for entry in entries where entry.event == "eof" {
            guard let wall = entry.wall, let connected = entries.first(where: { $0.event == "connect" && $0.conn == entry.conn })?.wall else { continue }
            held.append(wall - connected)
        }
        print("GBT32960 TLS stall: \(stalls) stalled handshakes, \(timeouts) timeouts, held \(held) s each, replay \(elapsed)")
        #expect(held.count == stalls && held.allSatisfy { $0 >= 1.9 && $0 < 4 }, "\(held)")
        #expect(stalls >= 2 && timeouts == stalls, "\(d.events)")
        #expect(!entries.contains { $0.event == "frame" })
        #expect(d.left == 6 && d.statistics.realtimeStored == 6, "\(d.left) left, \(d.statistics.realtimeStored) stored")
    }

    /// Files that cannot be used stop the service at its start, naming the file and OpenSSL's reason.
    @Test func unusableFilesStopTheServiceAtItsStart() throws {
        let c = try Self.certificates()
        defer { try? FileManager.default.removeItem(atPath: c.directory) }
        let cases = [
            (Self.section(ca: "missing", client: "client", c), "\(c.certificate("missing")): cannot load the CA certificates"),
            ("{ ca: \(c.certificate("ca")), certificate: \(c.certificate("client")), key: \(c.key("rogue")) }",
             "\(c.key("rogue")): cannot load the client key: key values mismatch"),
            ("{ ca: \(c.certificate("ca")), certificate: \(c.path("server.ext")), key: \(c.key("client")) }",
             "\(c.path("server.ext")): cannot load the client certificate"),
        ]
        for (tls, expected) in cases {
            let yaml = ConfigTests.minimal + "\n" + GBT32960UplinkTests.section.replacingOccurrences(
                of: "    period: 5s", with: "    tls: \(tls)\n    period: 5s")
            let options = try #require(try GatewayConfig.decode(yaml: yaml, file: "candor.yaml", environment: [:]).gbt32960)
            #expect(throws: SinkError.self) { try GBT32960Service(options) }
            do { _ = try GBT32960Service(options) } catch {
                #expect(error.description.contains(expected), "\(error)")
                print("GBT32960 TLS files: \(error)")
            }
        }
    }
}
