import ArgumentParser
import CANCapture
import CANCore
import FleetSimulator

/// `candor simulate`: writes a ready-to-replay bundle for one demonstration vehicle.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a deterministic, physically plausible capture of a demonstration-fleet vehicle.",
        discussion: """
            Writes OUTPUT/capture.log (candump log, one interface per bus: can0, can1, ...), the \
            vehicle's DBC files, OUTPUT/candor.yaml (buses, semantic map, counter/checksum rules), \
            OUTPUT/truth.json (the figures the capture must give: distance, energies, SOC, \
            cell extremes, brake applications, trips, fault episodes, silent messages, frames) \
            and OUTPUT/track.nmea (NMEA GGA + RMC at 1 Hz: the drive's GNSS fixes, for gpsfake). \
            The same arguments always give byte-identical files.

            Vehicles: van (classic CAN), bus (J1939 + CAN FD + battery bus), fcev (fuel cell).
            Cycles: cltc-p, c-wtvc, urban, highway, depot-charging, charging-stops (city legs with a
            DC fast-charge stop and an AC top-up; the van and the bus), idle.
            Faults (repeatable): KIND[:TARGET]@TIME[+DURATION], times in s, or with s/m/h:
              over-temperature, insulation-drop, silent-ecu[:ECU], bus-off[:IFACE],
              bad-checksum[:MESSAGE], counter-jump[:MESSAGE]

            Examples:
              candor simulate --vehicle van --output out/van
              candor simulate --vehicle bus --cycle urban --duration 8h --seed 7 --gzip --output /tmp/shift
              candor simulate --vehicle van --cycle cltc-p --duration 10m \\
                  --fault over-temperature@120+60 --fault silent-ecu:MCU@300+15 --output out/van-faults
              candor simulate --vehicle fcev --cycle highway --fault bus-off@60+2 --output out/fcev
            """
    )

    @Option(help: "The vehicle: van, bus or fcev.")
    var vehicle: String

    @Option(help: "The scenario (default: cltc-p for the van, c-wtvc for the bus and fcev).")
    var cycle: String?

    @Option(help: "Capture length: seconds, or with a unit (90s, 10m, 8h). Default: the scenario's own length.")
    var duration: String?

    @Option(help: "Seed of every random choice (jitter, cell spread, urban stops).")
    var seed: UInt64 = 1

    @Option(name: .customLong("fault"), help: "A fault to inject, KIND[:TARGET]@TIME[+DURATION]; repeatable.")
    var faults: [String] = []

    @Option(help: "The capture's clock at its start, seconds since the Unix epoch (default 2026-01-01T00:00:00Z).")
    var start: Int64 = 1_767_225_600

    @Flag(help: "Write capture.log.gz instead of capture.log.")
    var gzip = false

    @Option(help: "Directory to write the bundle into (created if missing).")
    var output: String

    func run() throws {
        guard let vehicle = FleetVehicle(rawValue: vehicle) else {
            return try usage("unknown vehicle '\(vehicle)'; expected van, bus or fcev")
        }
        var chosenCycle: DriveCycle?
        if let cycle {
            guard let c = DriveCycle(rawValue: cycle) else {
                return try usage("unknown cycle '\(cycle)'; expected \(DriveCycle.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            chosenCycle = c
        }
        var seconds: Int?
        if let duration {
            guard let s = FaultSpec.seconds(duration), s >= 1, s == s.rounded() else {
                return try usage("invalid --duration '\(duration)'; expected whole seconds like 600, 90s, 10m or 8h")
            }
            seconds = Int(s)
        }
        var specs: [FaultSpec] = []
        for text in faults {
            do { specs.append(try FaultSpec(parsing: text)) } catch { return try usage(error.description) }
        }
        let options = SimulationOptions(vehicle: vehicle, cycle: chosenCycle, durationSeconds: seconds, seed: seed, faults: specs, startEpochSeconds: start)
        let simulation: FleetSimulation
        do { simulation = try FleetSimulation(options) } catch { return try usage(error.description) }

        let clock = ContinuousClock()
        let began = clock.now
        let total = options.effectiveDuration
        let showProgress = Terminal.stderrIsTerminal
        let truth: GroundTruth
        do {
            truth = try SimulationBundle.write(simulation, to: output, gzip: gzip, progress: showProgress ? { seconds in
                Terminal.printProgress("candor simulate: \(seconds) of \(total) s simulated")
            } : nil)
        } catch let error as SimulationBundle.FileError {
            throw CommandFailure.runtime("simulate: \(error)")
        }
        if showProgress { Terminal.printProgress("") }
        let elapsed = clock.now - began
        let frames = truth.frames.values.reduce(0, +) + truth.errorFrames.values.reduce(0, +)
        let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = secondsTaken > 0 ? Int(Double(frames) / secondsTaken) : 0
        Terminal.printError("candor simulate: \(vehicle.rawValue) \(options.cycle.rawValue) \(options.effectiveDuration) s, seed \(seed): \(frames) frames in \(formattedSeconds(secondsTaken)) s (\(rate) frames/s) -> \(output)")
    }

    func usage(_ message: String) throws {
        throw CommandFailure.input("simulate: \(message)")
    }
}

/// Seconds with two decimals.
func formattedSeconds(_ seconds: Double) -> String {
    let hundredths = Int((seconds * 100).rounded())
    return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
}
