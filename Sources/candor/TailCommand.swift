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
        let printer = TailPrinter(
            filter: TailFilter(bus: bus, id: parsedID, message: message, signal: signal),
            format: format, colour: Terminal.stdoutIsTerminal)
        let output = OutputBuffer()
        let show = { (line: Substring) in
            if let missed = printer.render(line, to: &output.bytes) {
                output.flush()
                Terminal.printError("candor tail: missed \(missed) frame(s): this client fell behind")
            }
            output.flushIfFull()
        }
        if let follow {
            try followFile(follow, show: show, flush: output.flush)
        } else {
            try followDaemon(show: show, flush: output.flush)
        }
    }

    private func followDaemon(show: (Substring) -> Void, flush: () -> Void) throws(CommandFailure) {
        let connection: TailConnection
        do { connection = try TailConnection(path: socket) } catch {
            throw .runtime("\(error.description) (is `candor run` running, and are you in its socket's group?)")
        }
        do {
            while let line = try connection.nextLine() {
                show(line)
                flush()
            }
        } catch {
            throw .runtime(error.description)
        }
        flush()
    }

    /// Polls the file 10 times a second when it has nothing new (the recorder flushes when idle).
    private func followFile(_ path: String, show: (Substring) -> Void, flush: () -> Void) throws(CommandFailure) {
        let plans = try BusDatabaseOption.plans(dbc, j1939: false, j1939Buses: [])
        do {
            let follower = try DecodingFollower(path: path, plans: plans)
            while true {
                let frames = try follower.poll(show)
                for note in follower.newNotes() { Terminal.printError("candor: \(note)") }
                flush()
                if frames == 0 {
                    var pause = timespec(tv_sec: 0, tv_nsec: 100_000_000)
                    nanosleep(&pause, nil)
                }
            }
        } catch {
            throw .input(error.description)
        }
    }
}
