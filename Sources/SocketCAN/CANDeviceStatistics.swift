import CSocketCAN

/// The driver's event counters since the interface was created (`struct can_device_stats`,
/// `linux/can/netlink.h`): how often the controller entered each error state and recovered.
/// They count transitions that happen between two polls, which a poll of the state alone
/// misses (a bus-off ended by restart-ms after 100 ms).
public struct CANDeviceStatistics: Sendable, Hashable {
    /// Bus errors seen by the controller (`bus_error`).
    public var busErrors: Int
    /// Entries into error-warning (`error_warning`).
    public var errorWarning: Int
    /// Entries into error-passive (`error_passive`).
    public var errorPassive: Int
    /// Entries into bus-off (`bus_off`).
    public var busOff: Int
    /// Arbitration lost (`arbitration_lost`).
    public var arbitrationLost: Int
    /// Controller restarts after bus-off, by restart-ms or `can_do_restart` (`restarts`).
    public var restarts: Int

    public init(busErrors: Int = 0, errorWarning: Int = 0, errorPassive: Int = 0, busOff: Int = 0, arbitrationLost: Int = 0, restarts: Int = 0) {
        self.busErrors = busErrors
        self.errorWarning = errorWarning
        self.errorPassive = errorPassive
        self.busOff = busOff
        self.arbitrationLost = arbitrationLost
        self.restarts = restarts
    }

    /// The counters with their kernel names (`bus_error`, …), in the kernel struct's order.
    public var named: [(name: String, count: Int)] {
        [("bus_error", busErrors), ("error_warning", errorWarning), ("error_passive", errorPassive),
         ("bus_off", busOff), ("arbitration_lost", arbitrationLost), ("restarts", restarts)]
    }
}

extension CANController {
    /// The driver's event counters. The corresponding C function is `can_get_device_stats`.
    public func deviceStatistics() throws(SocketCANError) -> CANDeviceStatistics {
        var stats = can_device_stats()
        try check("can_get_device_stats", SocketCANLibrary.call { can_get_device_stats(interface, &stats) })
        return CANDeviceStatistics(
            busErrors: Int(stats.bus_error), errorWarning: Int(stats.error_warning), errorPassive: Int(stats.error_passive),
            busOff: Int(stats.bus_off), arbitrationLost: Int(stats.arbitration_lost), restarts: Int(stats.restarts))
    }

    /// The interface's index, or nil when no interface has this name (`if_nametoindex`).
    /// A deleted and re-created interface gets a new index.
    public func interfaceIndex() -> Int? {
        if case .success(let index) = Syscall.interfaceIndex(interface) { return Int(index) }
        return nil
    }
}
