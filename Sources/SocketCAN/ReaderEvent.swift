/// Something that happened to a reader's interface, for logs and metrics.
public struct ReaderEvent: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The socket is open and bound (`attempt` 0 the first time, else the reopen attempt).
        case opened(attempt: Int)
        /// The interface went down (`ENETDOWN`); the reader waits for it to come back up.
        case interfaceDown
        /// The interface disappeared (`ENODEV`); the reader waits for it to return.
        case interfaceRemoved
        /// Another failure; the reader closes the socket and retries after the backoff.
        case failed(SocketCANError)
        /// The reader stopped.
        case stopped
    }

    public var interface: String
    public var kind: Kind
    /// `CLOCK_MONOTONIC` nanoseconds.
    public var monotonicNanoseconds: Int64

    public init(interface: String, kind: Kind, monotonicNanoseconds: Int64) {
        self.interface = interface
        self.kind = kind
        self.monotonicNanoseconds = monotonicNanoseconds
    }

    public var description: String {
        switch kind {
        case .opened(let attempt): attempt == 0 ? "\(interface): open" : "\(interface): reopened after \(attempt) attempt\(attempt == 1 ? "" : "s")"
        case .interfaceDown: "\(interface): interface down, waiting for it to come up"
        case .interfaceRemoved: "\(interface): interface removed, waiting for it to return"
        case .failed(let error): "\(interface): \(error)"
        case .stopped: "\(interface): stopped"
        }
    }
}

/// Counters of one reader. Read through `LiveFrameSource.statistics`.
public struct ReaderStatistics: Sendable, Hashable {
    public var interface: String
    /// Frames received from the socket (all kinds).
    public var framesReceived: Int = 0
    /// Error frames among them.
    public var errorFrames: Int = 0
    /// Frames the kernel dropped before we read them (`SO_RXQ_OVFL`), summed over every
    /// socket this reader opened.
    public var kernelDrops: Int = 0
    /// Frames the queue refused because the consumer was behind.
    public var queueDrops: Int = 0
    /// Successful reopens after the interface went down or away.
    public var reopens: Int = 0
    /// Frames stamped by the controller (`SO_TIMESTAMPING` raw hardware).
    public var hardwareTimestampedFrames: Int = 0
    /// Whether a socket is currently open.
    public var isOpen: Bool = false
    /// The receive buffer the kernel granted the current (or last) socket, bytes as
    /// `SO_RCVBUF` reads back (twice the usable size).
    public var receiveBufferBytes: Int = 0

    public init(interface: String) { self.interface = interface }
}
