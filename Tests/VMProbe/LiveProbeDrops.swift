import ArgumentParser
import CANCore
import SocketCAN

/// Proves the drop counter: a socket with a tiny receive buffer does not read while another
/// socket sends `count` frames; then it reads what was kept. The frames report the counter as
/// it was when each was queued (`SO_RXQ_OVFL`) — all before the drops — so only asking the
/// socket (`SO_MEMINFO`) counts them. Prints
/// `DROPS received=R kernel_drops=D reported_by_frames=F sent=N`.
struct LiveProbeDrops: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drops", abstract: "Overflow a tiny receive buffer and read the drop counter.")

    @Argument(help: "Interface.")
    var interface: String

    @Option(help: "Frames to send while not reading.")
    var count: Int = 500

    @Option(help: "Receive buffer in bytes.")
    var rcvbuf: Int = 1024

    func run() throws {
        do {
            var options = CANSocketOptions()
            options.receiveBufferBytes = rcvbuf
            options.receiveTimeoutMilliseconds = 300
            let receiver = try CANSocket(interface: interface, options: options)
            let sender = try ReplayToInterface(interface: interface)
            var generator = LiveFrameGenerator(seed: 7, includeFD: false, includeRemote: false)
            for _ in 0..<count { try sender.send(generator.next(bus: interface)) }
            var received = 0
            while true {
                do { _ = try receiver.receive(); received += 1 } catch where error.code == .timedOut { break }
            }
            let reportedByFrames = receiver.kernelDropCount
            try receiver.refreshKernelDropCount()
            var out = LiveOutput(descriptor: 1)
            out.line("DROPS \(interface) received=\(received) kernel_drops=\(receiver.kernelDropCount) reported_by_frames=\(reportedByFrames) sent=\(count) rcvbuf_granted=\(receiver.receiveBufferBytes)")
            out.flush()
            receiver.close()
            sender.close()
        } catch {
            throw CommandFailure.runtime(error.description)
        }
    }
}
