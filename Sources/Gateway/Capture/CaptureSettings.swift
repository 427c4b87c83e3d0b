import Telemetry

/// `uplink.captures:` — raw frames around a condition, uploaded as a gzip'd candump log
/// (README "Captures on a condition"). Times are on the capture clock: the frames' own
/// timestamps (event time in a replay, the kernel's receive time on a live bus).
public struct CaptureSettings: Sendable, Hashable {
    public var triggers: [CaptureTrigger]
    /// Frames from `before` ahead of the trigger to `after` past it go up (nanoseconds).
    public var before: Int64 = 10_000_000_000
    public var after: Int64 = 10_000_000_000
    /// How much later than its start an episode may become known (an episode's record is
    /// emitted when it ends): the ring keeps `before + after + hold` of frames.
    public var hold: Int64 = 30_000_000_000
    /// The bus load, in frames per second of all buses, the ring is sized for.
    public var frameRate = 2000
    /// Captures per vehicle in any hour of the capture clock at most; more are counted, not taken.
    public var maxPerHour = 6
    /// Compressed bytes per chunk message at most (AWS IoT takes 128 KB per message).
    public var chunkBytes = 64 << 10

    static let maxWindow: Int64 = 300_000_000_000
    static let maxRingFrames = 4_000_000

    public init(triggers: [CaptureTrigger]) { self.triggers = triggers }

    /// Frames the ring holds: `(before + after + hold) × frame_rate`.
    public var ringFrames: Int {
        Int((Double(before + after + hold) / 1e9 * Double(frameRate)).rounded(.up))
    }
}

/// One condition that starts a capture. `vehicle` nil: every vehicle.
public struct CaptureTrigger: Sendable, Hashable {
    public enum Condition: Sendable, Hashable {
        /// A fault episode of this kind (nil: any kind except `bus_off`) at `level` or above.
        case fault(kind: String?, level: Int)
        /// A bus-off episode on this interface (nil: any).
        case busOff(bus: String?)
        /// A silent-message episode on this bus and message (nil: any).
        case silent(bus: String?, message: String?)
        /// A signal crossing a threshold: the previous sample on one side, this one past it.
        /// `reference.scale`/`offset` put a role's signal in the role's unit.
        case signal(reference: SignalReference, threshold: Double, above: Bool, name: String)
    }

    public var condition: Condition
    public var vehicle: String?
    /// Where the trigger is in the file, for errors found when the DBCs are read.
    var position: ConfigError

    public var isSignal: Bool { if case .signal = condition { true } else { false } }
}

extension GatewayConfig {
    /// `uplink.captures:`.
    static func decodeCaptures(_ node: ConfigNode, vehicles: [VehicleEntry]) throws(ConfigError) -> CaptureSettings {
        let f = try node.fields(["triggers", "before", "after", "hold", "frame_rate", "max_per_hour", "chunk_bytes"])
        let triggersNode = try f.required("triggers")
        let list = try triggersNode.items()
        guard !list.isEmpty else { throw triggersNode.error("expected at least one trigger") }
        var s = CaptureSettings(triggers: [])
        for item in list { s.triggers.append(try decodeTrigger(item, vehicles: vehicles)) }
        func window(_ key: String) throws(ConfigError) -> Int64? {
            guard let n = f[key] else { return nil }
            let value = try n.duration()
            guard value <= CaptureSettings.maxWindow else { throw n.error("expected at most 300s, found \(try n.text())") }
            return value
        }
        if let v = try window("before") { s.before = v }
        if let v = try window("after") { s.after = v }
        if let v = try window("hold") { s.hold = v }
        if let n = f["frame_rate"] {
            s.frameRate = try n.int("frames per second")
            guard (1...100_000).contains(s.frameRate) else { throw n.error("expected 1 to 100000 frames per second, found \(s.frameRate)") }
        }
        if let n = f["max_per_hour"] {
            s.maxPerHour = try n.int("a capture count")
            guard (1...3600).contains(s.maxPerHour) else { throw n.error("expected 1 to 3600 captures per hour, found \(s.maxPerHour)") }
        }
        if let n = f["chunk_bytes"] {
            s.chunkBytes = try n.int("a byte count")
            guard (1024...(1 << 20)).contains(s.chunkBytes) else { throw n.error("expected 1024 to 1048576 bytes, found \(s.chunkBytes)") }
        }
        if s.ringFrames > CaptureSettings.maxRingFrames {
            throw node.error("(before + after + hold) × frame_rate is \(s.ringFrames) frames; at most \(CaptureSettings.maxRingFrames) (about 0.5 GB)")
        }
        return s
    }

    private static func decodeTrigger(_ node: ConfigNode, vehicles: [VehicleEntry]) throws(ConfigError) -> CaptureTrigger {
        let position = node.error("")
        let kindNode = try node.fields(["kind", "vehicle", "fault", "level", "bus", "message", "signal", "role", "above", "below"]).required("kind")
        let kind = try kindNode.oneOf(["fault", "bus_off", "silent", "signal"])
        let allowed: [String] = switch kind {
        case "fault": ["kind", "vehicle", "fault", "level"]
        case "bus_off": ["kind", "vehicle", "bus"]
        case "silent": ["kind", "vehicle", "bus", "message"]
        default: ["kind", "vehicle", "role", "bus", "message", "signal", "above", "below"]
        }
        let f = try node.fields(allowed)
        var vehicle: String?
        if let n = f["vehicle"] {
            let name = try n.string()
            guard vehicles.contains(where: { $0.name == name }) else {
                throw n.error("expected a configured vehicle (\(vehicles.map(\.name).joined(separator: ", "))), found \"\(name)\"")
            }
            vehicle = name
        }
        let condition: CaptureTrigger.Condition
        switch kind {
        case "fault":
            var level = 1
            if let n = f["level"] {
                level = try n.int("a fault level")
                guard (1...3).contains(level) else { throw n.error("expected a fault level 1 to 3, found \(level)") }
            }
            let name = try f["fault"]?.string()
            condition = .fault(kind: name == "any" ? nil : name, level: level)
        case "bus_off":
            condition = .busOff(bus: try f["bus"]?.string())
        case "silent":
            condition = .silent(bus: try f["bus"]?.string(), message: try f["message"]?.string())
        default:
            guard (f["above"] == nil) != (f["below"] == nil) else { throw node.error("a signal trigger takes one of `above` and `below`") }
            let threshold = try (f["above"] ?? f["below"])!.double("a threshold")
            let owner: VehicleEntry
            if let vehicle {
                owner = vehicles.first { $0.name == vehicle }!
            } else {
                guard vehicles.count == 1 else { throw node.error("a signal trigger needs `vehicle` when the file has several vehicles") }
                owner = vehicles[0]
                vehicle = owner.name
            }
            let reference: SignalReference
            let name: String
            if let roleNode = f["role"] {
                guard f["bus"] == nil && f["message"] == nil && f["signal"] == nil else {
                    throw roleNode.error("a signal trigger takes `role` or `bus`, `message` and `signal`, not both")
                }
                let role = try roleNode.string()
                guard let found = owner.rules.signals.keyedReferences.first(where: { $0.key == role }) else {
                    throw roleNode.error("expected a role mapped under vehicles.\(owner.name).signals, found \"\(role)\"")
                }
                reference = found.reference
                name = role
            } else {
                reference = SignalReference(bus: try f.required("bus").string(), message: try f.required("message").string(),
                                            signal: try f.required("signal").string())
                name = reference.signal
            }
            condition = .signal(reference: reference, threshold: threshold, above: f["above"] != nil, name: name)
        }
        return CaptureTrigger(condition: condition, vehicle: vehicle, position: position)
    }
}
