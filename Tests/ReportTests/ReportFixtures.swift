import Foundation
import TestSupport
import Testing

/// Processes with a timeout, the built `candor`, and stores made from the committed
/// fixture bundles by `candor replay --sqlite`, as a user makes them.
enum Tool {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var candor: String { CandorBinary.path }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `executable` with a deadline; killed (and an error thrown) when it passes.
    /// Output goes to files so that a large stdout cannot block the child.
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 60) throws -> Run {
        let folder = try temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/stdout", err = folder + "/stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
            throw Timeout(description: "\(executable) \(arguments.joined(separator: " ")) still running after \(timeout) s: killed")
        }
        try outHandle.close()
        try errHandle.close()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: err)), as: UTF8.self))
    }

    static func temporaryDirectory(_ name: String) throws -> String {
        var template = Array("/tmp/candor-report-\(name)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Timeout(description: "mkdtemp failed")
        }
        return String(cString: made)
    }

    static func sqlite(_ database: String, _ sql: String) throws -> String {
        let run = try run("/usr/bin/sqlite3", [database, sql], timeout: 30)
        guard run.status == 0 else { throw Timeout(description: "sqlite3: \(run.stderr)") }
        return run.stdout
    }
}

/// The five fixture bundles replayed into one store (`van-urban-faults` as vehicle `van02`
/// and `van-charging-stops` as `van03`, their config's `van01` renamed, so that the vans
/// stay apart), and `bus-acc`: a city bus whose ACC engages, simulated here (`AccBus`) and
/// replayed as `bus02`. Made once per test process.
enum FleetStore {
    static let bundles = ["van-cltc-p", "van-urban-faults", "bus-c-wtvc", "fcev-urban", "van-charging-stops", AccBus.bundle]
    static let vehicleOfBundle = ["van-cltc-p": "van01", "van-urban-faults": "van02", "bus-c-wtvc": "bus01", "fcev-urban": "fcev01",
                                  "van-charging-stops": "van03", AccBus.bundle: AccBus.vehicle]

    /// The bus with real driver assistance: `candor simulate --vehicle bus --cycle urban
    /// --duration 360 --seed 35` drives 6 minutes in which ACC engages and ends by each cause —
    /// driver brake (4), steering takeover (1), system fault (1) — and AEB brakes twice (its
    /// truth.json lists them; the tests check that it still does). Seed 35 is the one of seeds
    /// 1-300 whose urban drive shows every cause and an AEB activation soonest (by 327 s). The
    /// committed 60 s bus never reaches ACC's 35 km/h, and 6 minutes of the bus (376,201 frames,
    /// 33 MB, 3.5 MB gzipped) is too large to commit, so it is made here (≈ 12 s, replay ≈ 6 s).
    enum AccBus {
        static let bundle = "bus-acc"
        static let vehicle = "bus02"
        static let arguments = ["simulate", "--vehicle", "bus", "--cycle", "urban", "--duration", "360", "--seed", "35"]
    }

    static let made: Result<String, any Error> = Result { try make() }

    static func path() throws -> String { try made.get() }

    /// The folder of a bundle: the committed fixture, or the simulated bus's in the store's folder.
    static func source(_ bundle: String, folder: String) -> String {
        bundle == AccBus.bundle ? folder + "/" + bundle : Tool.root.appendingPathComponent("Fixtures/captures/fleet/\(bundle)").path
    }

    static func make() throws -> String {
        let folder = try Tool.temporaryDirectory("fleet")
        let store = folder + "/fleet.db"
        // Shared by the suites of this process: removed when the process exits.
        atexit {
            if case .success(let store) = FleetStore.made {
                try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: store).deletingLastPathComponent().path)
            }
        }
        let simulated = try Tool.run(Tool.candor, AccBus.arguments + ["--output", folder + "/" + AccBus.bundle], timeout: 300)
        guard simulated.status == 0 else { throw Tool.Timeout(description: "simulate \(AccBus.bundle): \(simulated.stderr)") }
        print("\(AccBus.bundle): candor \(AccBus.arguments.joined(separator: " "))")
        for bundle in bundles {
            let source = source(bundle, folder: folder)
            var config = source + "/candor.yaml"
            if let vehicle = vehicleOfBundle[bundle], vehicle.hasPrefix("van"), vehicle != "van01" {
                let copy = folder + "/" + bundle
                try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: source + "/van.dbc", toPath: copy + "/van.dbc")
                let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "  van01:", with: "  \(vehicle):")
                config = copy + "/candor.yaml"
                try text.write(toFile: config, atomically: true, encoding: .utf8)
            } else if bundle == AccBus.bundle {
                let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "  bus01:", with: "  \(AccBus.vehicle):")
                try text.write(toFile: config, atomically: true, encoding: .utf8)
            }
            let capture = source + (bundle == AccBus.bundle ? "/capture.log" : "/capture.log.gz")
            let run = try Tool.run(Tool.candor, ["replay", "--config", config, capture, "--sqlite", store], timeout: 300)
            guard run.status == 0 else { throw Tool.Timeout(description: "replay \(bundle): \(run.stderr)") }
        }
        return store
    }

    /// The path of a bundle's truth.json.
    static func truthPath(_ bundle: String) throws -> String {
        source(bundle, folder: URL(fileURLWithPath: try path()).deletingLastPathComponent().path) + "/truth.json"
    }

    /// The bundle's truth.json.
    static func truth(_ bundle: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try truthPath(bundle)))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
