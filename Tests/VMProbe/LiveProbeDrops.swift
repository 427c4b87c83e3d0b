import ArgumentParser
import CANCore
import SocketCAN

/// Proves the `SO_RXQ_OVFL` drop counter: a socket with a tiny receive buffer does not read
/// while another socket sends `count` frames; then it reads what was kept. Prints
/// `DROPS received=R kernel_drops=D sent=N` (R excludes the final marker frame).
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
            // The kernel stamps each queued frame with the socket's drop count at that moment
            // (SO_RXQ_OVFL), so the drops show on the first frame queued after them: send one.
            try sender.send(generator.next(bus: interface))
            _ = try receiver.receive()
            var out = LiveOutput(descriptor: 1)
            out.line("DROPS \(interface) received=\(received) kernel_drops=\(receiver.kernelDropCount) sent=\(count + 1) rcvbuf_granted=\(receiver.receiveBufferBytes)")
            out.flush()
            receiver.close()
            sender.close()
        } catch {
            throw CommandFailure.runtime(error.description)
        }
    }
}
