extension GatewayConfig {
    /// `decoded_log:` — the canonical decoded-frame lines to rotating files (`candor run` only).
    /// `interfaces` are the configured buses, which `buses:` must name.
    static func decodeDecodedLog(_ node: ConfigNode, interfaces: Set<String>) throws(ConfigError) -> DecodedLogOptions {
        let f = try node.fields(rotationKeys + ["buses", "messages", "queue_bytes"])
        var options = DecodedLogOptions(directory: try f.required("directory").path())
        try decodeRotation(f, into: &options.rotation)
        if let n = f["buses"] {
            var buses: [String] = []
            for item in try n.items() {
                let bus = try item.string()
                guard interfaces.contains(bus) else {
                    throw item.error("expected a configured bus (\(interfaces.sorted().joined(separator: ", "))), found \(bus)")
                }
                buses.append(bus)
            }
            options.buses = buses
        }
        if let n = f["messages"] {
            var globs: [String] = []
            for item in try n.items() { globs.append(try item.string()) }
            options.messages = globs
        }
        if let n = f["queue_bytes"] { options.queueBytes = try n.int(in: ConfigRanges.decodedLogQueueBytes, "a byte count") }
        return options
    }
}
