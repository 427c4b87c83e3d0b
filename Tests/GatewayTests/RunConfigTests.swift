import Gateway
import Testing

/// The live gateway's `recorder:` and `tail:` sections of candor.yaml.
@Suite struct RunConfigTests {
    static let base = ConfigTests.minimal + "\n"

    func decode(_ yaml: String) throws(ConfigError) -> GatewayConfig {
        try GatewayConfig.decode(yaml: yaml, file: "/etc/candor/candor.yaml", environment: ["STATE": "/var/lib/candor"])
    }

    @Test func absentSectionsMeanNoRecorderAndNoTail() throws {
        let config = try decode(Self.base)
        #expect(config.recorder == nil && config.tail == nil)
    }

    @Test func everyKeyIsRead() throws {
        let config = try decode(Self.base + """
            recorder:
              directory: ${STATE}/recordings
              prefix: van
              max_file_bytes: 1048576
              max_file_age: 5m
              retention_bytes: 0
              gzip: true
              queue: 1024
            tail:
              socket: tail.sock
              mode: "0640"
              group: candor
              client_buffer: 100
            """)
        #expect(config.recorder == RecorderOptions(
            directory: "/var/lib/candor/recordings", prefix: "van", maxFileBytes: 1 << 20, maxFileAge: .seconds(300),
            retentionBytes: 0, gzip: true, queueCapacity: 1024))
        #expect(config.tail == TailHubOptions(path: "/etc/candor/tail.sock", mode: 0o640, group: "candor", clientCapacity: 100))
    }

    @Test func defaultsNeedOnlyTheDirectoryAndTheSocket() throws {
        let config = try decode(Self.base + "recorder: { directory: /rec }\ntail: { socket: /run/candor/tail.sock }\n")
        #expect(config.recorder == RecorderOptions(directory: "/rec"))
        #expect(config.tail == TailHubOptions(path: "/run/candor/tail.sock"))
    }

    @Test func badValuesAreErrorsAtTheirKey() {
        #expect(throws: ConfigError.self) { try decode(Self.base + "tail: { socket: /t, mode: \"0999\" }\n") }
        #expect(throws: ConfigError.self) { try decode(Self.base + "recorder: { directory: /r, colour: red }\n") }
        #expect(throws: ConfigError.self) { try decode(Self.base + "recorder: { prefix: x }\n") }
        do {
            _ = try decode(Self.base + "recorder: { directory: /r, max_file_bytes: 0 }\n")
            Issue.record("accepted max_file_bytes: 0")
        } catch {
            #expect(error.keyPath == "recorder.max_file_bytes")
            print("rejected as expected: \(error)")
        }
    }
}
