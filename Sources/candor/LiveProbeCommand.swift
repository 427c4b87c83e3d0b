import ArgumentParser
import CANCore
import SocketCAN

/// Hidden tool for the VM checks (Tests/VM): exercises the SocketCAN module directly until
/// `candor decode --interface` and `candor replay --to` are wired on main.
struct LiveProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "socketcan-probe",
        abstract: "Exercise SocketCAN directly (for the VM tests).",
        shouldDisplay: false,
        subcommands: [LiveProbeDump.self, LiveProbeSend.self, LiveProbeDrops.self, LiveProbeController.self, LiveProbeDecode.self]
    )
}

/// Shared socket flags.
struct LiveSocketOptions: ParsableArguments {
    @Option(help: "Receive buffer in bytes (SO_RCVBUF).")
    var rcvbuf: Int?

    @Option(help: "Timestamp fraction digits, 6 or 9.")
    var digits: UInt8 = 6

    @Flag(help: "Ask for hardware timestamps (SO_TIMESTAMPING).")
    var hardwareTimestamps = false

    @Option(help: "Kernel filter: only these ids (hex; 8 digits = extended). Repeatable.")
    var id: [String] = []

    func validate() throws {
        guard digits == 6 || digits == 9 else { throw ValidationError("--digits must be 6 or 9") }
        for text in id where UInt32(text, radix: 16) == nil { throw ValidationError("--id \(text): not hex") }
    }

    var socketOptions: CANSocketOptions {
        var options = CANSocketOptions()
        options.receiveBufferBytes = rcvbuf
        options.fractionDigits = digits
        options.hardwareTimestamps = hardwareTimestamps
        if !id.isEmpty {
            options.filters = id.map { CANIDFilter.exactly(id: UInt32($0, radix: 16)!, isExtended: $0.count == 8) }
        }
        return options
    }
}

/// Receives from interfaces through `LiveFrameSource` and prints candump `-L` lines;
/// statistics and events go to stderr.
struct LiveProbeDump: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dump", abstract: "Print received frames as candump -L lines.")

    @Argument(help: "Interfaces.")
    var interfaces: [String]

    @Option(help: "Stop after this many frames.")
    var count: Int?

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Flag(help: "Print no frames, only statistics.")
    var quiet = false

    @OptionGroup var socket: LiveSocketOptions

    func run() throws {
        var configuration = LiveFrameSource.Configuration(interfaces: interfaces, socket: socket.socketOptions)
        configuration.frameLimit = count
        configuration.durationNanoseconds = duration.map { Int64($0 * 1e9) }
        let source: LiveFrameSource
        do { source = try LiveFrameSource(configuration) } catch { throw CommandFailure.runtime(error.description) }
        var out = LiveOutput(descriptor: 1)
        var log = LiveOutput(descriptor: 2)
        var last: [String: CANTimestamp] = [:]
        var backwards = 0
        var largestStepBack: Int64 = 0
        var frames = 0
        while let frame = source.next() {
            frames += 1
            if let previous = last[frame.bus], frame.timestamp < previous {
                backwards += 1
                largestStepBack = max(largestStepBack, previous.totalNanoseconds - frame.timestamp.totalNanoseconds)
            }
            last[frame.bus] = frame.timestamp
            if !quiet { out.append(frame) }
        }
        out.flush()
        source.stop()
        for event in source.events() { log.line("EVENT \(event)") }
        for stats in source.statistics {
            log.line("STATS \(stats.interface) frames=\(stats.framesReceived) error_frames=\(stats.errorFrames) "
                + "kernel_drops=\(stats.kernelDrops) queue_drops=\(stats.queueDrops) reopens=\(stats.reopens) "
                + "hw_timestamps=\(stats.hardwareTimestampedFrames)")
        }
        log.line("STATS total frames=\(frames) queue_overflow=\(source.queueOverflowCount) timestamps_backwards=\(backwards) largest_step_back_ns=\(largestStepBack)")
        log.flush()
    }
}
