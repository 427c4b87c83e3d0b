import ArgumentParser
import CANCore
import CANDatabase
import Gateway
import SocketCAN

/// Live-interface options for decoding; what `candor decode --interface` takes.
struct LiveInterfaceOptions: ParsableArguments {
    @Option(name: .customLong("interface"), help: "Read frames live from this SocketCAN interface (repeatable).")
    var interfaces: [String] = []

    @Option(help: "Stop after this many frames (live input).")
    var count: Int?

    @Option(help: "Stop after this many seconds (live input).")
    var duration: Double?

    @Option(help: "Socket receive buffer in bytes (SO_RCVBUF; live input).")
    var rcvbuf: Int?

    @Flag(help: """
        Let the kernel pass only the ids of the interface's DBC (CAN_RAW_FILTER; live input): \
        frames of other ids are never read. Not with J1939 PGN matching.
        """)
    var kernelFilter = false

    func validate() throws {
        if let count, count <= 0 { throw ValidationError("--count must be positive") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
    }

    /// Opens the interfaces. Frames get 6-digit timestamps, as candump prints them.
    /// With `--kernel-filter`, each interface with a DBC gets the kernel filters of its messages.
    func openSource(plans: BusPlans) throws(CommandFailure) -> LiveFrameSource {
        var socket = CANSocketOptions()
        socket.receiveBufferBytes = rcvbuf
        var configuration = LiveFrameSource.Configuration(interfaces: interfaces, socket: socket)
        if kernelFilter {
            switch plans.kernelFilters(for: interfaces) {
            case .success(let filters): configuration.filtersByInterface = filters
            case .failure(let failure): throw .input("--kernel-filter: \(failure)")
            }
        }
        configuration.frameLimit = count
        configuration.durationNanoseconds = duration.map { Int64($0 * 1e9) }
        do {
            return try LiveFrameSource(configuration)
        } catch {
            throw .runtime(error.description)
        }
    }
}
