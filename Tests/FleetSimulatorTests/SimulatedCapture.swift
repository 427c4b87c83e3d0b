import CANCapture
import CANCore
import CANDatabase
@testable import FleetSimulator
#if canImport(Glibc)
import Glibc
#endif

/// A simulation written through `CaptureWriter` to a temporary candump log and read back
/// through `CaptureReader`, as `candor simulate` and `candor decode` would.
struct SimulatedCapture {
    let simulation: FleetSimulation
    let truth: GroundTruth
    let frames: [CANFrame]
    let bytes: [UInt8]
    let path: String

    init(_ options: SimulationOptions, name: String) throws {
        print("simulating \(options.vehicle.rawValue) \(options.cycle.rawValue) \(options.effectiveDuration) s, seed \(options.seed), faults \(options.faults)")
        simulation = try FleetSimulation(options)
        path = "/tmp/candor-fleet-test-\(getpid())-\(name).log"
        let writer = try CaptureWriter(path: path, format: .candumpLog, gzip: false)
        truth = try simulation.run { (frame: CANFrame) throws(CaptureError) in try writer.write(frame) }
        try writer.close()
        bytes = try Self.read(path)
        let reader = try CaptureReader(path: path, format: .candumpLog, strict: true)
        var frames: [CANFrame] = []
        while let f = try reader.next() { frames.append(f) }
        self.frames = frames
        unlink(path)
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw TestFailure("cannot open \(path)") }
        defer { fclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    func busIndex(_ interface: String) -> Int {
        simulation.definition.buses.firstIndex { $0.interface == interface }!
    }

    /// Every decoded (time, value) of one signal, in capture order.
    func series(_ ref: SignalReference) -> [(t: Double, value: Double)] {
        let plan = simulation.plans[busIndex(ref.bus)]
        guard let messageIndex = plan.messageIndex(named: ref.message),
              let signalIndex = plan.message(at: messageIndex).signals.firstIndex(where: { $0.name == ref.signal }) else {
            return []
        }
        var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
        var out: [(Double, Double)] = []
        for frame in frames where frame.bus == ref.bus && frame.kind != .error {
            guard plan.messageIndex(for: frame) == messageIndex else { continue }
            guard case .decoded(let m) = plan.decode(frame, into: &values), m == messageIndex else { continue }
            for i in 0..<values.count where values[i].signal == signalIndex {
                out.append((frame.timestamp.timeInterval, values[i].value.doubleValue))
            }
        }
        return out
    }

    /// Half the signal's factor (plus rounding slack): how far a decoded value may lie from
    /// the physical value the simulator encoded.
    func halfStep(_ ref: SignalReference) -> Double {
        let plan = simulation.plans[busIndex(ref.bus)]
        guard let m = plan.messageIndex(named: ref.message),
              let signal = plan.message(at: m).signals.first(where: { $0.name == ref.signal }) else { return 0 }
        return abs(signal.factor.doubleValue) / 2 + 1e-9
    }

    /// The DBC cycle time of the message that carries `ref`, seconds.
    func cycleSeconds(_ ref: SignalReference) -> Double {
        let plan = simulation.plans[busIndex(ref.bus)]
        guard let m = plan.messageIndex(named: ref.message) else { return 0 }
        return Double(plan.message(at: m).cycleTime ?? 0) / 1000
    }

    /// The raw payload bytes of every frame of one message.
    func payloads(bus: String, message: String) -> [(t: Double, frame: CANFrame)] {
        let plan = simulation.plans[busIndex(bus)]
        guard let index = plan.messageIndex(named: message) else { return [] }
        return frames.filter { $0.bus == bus && $0.kind != .error && plan.messageIndex(for: $0) == index }
            .map { ($0.timestamp.timeInterval, $0) }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Trapezoid integral of a sampled series, skipping gaps longer than `maxGap` seconds
/// (60 s: Telemetry's rule for intervals that are not integrated).
func integrate(_ xs: [(t: Double, value: Double)], maxGap: Double = 60, _ weight: (Double) -> Double = { $0 }) -> Double {
    var sum = 0.0
    for i in 1..<max(1, xs.count) {
        let dt = xs[i].t - xs[i - 1].t
        if dt <= maxGap { sum += (weight(xs[i - 1].value) + weight(xs[i].value)) / 2 * dt }
    }
    return sum
}
