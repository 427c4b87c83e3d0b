import ArgumentParser
import CANCapture
import CANCore
import CANDatabase
import Gateway

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode captures with a DBC into canonical JSON lines or readable text.",
        discussion: """
            Reads candump logs, candump ASCII output, Vector ASC, pcap and pcapng (any of them .gz), \
            detecting each file's format; `-` (or no file) reads stdin. Error frames and lines that \
            are not frames produce no output; malformed lines are counted and reported on stderr \
            (use --strict to stop at the first one).

            Examples:
              candor decode --dbc vehicle.dbc drive.log
              candor decode --dbc vehicle.dbc --format text drive.log.gz | less
              candump -L can0 | candor decode --dbc vehicle.dbc -
              candor decode --dbc truck.dbc --j1939 --summary trip.asc
              candor decode --dbc can0=powertrain.dbc --dbc can1=adas.dbc --j1939-bus can0 bus.log.gz
              candor decode --dbc vehicle.dbc --interface can0 --interface can1 --format text
              candor decode --dbc can0=bms.dbc --interface can0 --kernel-filter   # only the DBC's ids are read
            """
    )

    typealias OutputFormat = DecodedLineFormat

    @Option(help: ArgumentHelp(
        "The DBC file that describes the bus; `IFACE=FILE` for one bus of several (repeatable).",
        valueName: "[iface=]file"))
    var dbc: [BusDatabaseOption]

    @Option(help: "Output format: jsonl (canonical decoded-frame lines) or text (for people).")
    var format: OutputFormat = .jsonl

    @Flag(help: "Match extended frames to DBC messages by J1939 PGN (ignoring source and destination address).")
    var j1939 = false

    @Option(name: .customLong("j1939-bus"), help: "Match by J1939 PGN on this bus only (repeatable).")
    var j1939Buses: [String] = []

    @Flag(help: "Print a per-message summary table instead of the decoded frames.")
    var summary = false

    @OptionGroup var input: CaptureInputOptions

    @OptionGroup(title: "Live input") var live: LiveInterfaceOptions

    @Argument(help: "Capture files; `-` or none reads stdin.")
    var captures: [String] = []

    func validate() throws {
        try BusDatabaseOption.validate(dbc)
        if !live.interfaces.isEmpty && !captures.isEmpty {
            throw ValidationError("give capture files or --interface, not both")
        }
    }

    func run() throws {
        let plans = try BusDatabaseOption.plans(dbc, j1939: j1939, j1939Buses: Set(j1939Buses))
        var lines = DecodeLines(plans: plans, format: format, summaryOnly: summary)
        if live.interfaces.isEmpty {
            for path in captures.isEmpty ? ["-"] : captures {
                try decode(path, into: &lines)
            }
        } else {
            lines.decode(live: try live.openSource(plans: plans), flush: Terminal.writeStandardOutput)
        }
        lines.flushLines(Terminal.writeStandardOutput)
        if summary { Terminal.writeStandardOutput(Array(lines.summary.table().utf8)) }
    }

    private func decode(_ path: String, into lines: inout DecodeLines) throws(CommandFailure) {
        let reader: CaptureReader
        do {
            // --strict: malformed lines, error frames and non-frame lines (DROPCOUNT) are
            // errors with file:line; by default they are counted and skipped.
            reader = try CaptureReader(path: path, format: input.inputFormat, strict: input.strict, rejectNonFrames: input.strict)
        } catch {
            throw .input(error.description)
        }
        var progress = ProgressLine()
        do {
            try lines.decode(reader, flush: Terminal.writeStandardOutput) { progress.update(frames: $0, file: path) }
        } catch {
            progress.finish()
            throw .input(error.description)
        }
        progress.finish()
        for note in reader.statistics.notes(for: path) { Terminal.printError("candor: \(note)") }
    }
}

extension DecodedLineFormat: ExpressibleByArgument {}
