/// What the daemon sets on a CAN controller before it opens the bus
/// (`controller: { configure: true }` in candor.yaml): the bitrate and, when given,
/// restart-ms. The interface is set down, configured and set up again. Needs `CAP_NET_ADMIN`.
public struct ControllerSetup: Sendable, Hashable {
    public var interface: String
    /// Nominal bitrate, bit/s.
    public var bitrate: Int
    /// Automatic restart after bus-off, ms (0 = off); nil leaves the controller's value.
    public var restartMilliseconds: Int?

    public init(interface: String, bitrate: Int, restartMilliseconds: Int? = nil) {
        precondition(bitrate > 0 && (restartMilliseconds ?? 0) >= 0, "bitrate > 0 and restart-ms ≥ 0")
        self.interface = interface
        self.bitrate = bitrate
        self.restartMilliseconds = restartMilliseconds
    }

    /// Down, restart-ms, bitrate, up. On a failure after the interface went down it is set up
    /// again (best effort) before the error is thrown. Returns the bit timing the driver chose.
    @discardableResult
    public func apply(to controller: some CANControllerAccess) throws(ControllerSetupError) -> CANBitTiming? {
        guard controller.interfaceIndex() != nil else {
            throw ControllerSetupError(interface: interface, reason: .interfaceNotFound, cause: nil)
        }
        do { _ = try controller.state() } catch {
            throw ControllerSetupError(interface: interface, reason: .noController, cause: error)
        }
        do { try controller.stop() } catch { throw ControllerSetupError(interface: interface, cause: error) }
        do {
            if let restartMilliseconds { try controller.setRestartMilliseconds(restartMilliseconds) }
            try controller.setBitrate(bitrate, samplePointPerMille: nil)
        } catch {
            try? controller.start()
            throw ControllerSetupError(interface: interface, cause: error)
        }
        do { try controller.start() } catch { throw ControllerSetupError(interface: interface, cause: error) }
        return try? controller.bitTiming()
    }
}

/// Why `ControllerSetup.apply` failed, worded for the operator.
public struct ControllerSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case interfaceNotFound
        /// vcan and other interfaces without a CAN controller.
        case noController
        /// `EPERM`: the process lacks `CAP_NET_ADMIN`.
        case permissionDenied
        case failed
    }

    public var interface: String
    public var reason: Reason
    /// The libsocketcan failure, if there was one.
    public var cause: SocketCANError?

    public init(interface: String, reason: Reason, cause: SocketCANError?) {
        self.interface = interface
        self.reason = reason
        self.cause = cause
    }

    /// `.permissionDenied` when the cause is `EPERM`/`EACCES`, else `.failed`.
    init(interface: String, cause: SocketCANError) {
        self.init(interface: interface, reason: cause.code == .permissionDenied ? .permissionDenied : .failed, cause: cause)
    }

    public var description: String {
        switch reason {
        case .interfaceNotFound:
            return "\(interface): no such interface; controller.configure needs it present at startup"
        case .noController:
            return "\(interface) has no CAN controller (a virtual interface such as vcan?): controller.configure works only on a real controller; remove it from this bus"
        case .permissionDenied:
            return "\(interface): configuring the controller (\(cause?.operation ?? "libsocketcan")) needs CAP_NET_ADMIN: "
                + "add a drop-in to candor.service with AmbientCapabilities=CAP_NET_ADMIN and CapabilityBoundingSet=CAP_NET_ADMIN "
                + "(Systemd/README.md), or set the bitrate with systemd-networkd and drop controller.configure"
        case .failed:
            return "\(interface): configuring the controller failed: \(cause.map(String.init(describing:)) ?? "unknown error")"
        }
    }
}
