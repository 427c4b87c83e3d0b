import Telemetry
import Yams

extension GatewayConfig {
    /// Reads `candor.yaml` text. `file` names it in errors and anchors relative paths;
    /// `environment` answers `${NAME}` references.
    public static func decode(yaml: String, file: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        let document = try ConfigNode.document(yaml: yaml, file: file, environment: environment, expecting: "a map with `version` and `vehicles`")
        let root = document.node
        let top = try document.fields(["version", "vehicles", "windows", "health", "day", "sinks", "recorder", "tail", "decoded_log", "live", "uplink"])
        let version = try top.required("version")
        guard try version.int("the schema version") == 1 else { throw version.error("expected 1 (the only schema version), found \(try version.text())") }

        var config = GatewayConfig(file: file, vehicles: [])
        config.positions = ConfigPositions(root)
        let vehicles = try top.required("vehicles")
        let vehicleEntries = try vehicles.entries()
        guard !vehicleEntries.isEmpty else { throw vehicles.error("expected at least one vehicle") }
        var interfaces: [String: String] = [:]
        for (name, node) in vehicleEntries {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ isIdentifierScalar($0) }) else {
                throw node.error("vehicle id must be letters, digits, `_`, `.` or `-`")
            }
            let vehicle = try decodeVehicle(name: name, node)
            for bus in vehicle.buses {
                if let owner = interfaces[bus.interface] {
                    throw node.child("buses", node.node).child(bus.interface, node.node)
                        .error("interface \(bus.interface) is already a bus of vehicle \(owner); an interface belongs to one vehicle")
                }
                interfaces[bus.interface] = name
            }
            config.vehicles.append(vehicle)
        }
        if let windows = top["windows"] {
            let items = try windows.items()
            let count = ConfigRanges.windowCount
            guard count.contains(items.count) else {
                throw windows.error("expected \(count.lowerBound) to \(count.upperBound) window lengths, found \(items.count)")
            }
            var lengths: [Int64] = []
            for item in items {
                let length = try item.duration(in: ConfigRanges.window)
                guard !lengths.contains(length) else { throw item.error("the same window length twice") }
                lengths.append(length)
            }
            config.rules.windowLengths = lengths
        }
        if let health = top["health"] {
            let f = try health.fields(["timeout_factor", "silent_after", "learn_frames"])
            let timeout = try f["timeout_factor"]?.double() ?? 2.0
            let silent = try f["silent_after"]?.double(in: ConfigRanges.silentAfter, "a number of cycles") ?? 5
            let learn = try f["learn_frames"]?.int(in: ConfigRanges.learnFrames, "a frame count") ?? 20
            if let n = f["timeout_factor"], timeout > ConfigRanges.timeoutFactor.upperBound {
                throw n.error("expected a factor > 1 and at most \(ConfigRanges.timeoutFactor.upperBound), found \(timeout)")
            }
            if timeout <= 1 { throw f["timeout_factor"]!.error("expected a factor > 1, found \(timeout)") }
            if silent < timeout { throw (f["silent_after"] ?? health).error("expected silent_after ≥ timeout_factor (\(timeout)), found \(silent)") }
            if learn < 2 { throw f["learn_frames"]!.error("expected at least 2 frames, found \(learn)") }
            config.rules.health = HealthRules(timeoutFactor: timeout, silentAfter: silent, learnFrames: learn)
        }
        if let day = top["day"] {
            let f = try day.fields(["utc_offset"])
            if let offset = f["utc_offset"] {
                let text = try offset.text()
                guard let seconds = utcOffsetSeconds(text) else { throw offset.error("expected ±HH:MM, found \"\(text)\"") }
                config.rules.dayUTCOffsetSeconds = seconds
            }
        }
        if let sinks = top["sinks"] {
            let f = try sinks.fields(["sqlite", "jsonl", "line_protocol", "prometheus"])
            if let n = f["sqlite"] {
                let sqlite = try n.fields(["path", "synchronous"])
                config.sinks.sqlitePath = try sqlite.required("path").path()
                if let mode = sqlite["synchronous"] {
                    config.sinks.sqliteDurability = try mode.oneOf(["normal", "full"]) == "full" ? .full : .normal
                }
            }
            if let n = f["jsonl"] { config.sinks.jsonlPath = try n.fields(["path"]).required("path").path() }
            if let n = f["line_protocol"] { config.sinks.lineProtocolPath = try n.fields(["path"]).required("path").path() }
            if let n = f["prometheus"] { config.sinks.prometheusListen = try listenAddress(n.fields(["listen"]).required("listen")) }
        }
        if let n = top["recorder"] { config.recorder = try decodeRecorder(n) }
        if let n = top["tail"] { config.tail = try decodeTail(n) }
        if let n = top["uplink"], let g = try n.entries().first(where: { $0.key == "gbt32960" }) { config.sinks.gbt32960 = try decodeGBT32960(g.value, vehicles: config.vehicles) }
        if let n = top["decoded_log"] { config.decodedLog = try decodeDecodedLog(n, interfaces: Set(interfaces.keys)) }
        if let n = top["live"] { config.live = try decodeLive(n) }
        if let n = top["uplink"], try n.entries().contains(where: { $0.key != "gbt32960" }) {
            config.sinks.uplink = try decodeUplink(n, vehicles: config.vehicles, text: yaml)
        }
        return config
    }

    static func decodeVehicle(name: String, _ node: ConfigNode) throws(ConfigError) -> VehicleEntry {
        let f = try node.fields(["description", "buses", "signals", "temperatures", "faults", "trips", "brake"])
        var vehicle = VehicleEntry(name: name, description: try f["description"]?.text(), buses: [])
        let buses = try f.required("buses")
        let busEntries = try buses.entries()
        guard !busEntries.isEmpty else { throw buses.error("expected at least one bus") }
        for (interface, bus) in busEntries { vehicle.buses.append(try decodeBus(interface: interface, bus)) }

        if let signals = f["signals"] {
            let roles = ["vehicle_speed", "pack_voltage", "pack_current", "soc", "min_cell_voltage", "max_cell_voltage",
                         "max_cell_temperature", "min_cell_temperature", "max_cell_voltage_number", "min_cell_voltage_number",
                         "max_cell_temperature_number", "min_cell_temperature_number", "brake_pressure", "steering_angle", "ready", "charging",
                         "odometer", "gear", "motor_state", "motor_speed", "motor_torque", "motor_dc_voltage", "motor_dc_current", "fuel_cell_voltage",
                         "fuel_cell_current", "hydrogen_pressure", "hydrogen_temperature",
                         "hydrogen_consumption", "hydrogen_concentration", "hydrogen_remaining", "hv_dcdc_temperature",
                         "fuel_cell_hydrogen_inlet_pressure", "fuel_cell_air_inlet_pressure", "fuel_cell_air_inlet_temperature",
                         "hv_dcdc_state", "hydrogen_max_temperature_probe", "hydrogen_max_concentration_sensor",
                         "hydrogen_max_pressure_sensor", "cell_voltages", "probe_temperatures", "storage_subsystems",
                         "dcdc_state", "insulation_resistance", "accelerator_pedal", "brake_pedal", "running_mode",
                         "ambient_temperature", "acc_state", "acc_cause", "aeb_state"]
            var map = SemanticMap()
            var subsystems: ConfigNode?
            for (role, value) in try signals.entries() {
                guard roles.contains(role) else { throw value.error("unknown role; expected one of \(roles.joined(separator: ", "))") }
                switch role {
                case "pack_current":
                    let (reference, r) = try signalReference(value, extra: ["positive"])
                    map.packCurrent = reference
                    let positive = try r.required("positive").oneOf(["discharge", "charge"])
                    map.packCurrentPositive = CurrentDirection(rawValue: positive)!
                case "gear", "motor_state", "dcdc_state", "hv_dcdc_state", "acc_state", "acc_cause", "aeb_state":
                    let (reference, r) = try signalReference(value, extra: ["codes"])
                    let names: [String: [String]] = [
                        "gear": GBT32960UplinkOptions.gearCodeNames, "motor_state": GBT32960UplinkOptions.motorStateCodeNames,
                        "dcdc_state": GBT32960UplinkOptions.dcdcStateCodeNames,
                        "hv_dcdc_state": GBT32960UplinkOptions.dcdcStateCodeNames, "acc_state": AssistanceCodes.accStateNames,
                        "acc_cause": AssistanceCodes.accCauseNames, "aeb_state": AssistanceCodes.aebStateNames,
                    ]
                    let coded = CodedReference(reference, codes: try codes(r.required("codes"), names: names[role]!))
                    switch role {
                    case "gear": map.gear = coded
                    case "motor_state": map.motorState = coded
                    case "dcdc_state": map.dcdcState = coded
                    case "hv_dcdc_state": map.hvDCDCState = coded
                    case "acc_state": map.accState = coded
                    case "acc_cause": map.accCause = coded
                    default: map.aebState = coded
                    }
                case "fuel_cell_current":
                    let (reference, r) = try signalReference(value, extra: ["cells"])
                    map.fuelCellCurrent = reference
                    map.fuelCellCells = try r["cells"]?.int(in: ConfigRanges.stackCells, "a cell count")
                case "running_mode" where value.node.scalar != nil:
                    map.runningMode = .fixed(try value.oneOf(Array(GBT32960UplinkOptions.runningModeCodeNames.dropLast())))
                case "running_mode":
                    let (reference, r) = try signalReference(value, extra: ["codes"])
                    map.runningMode = .signal(CodedReference(reference, codes: try codes(r.required("codes"), names: GBT32960UplinkOptions.runningModeCodeNames)))
                case "cell_voltages":
                    map.cellVoltages = try numberedSignals(value, counts: ConfigRanges.cells, what: "a cell count")
                case "probe_temperatures":
                    map.probeTemperatures = try numberedSignals(value, counts: ConfigRanges.probes, what: "a probe count")
                case "storage_subsystems":
                    subsystems = value
                case "ready", "charging":
                    let (reference, r) = try signalReference(value, extra: ["on_values"])
                    var on: [Double] = []
                    if let list = r["on_values"] { for item in try list.items() { on.append(try item.double()) } }
                    let state = StateReference(reference, onValues: on)
                    if role == "ready" { map.ready = state } else { map.charging = state }
                default:
                    let reference = try signalReference(value, extra: []).0
                    switch role {
                    case "vehicle_speed": map.vehicleSpeed = reference
                    case "pack_voltage": map.packVoltage = reference
                    case "soc": map.soc = reference
                    case "min_cell_voltage": map.minCellVoltage = reference
                    case "max_cell_voltage": map.maxCellVoltage = reference
                    case "max_cell_temperature": map.maxCellTemperature = reference
                    case "min_cell_temperature": map.minCellTemperature = reference
                    case "max_cell_voltage_number": map.maxCellVoltageNumber = reference
                    case "min_cell_voltage_number": map.minCellVoltageNumber = reference
                    case "max_cell_temperature_number": map.maxCellTemperatureNumber = reference
                    case "min_cell_temperature_number": map.minCellTemperatureNumber = reference
                    case "brake_pressure": map.brakePressure = reference
                    case "odometer": map.odometer = reference
                    case "motor_speed": map.motorSpeed = reference
                    case "motor_torque": map.motorTorque = reference
                    case "motor_dc_voltage": map.motorDCVoltage = reference
                    case "motor_dc_current": map.motorDCCurrent = reference
                    case "fuel_cell_voltage": map.fuelCellVoltage = reference
                    case "hydrogen_pressure": map.hydrogenPressure = reference
                    case "hydrogen_temperature": map.hydrogenTemperature = reference
                    case "hydrogen_consumption": map.hydrogenConsumption = reference
                    case "hydrogen_concentration": map.hydrogenConcentration = reference
                    case "hydrogen_remaining": map.hydrogenRemaining = reference
                    case "hv_dcdc_temperature": map.hvDCDCTemperature = reference
                    case "fuel_cell_hydrogen_inlet_pressure": map.fuelCellHydrogenInletPressure = reference
                    case "fuel_cell_air_inlet_pressure": map.fuelCellAirInletPressure = reference
                    case "fuel_cell_air_inlet_temperature": map.fuelCellAirInletTemperature = reference
                    case "hydrogen_max_temperature_probe": map.hydrogenMaxTemperatureProbe = reference
                    case "hydrogen_max_concentration_sensor": map.hydrogenMaxConcentrationSensor = reference
                    case "hydrogen_max_pressure_sensor": map.hydrogenMaxPressureSensor = reference
                    case "insulation_resistance": map.insulationResistance = reference
                    case "accelerator_pedal": map.acceleratorPedal = reference
                    case "brake_pedal": map.brakePedal = reference
                    case "ambient_temperature": map.ambientTemperature = reference
                    default: map.steeringAngle = reference
                    }
                }
            }
            // After the loop: the slices are checked against the series' counts, in any key order.
            if let subsystems { map.storageSubsystems = try storageSubsystems(subsystems, cells: map.cellVoltages?.count, probes: map.probeTemperatures?.count) }
            vehicle.rules.signals = map
        }
        if let temperatures = f["temperatures"] {
            for (temperature, value) in try temperatures.entries() {
                guard temperature.unicodeScalars.allSatisfy({ isIdentifierScalar($0) && $0 != "." }) else {
                    throw value.error("temperature name must be letters, digits, `_` or `-`")
                }
                vehicle.rules.temperatures.append(.init(name: temperature, reference: try signalReference(value, extra: []).0))
            }
        }
        if let faults = f["faults"] {
            for (kind, value) in try faults.entries() {
                guard FaultKinds.all.contains(kind) else { throw value.error("unknown fault kind; expected one of \(FaultKinds.all.joined(separator: ", "))") }
                let (reference, r) = try signalReference(value, extra: ["level"])
                var level = FaultFlag.Level.fromValue
                if let l = r["level"], try l.text() != "value" {
                    guard let n = Int(try l.text()), (1...3).contains(n) else { throw l.expected("`value` or a level 1, 2 or 3") }
                    level = .fixed(n)
                }
                vehicle.rules.faults.append(.init(kind: kind, flag: FaultFlag(reference, level: level)))
            }
        }
        if let trips = f["trips"] {
            let t = try trips.fields(["rule", "moving_speed", "idle_end", "min_distance"])
            var rule = TripRule()
            if let r = t["rule"] { rule.kind = TripRule.Kind(rawValue: try r.oneOf(["ready", "speed"])) }
            if let m = t["moving_speed"] {
                rule.movingSpeed = try m.double(in: ConfigRanges.movingSpeed, "a speed in km/h")
            }
            if let i = t["idle_end"] { rule.idleEnd = try i.duration(in: ConfigRanges.idleEnd) }
            if let d = t["min_distance"] {
                rule.minimumDistance = try d.double(in: ConfigRanges.minimumDistance, "a distance in km")
            }
            vehicle.rules.trips = rule
        }
        if let brake = f["brake"] {
            let b = try brake.fields(["on_above", "off_below"])
            let on = try b["on_above"]?.double(in: ConfigRanges.brakePressure, "a pressure in bar") ?? 5.0
            let off = try b["off_below"]?.double(in: ConfigRanges.brakePressure, "a pressure in bar") ?? 2.0
            guard off <= on else { throw (b["off_below"] ?? brake).error("expected off_below ≤ on_above (\(on)), found \(off)") }
            vehicle.rules.brake = BrakeRule(onAbove: on, offBelow: off)
        }
        return vehicle
    }

    static func decodeBus(interface: String, _ node: ConfigNode) throws(ConfigError) -> BusEntry {
        guard !interface.isEmpty, interface.utf8.count < 16, !interface.contains("/"), !interface.contains(" ") else {
            throw node.error("interface name must be 1 to 15 characters without `/` or spaces (a Linux interface name)")
        }
        let f = try node.fields(["dbc", "bitrate", "data_bitrate", "j1939", "messages", "controller"])
        var bus = BusEntry(
            interface: interface, dbcPath: try f.required("dbc").path(),
            rules: BusRules(bitrate: try f.required("bitrate").int(in: ConfigRanges.bitrate, "a bit rate in bit/s")))
        bus.rules.dataBitrate = try f["data_bitrate"]?.int(in: ConfigRanges.dataBitrate, "a bit rate in bit/s")
        bus.j1939 = try f["j1939"]?.bool() ?? false
        if let controller = f["controller"] { bus.controller = try decodeController(controller) }
        if let messages = f["messages"] {
            for (name, value) in try messages.entries() {
                let m = try value.fields(["cycle", "counter", "checksum"])
                var rules = MessageRules()
                rules.cycle = try m["cycle"]?.duration(in: ConfigRanges.cycle)
                if let counter = m["counter"] {
                    let c = try counter.fields(["signal", "modulus"])
                    let modulus = try c["modulus"]?.int(in: ConfigRanges.counterModulus, "an integer modulus")
                    rules.counter = CounterRule(signal: try c.required("signal").string(), modulus: modulus)
                }
                if let checksum = m["checksum"] {
                    let c = try checksum.fields(["signal", "algorithm"])
                    let names = ChecksumAlgorithm.allCases.map(\.rawValue)
                    let algorithm = ChecksumAlgorithm(rawValue: try c.required("algorithm").oneOf(names))!
                    rules.checksum = ChecksumRule(signal: try c.required("signal").string(), algorithm: algorithm)
                }
                bus.rules.messageRules[name] = rules
            }
        }
        return bus
    }

    /// `{ bus, message, signal, scale?, offset? }` plus the role's own keys.
    static func signalReference(_ node: ConfigNode, extra: [String]) throws(ConfigError) -> (SignalReference, ConfigFields) {
        let f = try node.fields(["bus", "message", "signal", "scale", "offset"] + extra)
        let reference = SignalReference(
            bus: try f.required("bus").string(), message: try f.required("message").string(),
            signal: try f.required("signal").string(),
            scale: try f["scale"]?.double() ?? 1, offset: try f["offset"]?.double() ?? 0)
        return (reference, f)
    }

    /// `{ bus, message, signal: "BMS_Cell###_V", count: 384, scale?, offset? }`: one run of `#` in the signal name.
    static func numberedSignals(_ node: ConfigNode, counts: ClosedRange<Int>, what: String) throws(ConfigError) -> NumberedSignals {
        let (reference, f) = try signalReference(node, extra: ["count"])
        guard NumberedSignals.isValidPattern(reference.signal) else {
            throw try f.required("signal").expected("a signal name with one run of `#` for the number (BMS_Cell###_V)")
        }
        let count = try f.required("count").int(in: counts, what)
        return NumberedSignals(bus: reference.bus, message: reference.message, pattern: reference.signal, count: count,
                               scale: reference.scale, offset: reference.offset)
    }

    /// `storage_subsystems: [{ voltage: REF, current: REF + positive, cells: { first, last }, probes: { first, last } }, …]`:
    /// subsystem 1, 2, … in the list's order. Each cell (probe) of a mapped series belongs to exactly
    /// one subsystem: `cells` is required when `cell_voltages` is mapped and refused when it is not;
    /// a range past the series' count, or one that overlaps another subsystem's, is an error at that
    /// range, and so is a cell that no subsystem has (at the list). Likewise `probes`. `cells`
    /// (`probes`) counts: the series' numbers, not per subsystem.
    static func storageSubsystems(_ node: ConfigNode, cells: Int?, probes: Int?) throws(ConfigError) -> [StorageSubsystem] {
        let items = try node.items()
        guard ConfigRanges.storageSubsystems.contains(items.count) else {
            throw node.expected("\(ConfigRanges.storageSubsystems.lowerBound) to \(ConfigRanges.storageSubsystems.upperBound) subsystems (a list)")
        }
        var list: [StorageSubsystem] = []
        for item in items {
            let f = try item.fields(["voltage", "current", "cells", "probes"])
            let voltage = try signalReference(f.required("voltage"), extra: []).0
            let (current, c) = try signalReference(f.required("current"), extra: ["positive"])
            let positive = CurrentDirection(rawValue: try c.required("positive").oneOf(["discharge", "charge"]))!
            func slice(_ key: String, _ count: Int?, _ series: String) throws(ConfigError) -> ClosedRange<Int>? {
                guard let count else {
                    if let n = f[key] { throw n.error("`\(key)` needs `signals.\(series)` (the numbers are that series')") }
                    return nil
                }
                let n = try f.required(key)
                let r = try n.fields(["first", "last"])
                let first = try r.required("first").int(in: 1...count, "a number of `\(series)`")
                let lastNode = try r.required("last")
                let last = try lastNode.int(in: 1...count, "a number of `\(series)`")
                guard first <= last else { throw lastNode.error("expected last ≥ first (\(first)), found \(last)") }
                return first...last
            }
            let cellRange = try slice("cells", cells, "cell_voltages")
            let probeRange = try slice("probes", probes, "probe_temperatures")
            for (i, other) in list.enumerated() {
                if let a = cellRange, let b = other.cells, a.overlaps(b) {
                    throw f["cells"]!.error("subsystem \(list.count + 1)'s cells \(a.lowerBound)–\(a.upperBound) overlap subsystem \(i + 1)'s \(b.lowerBound)–\(b.upperBound); a cell belongs to one subsystem")
                }
                if let a = probeRange, let b = other.probes, a.overlaps(b) {
                    throw f["probes"]!.error("subsystem \(list.count + 1)'s probes \(a.lowerBound)–\(a.upperBound) overlap subsystem \(i + 1)'s \(b.lowerBound)–\(b.upperBound); a probe belongs to one subsystem")
                }
            }
            list.append(StorageSubsystem(voltage: voltage, current: current, currentPositive: positive, cells: cellRange, probes: probeRange))
        }
        // Ranges that do not overlap and lie within 1…count cover it exactly when their sizes add up.
        for (count, ranges, what) in [(cells, list.compactMap(\.cells), "cell"), (probes, list.compactMap(\.probes), "probe")] {
            guard let count else { continue }
            let covered = ranges.reduce(0) { $0 + $1.count }
            if covered != count {
                let missing = (1...count).first { n in !ranges.contains { $0.contains(n) } }!
                throw node.error("\(what) \(missing) is in no subsystem: the subsystems' ranges must cover all \(count) \(what)s")
            }
        }
        return list
    }

    /// `codes: { NAME: VALUE, … }`: each name one of `names`, the signal value that means it,
    /// or a list of the values that do (`working: [1, 2]`).
    static func codes(_ node: ConfigNode, names: [String]) throws(ConfigError) -> [CodedReference.Code] {
        var codes: [CodedReference.Code] = []
        for (name, value) in try node.entries() {
            guard names.contains(name) else { throw value.error("unknown code; expected one of \(names.joined(separator: ", "))") }
            if value.node.sequence != nil {
                let items = try value.items()
                guard !items.isEmpty else { throw value.expected("a value or a non-empty list of values") }
                for item in items { codes.append(CodedReference.Code(name, try item.double())) }
            } else {
                codes.append(CodedReference.Code(name, try value.double()))
            }
        }
        guard !codes.isEmpty else { throw node.expected("at least one code") }
        return codes
    }

    static func isIdentifierScalar(_ c: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "." || c == "-"
    }

    /// `+08:00`, `-05:30`, `Z` → seconds east of UTC.
    static func utcOffsetSeconds(_ text: String) -> Int64? {
        if text == "Z" { return 0 }
        let u = Array(text.utf8)
        guard u.count == 6, u[0] == UInt8(ascii: "+") || u[0] == UInt8(ascii: "-"), u[3] == UInt8(ascii: ":"),
              let h = Int64(String(decoding: u[1..<3], as: UTF8.self)), let m = Int64(String(decoding: u[4..<6], as: UTF8.self)),
              h <= 14, m < 60 else { return nil }
        let seconds = h * 3600 + m * 60
        return u[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
}
