import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

@main
struct Candor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candor",
        abstract: "CAN-bus telemetry gateway: decode, aggregate, store, record and replay.",
        discussion: """
            Exit status: 0 success, 1 runtime failure, 2 usage or input error.

            Examples:
              candor decode --dbc Fixtures/dbc/fleet/van.dbc Fixtures/captures/fleet/van-cltc-p/capture.log.gz
              candor simulate --vehicle van --duration 10m --output /tmp/van
              candor replay --config /tmp/van/candor.yaml /tmp/van/capture.log --summary /tmp/van/summary.json
              candor dbc check vehicle.dbc
              candor convert drive.log drive.pcapng
              candor bench
            """,
        version: "0.1.0",
        subcommands: [
            DecodeCommand.self,
            ConvertCommand.self,
            DBCCommand.self,
            BenchCommand.self,
            SimulateCommand.self,
            ReplayCommand.self,
            TailCommand.self,
            RunCommand.self,
            GBT32960Command.self,
            ReportCommand.self,
            CollectCommand.self,
        ]
    )

    /// Runs the command; maps errors to candor's exit codes (2 for usage and input errors).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            Terminal.printError("candor: \(failure.message)")
            Glibc.exit(failure.status)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Terminal.printError(fullMessage(for: error))
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// An error the executable reports itself: a message and an exit status.
struct CommandFailure: Error {
    var message: String
    var status: Int32

    /// Bad input: a missing or malformed file, a bad option value. Exit status 2.
    static func input(_ message: String) -> CommandFailure { CommandFailure(message: message, status: 2) }
    /// Something failed while running. Exit status 1.
    static func runtime(_ message: String) -> CommandFailure { CommandFailure(message: message, status: 1) }
}
