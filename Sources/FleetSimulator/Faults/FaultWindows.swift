import CANCore

/// The requested transport faults as time windows on the capture's clock, resolved to
/// ECUs, interfaces and messages, plus the error frames of each bus-off episode.
struct FaultWindows {
    struct Window {
        var startNs: Int64
        var endNs: Int64
        var node: String?
        var bus: Int?
        var message: String?
        func contains(_ ns: Int64) -> Bool { ns >= startNs && ns < endNs }
    }

    struct ErrorFrame {
        var ns: Int64
        var bus: Int
        var classes: UInt32
        var details: CANPayload
    }

    var silences: [Window] = []
    var checksums: [Window] = []
    var counters: [Window] = []
    var errorFrames: [ErrorFrame] = []
    var specs: [(FaultSpec, target: String?)] = []
    let endNs: Int64

    init(_ faults: [FaultSpec], definition: VehicleDefinition, endNs: Int64) {
        self.endNs = endNs
        let buses = definition.buses.map(\.interface)
        for f in faults {
            let start = Int64((f.start * 1e9).rounded())
            let end = min(endNs, Int64((f.end * 1e9).rounded()))
            switch f.kind {
            case .silentECU:
                let node = f.target ?? definition.defaultSilentECU
                silences.append(Window(startNs: start, endNs: end, node: node))
                specs.append((f, node))
            case .busOff:
                let name = f.target ?? buses[0]
                let bus = buses.firstIndex(of: name) ?? 0
                silences.append(Window(startNs: start, endNs: end, bus: bus))
                errorFrames.append(contentsOf: Self.busOffBurst(bus: bus, startNs: start, endNs: end))
                specs.append((f, name))
            case .badChecksum:
                checksums.append(Window(startNs: start, endNs: end, message: f.target))
                specs.append((f, f.target))
            case .counterJump:
                counters.append(Window(startNs: start, endNs: end, message: f.target))
                specs.append((f, f.target))
            case .overTemperature, .insulationDrop:
                break  // physics faults: the model raises them and the alarm frames show them
            }
        }
        errorFrames.sort { ($0.ns, $0.bus) < ($1.ns, $1.bus) }
    }

    /// The controller's view of a bus going off: bus errors with rising error counters
    /// (warning at 96, passive at 128), bus-off, silence, and a restart at the end.
    static func busOffBurst(bus: Int, startNs: Int64, endNs: Int64) -> [ErrorFrame] {
        var out: [ErrorFrame] = []
        let counters: [UInt8] = [32, 64, 96, 128, 160, 192, 224]
        for (i, tec) in counters.enumerated() {
            var classes = CANErrorClass([.protocolViolation, .busError, .errorCounters])
            var details = CANPayload()
            details[2] = 0x04  // bit-stuffing error
            details[3] = 0x0A  // in the data section
            if tec >= 96 {
                classes.insert(.controller)
                details[1] = tec >= 128 ? 0x20 : 0x08  // tx error passive : tx error warning
            }
            details[6] = tec
            out.append(ErrorFrame(ns: startNs + Int64(i) * 700_000, bus: bus, classes: classes.rawValue, details: details))
        }
        var off = CANPayload()
        off[6] = 255
        out.append(ErrorFrame(ns: startNs + 5_000_000, bus: bus, classes: CANErrorClass([.busOff, .errorCounters]).rawValue, details: off))
        if endNs > startNs + 5_000_000 {
            out.append(ErrorFrame(ns: endNs, bus: bus, classes: CANErrorClass.restarted.rawValue, details: CANPayload()))
        }
        return out
    }

    @inline(__always)
    func isSilenced(_ stream: borrowing CompiledStream, at ns: Int64) -> Bool {
        if silences.isEmpty { return false }
        for w in silences where w.contains(ns) {
            if let bus = w.bus, bus == stream.bus { return true }
            if let node = w.node, node == stream.node { return true }
        }
        return false
    }

    @inline(__always)
    func corruptsChecksum(_ stream: borrowing CompiledStream, at ns: Int64) -> Bool {
        if checksums.isEmpty { return false }
        for w in checksums where w.contains(ns) && (w.message == nil || w.message == stream.messageName) { return true }
        return false
    }

    @inline(__always)
    func counterJumps(_ stream: borrowing CompiledStream, at ns: Int64) -> Bool {
        if counters.isEmpty { return false }
        for w in counters where w.contains(ns) && (w.message == nil || w.message == stream.messageName) { return true }
        return false
    }

    /// The injected transport faults for `truth.json`'s `fault_episodes`.
    func episodes(epoch: Double) -> [GroundTruth.FaultEpisode] {
        specs.map { spec, target in
            let kind = String(spec.kind.rawValue.map { $0 == "-" ? "_" : $0 })
            let end = min(spec.end, Double(endNs) / 1e9)
            return GroundTruth.FaultEpisode(kind: kind, level: nil, start: epoch + spec.start, end: epoch + end, target: target)
        }
    }
}
