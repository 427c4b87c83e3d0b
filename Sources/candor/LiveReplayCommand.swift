import ArgumentParser
import CANCapture
import CANCore
import SocketCAN

/// `candor replay CAPTURE... --to IFACE`: sends captures onto a SocketCAN interface, like
/// canplayer. As fast as the interface takes them by default (waiting when its transmit
/// queue is full), or with the capture's own spacing with `--realtime`.
struct LiveReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send captured frames onto a CAN interface.",
        discussion: """
            Every data and remote frame of the captures goes to the one interface given with --to, whatever bus the capture names; error frames are skipped. CAN FD frames need an FD-capable interface (vcan: `ip link set vcan0 mtu 72`).

            Examples:
              candor replay drive.log --to vcan0
              candor replay --realtime drive.log.gz --to can0
            """
    )

    @Option(help: "The interface to send on.")
    var to: String

    @Flag(help: "Keep the capture's timing instead of sending as fast as possible.")
    var realtime = false

    @OptionGroup var input: CaptureInputOptions

    @Argument(help: "Capture files; `-` reads stdin.")
    var captures: [String]

    func run() throws {
        let replay: ReplayToInterface
        do {
            replay = try ReplayToInterface(interface: to, options: .init(realtime: realtime))
        } catch {
            throw CommandFailure.runtime(error.description)
        }
        defer { replay.close() }
        for path in captures {
            let reader: CaptureReader
            do {
                reader = try CaptureReader(path: path, format: input.inputFormat, strict: input.strict)
            } catch {
                throw CommandFailure.input(error.description)
            }
            while true {
                let frame: CANFrame?
                do { frame = try reader.next() } catch { throw CommandFailure.input(error.description) }
                guard let frame else { break }
                do { try replay.send(frame) } catch { throw CommandFailure.runtime(error.description) }
            }
        }
        let stats = replay.statistics
        if stats.errorFramesSkipped > 0 {
            Terminal.printError("candor: skipped \(stats.errorFramesSkipped) error frame(s) (they cannot be sent)")
        }
    }
}
