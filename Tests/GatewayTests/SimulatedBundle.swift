import CANCapture
import CANCore
import FleetSimulator
import Gateway
import Telemetry
#if canImport(Glibc)
import Glibc
#endif

/// A `candor simulate` bundle written by the test into a fresh temporary directory:
/// capture.log (candump log), the vehicle's DBCs, candor.yaml, and the ground truth in hand.
struct SimulatedBundle {
    let directory: String
    let truth: GroundTruth
    let definition: VehicleDefinition
    var capture: String { directory + "/capture.log" }
    var config: String { directory + "/candor.yaml" }

    init(_ options: SimulationOptions, name: String) throws {
        print("simulating \(options.vehicle.rawValue) \(options.cycle.rawValue) \(options.effectiveDuration) s, seed \(options.seed), faults \(options.faults)")
        let simulation = try FleetSimulation(options)
        directory = try TemporaryDirectory.make(name)
        let writer = try CaptureWriter(path: directory + "/capture.log", format: .candumpLog, gzip: false)
        truth = try simulation.run { (frame: CANFrame) throws(CaptureError) in try writer.write(frame) }
        try writer.close()
        definition = simulation.definition
        for bus in definition.buses { try TestFile.write(bus.dbcText, to: directory + "/" + bus.dbcFile) }
        try TestFile.write(BundleConfig.yaml(for: definition), to: directory + "/candor.yaml")
    }

    /// The replay of this bundle through the whole pipeline, with every record kept.
    func replay() throws -> (result: ReplayResult, records: [TelemetryRecord]) {
        let setup = try GatewaySetup.load(configFile: config, environment: [:])
        var records: [TelemetryRecord] = []
        let result = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [capture])) { records.append(contentsOf: $0) }
        return (result, records)
    }

    /// The DBC cycle time of `message` on `bus`, in seconds.
    func cycleSeconds(message: String, bus: String) throws -> Double {
        let setup = try GatewaySetup.load(configFile: config, environment: [:])
        let b = setup.layout.busIndex(interface: bus)!
        let plan = setup.plans[b]
        guard let m = plan.messageIndex(named: message), let ms = plan.message(at: m).cycleTime else {
            throw TestFailure("\(message) on \(bus) has no cycle time")
        }
        return Double(ms) / 1000
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum TemporaryDirectory {
    static func make(_ name: String) throws -> String {
        var template = Array("/tmp/candor-gateway-\(name)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp failed")
        }
        return String(cString: made)
    }
}

enum TestFile {
    static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw TestFailure("cannot create \(path)") }
        defer { fclose(file) }
        guard bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) == bytes.count else {
            throw TestFailure("cannot write \(path)")
        }
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
}
