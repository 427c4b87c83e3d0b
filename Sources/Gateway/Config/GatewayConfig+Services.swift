extension GatewayConfig {
    /// `recorder:` — raw frames to rotating candump files (`candor run` only).
    static func decodeRecorder(_ node: ConfigNode) throws(ConfigError) -> RecorderOptions {
        let f = try node.fields(rotationKeys + ["queue"])
        var options = RecorderOptions(directory: try f.required("directory").path())
        try decodeRotation(f, into: &options.rotation)
        if let n = f["queue"] { options.queueCapacity = try n.int(in: ConfigRanges.recorderQueue, "a frame count") }
        return options
    }

    /// The keys of a rotating set of files, in `recorder:` and `decoded_log:`.
    static let rotationKeys = ["directory", "prefix", "max_file_bytes", "max_file_age", "retention_bytes", "gzip"]

    /// `prefix`, `max_file_bytes`, `max_file_age`, `retention_bytes` and `gzip` of `f` over
    /// the section's defaults in `rotation` (`directory`, required, was read with them).
    static func decodeRotation(_ f: ConfigFields, into rotation: inout RotationPolicy) throws(ConfigError) {
        if let n = f["prefix"] { rotation.prefix = try n.fileNamePrefix() }
        if let n = f["max_file_bytes"] { rotation.maxFileBytes = try n.int(in: ConfigRanges.fileBytes, "a byte count") }
        if let n = f["max_file_age"] { rotation.maxFileAge = .nanoseconds(try n.duration(in: ConfigRanges.fileAge)) }
        if let n = f["retention_bytes"] { rotation.retentionBytes = try n.int(in: ConfigRanges.retentionBytes, "a byte count") }
        if let n = f["gzip"] { rotation.gzip = try n.bool() }
    }

    /// `tail:` — the Unix socket `candor tail` reads decoded lines from (`candor run` only).
    static func decodeTail(_ node: ConfigNode) throws(ConfigError) -> TailHubOptions {
        let f = try node.fields(["socket", "mode", "group", "client_buffer", "max_clients"])
        var options = TailHubOptions(path: try f.required("socket").path())
        if let n = f["mode"] {
            let text = try n.text()
            guard let mode = UInt32(text, radix: 8), mode <= 0o777 else { throw n.error("expected an octal mode like \"0660\", found \(text)") }
            options.mode = mode
        }
        if let n = f["group"] { options.group = try n.text() }
        if let n = f["client_buffer"] { options.clientCapacity = try n.int(in: ConfigRanges.tailClientBuffer, "a line count") }
        if let n = f["max_clients"] {
            let range = TailHubOptions.maxClientsRange
            let count = try n.int("a client count")
            guard range.contains(count) else { throw n.error("expected a client count in \(range.lowerBound)…\(range.upperBound), found \(count)") }
            options.maxClients = count
        }
        return options
    }

    /// `sinks.prometheus.listen`: `host:port` with a dotted IPv4 host, as the metrics endpoint
    /// binds it (no host names: `localhost:9464` would pass here and fail at `candor run`).
    static func listenAddress(_ node: ConfigNode) throws(ConfigError) -> String {
        let text = try node.string()
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        func decimal(_ part: Substring, atMost limit: Int) -> Bool {
            (1...5).contains(part.count) && part.allSatisfy { $0.isASCII && $0.isNumber } && Int(part)! <= limit
        }
        guard parts.count == 2, octets.count == 4, octets.allSatisfy({ decimal($0, atMost: 255) }),
            decimal(parts[1], atMost: 65_535)
        else {
            throw node.error("expected an IPv4 address and a port like 127.0.0.1:9464 (no host names), found \"\(text)\"")
        }
        return text
    }
}
