import ArgumentParser
import CANCore
import SocketCAN

/// Sends generated frames (seeded) through `ReplayToInterface`, optionally paced, and
/// prints what it sent as candump `-L` lines (timestamps zero) so a receiver can be compared.
struct LiveProbeSend: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "send", abstract: "Send seeded generated frames.")

    @Argument(help: "Interface.")
    var interface: String

    @Option(help: "Number of frames.")
    var count: Int = 100

    @Option(help: "Generator seed.")
    var seed: UInt64 = 1

    @Flag(help: "Include CAN FD frames (the interface needs MTU 72).")
    var fd = false

    @Flag(help: "Include remote frames.")
    var remote = false

    @Option(help: "Frames per second (0: as fast as possible).")
    var rate: Double = 0

    @Flag(help: "Print the frames sent, candump -L style, bus name as given by --print-bus.")
    var print = false

    @Option(help: "Bus name used in printed lines.")
    var printBus: String?

    @Flag(help: "Only print the frames (with their pacing timestamps); open no socket. Makes captures.")
    var dryRun = false

    @Option(help: "Send the data and remote frames of this capture, cycled, instead of generated ones.")
    var from: String?

    @Option(help: "With --from: pace at wire speed for this nominal bit rate (frames back to back).")
    var bitrate: Int?

    @Option(help: "With --from and --bitrate: the CAN FD data bit rate (default: --bitrate).")
    var dataBitrate: Int?

    @Option(help: "With --from: send for this many seconds of paced time instead of --count frames.")
    var duration: Double?

    @Option(help: "With --from: stop after this many seconds of real time even when behind the pace (a slow emulated host).")
    var wallLimit: Double?

    func validate() throws {
        if from == nil && (bitrate != nil || dataBitrate != nil || duration != nil) {
            throw ValidationError("--bitrate, --data-bitrate and --duration need --from")
        }
        if duration != nil && bitrate == nil && rate <= 0 { throw ValidationError("--duration needs --bitrate or --rate") }
        if let bitrate, bitrate <= 0 { throw ValidationError("--bitrate must be positive") }
        if from != nil && dryRun { throw ValidationError("--from cannot be combined with --dry-run") }
    }

    func run() throws {
        if let from {
            try CaptureCycleSender(
                frames: try CaptureCycleSender.load(from), interface: interface, bitrate: bitrate, dataBitrate: dataBitrate,
                rate: rate, durationNanoseconds: duration.map { Int64($0 * 1e9) }, count: count, printBus: printBus,
                print: print, wallLimit: wallLimit.map { .nanoseconds(Int64($0 * 1e9)) }
            ).run()
            return
        }
        var generator = LiveFrameGenerator(seed: seed, includeFD: fd, includeRemote: remote)
        if dryRun {
            var out = LiveOutput(descriptor: 1)
            for index in 0..<count {
                var frame = generator.next(bus: printBus ?? interface)
                frame.timestamp = CANTimestamp(totalNanoseconds: 1_700_000_000_000_000_000 + Int64(index) * 1_000_000, fractionDigits: 6)
                out.append(frame)
            }
            out.flush()
            return
        }
        var log = LiveOutput(descriptor: 2)
        log.line("SEND \(interface) count=\(count) seed=\(seed) fd=\(fd) remote=\(remote) rate=\(rate)")
        log.flush()
        let replay: ReplayToInterface
        do { replay = try ReplayToInterface(interface: interface, options: .init(realtime: rate > 0)) } catch {
            throw CommandFailure.runtime(error.description)
        }
        var out = LiveOutput(descriptor: 1)
        let period = rate > 0 ? Int64(1e9 / rate) : 0
        let clock = ContinuousClock()
        let started = clock.now
        for index in 0..<count {
            var frame = generator.next(bus: printBus ?? interface)
            // Pacing through ReplayToInterface's realtime clock: frame i is due at i * period.
            frame.timestamp = CANTimestamp(totalNanoseconds: Int64(index) * period, fractionDigits: 6)
            do { try replay.send(frame) } catch { throw CommandFailure.runtime(error.description) }
            if print {
                frame.timestamp = .zero
                out.append(frame)
            }
        }
        out.flush()
        let took = started.duration(to: clock.now)
        let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        let stats = replay.statistics
        log.line("SENT \(interface) frames=\(stats.framesSent) enobufs_waits=\(stats.noBufferSpaceWaits) "
            + "seconds=\(seconds) rate=\(Int(Double(stats.framesSent) / max(seconds, 1e-9)))")
        log.flush()
        replay.close()
    }
}
