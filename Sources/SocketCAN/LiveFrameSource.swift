import CANCore

/// Frames from one or more live interfaces, in arrival order, one at a time.
///
/// Each interface has a `CANReader` thread that pushes into one bounded `FrameQueue`; `next()`
/// pops from it. Sockets are opened in `init`, so a kernel without CAN, a missing interface or
/// a refused option is reported at once as a `SocketCANError`. After that, interfaces that go
/// down or away are waited for and reopened; `events()` reports it.
///
/// `next()` is for one consumer thread; `stop()`, `statistics` and `events()` may be called
/// from any thread.
public final class LiveFrameSource: @unchecked Sendable {
    public struct Configuration: Sendable, Hashable {
        public var interfaces: [String]
        public var socket: CANSocketOptions
        /// Frames buffered between the readers and the consumer.
        public var queueCapacity: Int
        public var backoff: ReconnectBackoff
        /// Stop after this many frames (nil: no limit).
        public var frameLimit: Int?
        /// Stop this many nanoseconds after `init` (nil: no limit).
        public var durationNanoseconds: Int64?

        public init(interfaces: [String], socket: CANSocketOptions = CANSocketOptions(), queueCapacity: Int = 65_536,
                    backoff: ReconnectBackoff = ReconnectBackoff(), frameLimit: Int? = nil, durationNanoseconds: Int64? = nil) {
            precondition(!interfaces.isEmpty, "at least one interface")
            self.interfaces = interfaces
            self.socket = socket
            self.queueCapacity = queueCapacity
            self.backoff = backoff
            self.frameLimit = frameLimit
            self.durationNanoseconds = durationNanoseconds
        }
    }

    public let configuration: Configuration
    private let queue: FrameQueue
    private let readers: [CANReader]
    private let deadline: Int64?
    private var delivered = 0

    /// Opens every interface and starts its reader.
    ///
    /// - Throws: `SocketCANError` from the first socket that could not be opened
    ///   (`.canUnsupported` when the kernel has no AF_CAN, `.interfaceNotFound`, …).
    public init(_ configuration: Configuration) throws(SocketCANError) {
        self.configuration = configuration
        var socketOptions = configuration.socket
        if socketOptions.receiveTimeoutMilliseconds == 0 { socketOptions.receiveTimeoutMilliseconds = 100 }
        var sockets: [CANSocket] = []
        for interface in configuration.interfaces {
            do throws(SocketCANError) {
                sockets.append(try CANSocket(interface: interface, options: socketOptions))
            } catch {
                for socket in sockets { socket.close() }
                throw error
            }
        }
        let queue = FrameQueue(capacity: configuration.queueCapacity)
        let backoff = configuration.backoff
        self.queue = queue
        readers = sockets.map { CANReader(socket: $0, backoff: backoff, queue: queue) }
        deadline = configuration.durationNanoseconds.map { Syscall.monotonicNanoseconds() + $0 }
        for reader in readers { reader.start() }
    }

    deinit { stop() }

    /// The next frame; nil once the frame limit or duration is reached or after `stop()`.
    public func next() -> CANFrame? {
        if let limit = configuration.frameLimit, delivered >= limit { return nil }
        guard let frame = queue.pop(untilMonotonic: deadline) else { return nil }
        delivered += 1
        return frame
    }

    /// Stops the readers and closes their sockets; `next()` then drains what is queued.
    public func stop() {
        for reader in readers { reader.stop() }
        queue.close()
    }

    /// Per-interface counters, with each reader's queue drops.
    public var statistics: [ReaderStatistics] { readers.map(\.statistics) }

    /// Frames the shared queue refused because the consumer was behind.
    public var queueOverflowCount: Int { queue.overflowCount }

    /// Events since the last call, oldest first.
    public func events() -> [ReaderEvent] {
        readers.flatMap { $0.drainEvents() }.sorted { $0.monotonicNanoseconds < $1.monotonicNanoseconds }
    }
}
