/// Up to 64 payload bytes stored inline: no heap allocation per frame.
///
/// Bytes past the frame's length are kept zero by every initializer and mutator here, so
/// that two payloads of the same length compare equal byte for byte, and a decoder may load
/// whole 64-bit words past the end without reading stale data.
public struct CANPayload: Sendable, Hashable {
    public typealias Storage = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// Eight little-endian words; byte `i` is byte `i % 8` of word `i / 8` in memory order.
    public var storage: Storage = (0, 0, 0, 0, 0, 0, 0, 0)

    public static let capacity = 64

    @inlinable
    public init() {}

    /// A payload holding the first (at most 64) bytes of `bytes`.
    @inlinable
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        withUnsafeMutableBytes { raw in
            var i = 0
            for b in bytes {
                if i == 64 { break }
                raw[i] = b
                i += 1
            }
        }
    }

    @inlinable
    public subscript(index: Int) -> UInt8 {
        get {
            precondition(index >= 0 && index < 64, "payload index out of range")
            return withUnsafeBytes { $0[index] }
        }
        set {
            precondition(index >= 0 && index < 64, "payload index out of range")
            withUnsafeMutableBytes { $0[index] = newValue }
        }
    }

    /// All 64 bytes, read-only.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    /// All 64 bytes, writable. Callers keep bytes past the frame length zero.
    @inlinable
    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeMutableBytes(of: &storage, body)
    }

    /// Zeroes every byte from `length` on.
    @inlinable
    public mutating func clear(from length: Int) {
        guard length < 64 else { return }
        withUnsafeMutableBytes { raw in
            for i in max(0, length)..<64 { raw[i] = 0 }
        }
    }

    /// The first `count` bytes as an array (allocates; for tests and tools, not hot paths).
    public func bytes(count: Int) -> [UInt8] {
        withUnsafeBytes { Array($0.prefix(max(0, min(count, 64)))) }
    }

    @inlinable
    public static func == (lhs: CANPayload, rhs: CANPayload) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
            && lhs.storage.2 == rhs.storage.2 && lhs.storage.3 == rhs.storage.3
            && lhs.storage.4 == rhs.storage.4 && lhs.storage.5 == rhs.storage.5
            && lhs.storage.6 == rhs.storage.6 && lhs.storage.7 == rhs.storage.7
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
