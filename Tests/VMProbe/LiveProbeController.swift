import ArgumentParser
import SocketCAN

/// Reads (and optionally sets) a controller's link through libsocketcan; prints `key=value`.
struct LiveProbeController: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "controller", abstract: "Controller state, counters, bitrate (libsocketcan).")

    @Argument(help: "Interface.")
    var interface: String

    @Option(help: "Set this bitrate (interface is stopped and started around it).")
    var bitrate: Int?

    @Option(help: "Set restart-ms (automatic bus-off restart).")
    var restartMs: Int?

    @Flag(help: "Set the interface up afterwards.")
    var start = false

    @Flag(help: "Restart the controller (after bus-off).")
    var restart = false

    func run() throws {
        let controller = CANController(interface: interface)
        var out = LiveOutput(descriptor: 1)
        do {
            if bitrate != nil || restartMs != nil {
                try controller.stop()
                if let restartMs { try controller.setRestartMilliseconds(restartMs) }
                if let bitrate { try controller.setBitrate(bitrate) }
            }
            if start || bitrate != nil || restartMs != nil { try controller.start() }
            if restart { try controller.restart() }
        } catch {
            throw CommandFailure.runtime(error.description)
        }
        func field<T>(_ name: String, _ read: () throws(SocketCANError) -> T) {
            do { out.line("\(name)=\(try read())") } catch { out.line("\(name)=error: \(error)") }
        }
        out.line("interface=\(interface)")
        field("state") { () throws(SocketCANError) in try controller.state() }
        field("berr") { () throws(SocketCANError) in
            let counters = try controller.busErrorCounters()
            return "tx:\(counters.transmit),rx:\(counters.receive)"
        }
        field("bitrate") { () throws(SocketCANError) in try controller.bitTiming().bitrate }
        field("sample_point") { () throws(SocketCANError) in try controller.bitTiming().samplePointPerMille }
        field("clock_hz") { () throws(SocketCANError) in try controller.clockHertz() }
        field("restart_ms") { () throws(SocketCANError) in try controller.restartMilliseconds() }
        field("stats") { () throws(SocketCANError) in
            try controller.deviceStatistics().named.map { "\($0.name):\($0.count)" }.joined(separator: ",")
        }
        out.flush()
    }
}
