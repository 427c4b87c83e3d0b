#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `candor tail`'s filters, applied in the client: a frame passes when it is on `bus`, has
/// `id`, its message name matches `message` (shell glob), and (with `signal`) at least one
/// signal name matches; with `signal`, only the matching signals are shown in text form.
public struct TailFilter: Sendable, Equatable {
    public var bus: String?
    public var id: UInt32?
    public var message: String?
    public var signal: String?

    public init(bus: String? = nil, id: UInt32? = nil, message: String? = nil, signal: String? = nil) {
        self.bus = bus
        self.id = id
        self.message = message
        self.signal = signal
    }

    /// The line as shown, or nil when filtered out.
    public func apply(_ line: TailLine) -> TailLine? {
        if let bus, line.bus != bus { return nil }
        if let id, line.id != id { return nil }
        if let message {
            guard let name = line.message, Self.matches(message, name) else { return nil }
        }
        guard let signal else { return line }
        var shown = line
        shown.signals = line.signals.filter { Self.matches(signal, $0.name) }
        return shown.signals.isEmpty ? nil : shown
    }

    static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
