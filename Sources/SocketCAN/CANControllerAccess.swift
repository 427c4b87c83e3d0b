/// What candor does with a CAN controller through rtnetlink: read its state and counters,
/// restart it after bus-off, set its bitrate and restart-ms. `CANController` (libsocketcan)
/// in the daemon; tests drive `ControllerMonitor` and `ControllerSetup` with a scripted fake.
public protocol CANControllerAccess: Sendable {
    var interface: String { get }
    /// The interface's index, nil when there is no interface of this name.
    func interfaceIndex() -> Int?
    func state() throws(SocketCANError) -> CANControllerState
    func busErrorCounters() throws(SocketCANError) -> CANBusErrorCounters
    func deviceStatistics() throws(SocketCANError) -> CANDeviceStatistics
    func bitTiming() throws(SocketCANError) -> CANBitTiming
    func restartMilliseconds() throws(SocketCANError) -> Int
    func restart() throws(SocketCANError)
    func stop() throws(SocketCANError)
    func start() throws(SocketCANError)
    func setBitrate(_ bitrate: Int, samplePointPerMille: Int?) throws(SocketCANError)
    func setRestartMilliseconds(_ milliseconds: Int) throws(SocketCANError)
}

extension CANController: CANControllerAccess {}
