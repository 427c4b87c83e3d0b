/// The `candor.yaml` of a simulated bundle (schema version 1, /work/notes/config-schema.md):
/// the vehicle's buses and DBCs, counter/checksum rules, the semantic map, temperatures,
/// alarm flags, trip and brake rules. Paths are relative to the bundle directory.
public enum BundleConfig {
    public static func yaml(for definition: VehicleDefinition, vehicleID: String? = nil) -> String {
        let id = vehicleID ?? "\(definition.name)01"
        var out = ""
        func line(_ indent: Int, _ text: String) { out += String(repeating: "  ", count: indent) + text + "\n" }
        func ref(_ r: SignalReference) -> String { "{ bus: \(r.bus), message: \(r.message), signal: \(r.signal) }" }
        line(0, "# Written by `candor simulate`; see truth.json for the figures this capture must give.")
        line(0, "version: 1")
        line(0, "")
        line(0, "vehicles:")
        line(1, "\(id):")
        line(2, "description: \(quoted(definition.description))")
        line(2, "buses:")
        for bus in definition.buses {
            line(3, "\(bus.interface):")
            line(4, "dbc: \(bus.dbcFile)")
            line(4, "bitrate: \(bus.bitrate)")
            if let data = bus.dataBitrate { line(4, "data_bitrate: \(data)") }
            if bus.j1939 { line(4, "j1939: true") }
            let protected = definition.protection.filter { name, _ in Self.bus(of: name, in: definition) == bus.interface }
            if !protected.isEmpty {
                line(4, "messages:")
                for (name, p) in protected.sorted(by: { $0.key < $1.key }) {
                    line(5, "\(name):")
                    line(6, "counter: { signal: \(p.counterSignal) }")
                    line(6, "checksum: { signal: \(p.checksumSignal), algorithm: \(p.algorithm.rawValue) }")
                }
            }
        }
        line(2, "signals:")
        for role in SignalRole.allCases {
            if role == .runningMode, definition.roles[role] == nil, let mode = definition.fixedRunningMode {
                line(3, "running_mode: \(mode)")
                continue
            }
            guard let r = definition.roles[role] else { continue }
            switch role {
            case .packCurrent:
                line(3, "pack_current: { bus: \(r.bus), message: \(r.message), signal: \(r.signal), positive: discharge }")
            case .ready:
                line(3, "ready: { bus: \(r.bus), message: \(r.message), signal: \(r.signal), on_values: \(list(definition.readyOnValues)) }")
            case .charging:
                line(3, "charging: { bus: \(r.bus), message: \(r.message), signal: \(r.signal), on_values: \(list(definition.chargingOnValues)) }")
            case .fuelCellCurrent:
                // The stack's cells: the hydrogen the stack consumes, from its current.
                let cells = definition.parameters.fuelCell.map { ", cells: \($0.stackCells)" } ?? ""
                line(3, "fuel_cell_current: { bus: \(r.bus), message: \(r.message), signal: \(r.signal)\(cells) }")
            case .gear, .motorState, .dcdcState, .hvDCDCState, .runningMode, .accState, .accCause, .aebState:
                // A name with several values (`working: [1, 2]`) once, with the list.
                var order: [String] = [], values: [String: [Int]] = [:]
                for code in definition.roleCodes[role] ?? [] {
                    if values[code.name] == nil { order.append(code.name) }
                    values[code.name, default: []].append(code.value)
                }
                let codes = order.map { name in
                    let v = values[name]!
                    return "\(name): " + (v.count == 1 ? "\(v[0])" : list(v))
                }.joined(separator: ", ")
                line(3, "\(role.rawValue): { bus: \(r.bus), message: \(r.message), signal: \(r.signal), codes: { \(codes) } }")
            default:
                line(3, "\(role.rawValue): \(ref(r))")
            }
        }
        for case let (series?, role) in [(definition.cellVoltages, "cell_voltages"), (definition.probeTemperatures, "probe_temperatures")] {
            line(3, "\(role): { bus: \(series.bus), message: \(series.message), signal: \(quoted(series.pattern)), count: \(series.count) }")
        }
        if !definition.storageSubsystems.isEmpty {
            line(3, "storage_subsystems:")
            for s in definition.storageSubsystems {
                line(4, "- voltage: \(ref(s.voltage))")
                line(5, "current: { bus: \(s.current.bus), message: \(s.current.message), signal: \(s.current.signal), positive: discharge }")
                line(5, "cells: { first: \(s.cells.lowerBound), last: \(s.cells.upperBound) }")
                line(5, "probes: { first: \(s.probes.lowerBound), last: \(s.probes.upperBound) }")
            }
        }
        if !definition.temperatures.isEmpty {
            line(2, "temperatures:")
            for t in definition.temperatures { line(3, "\(t.name): \(ref(t.ref))") }
        }
        line(2, "faults:")
        for f in definition.faultFlags {
            line(3, "\(f.kind): { bus: \(f.ref.bus), message: \(f.ref.message), signal: \(f.ref.signal), level: value }")
        }
        line(2, "trips:")
        line(3, "rule: ready")
        line(2, "brake:")
        line(3, "on_above: \(number(definition.brakeHysteresis.onAbove))")
        line(3, "off_below: \(number(definition.brakeHysteresis.offBelow))")
        line(0, "")
        line(0, "windows: [1s, 60s]")
        return out
    }

    /// The interface a protected message is on (by where its sources are declared).
    static func bus(of message: String, in definition: VehicleDefinition) -> String? {
        for bus in definition.buses where bus.dbcText.contains(" \(message): ") { return bus.interface }
        return nil
    }

    static func list(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }

    static func number(_ x: Double) -> String {
        x == x.rounded() ? "\(Int(x)).0" : "\(x)"
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.map { $0 == "\"" ? "\\\"" : String($0) }.joined() + "\""
    }
}
