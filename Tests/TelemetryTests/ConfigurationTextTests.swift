import Testing
import Telemetry

struct ConfigurationTextTests {
    @Test(arguments: [
        ("500ms", Int64(500_000_000)), ("1s", 1_000_000_000), ("0.5s", 500_000_000), ("60s", 60_000_000_000),
        ("5m", 300_000_000_000), ("1h", 3_600_000_000_000), ("250us", 250_000), ("10ns", 10), (" 2s ", 2_000_000_000),
    ])
    func durations(text: String, nanoseconds: Int64) {
        #expect(ConfigurationText.duration(text) == nanoseconds)
    }

    @Test(arguments: ["", "1", "s", "-1s", "0s", "1d", "1.5ns", "1e3s", "one s", "1 s", "+1s", "5000h"])
    func rejectedDurations(text: String) {
        #expect(ConfigurationText.duration(text) == nil, "\(text)")
    }

    @Test func utcOffsets() {
        #expect(ConfigurationText.utcOffset("+08:00") == Int64(8 * 3600))
        #expect(ConfigurationText.utcOffset("-05:30") == Int64(-(5 * 3600 + 30 * 60)))
        #expect(ConfigurationText.utcOffset("+00:00") == Int64(0))
        for bad in ["08:00", "+8:00", "+08:60", "+15:00", "+08-00", "UTC", ""] {
            #expect(ConfigurationText.utcOffset(bad) == nil, "\(bad)")
        }
    }
}
