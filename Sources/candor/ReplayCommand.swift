import ArgumentParser
import CANCapture
import CANCore
import Gateway
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// `candor replay`: the gateway pipeline over capture files (Gateway.ReplayPipeline), or,
/// with `--to IFACE`, the captures sent onto a CAN interface.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay captures through the gateway pipeline (decode, aggregate, store) on their own clock.",
        discussion: """
            Several captures (and several buses in one capture) are merged by timestamp. Windows, \
            health and operations figures are computed on the captures' clock, so a replay gives \
            the same records as the live gateway would have, and the same bytes every time. \
            As fast as possible by default; --realtime keeps the original timing.

            With --config: the vehicles, buses, semantic map, rules and sinks of candor.yaml; a bus \
            the config does not know is reported once and its frames are ignored. With --dbc only: \
            one vehicle, one bus per interface found in the captures, windows and health but no \
            operations figures. At the end, a per-vehicle table on stdout.

            Out-of-order timestamps within a capture are counted and kept; a frame whose window \
            has already closed is a late frame (counted in bus health, not aggregated).

            A GB/T 32960 terminal in the config (uplink.gbt32960) reports on the captures' clock \
            too; its location body comes from `track: FILE` there (an NMEA file such as a \
            bundle's track.nmea, looked up at each report's time) or from gpsd (`gpsd:`, its fix \
            at the moment the report is made).

            Examples:
              candor replay --config bundle/candor.yaml bundle/capture.log
              candor replay --config candor.yaml a.log b.log --summary sum.json
              candor replay --config candor.yaml drive.log --sqlite m.db
              candor replay --config candor-uplink.yaml drive.log --batch-frames 4096
              candor replay --dbc van.dbc --bitrate 250000 drive.log.gz
              candor replay --realtime drive.log --to vcan0
            """
    )

    @Argument(help: "Capture files (candump log, ASC, pcap, pcapng, optionally .gz); `-` reads stdin.")
    var captures: [String]

    @Option(help: "candor.yaml: vehicles, buses, semantic map, rules, sinks.")
    var config: String?

    @Option(help: "A DBC for every bus, when there is no config (windows and health only).")
    var dbc: String?

    @Option(name: .customLong("bus"), help: "With --dbc: the interfaces to expect (default: those found in the captures; repeatable).")
    var buses: [String] = []

    @Option(help: "With --dbc: nominal bit rate in bit/s, for bus load.")
    var bitrate: Int = 500_000

    @Flag(help: "With --dbc: match extended frames by J1939 PGN.")
    var j1939 = false

    @Flag(help: "Pace the replay on the captures' clock instead of as fast as possible.")
    var realtime = false

    @Option(help: "Pace the replay on the captures' clock this many times faster (e.g. 10; implies --realtime; not with --to).")
    var speed: Double?

    @Option(help: "Write the per-vehicle operations figures here (JSON, the keys of the simulator's truth.json).")
    var summary: String?

    @Option(help: "SQLite store to write (overrides the config's sinks.sqlite.path).")
    var sqlite: String?

    @Option(help: "JSON lines file to write, truncated first (overrides sinks.jsonl.path).")
    var jsonl: String?

    @Option(name: .customLong("line-protocol"), help: "InfluxDB line protocol file to write, truncated first (overrides sinks.line_protocol.path).")
    var lineProtocol: String?

    @Option(name: .customLong("batch-frames"),
            help: "Hand the records to the stores and the uplink every N frames. `candor run` hands them out every \(LiveGateway.defaultBatchFrames) frames and when its buses go quiet: with \(LiveGateway.defaultBatchFrames) the uplink sends about the messages the daemon would. The records are the same whatever N.")
    var batchFrames: Int = ReplayPipeline.defaultBatchFrames

    @Option(help: "Send the frames onto this CAN interface instead (like canplayer); no pipeline.")
    var to: String?

    @OptionGroup var input: CaptureInputOptions

    func validate() throws {
        if let speed {
            guard speed > 0, speed.isFinite, speed <= 1e6 else { throw ValidationError("--speed must be a factor above 0 (at most 1000000)") }
            guard to == nil else { throw ValidationError("--speed paces the pipeline; with --to use --realtime") }
        }
        if to != nil { return }
        guard batchFrames > 0 else { throw ValidationError("--batch-frames must be a positive number of frames") }
        guard (config == nil) != (dbc == nil) else {
            throw ValidationError("give exactly one of --config FILE or --dbc FILE")
        }
        guard bitrate > 0 else { throw ValidationError("--bitrate must be positive") }
    }

    func run() throws {
        if let to {
            do {
                let sent = try CapturesToInterface.send(captures, format: input.inputFormat, strict: input.strict, interface: to, realtime: realtime)
                if sent.errorFramesSkipped > 0 {
                    Terminal.printError("candor: skipped \(sent.errorFramesSkipped) error frame(s) (they cannot be sent)")
                }
                return
            } catch {
                switch error {
                case .input(let message): throw CommandFailure.input(message)
                case .runtime(let message): throw CommandFailure.runtime(message)
                }
            }
        }
        let setup = try loadSetup()
        for warning in setup.warnings { Terminal.printError("candor: warning: \(warning)") }
        let outputs = setup.sinks.overridden(sqlite: sqlite, jsonl: jsonl, lineProtocol: lineProtocol)
        do {
            try OutputConflicts.check(
                inputs: captures + [config].compactMap { $0 } + setup.dbcPaths,
                outputs: (outputs.sqlitePath.map { [OutputFile.sqlite($0)] } ?? [])
                    + [outputs.jsonlPath, outputs.lineProtocolPath, summary].compactMap { $0 }.map { OutputFile($0) })
        } catch { throw CommandFailure.input("replay: \(error)") }
        let merge = try openCaptures()
        let sinks: SinkSet
        do {
            sinks = try SinkSet(outputs)
        } catch {
            throw CommandFailure.input("replay: \(error)")
        }
        let showProgress = Terminal.stderrIsTerminal
        let events = ReplayEvents(
            unknownBus: { bus in
                Terminal.printError("candor: replay: bus \(bus) is not in the configuration; its frames are counted and ignored")
            },
            progress: { p in
                if showProgress { Terminal.printProgress("candor: replay: \(p.frames) frames, at \(p.eventTime / 1_000_000_000) s") }
            })
        let result: ReplayResult
        do {
            result = try ReplayPipeline(setup: setup).run(merge, realtime: realtime || speed != nil ? SystemReplayClock() : nil,
                                                          speed: speed ?? 1, events: events, batchFrames: batchFrames,
                                                          captures: sinks.captureWatch(setup, wait: true)) {
                try sinks.write($0)
            }
            try sinks.close()
            if let (uplink, _) = sinks.services.queued(UplinkService.self) {
                Terminal.printError("candor: replay: \(uplink.report)")
                Terminal.printError("candor: replay: \(uplink.cpuLine(processNanoseconds: CPUTime.process()))")
            }
            if let (terminal, _) = sinks.services.queued(GBT32960Service.self) { Terminal.printError("candor: replay: \(terminal.report)") }
        } catch let error as CaptureError {
            try? sinks.close()
            throw CommandFailure.input(error.description)
        } catch let error as SinkError {
            try? sinks.close()
            throw CommandFailure.runtime("replay: \(error)")
        }
        if showProgress { Terminal.printProgress("") }
        report(result)
        if let summary {
            do { try FileDescriptor.write(Array(ReplaySummary.json(result.summaries).utf8), toNewFile: summary) } catch {
                throw CommandFailure.runtime("replay: \(summary): \(error.reason)")
            }
        }
        print(ReplaySummary.table(result, operations: setup.hasOperations), terminator: "")
        if let error = result.inputError { throw CommandFailure.input(error.description) }
    }

    func loadSetup() throws -> GatewaySetup {
        if let config {
            do { return try GatewaySetup.load(configFile: config, environment: Environment.current()) } catch {
                throw CommandFailure.input(error.description)
            }
        }
        var interfaces = buses
        if interfaces.isEmpty {
            guard !captures.contains("-") else {
                throw CommandFailure.input("replay: --dbc with standard input: name the interfaces with --bus")
            }
            interfaces = try openCaptures().busNames()  // a first pass
        }
        do {
            return try GatewaySetup(dbcPath: dbc!, interfaces: interfaces, bitrate: bitrate, j1939: j1939)
        } catch {
            throw CommandFailure.input(error.description)
        }
    }

    func openCaptures() throws -> CaptureMerge {
        do { return try CaptureMerge(paths: captures, format: input.inputFormat, strict: input.strict) } catch {
            throw CommandFailure.input(error.description)
        }
    }

    func report(_ result: ReplayResult) {
        for (capture, count) in result.outOfOrderFrames where count > 0 {
            Terminal.printError("candor: replay: \(capture): \(count) frame(s) older than the frame before them; kept in file order (late frames: \(result.lateFrames))")
        }
        for note in result.captureNotes { Terminal.printError("candor: replay: \(note)") }
        for (bus, frames) in result.unknownBuses {
            Terminal.printError("candor: replay: ignored \(frames) frame(s) on bus \(bus) (not in the configuration)")
        }
    }
}
