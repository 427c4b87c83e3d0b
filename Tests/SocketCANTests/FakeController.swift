import SocketCAN
import Synchronization

/// A scripted CAN controller: each poll reads the next reading of `script` (the last one
/// repeats); every call is recorded. Stands in for libsocketcan at the `CANControllerAccess` seam.
final class FakeController: CANControllerAccess {
    struct Reading {
        var state: Result<CANControllerState, SocketCANError>
        var counters = CANBusErrorCounters(transmit: 0, receive: 0)
        var statistics: CANDeviceStatistics? = CANDeviceStatistics()
        /// nil: the interface does not exist at this poll.
        var index: Int? = 7
    }

    struct Script {
        var readings: [Reading]
        var next = 0
        var calls: [String] = []
        var failing: [String: SocketCANError] = [:]
    }

    let interface: String
    private let script: Mutex<Script>

    init(_ interface: String, _ readings: [Reading], failing: [String: SocketCANError] = [:]) {
        self.interface = interface
        script = Mutex(Script(readings: readings, failing: failing))
    }

    convenience init(_ interface: String, states: [CANControllerState], transmit: [Int]? = nil) {
        let readings = states.enumerated().map { i, state in
            Reading(state: .success(state), counters: CANBusErrorCounters(transmit: transmit?[i] ?? 0, receive: 0))
        }
        self.init(interface, readings)
    }

    static func vcanFailure(_ interface: String) -> SocketCANError {
        SocketCANError(.controllerRequestFailed, operation: "can_get_state", interface: interface, detail: "libsocketcan: no link data found")
    }

    var calls: [String] { script.withLock { $0.calls } }

    private func record(_ call: String) throws(SocketCANError) {
        let failure: SocketCANError? = script.withLock {
            $0.calls.append(call)
            return $0.failing[call]
        }
        if let failure { throw failure }
    }

    /// Called first in every poll: moves the script on.
    func interfaceIndex() -> Int? {
        script.withLock { s in
            s.calls.append("index")
            defer { s.next += 1 }
            return s.readings[min(s.next, s.readings.count - 1)].index
        }
    }

    private var polled: Reading { script.withLock { $0.readings[min(max($0.next - 1, 0), $0.readings.count - 1)] } }

    func state() throws(SocketCANError) -> CANControllerState {
        try record("state")
        return try polled.state.get()
    }

    func busErrorCounters() throws(SocketCANError) -> CANBusErrorCounters {
        try record("berr")
        return polled.counters
    }

    func deviceStatistics() throws(SocketCANError) -> CANDeviceStatistics {
        try record("stats")
        guard let statistics = polled.statistics else { throw Self.vcanFailure(interface) }
        return statistics
    }

    func bitTiming() throws(SocketCANError) -> CANBitTiming {
        try record("bittiming")
        return CANBitTiming(bitrate: 250_000, samplePointPerMille: 875, timeQuantumNanoseconds: 250)
    }

    func restartMilliseconds() throws(SocketCANError) -> Int {
        try record("restart_ms")
        return 0
    }

    func restart() throws(SocketCANError) { try record("restart") }
    func stop() throws(SocketCANError) { try record("stop") }
    func start() throws(SocketCANError) { try record("start") }
    func setBitrate(_ bitrate: Int, samplePointPerMille: Int?) throws(SocketCANError) { try record("bitrate \(bitrate)") }
    func setRestartMilliseconds(_ milliseconds: Int) throws(SocketCANError) { try record("restart_ms \(milliseconds)") }
}
