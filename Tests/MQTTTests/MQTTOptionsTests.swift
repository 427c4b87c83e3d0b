import Testing
@testable import MQTT

@Suite struct MQTTOptionsTests {
    @Test func urlsParse() throws {
        let plain = try MQTTClientOptions.parse(url: "mqtt://broker.example:1884", clientID: "c").get()
        #expect(plain.host == "broker.example" && plain.port == 1884 && !plain.useTLS)
        let tls = try MQTTClientOptions.parse(url: "mqtts://10.0.0.1", clientID: "c").get()
        #expect(tls.host == "10.0.0.1" && tls.port == 8883 && tls.useTLS)
        let v6 = try MQTTClientOptions.parse(url: "mqtt://[::1]:2000/", clientID: "c").get()
        #expect(v6.host == "::1" && v6.port == 2000 && v6.broker == "[::1]:2000")
        for bad in ["http://x", "mqtt://", "mqtt://h:0", "mqtt://h:99999", "mqtt://u:p@h", "mqtt://h/topic", "mqtt://[::1"] {
            if case .success = MQTTClientOptions.parse(url: bad, clientID: "c") { Issue.record("\(bad) parsed") }
        }
    }

    @Test func backoffGrowsWithJitterUpToTheCapAndResets() {
        var backoff = ReconnectBackoff(baseMillis: 500, capMillis: 8_000, seed: 42)
        let delays = (0..<12).map { _ in backoff.nextDelayMillis() }
        #expect(delays.allSatisfy { $0 >= 250 && $0 <= 8_000 })
        #expect(delays[0] <= 500 && delays[1] <= 1_000 && delays[2] <= 2_000)
        #expect(Set(delays.suffix(6)).count > 1, "jitter: \(delays)")
        #expect(delays.suffix(6).contains { $0 > 2_000 })
        backoff.reset()
        #expect(backoff.nextDelayMillis() <= 500)
        var other = ReconnectBackoff(baseMillis: 500, capMillis: 8_000, seed: 43)
        #expect((0..<12).map { _ in other.nextDelayMillis() } != delays, "another gateway waits differently")
    }
}
