import Telemetry

/// A signal by its names — vehicle, bus, message, signal — hashed as they are, so a closed
/// window is looked up (the store's signal ids, the uplink's mapped signals, the metrics'
/// roles) without building a key string or array per window.
public struct SignalKey: Hashable, Sendable {
    public var vehicle: String
    public var bus: String
    public var message: String
    public var signal: String

    public init(vehicle: String, bus: String, message: String, signal: String) {
        self.vehicle = vehicle
        self.bus = bus
        self.message = message
        self.signal = signal
    }

    /// The signal `r` is a window of.
    public init(_ r: SignalWindowRecord) {
        self.init(vehicle: r.vehicle, bus: r.bus, message: r.message, signal: r.signal)
    }

    /// Whether `r` is this signal's window (without building a key from it).
    func names(_ r: SignalWindowRecord) -> Bool {
        signal == r.signal && message == r.message && bus == r.bus && vehicle == r.vehicle
    }
}
