import Gateway
import SocketCAN

/// What the daemon says about its buses: reader events as they happen (an interface that
/// went down or away, and came back) and each reader's counters at shutdown.
extension LiveFrameSource {
    /// The source for `candor run`: every bus of the config, with the `live:` section's
    /// receive buffer and queue.
    static func forDaemon(interfaces: [String], live: LiveInputOptions) throws(SocketCANError) -> LiveFrameSource {
        var socket = CANSocketOptions()
        socket.receiveBufferBytes = live.receiveBufferBytes
        return try LiveFrameSource(Configuration(interfaces: interfaces, socket: socket, queueCapacity: live.queueCapacity))
    }

    /// Logs the events since the last call: reopens as notices, the rest as warnings.
    func logEvents(to log: GatewayLog) {
        for event in events() {
            switch event.kind {
            case .opened(let attempt) where attempt == 0: continue  // "buses open" says it
            case .opened, .stopped: log.notice(event.description, ["bus": event.interface])
            case .interfaceDown, .interfaceRemoved, .failed: log.warning(event.description, ["bus": event.interface])
            }
        }
    }

    /// One line per bus with its reader's totals (for the shutdown log).
    func logStatistics(to log: GatewayLog) {
        for stats in statistics {
            log.notice("bus totals", [
                "bus": stats.interface, "frames": String(stats.framesReceived), "error_frames": String(stats.errorFrames),
                "kernel_drops": String(stats.kernelDrops), "queue_drops": String(stats.queueDrops),
                "reopens": String(stats.reopens),
            ])
        }
    }
}
