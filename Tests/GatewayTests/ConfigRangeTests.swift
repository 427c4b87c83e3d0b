import Gateway
import Testing

/// Every size, count and duration of candor.yaml has a range checked at load (issue 10,
/// item 6): values that once passed and then aborted or flooded the daemon are errors at
/// their key, naming the range.
@Suite struct ConfigRangeTests {
    static let base = ConfigTests.minimal + "\n"

    func failure(_ yaml: String) -> ConfigError? { configFailure(yaml, file: "candor.yaml") }

    @Test(arguments: [
        ("tail: { socket: /run/t.sock, client_buffer: 100000000000 }", "tail.client_buffer: expected a line count from 16 to 65536"),
        ("tail: { socket: /run/t.sock, client_buffer: 0 }", "tail.client_buffer: expected a line count from 16"),
        ("recorder: { directory: /r, queue: 100000000000 }", "recorder.queue: expected a frame count from 64 to 1048576"),
        ("recorder: { directory: /r, max_file_bytes: 10 }", "recorder.max_file_bytes: expected a byte count from 4096"),
        ("recorder: { directory: /r, max_file_age: 10ms }", "recorder.max_file_age: expected a duration from 1s to 168h"),
        ("recorder: { directory: /r, retention_bytes: -1 }", "recorder.retention_bytes: expected a byte count from 0"),
        ("decoded_log: { directory: /d, queue_bytes: 100000000000 }", "decoded_log.queue_bytes: expected a byte count from 65536 to 1073741824"),
        ("decoded_log: { directory: /d, max_file_age: 720h }", "decoded_log.max_file_age: expected a duration"),
        ("live: { queue: 100000000000 }", "live.queue: expected a frame count from 64 to 1048576"),
        ("live: { reorder: 1h }", "live.reorder: expected a duration from 0 (off) to 10s"),
        ("windows: [1ms]", "windows.0: expected a duration from 100ms to 24h, found 1ms"),
        ("windows: [1s, 1s]", "windows.1: the same window length twice"),
        ("windows: [48h]", "windows.0: expected a duration from 100ms to 24h"),
        ("health: { learn_frames: 100000000 }", "health.learn_frames: expected a frame count from 2 to 100000"),
        ("health: { timeout_factor: 1e9 }", "health.timeout_factor: expected a factor > 1 and at most 1000"),
        ("sinks: { prometheus: { listen: \"localhost:9464\" } }", "sinks.prometheus.listen: expected an IPv4 address and a port"),
        ("sinks: { prometheus: { listen: \"127.0.0.1:99999\" } }", "sinks.prometheus.listen: expected an IPv4 address"),
        ("sinks: { prometheus: { listen: \"127.0.0.1\" } }", "sinks.prometheus.listen: expected an IPv4 address"),
    ])
    func outOfRangeIsAnErrorAtItsKey(tail: String, expected: String) {
        let error = failure(Self.base + tail + "\n")
        #expect(error?.description.contains(expected) == true, "\(String(describing: error)) should contain \(expected)")
        #expect((error?.line ?? 0) >= 6, "an error at a position in the file")
    }

    @Test func twoHundredWindowsAreTooMany() {
        let lengths = (1...200).map { "\($0)s" }.joined(separator: ", ")
        let error = failure(Self.base + "windows: [\(lengths)]\n")
        #expect(error?.description.contains("windows: expected 1 to 8 window lengths, found 200") == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("bitrate: 5000000", "bitrate: expected a bit rate in bit/s from 1000 to 1000000"),
        ("bitrate: 500000, data_bitrate: 100000000", "data_bitrate: expected a bit rate in bit/s from 1000 to 16000000"),
        ("bitrate: 500000, messages: { M: { cycle: 1ns } }", "messages.M.cycle: expected a duration from 100us to 1h"),
        ("bitrate: 500000, messages: { M: { counter: { signal: C, modulus: 1 } } }", "counter.modulus: expected an integer modulus from 2"),
    ])
    func busValuesHaveRanges(bus: String, expected: String) {
        let yaml = "version: 1\nvehicles:\n  van01:\n    buses:\n      can0: { dbc: van.dbc, \(bus) }\n"
        let error = failure(yaml)
        #expect(error?.description.contains(expected) == true, "\(String(describing: error)) should contain \(expected)")
    }

    @Test func theEdgesOfEveryRangeAreAccepted() throws {
        let yaml = Self.base + """
            windows: [100ms, 24h]
            health: { timeout_factor: 1000, silent_after: 10000, learn_frames: 100000 }
            sinks: { prometheus: { listen: "0.0.0.0:0" } }
            recorder: { directory: /r, queue: 1048576, max_file_bytes: 4096, max_file_age: 168h, retention_bytes: 0 }
            tail: { socket: /run/t.sock, client_buffer: 65536 }
            decoded_log: { directory: /d, queue_bytes: 65536, max_file_age: 1s }
            live: { queue: 64, reorder: 10s }

            """
        let error = failure(yaml)
        #expect(error == nil, "\(String(describing: error))")
    }
}

/// The error decoding `yaml` gives, or nil when it decodes.
func configFailure(_ yaml: String, file: String) -> ConfigError? {
    do {
        _ = try GatewayConfig.decode(yaml: yaml, file: file, environment: [:])
        return nil
    } catch {
        return error
    }
}
