import CANCore
import CANDatabase
import Telemetry

/// `uplink.captures:` resolved against the layout and the DBCs: each signal trigger as a
/// (bus, message, signal) of the decode plans, each bus's vehicle. Built by `GatewaySetup`,
/// so a trigger naming a signal that is not in its DBC stops the config load.
public struct CapturePlan: Sendable {
    public let settings: CaptureSettings
    /// Vehicle names in config order; `busVehicle[b]` is layout bus `b`'s vehicle.
    let vehicles: [String]
    let busVehicle: [Int]
    /// Interface names of each vehicle's buses (which frames a vehicle's capture holds).
    let vehicleBuses: [Set<String>]
    /// The signal triggers, ordered by (bus, message).
    let signals: [SignalWatch]
    /// `messageWatches[b][m]`: the indices into `signals` of the triggers on message `m` of
    /// layout bus `b` (empty for a bus without any), so a frame finds its watches in one lookup.
    let messageWatches: [[Range<Int>]]

    /// One signal trigger, located.
    struct SignalWatch: Sendable {
        var trigger: Int
        var vehicle: Int
        var bus: Int
        var message: Int
        var signal: Int
        var scale: Double
        var offset: Double
        var threshold: Double
        var above: Bool
        var reference: SignalReference
        var name: String
    }

    init(_ settings: CaptureSettings, layout: TelemetryLayout) throws(ConfigError) {
        self.settings = settings
        let vehicleConfigs = layout.configuration.vehicles
        vehicles = vehicleConfigs.map(\.name)
        var busVehicle = [Int](repeating: 0, count: layout.busCount)
        for (v, vehicle) in vehicleConfigs.enumerated() {
            for bus in vehicle.buses { if let b = layout.busIndex(interface: bus.interface) { busVehicle[b] = v } }
        }
        self.busVehicle = busVehicle
        vehicleBuses = vehicleConfigs.map { Set($0.buses.map(\.interface)) }
        var signals: [SignalWatch] = []
        for (t, trigger) in settings.triggers.enumerated() {
            guard case .signal(let reference, let threshold, let above, let name) = trigger.condition else { continue }
            let v = vehicleConfigs.firstIndex { $0.name == trigger.vehicle }!
            func fail(_ message: String) -> ConfigError {
                var e = trigger.position
                e.message = message
                return e
            }
            guard let busConfig = vehicleConfigs[v].buses.first(where: { $0.interface == reference.bus }),
                  let b = layout.busIndex(interface: reference.bus) else {
                throw fail("expected a bus of vehicle \(vehicles[v]), found \"\(reference.bus)\"")
            }
            guard let m = busConfig.messages.firstIndex(where: { $0.name == reference.message }) else {
                throw fail("expected a message of the DBC on \(reference.bus), found \"\(reference.message)\"")
            }
            guard let s = busConfig.messages[m].signals.firstIndex(where: { $0.name == reference.signal }) else {
                throw fail("expected a signal of \(reference.message) on \(reference.bus), found \"\(reference.signal)\"")
            }
            signals.append(SignalWatch(trigger: t, vehicle: v, bus: b, message: m, signal: s, scale: reference.scale, offset: reference.offset,
                                       threshold: threshold, above: above, reference: reference, name: name))
        }
        signals.sort { ($0.bus, $0.message, $0.trigger) < ($1.bus, $1.message, $1.trigger) }
        var table = [[Range<Int>]](repeating: [], count: layout.busCount)
        var start = 0
        while start < signals.count {
            let (b, m) = (signals[start].bus, signals[start].message)
            var end = start + 1
            while end < signals.count && signals[end].bus == b && signals[end].message == m { end += 1 }
            if table[b].count <= m { table[b] += Array(repeating: 0..<0, count: m + 1 - table[b].count) }
            table[b][m] = start..<end
            start = end
        }
        self.signals = signals
        messageWatches = table
    }

    /// Bytes the ring takes: one `CANFrame` slot per frame (the bus name inline, no heap).
    public var ringBytes: Int { settings.ringFrames * MemoryLayout<CANFrame>.stride }
}
