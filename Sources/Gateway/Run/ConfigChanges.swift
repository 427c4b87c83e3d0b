/// What a reload changes between two configs, for the `reloaded` log line and for the
/// warnings about settings that only a restart applies.
struct ConfigChanges: CustomStringConvertible {
    var busesAdded: [String] = []
    var busesRemoved: [String] = []
    var dbcFilesAdded: [String] = []
    var dbcFilesRemoved: [String] = []
    var vehiclesAdded: [String] = []
    var vehiclesRemoved: [String] = []
    /// What a reload does not apply: the top-level `sinks`, `recorder`, `tail`, `decoded_log`, `live`,
    /// and the controller poller's bus list and `controller:` settings.
    var restartOnly: [String] = []

    init(from old: GatewayConfig, to new: GatewayConfig) {
        let oldBuses = old.vehicles.flatMap(\.buses), newBuses = new.vehicles.flatMap(\.buses)
        (busesAdded, busesRemoved) = Self.difference(oldBuses.map(\.interface), newBuses.map(\.interface))
        (dbcFilesAdded, dbcFilesRemoved) = Self.difference(oldBuses.map(\.dbcPath), newBuses.map(\.dbcPath))
        (vehiclesAdded, vehiclesRemoved) = Self.difference(old.vehicles.map(\.name), new.vehicles.map(\.name))
        if old.sinks != new.sinks { restartOnly.append("sinks") }
        if old.recorder != new.recorder { restartOnly.append("recorder") }
        if old.tail != new.tail { restartOnly.append("tail") }
        if old.decodedLog != new.decodedLog { restartOnly.append("decoded_log") }
        if old.live != new.live { restartOnly.append("live") }
        // The controller poller and `controller: { configure: true }` act on the buses of the start.
        if !busesAdded.isEmpty || !busesRemoved.isEmpty || oldBuses.map(\.controller) != newBuses.map(\.controller) {
            restartOnly.append("controller (state polling of added or removed buses, controller settings)")
        }
    }

    /// `buses +can1 -can2, dbc files +b.dbc, vehicles -van02`, or `no bus, DBC file or vehicle
    /// added or removed` (the DBCs are read again all the same).
    var description: String {
        var parts: [String] = []
        func part(_ name: String, _ added: [String], _ removed: [String]) {
            guard !added.isEmpty || !removed.isEmpty else { return }
            parts.append(name + " " + (added.map { "+" + $0 } + removed.map { "-" + $0 }).joined(separator: " "))
        }
        part("buses", busesAdded, busesRemoved)
        part("dbc files", dbcFilesAdded, dbcFilesRemoved)
        part("vehicles", vehiclesAdded, vehiclesRemoved)
        return parts.isEmpty ? "no bus, DBC file or vehicle added or removed" : parts.joined(separator: ", ")
    }

    /// (in `new` but not `old`, in `old` but not `new`), each in order, without repeats.
    private static func difference(_ old: [String], _ new: [String]) -> (added: [String], removed: [String]) {
        let oldSet = Set(old), newSet = Set(new)
        var added: [String] = [], removed: [String] = []
        for name in new where !oldSet.contains(name) && !added.contains(name) { added.append(name) }
        for name in old where !newSet.contains(name) && !removed.contains(name) { removed.append(name) }
        return (added, removed)
    }
}
