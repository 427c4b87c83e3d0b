import ArgumentParser
import CANCapture
import CANCore
import CANDatabase
import Gateway
#if canImport(Glibc)
import Glibc
#endif

/// `candor tail`: follow the daemon's decoded frames live (its tail socket), or decode a
/// growing candump log (`--follow FILE --dbc FILE`), across the recorder's rotation.
struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow decoded frames live: from the running daemon, or from a growing recording.",
        discussion: """
            A client that falls behind loses its oldest frames; the daemon says how many
            (`{"missed":N}` in jsonl, a note on stderr in text).

            Examples:
              candor tail --message 'KINEMATICS*'
              candor tail --bus can1 --signal 'ACCEL_*' --format jsonl
              candor tail --follow /var/lib/candor/recordings/candor-20260312T140502.123456Z-000001.log --dbc van.dbc
            """)

    @Option(help: "The daemon's tail socket.")
    var socket = "/run/candor/tail.sock"

    @Option(help: "Only frames of this bus (interface name).")
    var bus: String?

    @Option(help: "Only frames with this CAN id (decimal, or hex with 0x).")
    var id: String?

    @Option(help: "Only messages whose name matches this shell glob.")
    var message: String?

    @Option(help: "Only frames with a signal matching this glob; text output shows only those signals.")
    var signal: String?

    @Option(help: "Output: text (coloured on a terminal) or jsonl (the canonical lines).")
    var format: DecodeCommand.OutputFormat = .text

    @Option(help: "Follow this growing candump log instead of the daemon (needs --dbc).")
    var follow: String?

    @Option(help: "The DBC to decode --follow input with; `IFACE=FILE` for one bus of several.")
    var dbc: [BusDatabaseOption] = []

    func validate() throws {
        if follow != nil && dbc.isEmpty { throw ValidationError("--follow needs --dbc") }
        if follow == nil && !dbc.isEmpty { throw ValidationError("--dbc is only for --follow (the daemon decodes with its own)") }
        if id != nil && parsedID == nil { throw ValidationError("--id: not a CAN id: \(id!)") }
        try BusDatabaseOption.validate(dbc)
    }

    var parsedID: UInt32? {
        guard let id else { return nil }
        return id.lowercased().hasPrefix("0x") ? UInt32(id.dropFirst(2), radix: 16) : UInt32(id)
    }

    func run() throws {
        var printer = TailPrinter(
            filter: TailFilter(bus: bus, id: parsedID, message: message, signal: signal),
            format: format, colour: Terminal.stdoutIsTerminal)
        if let follow {
            try followFile(follow, printer: &printer)
        } else {
            try followDaemon(printer: &printer)
        }
    }

    private func followDaemon(printer: inout TailPrinter) throws(CommandFailure) {
        let connection: TailConnection
        do { connection = try TailConnection(path: socket) } catch {
            throw .runtime("\(error.description) (is `candor run` running, and are you in its socket's group?)")
        }
        do {
            while let line = try connection.nextLine() {
                printer.print(line)
                printer.flush()
            }
        } catch {
            throw .runtime(error.description)
        }
        printer.finish()
    }

    /// Polls the file 10 times a second when it has nothing new (the recorder flushes when idle).
    private func followFile(_ path: String, printer: inout TailPrinter) throws(CommandFailure) {
        let plans = try BusPlans(dbc, j1939: false, j1939Buses: [])
        var decoder = BusDecoder(plans: plans.all.map(\.plan), route: { plans.index(forBus: $0) })
        var line: [UInt8] = []
        do {
            let follower = try CaptureFollower(path: path)
            var toldSkipped = 0
            while true {
                let frames = try follower.poll()
                let skipped = follower.statistics.malformedLines + follower.statistics.bentRecords
                if skipped > 0 && skipped >= 2 * toldSkipped {  // told at 1, 2, 4, 8... lines
                    toldSkipped = skipped
                    for note in follower.statistics.notes(for: follower.path) { Terminal.printError("candor: \(note)") }
                }
                if frames.isEmpty {
                    printer.flush()
                    var pause = timespec(tv_sec: 0, tv_nsec: 100_000_000)
                    nanosleep(&pause, nil)
                    continue
                }
                for frame in frames where frame.kind != .error {
                    let (bus, outcome) = decoder.decode(frame)!   // every bus has a plan (the fallback)
                    line.removeAll(keepingCapacity: true)
                    CanonicalLine.append(frame: frame, plan: decoder.plans[bus], outcome: outcome, values: decoder.values, to: &line)
                    printer.print(Substring(decoding: line, as: UTF8.self))
                }
                printer.flush()
            }
        } catch {
            throw .input(error.description)
        }
    }
}

/// Filters and writes tail lines to stdout; missed notices go to stderr in text form.
struct TailPrinter {
    let filter: TailFilter
    let format: DecodeCommand.OutputFormat
    let colour: Bool
    let output = OutputBuffer()
    private let unfiltered: Bool

    init(filter: TailFilter, format: DecodeCommand.OutputFormat, colour: Bool) {
        self.filter = filter
        self.format = format
        self.colour = colour
        unfiltered = filter == TailFilter()
    }

    mutating func print(_ text: Substring) {
        if format == .jsonl && unfiltered {
            output.write(String(text) + "\n")
        } else {
            switch TailLine.parse(text) {
            case .missed(let count)?:
                if format == .jsonl {
                    output.write(String(text) + "\n")
                } else {
                    output.flush()
                    Terminal.printError("candor tail: missed \(count) frame(s): this client fell behind")
                }
            case .frame(let line)?:
                guard let shown = filter.apply(line) else { return }
                output.write((format == .jsonl ? String(text) : TailText.render(shown, colour: colour)) + "\n")
            case nil:
                return
            }
        }
        output.flushIfFull()
    }

    func flush() { output.flush() }
    func finish() { output.flush() }
}
