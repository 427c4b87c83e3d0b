#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `candor tail`'s filters, applied in the client: a frame passes when it is on `bus`, has
/// `id`, its message name matches `message` (shell glob), and (with `signal`) at least one
/// signal name matches; with `signal`, only the matching signals are shown in text form.
/// Applied to the canonical line's bytes (`CanonicalLineFields`), copying nothing to the heap.
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

    /// Whether the line whose fields are `fields` passes.
    func accepts(_ fields: CanonicalLineFields, of line: UnsafeBufferPointer<UInt8>) -> Bool {
        if let bus, JSONStringText.withUnescaped(line[fields.bus], { $0.elementsEqual(bus.utf8) }) != true { return false }
        if let id, fields.id != id { return false }
        if let message {
            guard let name = fields.message, Self.matches(message, line[name]) else { return false }
        }
        guard signal != nil else { return true }
        var signals = SignalScanner(bytes: line, at: fields.signals.lowerBound)
        while let s = signals.next() {
            if shows(signal: s.name, of: line) { return true }
        }
        return false
    }

    /// Whether the signal named by the JSON text `name` is shown.
    func shows(signal name: Range<Int>, of line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let signal else { return true }
        return Self.matches(signal, line[name])
    }

    /// `fnmatch` of the glob against a JSON string's text, unescaped.
    static func matches(_ pattern: String, _ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        JSONStringText.withUnescaped(name) { bytes in
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { text in
                for (i, b) in bytes.enumerated() { text[i] = CChar(bitPattern: b) }
                text[bytes.count] = 0
                return fnmatch(pattern, text.baseAddress!, 0) == 0
            }
        } == true
    }
}
