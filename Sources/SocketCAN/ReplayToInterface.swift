import CANCore

/// Sends a capture's frames onto one interface, like `canplayer`: either as fast as the
/// interface takes them, or with the capture's original spacing (`realtime`).
///
/// Timing follows the capture's timestamps relative to the first frame, on the monotonic
/// clock; a frame whose time has already passed is sent at once (never "catch up" by
/// skipping). When the transmit queue is full (`ENOBUFS`, usual on real controllers whose
/// queue holds ~10 frames), the sender waits for the socket to become writable and retries:
/// flow control, not loss. Error frames cannot be sent and are skipped (counted).
public final class ReplayToInterface {
    public struct Options: Sendable, Hashable {
        /// Keep the capture's frame spacing.
        public var realtime: Bool = false
        /// Give up on one frame after the queue stayed full this long.
        public var noBufferSpaceTimeoutMilliseconds: Int = 5_000
        public init(realtime: Bool = false) { self.realtime = realtime }
    }

    public struct Statistics: Sendable, Hashable {
        public var framesSent = 0
        public var errorFramesSkipped = 0
        /// Times a full transmit queue (`ENOBUFS`) made us wait.
        public var noBufferSpaceWaits = 0
    }

    public let interface: String
    public let options: Options
    public private(set) var statistics = Statistics()
    private let socket: CANSocket
    private var firstCaptureNanoseconds: Int64?
    private var startMonotonic: Int64 = 0

    /// Opens a send-only socket on `interface` (CAN FD enabled, receives nothing).
    /// - Throws: `SocketCANError` as `CANSocket.init`.
    public init(interface: String, options: Options = Options()) throws(SocketCANError) {
        var socketOptions = CANSocketOptions()
        socketOptions.filters = []
        socketOptions.errorClasses = []
        self.interface = interface
        self.options = options
        socket = try CANSocket(interface: interface, options: socketOptions)
    }

    deinit { if socket.isOpen { socket.close() } }

    /// Sends `frame` (its `bus` is ignored), waiting for its time when `realtime`.
    /// - Throws: `SocketCANError`: `.interfaceDown`, `.interfaceRemoved`, `.frameTooLong` (FD
    ///   on a classic-MTU interface), `.noBufferSpace` after the timeout.
    public func send(_ frame: CANFrame) throws(SocketCANError) {
        if frame.kind == .error {
            statistics.errorFramesSkipped += 1
            return
        }
        if options.realtime { waitForTime(of: frame) }
        var giveUpAt: Int64?
        while true {
            do throws(SocketCANError) {
                try socket.send(frame)
                statistics.framesSent += 1
                return
            } catch where error.code == .noBufferSpace {
                let now = Syscall.monotonicNanoseconds()
                let deadline = giveUpAt ?? now + Int64(options.noBufferSpaceTimeoutMilliseconds) * 1_000_000
                giveUpAt = deadline
                if now >= deadline { throw error }
                statistics.noBufferSpaceWaits += 1
                try socket.waitUntilWritable(milliseconds: 10)
                // A raw CAN socket reports writable while the device queue is still full: also yield briefly.
                Syscall.sleep(nanoseconds: 200_000)
            }
        }
    }

    private func waitForTime(of frame: CANFrame) {
        let captureTime = frame.timestamp.totalNanoseconds
        guard let first = firstCaptureNanoseconds else {
            firstCaptureNanoseconds = captureTime
            startMonotonic = Syscall.monotonicNanoseconds()
            return
        }
        // Sleep only when more than a millisecond ahead: frames due sooner go out at once, so
        // high rates cost one sleep per millisecond, not one per frame.
        let ahead = startMonotonic + (captureTime - first) - Syscall.monotonicNanoseconds()
        if ahead > 1_000_000 { Syscall.sleep(nanoseconds: ahead) }
    }

    /// Closes the socket.
    public func close() { socket.close() }
}
