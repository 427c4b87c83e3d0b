#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CANCore
import CLinuxCAN

/// A raw CAN socket bound to one interface; the sole owner of its descriptor.
///
/// Not thread-safe: it may be handed to another thread, but only one thread uses it at a time;
/// sending while another thread receives needs a second socket.
/// Receiving allocates nothing per frame (the message header, frame and control buffers are
/// allocated once here). `close()` must be called; `deinit` closes a forgotten socket.
public final class CANSocket: @unchecked Sendable {
    public let interface: String
    public let options: CANSocketOptions
    /// The receive buffer the kernel granted (`SO_RCVBUF` reads back twice the request).
    public let receiveBufferBytes: Int
    /// The kernel's cumulative drop counter for this socket, as last reported (`SO_RXQ_OVFL`
    /// with each frame, or `refreshKernelDropCount()`); it only moves forward.
    public private(set) var kernelDropCount: UInt32 = 0
    /// Frames that carried a hardware timestamp.
    public private(set) var hardwareTimestampedFrames: Int = 0

    private var descriptor: CInt
    private let frameBuffer: UnsafeMutableRawBufferPointer
    private let controlBuffer: UnsafeMutableRawBufferPointer
    private let vector: UnsafeMutablePointer<iovec>
    private let header: UnsafeMutablePointer<msghdr>
    /// `receiveBatch` buffers: per slot a 72-byte frame, a control buffer, an iovec, a header.
    private let batchFrames: UnsafeMutableRawBufferPointer
    private let batchControl: UnsafeMutableRawBufferPointer
    private let batchVectors: UnsafeMutablePointer<iovec>
    private let batchHeaders: UnsafeMutablePointer<clcan_mmsghdr>
    private let batchSize: Int

    /// Opens a raw CAN socket on `interface` with `options` applied.
    ///
    /// - Throws: `SocketCANError` with code `.canUnsupported` (no AF_CAN, errno 97),
    ///   `.interfaceNotFound`, `.notSupported` (an option the kernel lacks), `.permissionDenied`.
    public init(interface: String, options: CANSocketOptions = CANSocketOptions()) throws(SocketCANError) {
        self.interface = interface
        self.options = options
        let fd = try Syscall.openRawCANSocket().orThrow("socket(PF_CAN, SOCK_RAW, CAN_RAW)", interface: interface)
        do throws(SocketCANError) {
            receiveBufferBytes = try Self.configure(fd, interface: interface, options: options)
            let index: CInt
            switch Syscall.interfaceIndex(interface) {
            case .success(let value): index = value
            case .failure(let errno):
                throw SocketCANError(.interfaceNotFound, operation: "if_nametoindex", interface: interface, errno: errno)
            }
            try Syscall.bind(fd, interfaceIndex: index).orThrow("bind", interface: interface)
        } catch {
            Syscall.close(fd)
            throw error
        }
        descriptor = fd
        frameBuffer = .allocate(byteCount: KernelFrameCodec.fdSize, alignment: 8)
        frameBuffer.initializeMemory(as: UInt8.self, repeating: 0)
        controlBuffer = .allocate(byteCount: ControlMessages.bufferSize, alignment: 8)
        vector = .allocate(capacity: 1)
        vector.initialize(to: iovec(iov_base: frameBuffer.baseAddress, iov_len: frameBuffer.count))
        header = .allocate(capacity: 1)
        header.initialize(to: msghdr())
        batchSize = max(1, options.receiveBatchSize)
        batchFrames = .allocate(byteCount: batchSize * KernelFrameCodec.fdSize, alignment: 8)
        batchFrames.initializeMemory(as: UInt8.self, repeating: 0)
        batchControl = .allocate(byteCount: batchSize * ControlMessages.bufferSize, alignment: 8)
        batchVectors = .allocate(capacity: batchSize)
        batchHeaders = .allocate(capacity: batchSize)
        for slot in 0..<batchSize {
            (batchVectors + slot).initialize(to: iovec(iov_base: batchFrames.baseAddress! + slot * KernelFrameCodec.fdSize,
                                                        iov_len: KernelFrameCodec.fdSize))
            (batchHeaders + slot).initialize(to: clcan_mmsghdr())
        }
    }

    deinit {
        if descriptor >= 0 { Syscall.close(descriptor) }
        frameBuffer.deallocate()
        controlBuffer.deallocate()
        vector.deallocate()
        header.deallocate()
        batchFrames.deallocate()
        batchControl.deallocate()
        batchVectors.deallocate()
        batchHeaders.deallocate()
    }

    /// Closes the descriptor. Further calls on this socket trap.
    public func close() {
        precondition(descriptor >= 0, "CANSocket closed twice")
        Syscall.close(descriptor)
        descriptor = -1
    }

    public var isOpen: Bool { descriptor >= 0 }

    private static func configure(_ fd: CInt, interface: String, options: CANSocketOptions) throws(SocketCANError) -> Int {
        if options.fdFrames {
            try Syscall.setOption(fd, level: CLCAN_SOL_CAN_RAW, name: CLCAN_RAW_FD_FRAMES, value: CInt(1))
                .orThrow("setsockopt(CAN_RAW_FD_FRAMES)", interface: interface)
        }
        try Syscall.setOption(fd, level: CLCAN_SOL_CAN_RAW, name: CLCAN_RAW_ERR_FILTER, value: options.errorClasses.rawValue)
            .orThrow("setsockopt(CAN_RAW_ERR_FILTER)", interface: interface)
        if options.receiveOwnMessages {
            try Syscall.setOption(fd, level: CLCAN_SOL_CAN_RAW, name: CLCAN_RAW_RECV_OWN_MSGS, value: CInt(1))
                .orThrow("setsockopt(CAN_RAW_RECV_OWN_MSGS)", interface: interface)
        }
        if let filters = options.filters {
            var words: [UInt32] = []
            words.reserveCapacity(filters.count * 2)
            for filter in filters { words.append(filter.id); words.append(filter.mask) }
            try words.withUnsafeBytes { bytes in
                Syscall.setOption(fd, level: CLCAN_SOL_CAN_RAW, name: CLCAN_RAW_FILTER, bytes: bytes)
            }.orThrow("setsockopt(CAN_RAW_FILTER)", interface: interface)
        }
        try Syscall.setOption(fd, level: SOL_SOCKET, name: CLCAN_SO_TIMESTAMPNS, value: CInt(1))
            .orThrow("setsockopt(SO_TIMESTAMPNS)", interface: interface)
        if options.hardwareTimestamps {
            try Syscall.setOption(fd, level: SOL_SOCKET, name: CLCAN_SO_TIMESTAMPING, value: CLCAN_TIMESTAMPING_FLAGS)
                .orThrow("setsockopt(SO_TIMESTAMPING)", interface: interface)
        }
        try Syscall.setOption(fd, level: SOL_SOCKET, name: CLCAN_SO_RXQ_OVFL, value: CInt(1))
            .orThrow("setsockopt(SO_RXQ_OVFL)", interface: interface)
        if let bytes = options.receiveBufferBytes {
            let request = CInt(clamping: bytes)
            try Syscall.setOption(fd, level: SOL_SOCKET, name: CLCAN_SO_RCVBUF, value: request)
                .orThrow("setsockopt(SO_RCVBUF)", interface: interface)
            // Above net.core.rmem_max only SO_RCVBUFFORCE (CAP_NET_ADMIN) gets the full size;
            // without the capability the capped SO_RCVBUF value stays, which is not an error.
            _ = Syscall.setOption(fd, level: SOL_SOCKET, name: CLCAN_SO_RCVBUFFORCE, value: request)
        }
        if options.receiveTimeoutMilliseconds > 0 {
            let timeout = timeval(tv_sec: options.receiveTimeoutMilliseconds / 1000,
                                  tv_usec: (options.receiveTimeoutMilliseconds % 1000) * 1000)
            try Syscall.setOption(fd, level: SOL_SOCKET, name: CLCAN_SO_RCVTIMEO, value: timeout)
                .orThrow("setsockopt(SO_RCVTIMEO)", interface: interface)
        }
        let granted = try Syscall.getIntOption(fd, level: SOL_SOCKET, name: CLCAN_SO_RCVBUF)
            .orThrow("getsockopt(SO_RCVBUF)", interface: interface)
        return Int(granted)
    }

    /// Blocks until a frame arrives and returns it with the kernel's receive time.
    ///
    /// - Throws: `SocketCANError` with `.timedOut` (the receive timeout passed),
    ///   `.interfaceDown` (`ENETDOWN`), `.interfaceRemoved` (`ENODEV`: the socket is unbound,
    ///   reopen it), `.unexpectedFrameSize` (neither 16 nor 72 bytes, or truncated).
    public func receive() throws(SocketCANError) -> CANFrame {
        precondition(descriptor >= 0, "receive on a closed CANSocket")
        header.pointee.msg_name = nil
        header.pointee.msg_namelen = 0
        header.pointee.msg_iov = vector
        header.pointee.msg_iovlen = 1
        header.pointee.msg_control = controlBuffer.baseAddress
        header.pointee.msg_controllen = controlBuffer.count
        header.pointee.msg_flags = 0
        let count = try Syscall.receiveMessage(descriptor, header).orThrow("recvmsg", interface: interface)
        if header.pointee.msg_flags & Int32(MSG_TRUNC) != 0 {
            throw SocketCANError(.unexpectedFrameSize, operation: "recvmsg", interface: interface, detail: "truncated frame")
        }
        let ancillary = ControlMessages.parse(header)
        if let drops = ancillary.dropCount { advanceDropCount(to: drops) }
        if ancillary.hardwareTimestamp != nil { hardwareTimestampedFrames += 1 }
        let nanoseconds = ancillary.timestamp(preferHardware: options.hardwareTimestamps) ?? 0
        let timestamp = Self.timestamp(nanoseconds: nanoseconds, fractionDigits: options.fractionDigits)
        guard let frame = KernelFrameCodec.decode(UnsafeRawBufferPointer(frameBuffer), byteCount: count,
                                                  bus: interface, timestamp: timestamp) else {
            throw SocketCANError(.unexpectedFrameSize, operation: "recvmsg", interface: interface, detail: "\(count) bytes")
        }
        return frame
    }

    /// Waits for a frame, then takes every frame already queued (up to `receiveBatchSize`) in
    /// the same system call (`recvmmsg` with `MSG_WAITFORONE`), and calls `body` with each in
    /// order. Returns how many. Allocates nothing.
    ///
    /// With `waiting` false it does not wait (`MSG_DONTWAIT`): it takes what is queued and
    /// throws `.timedOut` when nothing is. That is how the frames the kernel queued before an
    /// interface went down are still read after the `ENETDOWN` or `ENODEV` that reports it:
    /// the kernel reports a socket's pending error before its queued frames, and clears it.
    ///
    /// - Throws: as `receive()`. A frame of unexpected size ends the batch with
    ///   `.unexpectedFrameSize` after the frames before it were delivered.
    public func receiveBatch(waiting: Bool = true, _ body: (CANFrame) -> Void) throws(SocketCANError) -> Int {
        precondition(descriptor >= 0, "receive on a closed CANSocket")
        let controlSize = ControlMessages.bufferSize
        for slot in 0..<batchSize {
            let message = batchHeaders + slot
            message.pointee.msg_hdr.msg_name = nil
            message.pointee.msg_hdr.msg_namelen = 0
            message.pointee.msg_hdr.msg_iov = batchVectors + slot
            message.pointee.msg_hdr.msg_iovlen = 1
            message.pointee.msg_hdr.msg_control = batchControl.baseAddress! + slot * controlSize
            message.pointee.msg_hdr.msg_controllen = controlSize
            message.pointee.msg_hdr.msg_flags = 0
            message.pointee.msg_len = 0
        }
        let received = waiting ? Syscall.receiveMessages(descriptor, batchHeaders, count: batchSize)
                               : Syscall.receiveQueuedMessages(descriptor, batchHeaders, count: batchSize)
        let count = try received.orThrow("recvmmsg", interface: interface)
        for slot in 0..<count {
            let message = batchHeaders + slot
            let ancillary = withUnsafePointer(to: &message.pointee.msg_hdr) { ControlMessages.parse($0) }
            if let drops = ancillary.dropCount { advanceDropCount(to: drops) }
            if ancillary.hardwareTimestamp != nil { hardwareTimestampedFrames += 1 }
            let nanoseconds = ancillary.timestamp(preferHardware: options.hardwareTimestamps) ?? 0
            let timestamp = Self.timestamp(nanoseconds: nanoseconds, fractionDigits: options.fractionDigits)
            let bytes = UnsafeRawBufferPointer(rebasing: batchFrames[(slot * KernelFrameCodec.fdSize)..<((slot + 1) * KernelFrameCodec.fdSize)])
            let truncated = message.pointee.msg_hdr.msg_flags & Int32(MSG_TRUNC) != 0
            guard !truncated, let frame = KernelFrameCodec.decode(bytes, byteCount: Int(message.pointee.msg_len),
                                                                    bus: interface, timestamp: timestamp) else {
                throw SocketCANError(.unexpectedFrameSize, operation: "recvmmsg", interface: interface,
                                     detail: truncated ? "truncated frame" : "\(message.pointee.msg_len) bytes")
            }
            body(frame)
        }
        return count
    }

    /// Reads the drop counter now (`getsockopt(SO_MEMINFO)`). Each frame reports the counter as
    /// it was when the kernel queued that frame, so frames dropped after the last one queued
    /// (a burst that ends with a full buffer) are reported by no frame: ask when the socket is
    /// idle or about to close.
    public func refreshKernelDropCount() throws(SocketCANError) {
        precondition(descriptor >= 0, "refreshKernelDropCount on a closed CANSocket")
        advanceDropCount(to: try Syscall.socketDrops(descriptor).orThrow("getsockopt(SO_MEMINFO)", interface: interface))
    }

    /// A frame still queued after a refresh carries an older count: keep the newer.
    private func advanceDropCount(to drops: UInt32) {
        if Int32(bitPattern: drops &- kernelDropCount) > 0 { kernelDropCount = drops }
    }

    /// A timestamp with `fractionDigits` digits; the nanoseconds past them are cut, so that
    /// the value equals what its text says.
    static func timestamp(nanoseconds: Int64, fractionDigits: UInt8) -> CANTimestamp {
        var scale: Int64 = 1
        for _ in 0..<(9 - Int(min(fractionDigits, 9))) { scale *= 10 }
        return CANTimestamp(totalNanoseconds: nanoseconds - nanoseconds % scale, fractionDigits: fractionDigits)
    }

    /// Sends one frame: `struct canfd_frame` for `.fd`, else `struct can_frame`.
    ///
    /// - Throws: `SocketCANError` with `.noBufferSpace` (transmit queue full: retry later),
    ///   `.interfaceDown`, `.interfaceRemoved`, `.frameTooLong` (FD on a classic interface).
    public func send(_ frame: CANFrame) throws(SocketCANError) {
        precondition(descriptor >= 0, "send on a closed CANSocket")
        var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        let fd = descriptor
        let written = try withUnsafeMutableBytes(of: &storage) { raw throws(SocketCANError) -> Int in
            let size = KernelFrameCodec.encode(frame, into: raw)
            let count = try Syscall.write(fd, UnsafeRawBufferPointer(rebasing: raw[0..<size])).orThrow("write", interface: interface)
            guard count == size else {
                throw SocketCANError(.unexpectedFrameSize, operation: "write", interface: interface, detail: "\(count) of \(size) bytes")
            }
            return count
        }
        _ = written
    }

    /// Waits until the socket can send again (after `.noBufferSpace`), at most `milliseconds`.
    public func waitUntilWritable(milliseconds: Int) throws(SocketCANError) {
        _ = try Syscall.poll(descriptor, events: CShort(POLLOUT), timeoutMilliseconds: CInt(milliseconds))
            .orThrow("poll", interface: interface)
    }
}
