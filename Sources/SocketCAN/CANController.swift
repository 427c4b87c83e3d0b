import CSocketCAN

/// The state of a CAN controller's error confinement (`enum can_state`, `linux/can/netlink.h`).
/// A struct, so values a newer kernel adds still round-trip.
public struct CANControllerState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Error counters below 96. The corresponding C constant is `CAN_STATE_ERROR_ACTIVE`.
    public static let errorActive = CANControllerState(rawValue: 0)
    /// A counter at 96 or more. The corresponding C constant is `CAN_STATE_ERROR_WARNING`.
    public static let errorWarning = CANControllerState(rawValue: 1)
    /// A counter at 128 or more. The corresponding C constant is `CAN_STATE_ERROR_PASSIVE`.
    public static let errorPassive = CANControllerState(rawValue: 2)
    /// Transmit counter past 255: off the bus. The corresponding C constant is `CAN_STATE_BUS_OFF`.
    public static let busOff = CANControllerState(rawValue: 3)
    /// The interface is down. The corresponding C constant is `CAN_STATE_STOPPED`.
    public static let stopped = CANControllerState(rawValue: 4)
    /// The corresponding C constant is `CAN_STATE_SLEEPING`.
    public static let sleeping = CANControllerState(rawValue: 5)

    public var description: String {
        switch self {
        case .errorActive: "error-active"
        case .errorWarning: "error-warning"
        case .errorPassive: "error-passive"
        case .busOff: "bus-off"
        case .stopped: "stopped"
        case .sleeping: "sleeping"
        default: "state-\(rawValue)"
        }
    }
}

/// The controller's transmit and receive error counters (`struct can_berr_counter`).
public struct CANBusErrorCounters: Sendable, Hashable {
    public var transmit: Int
    public var receive: Int
    public init(transmit: Int, receive: Int) {
        self.transmit = transmit
        self.receive = receive
    }
}

/// The bit timing the driver computed (`struct can_bittiming`).
public struct CANBitTiming: Sendable, Hashable {
    public var bitrate: Int
    /// Sample point in tenths of a percent (875 = 87.5 %).
    public var samplePointPerMille: Int
    public var timeQuantumNanoseconds: Int

    public init(bitrate: Int, samplePointPerMille: Int, timeQuantumNanoseconds: Int) {
        self.bitrate = bitrate
        self.samplePointPerMille = samplePointPerMille
        self.timeQuantumNanoseconds = timeQuantumNanoseconds
    }
}

/// A CAN controller's link settings and health, through libsocketcan (rtnetlink).
///
/// Reading works for any user. Changing the bitrate, restart-ms or restarting needs
/// `CAP_NET_ADMIN`, works only on real (or emulated) controllers, not vcan, and is therefore
/// opt-in in candor's configuration. Bitrate and restart-ms can be set only while the
/// interface is down (`stop()` first, `start()` after).
public struct CANController: Sendable {
    public let interface: String

    public init(interface: String) { self.interface = interface }

    func check(_ operation: String, _ outcome: (result: CInt, errno: Errno?, printed: String)) throws(SocketCANError) {
        guard outcome.result != 0 else { return }
        var code = SocketCANError.Code.controllerRequestFailed
        if let errno = outcome.errno {
            let mapped = SocketCANError.Code(errno)
            if mapped == .interfaceRemoved { code = .interfaceNotFound } else if mapped != .system { code = mapped }
        }
        // libsocketcan reports the kernel's answer with perror() and then loses the errno
        // (EPERM arrives as EINVAL): what it printed is the reliable part.
        if outcome.printed.contains("Operation not permitted") || outcome.printed.contains("Permission denied") {
            code = .permissionDenied
        }
        throw SocketCANError(code, operation: operation, interface: interface, errno: outcome.errno,
                             detail: outcome.printed.isEmpty ? nil : "libsocketcan: \(outcome.printed)")
    }

    /// The error-confinement state. The corresponding C function is `can_get_state`.
    /// - Throws: `SocketCANError` (`.controllerRequestFailed` on vcan, which has no state).
    public func state() throws(SocketCANError) -> CANControllerState {
        var value: CInt = 0
        try check("can_get_state", SocketCANLibrary.call { can_get_state(interface, &value) })
        return CANControllerState(rawValue: value)
    }

    /// The error counters. The corresponding C function is `can_get_berr_counter`.
    public func busErrorCounters() throws(SocketCANError) -> CANBusErrorCounters {
        var counters = can_berr_counter()
        try check("can_get_berr_counter", SocketCANLibrary.call { can_get_berr_counter(interface, &counters) })
        return CANBusErrorCounters(transmit: Int(counters.txerr), receive: Int(counters.rxerr))
    }

    /// The current bit timing. The corresponding C function is `can_get_bittiming`.
    public func bitTiming() throws(SocketCANError) -> CANBitTiming {
        var timing = can_bittiming()
        try check("can_get_bittiming", SocketCANLibrary.call { can_get_bittiming(interface, &timing) })
        return CANBitTiming(bitrate: Int(timing.bitrate), samplePointPerMille: Int(timing.sample_point),
                            timeQuantumNanoseconds: Int(timing.tq))
    }

    /// The controller clock in Hz. The corresponding C function is `can_get_clock`.
    public func clockHertz() throws(SocketCANError) -> Int {
        var clock = can_clock()
        try check("can_get_clock", SocketCANLibrary.call { can_get_clock(interface, &clock) })
        return Int(clock.freq)
    }

    /// Automatic restart delay after bus-off (0 = off). The corresponding C function is `can_get_restart_ms`.
    public func restartMilliseconds() throws(SocketCANError) -> Int {
        var value: UInt32 = 0
        try check("can_get_restart_ms", SocketCANLibrary.call { can_get_restart_ms(interface, &value) })
        return Int(value)
    }

    /// Sets the bitrate (interface down). The corresponding C function is `can_set_bitrate`
    /// (`can_set_bitrate_samplepoint` with a sample point in per mille).
    public func setBitrate(_ bitrate: Int, samplePointPerMille: Int? = nil) throws(SocketCANError) {
        if let samplePointPerMille {
            try check("can_set_bitrate_samplepoint", SocketCANLibrary.call {
                can_set_bitrate_samplepoint(interface, UInt32(bitrate), UInt32(samplePointPerMille))
            })
        } else {
            try check("can_set_bitrate", SocketCANLibrary.call { can_set_bitrate(interface, UInt32(bitrate)) })
        }
    }

    /// Sets the automatic bus-off restart delay (interface down). The corresponding C function is `can_set_restart_ms`.
    public func setRestartMilliseconds(_ milliseconds: Int) throws(SocketCANError) {
        try check("can_set_restart_ms", SocketCANLibrary.call { can_set_restart_ms(interface, UInt32(milliseconds)) })
    }

    /// Restarts a controller that is bus-off. The corresponding C function is `can_do_restart`.
    public func restart() throws(SocketCANError) {
        try check("can_do_restart", SocketCANLibrary.call { can_do_restart(interface) })
    }

    /// Sets the interface up. The corresponding C function is `can_do_start`.
    public func start() throws(SocketCANError) {
        try check("can_do_start", SocketCANLibrary.call { can_do_start(interface) })
    }

    /// Sets the interface down. The corresponding C function is `can_do_stop`.
    public func stop() throws(SocketCANError) {
        try check("can_do_stop", SocketCANLibrary.call { can_do_stop(interface) })
    }
}
