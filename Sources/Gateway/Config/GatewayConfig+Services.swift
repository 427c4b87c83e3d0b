extension GatewayConfig {
    /// `recorder:` — raw frames to rotating candump files (`candor run` only).
    static func decodeRecorder(_ node: ConfigNode) throws(ConfigError) -> RecorderOptions {
        let f = try node.fields(["directory", "prefix", "max_file_bytes", "max_file_age", "retention_bytes", "gzip", "queue"])
        var options = RecorderOptions(directory: try f.required("directory").path())
        if let n = f["prefix"] { options.prefix = try n.fileNamePrefix() }
        if let n = f["max_file_bytes"] { options.maxFileBytes = try n.positiveInt("a positive byte count") }
        if let n = f["max_file_age"] { options.maxFileAge = .nanoseconds(try n.duration()) }
        if let n = f["retention_bytes"] {
            let bytes = try n.int("a byte count")
            if bytes < 0 { throw n.error("expected a byte count ≥ 0, found \(bytes)") }
            options.retentionBytes = bytes
        }
        if let n = f["gzip"] { options.gzip = try n.bool() }
        if let n = f["queue"] { options.queueCapacity = try n.positiveInt("a positive frame count") }
        return options
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
        if let n = f["client_buffer"] { options.clientCapacity = try n.positiveInt("a positive line count") }
        if let n = f["max_clients"] {
            let range = TailHubOptions.maxClientsRange
            let count = try n.int("a client count")
            guard range.contains(count) else { throw n.error("expected a client count in \(range.lowerBound)…\(range.upperBound), found \(count)") }
            options.maxClients = count
        }
        return options
    }
}
