import Foundation
import GBT32960
import Testing
import TestSupport
@testable import Gateway

/// The gpsd client of the GB/T 32960 terminal (`uplink.gbt32960.gpsd`): its reading of gpsd's
/// JSON lines, the location rule (valid only with a fresh 2D/3D fix, else the last fix with the
/// invalid bit), and the link against a misbehaving gpsd (Tests/GBT32960Platform/fake_gpsd.py, a
/// separate process): malformed and oversized lines counted and skipped, a closed connection
/// reconnected, an absent gpsd retried. The real gpsd through gpsfake is GBT32960GpsdTests.
@Suite struct GpsdClientTests {
    static func tpv(_ text: String) throws -> GpsdReport.TPV? {
        if case .tpv(let t) = try GpsdReport.parse(Array(text.utf8)) { return t }
        return nil
    }

    @Test func tpvReportsGiveModeCoordinatesAndTimeOtherClassesTheirName() throws {
        let t = try #require(try Self.tpv(#"{"class":"TPV","device":"/dev/pts/1","mode":3,"time":"2026-01-01T00:00:12.000Z","ept":0.005,"lat":31.201200000,"lon":121.501200000,"altHAE":10.0}"#))
        #expect(t == GpsdReport.TPV(mode: 3, latitude: 31.2012, longitude: 121.5012, time: "2026-01-01T00:00:12.000Z") && t.isFix)
        #expect(try Self.tpv(#"{"class":"TPV","mode":1}"#)?.isFix == false)
        #expect(try Self.tpv(#"{"class":"TPV","mode":2,"lat":10}"#)?.isFix == false, "a fix without a longitude is none")
        #expect(try GpsdReport.parse(Array(#"{"class":"SKY","satellites":[]}"#.utf8)) == .other("SKY"))
        for bad in ["", "not json", "[1,2]", #"{"mode":3}"#, #"{"class":"TPV"}"#, #"{"class":"TPV","mode":7}"#,
                    #"{"class":"TPV","mode":3,"lat":91,"lon":0}"#, #"{"class":"TPV","mode":3,"lat":0,"lon":"east"}"#] {
            #expect(throws: GpsdReport.Malformed.self, "\(bad)") { try GpsdReport.parse(Array(bad.utf8)) }
        }
    }

    @Test func linesAreCutAtNewlinesAcrossReadsAndAnOverlongLineIsDroppedWhole() {
        var buffer = GpsdLineBuffer(maxLine: 10)
        #expect(buffer.append(Array("ab".utf8)).isEmpty)
        #expect(buffer.append(Array("c\r\nde\nf".utf8)) == [Array("abc".utf8), Array("de".utf8)])
        #expect(buffer.append(Array("0123456789".utf8)).isEmpty && buffer.oversized == 1, "f + 10 bytes is over the bound")
        #expect(buffer.append(Array("more of it\nok\n".utf8)) == [Array("ok".utf8)], "dropped up to its newline")
        #expect(buffer.append(Array("0123456789\n".utf8)) == [Array("0123456789".utf8)] && buffer.oversized == 1, "10 bytes fit")
    }

    /// GB/T 32960.3 Table 15: with no (fresh) fix, the last valid fix goes out with the invalid bit.
    @Test func theLocationIsValidOnlyWithAFreshFixElseTheLastFixMarkedInvalid() {
        let second: Int64 = 1_000_000_000
        var keeper = GNSSFixKeeper(maxAgeMillis: 5_000)
        #expect(keeper.position(at: 0) == Position(status: 1, longitude: 0, latitude: 0), "no fix ever: invalid, zero")
        keeper.received(GpsdReport.TPV(mode: 3, latitude: 31.2345678, longitude: 121.4567891), at: 10 * second)
        #expect(keeper.position(at: 15 * second) == Position(status: 0, longitude: 121_456_789, latitude: 31_234_568))
        #expect(keeper.position(at: 15 * second + 1) == Position(status: 1, longitude: 121_456_789, latitude: 31_234_568), "older than 5 s")
        keeper.received(GpsdReport.TPV(mode: 2, latitude: -22.5, longitude: -43.25), at: 20 * second)
        #expect(keeper.position(at: 20 * second) == Position(status: 6, longitude: 43_250_000, latitude: 22_500_000), "2D fix, S and W")
        keeper.received(GpsdReport.TPV(mode: 1), at: 21 * second)
        #expect(keeper.position(at: 21 * second) == Position(status: 7, longitude: 43_250_000, latitude: 22_500_000), "fix lost: the last one, invalid")
    }

    @Test func aMisbehavingGpsdIsReadOnMalformedLinesCountedAndAClosedLinkReconnected() throws {
        let python = try #require(PythonOracle.locate(), "no python3")
        let directory = try TemporaryDirectory.make("gpsd-client")
        let fake = try LoopbackScript(python: python, script: "Tests/GBT32960Platform/fake_gpsd.py",
                                      arguments: ["--record", directory + "/watch.txt"], seconds: 120)
        defer { try? fake.stop() }
        let client = GpsdClient(host: "127.0.0.1", port: fake.port, maxFixAgeMillis: 5_000)
        client.start()
        defer { client.stop() }
        let done = client.waitForStatistics(.seconds(60)) { $0.connections == 2 && $0.fixes == 2 }
        let s = client.statistics
        #expect(done, "\(s)")
        // First link: VERSION, not JSON, TPV without a mode, a 20 KiB line, a 3D fix; then closed.
        // Second: no fix (mode 1), then a 2D fix in the south-west.
        #expect(s.malformed == 3 && s.oversized == 1 && s.reports == 3 && s.lines == 6, "\(s)")
        #expect(client.position() == Position(status: 6, longitude: 43_250_000, latitude: 22_500_000))
        let events = client.takeEvents()
        #expect(events.contains { $0.hasPrefix("gpsd: lost 127.0.0.1:\(fake.port): closed by gpsd") }, "\(events)")
        #expect(events.filter { $0.hasPrefix("gpsd: skipped a malformed line") }.count == 1, "one line a minute: \(events)")
        client.stop()
        let watches = try String(contentsOfFile: directory + "/watch.txt", encoding: .utf8)
        #expect(watches == String(repeating: #"?WATCH={"enable":true,"json":true}"# + "\n", count: 2))
    }

    @Test func anAbsentGpsdIsRetriedAndTheLocationStaysInvalid() throws {
        let port = try MosquittoBroker.freePort()
        let client = GpsdClient(host: "127.0.0.1", port: port, maxFixAgeMillis: 5_000)
        client.start()
        defer { client.stop() }
        #expect(client.waitForStatistics(.seconds(30)) { $0.failedConnects >= 2 }, "\(client.statistics)")
        #expect(client.position() == Position(status: 1, longitude: 0, latitude: 0) && !client.statistics.connected)
        let events = client.takeEvents()
        #expect(events.first?.hasPrefix("gpsd: cannot connect to 127.0.0.1:\(port): ") == true && events.first?.hasSuffix("retrying in 1 s") == true, "\(events)")
        #expect(events.dropFirst().first?.hasSuffix("retrying in 2 s") == true, "doubling: \(events)")
    }
}
