import ArgumentParser
import Gateway
#if canImport(Glibc)
import Glibc
#endif

/// `candor run`: the live daemon (`Gateway.GatewayDaemon` over `SocketCANBuses`); this file
/// only parses the options and maps the outcome to an exit status.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the live gateway: read every configured CAN bus, decode, aggregate, store.",
        discussion: """
            Opens every bus of candor.yaml with SocketCAN, then decodes, aggregates and writes \
            the records to the configured sinks as `candor replay` does for captures (the same \
            records for the same frames). Under systemd (Type=notify) it sends READY=1 once every \
            bus is open, STATUS= with the frame rate (and the uplink's link and outbox backlog), WATCHDOG=1 at half of WatchdogSec and \
            STOPPING=1 on shutdown. SIGTERM or SIGINT stops the readers, drains the queued frames, \
            closes every open window and flushes and closes the sinks. SIGHUP (systemctl reload) \
            reads candor.yaml and its DBCs again and swaps them in at the next window boundary \
            (RELOADING=1, then READY=1); a bad file is rejected with its error and the running \
            setup is kept. Logs go to standard error (journal format when started by systemd).

            Every second the CAN controllers' state and error counters are read (libsocketcan), \
            changes and bus-off episodes logged and exported. A bus with `controller: { \
            configure: true }` gets its bitrate (and restart_ms) set before it is opened; that \
            needs CAP_NET_ADMIN.

            Exit status: 0 after a clean shutdown, 1 when a bus cannot be opened (no AF_CAN in \
            the kernel, missing interface, no permission), a controller cannot be configured or \
            a sink cannot be opened, 2 for a bad config. A sink, the recorder or the decoded log \
            that fails while running (disk full, I/O error) is logged and counted; ingest goes on.

            Examples:
              candor run --config /etc/candor/candor.yaml
              CANDOR_STATE_DIR=/tmp/candor candor run --config Systemd/candor.example.yaml
              systemctl start candor      # Systemd/candor.service runs `candor run --config …`
              systemctl reload candor     # SIGHUP: re-read candor.yaml and the DBCs
              candor tail --message 'BMS_*'   # watch decoded frames (needs `tail:` in the config)
            """
    )

    @Option(help: "candor.yaml: vehicles, buses, semantic map, rules, sinks.")
    var config: String

    func run() throws {
        let environment = Environment.current()
        // Signals blocked before any thread starts (every thread inherits the mask).
        let signals = ProcessSignals()
        // A duplicate of stderr: libsocketcan calls briefly point fd 2 itself at a pipe.
        let logDescriptor = fcntl(2, F_DUPFD_CLOEXEC, 3)
        let log = GatewayLog(label: "candor", format: .detect(environment: environment),
                             output: logDescriptor >= 0 ? GatewayLog.output(descriptor: logDescriptor) : nil)
        let daemon = GatewayDaemon(configFile: config, environment: environment, log: log, buses: SocketCANBuses(),
                                   signals: signals, notifier: ServiceNotifier(environment: environment))
        do { try daemon.run() } catch {
            throw error.kind == .config ? CommandFailure.input(error.message) : CommandFailure.runtime(error.message)
        }
    }
}
