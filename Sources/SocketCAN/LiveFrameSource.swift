import CANCore
import Synchronization
import SystemIO

/// Frames from one or more live interfaces, in arrival order, one at a time.
///
/// Each interface has a `CANReader` thread that pushes into one bounded `FrameQueue`; `next()`
/// pops from it. Sockets are opened in `init`, so a kernel without CAN, a missing interface or
/// a refused option is reported at once as a `SocketCANError`. After that, interfaces that go
/// down or away are waited for and reopened; `events()` reports it.
///
/// `next()` is for one consumer thread; `stop()`, `add(interfaces:)`, `remove(interfaces:)`,
/// `interfaces`, `statistics` and `events()` may be called from any thread (the reader list
/// is behind a lock; the consumer never takes it).
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
        /// Kernel filters per interface, in place of `socket.filters` for that interface
        /// (also for interfaces opened later by `add(interfaces:)`).
        public var filtersByInterface: [String: [CANIDFilter]] = [:]

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

    /// As given to `init`; `interfaces` says which are read now.
    public let configuration: Configuration
    private let queue: FrameQueue
    private let socketOptions: CANSocketOptions
    /// The readers running now; once stopped, no more are added.
    private struct Readers {
        var running: [CANReader]
        var stopped = false
    }
    private let readers: Mutex<Readers>
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
        self.socketOptions = socketOptions
        let sockets = try Self.open(configuration.interfaces, options: socketOptions, filters: configuration.filtersByInterface)
        let queue = FrameQueue(capacity: configuration.queueCapacity)
        let backoff = configuration.backoff
        self.queue = queue
        let started = sockets.map { CANReader(socket: $0, backoff: backoff, queue: queue) }
        readers = Mutex(Readers(running: started))
        deadline = configuration.durationNanoseconds.map { Syscall.monotonicNanoseconds() + $0 }
        for reader in started { reader.start() }
    }

    /// Opens one socket per interface, in order; on the first failure closes the others and throws.
    private static func open(
        _ interfaces: [String], options: CANSocketOptions, filters: [String: [CANIDFilter]]
    ) throws(SocketCANError) -> [CANSocket] {
        var sockets: [CANSocket] = []
        for interface in interfaces {
            var options = options
            if let own = filters[interface] { options.filters = own }
            do throws(SocketCANError) {
                sockets.append(try CANSocket(interface: interface, options: options))
            } catch {
                for socket in sockets { socket.close() }
                throw error
            }
        }
        return sockets
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
    /// `draining`: each reader first reads what the kernel has queued on its socket into the
    /// queue (at most `CANReader.drainMilliseconds`) — a graceful stop, where every frame
    /// received before it is processed; without it (a frame limit reached) those are closed away.
    public func stop(draining: Bool = false) {
        let stopping = readers.withLock { readers in
            readers.stopped = true
            return readers.running
        }
        for reader in stopping { reader.stop(draining: draining) }
        queue.close()
    }

    /// The interfaces read now, in the order they were added.
    public var interfaces: [String] { readers.withLock { $0.running.map(\.interface) } }

    /// Opens the interfaces not read yet and starts their readers (a config reload that adds
    /// buses). All or nothing: when one cannot be opened, the ones opened for this call are
    /// closed again and the error is thrown; the readers already running are untouched.
    public func add(interfaces: [String]) throws(SocketCANError) {
        let current = Set(self.interfaces)
        var fresh: [String] = []
        for interface in interfaces where !current.contains(interface) && !fresh.contains(interface) { fresh.append(interface) }
        guard !fresh.isEmpty else { return }
        let sockets = try Self.open(fresh, options: socketOptions, filters: configuration.filtersByInterface)
        let backoff = configuration.backoff
        let queue = queue
        let started: [CANReader]? = readers.withLock { readers in
            guard !readers.stopped else { return nil }
            let added = sockets.map { CANReader(socket: $0, backoff: backoff, queue: queue) }
            readers.running += added
            return added
        }
        guard let started else {
            for socket in sockets { socket.close() }
            return
        }
        for reader in started { reader.start() }
    }

    /// Stops the readers of `interfaces` and closes their sockets (a config reload that
    /// removes buses); frames they already queued are still delivered. Their counters go
    /// with them. Interfaces not read are ignored.
    public func remove(interfaces: [String]) {
        let names = Set(interfaces)
        let removed = readers.withLock { readers in
            let removed = readers.running.filter { names.contains($0.interface) }
            readers.running.removeAll { names.contains($0.interface) }
            return removed
        }
        for reader in removed { reader.stop() }
    }

    /// Per-interface counters, with each reader's queue drops.
    public var statistics: [ReaderStatistics] { readers.withLock { $0.running }.map(\.statistics) }

    /// Frames the shared queue refused because the consumer was behind.
    public var queueOverflowCount: Int { queue.overflowCount }

    /// Events since the last call, oldest first.
    public func events() -> [ReaderEvent] {
        readers.withLock { $0.running }.flatMap { $0.drainEvents() }.sorted { $0.monotonicNanoseconds < $1.monotonicNanoseconds }
    }
}
