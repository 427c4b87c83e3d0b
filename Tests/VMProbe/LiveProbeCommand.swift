import ArgumentParser
import CANCore
import SocketCAN
#if canImport(Glibc)
import Glibc
#endif

/// `candor-probe`: a test-support tool for the VM checks (Tests/VM/guest/checks.sh), never in the
/// product — it drives the SocketCAN module directly (dump, paced send, drop counting, the
/// controller), where the checks need more control than `candor decode --interface` and
/// `candor replay --to` give. Tests/VM/run.sh builds it and installs it in the guest.
@main
struct LiveProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candor-probe",
        abstract: "Exercise SocketCAN directly (for the VM tests).",
        subcommands: [LiveProbeDump.self, LiveProbeSend.self, LiveProbeDrops.self, LiveProbeController.self]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            let line = "candor-probe: \(failure.message)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            Glibc.exit(failure.status)
        } catch {
            exit(withError: error)
        }
    }
}

/// What a probe command failed with: the message for stderr and the exit status.
struct CommandFailure: Error {
    let message: String
    let status: Int32
    static func runtime(_ message: String) -> Self { Self(message: message, status: 1) }
    static func input(_ message: String) -> Self { Self(message: message, status: 2) }
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
