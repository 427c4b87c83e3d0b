import Gateway
import Testing

/// The `decoded_log:` section of candor.yaml.
@Suite struct DecodedLogConfigTests {
    static let base = ConfigTests.minimal + "\n"

    func decode(_ yaml: String) throws(ConfigError) -> GatewayConfig {
        try GatewayConfig.decode(yaml: yaml, file: "/etc/candor/candor.yaml", environment: ["STATE": "/var/lib/candor"])
    }

    @Test func absentMeansNoLog() throws {
        #expect(try decode(Self.base).decodedLog == nil)
    }

    @Test func everyKeyIsRead() throws {
        let config = try decode(Self.base + """
            decoded_log:
              directory: ${STATE}/decoded
              prefix: van
              max_file_bytes: 1048576
              max_file_age: 5m
              retention_bytes: 0
              gzip: true
              buses: [can0]
              messages: ["BMS_*", VCU_Status]
              queue_bytes: 65536
            """)
        #expect(config.decodedLog == DecodedLogOptions(
            directory: "/var/lib/candor/decoded", prefix: "van", maxFileBytes: 1 << 20, maxFileAge: .seconds(300),
            retentionBytes: 0, gzip: true, buses: ["can0"], messages: ["BMS_*", "VCU_Status"], queueBytes: 65536))
        #expect(config.decodedLog?.currentPath == "/var/lib/candor/decoded/van.jsonl")
    }

    @Test func defaultsNeedOnlyTheDirectory() throws {
        let config = try decode(Self.base + "decoded_log: { directory: decoded }\n")
        #expect(config.decodedLog == DecodedLogOptions(directory: "/etc/candor/decoded"))
        #expect(config.decodedLog?.currentPath == "/etc/candor/decoded/decoded.jsonl")
    }

    @Test func badValuesAreErrorsAtTheirKey() {
        let cases = [
            ("decoded_log: { directory: /d, buses: [can9] }\n", "decoded_log.buses.0"),
            ("decoded_log: { directory: /d, max_file_bytes: 0 }\n", "decoded_log.max_file_bytes"),
            ("decoded_log: { directory: /d, queue: 10 }\n", "decoded_log.queue"),
            ("decoded_log: { directory: /d, prefix: a/b }\n", "decoded_log.prefix"),
            ("decoded_log: { prefix: x }\n", "decoded_log"),
        ]
        for (yaml, keyPath) in cases {
            do {
                _ = try decode(Self.base + yaml)
                Issue.record("accepted \(yaml)")
            } catch {
                #expect(error.keyPath == keyPath, "\(yaml)")
                print("rejected as expected: \(error)")
            }
        }
    }
}
