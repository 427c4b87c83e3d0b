import Foundation
import GBT32960
import Outbox
import Testing
@testable import Gateway

/// `uplink.gbt32960:` in candor.yaml, the login serial file and the reissue store on the
/// uplinks' outbox.
@Suite struct GBT32960UplinkTests {
    static let section = """
        uplink:
          gbt32960:
            server: 127.0.0.1:32960
            edition: 2025
            vin: LFWADRJF011002346
            iccid: "89860624400014310964"
            period: 5s
            heartbeat: 20s
            state_directory: /var/lib/candor/gbt32960

        """

    @Test func theSectionDecodes() throws {
        let config = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + Self.section, file: "candor.yaml", environment: [:])
        let g = try #require(config.gbt32960)
        #expect(g.host == "127.0.0.1" && g.port == 32960)
        #expect(g.terminal.edition == .v2025 && g.terminal.periodMillis == 5_000 && g.terminal.heartbeatMillis == 20_000)
        #expect(g.terminal.vin == "LFWADRJF011002346" && g.terminal.iccid == "89860624400014310964")
        #expect(g.gpsd == nil, "no gpsd: the location goes out invalid")
        let withGpsd = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + Self.section + "    gpsd: localhost:2947\n",
                                                file: "candor.yaml", environment: [:])
        #expect(withGpsd.gbt32960?.gpsd == .init(host: "localhost", port: 2947) && withGpsd.gbt32960?.fixMaxAgeMillis == 5_000)
        #expect(withGpsd.gbt32960?.track == nil)
        // track: relative to the config file, like every path; where the key is, for `candor run`'s refusal.
        let withTrack = try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + Self.section + "    track: drive/track.nmea\n",
                                                 file: "/etc/candor/candor.yaml", environment: [:])
        let track = try #require(withTrack.gbt32960?.track)
        #expect(track.path == "/etc/candor/drive/track.nmea" && withTrack.gbt32960?.gpsd == nil)
        #expect(track.error("refused").description.hasPrefix("/etc/candor/candor.yaml:\(track.line):\(track.column): uplink.gbt32960.track: refused") && track.line > 5 && track.column > 0)
    }

    @Test(arguments: [
        ("vin: LFWADRJF011002346", "vin: LFWADRJF01", "uplink.gbt32960.vin: a VIN is 17 printable ASCII characters, found 10"),
        ("iccid: \"89860624400014310964\"", "iccid: \"8986\"", "uplink.gbt32960.iccid: an ICCID is 20"),
        ("period: 5s", "period: 60s", "uplink.gbt32960.period: the 2025 edition allows whole seconds 1–30 s"),
        ("server: 127.0.0.1:32960", "server: platform.example.cn", "uplink.gbt32960.server: expected HOST:PORT"),
        ("edition: 2025", "edition: 2020", "uplink.gbt32960.edition: expected one of 2016, 2025"),
        ("edition: 2025", "edition: 2025\n    gpsd: 127.0.0.1", "uplink.gbt32960.gpsd: expected HOST:PORT, found \"127.0.0.1\""),
        ("edition: 2025", "edition: 2025\n    gpsd: 127.0.0.1:2947\n    track: track.nmea",
         "uplink.gbt32960.track: a position from gpsd (gpsd:) or from a recorded track (track:), not both"),
    ])
    func errorsNameTheKeyAndPosition(good: String, bad: String, expected: String) {
        let error = configFailure(ConfigTests.minimal + "\n" + Self.section.replacingOccurrences(of: good, with: bad), file: "candor.yaml")
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        #expect((error?.line ?? 0) > 5)
    }

    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("candor-gbt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theLoginSerialSurvivesARestart() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = FileLoginSerialStore(path: dir + "/login-serial")
        #expect(store.load() == nil)
        try store.save(LoginSerial(day: 20260707, serial: 41))
        #expect(FileLoginSerialStore(path: dir + "/login-serial").load() == LoginSerial(day: 20260707, serial: 41))
    }

    final class Parked: ReportSource {
        func items(atMillis time: Int64) -> [InfoItem] {
            [.alarm(AlarmData(maxLevel: 0, flags: 0))]
        }
    }

    /// Reports produced while the platform cannot be reached are in the outbox on disk: a new
    /// process (a new outbox on the same directory, the first one never closed) finds them all.
    @Test func reportsOfAnOutageSurviveARestartInTheOutbox() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = TerminalConfig(edition: .v2016, vin: "LFWADRJF011002346", iccid: "89860624400014310964")
        let t0: Int64 = 1_783_378_515_000
        do {
            let outbox = try Outbox(directory: dir + "/outbox", clock: { t0 })
            let session = TerminalSession(config: config, store: OutboxReportStore(outbox: outbox),
                                          serials: MemoryLoginSerialStore(), source: Parked())
            _ = session.start(atMillis: t0)
            _ = session.connectionFailed(atMillis: t0)
            var now = t0
            while now < t0 + 60_000 {
                now += 500
                _ = session.tick(atMillis: now)
            }
        }
        let reopened = OutboxReportStore(outbox: try Outbox(directory: dir + "/outbox", clock: { t0 }))
        let stored = try reopened.next(limit: 100)
        let times = stored.compactMap { BeijingTime(bytes: $0.report.prefix(6))?.unixSeconds }
        #expect(times == Array(stride(from: t0 / 1000, through: t0 / 1000 + 60, by: 10)))
    }
}
