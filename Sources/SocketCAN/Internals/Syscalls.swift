#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxCAN
import SystemIO

/// The one place the SocketCAN module calls libc. Every call returns `Result<_, Errno>`:
/// `-1` becomes the errno right after the call, `EINTR` is retried here, and errnos that mean
/// our own descriptor or pointer was wrong trap (a bug, not the world).
enum Syscall {
    /// Runs `body` until it returns something other than `-1` or fails with an errno other
    /// than `EINTR` (when `retryOnInterrupt`).
    @inline(never)
    static func valueOrErrno<Value: FixedWidthInteger>(
        retryOnInterrupt: Bool = true, _ body: () -> Value
    ) -> Result<Value, Errno> {
        while true {
            let value = body()
            if value != -1 { return .success(value) }
            let error = Errno(rawValue: errno)
            if retryOnInterrupt && error == .interrupted { continue }
            precondition(!error.isProgrammerError, "SocketCAN misused a descriptor or pointer: \(error)")
            return .failure(error)
        }
    }

    /// `socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC, CAN_RAW)`.
    static func openRawCANSocket() -> Result<CInt, Errno> {
        valueOrErrno { socket(PF_CAN, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), CAN_RAW) }
    }

    /// A datagram socket used only for interface ioctls (works on any kernel).
    static func openControlSocket() -> Result<CInt, Errno> {
        valueOrErrno { socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    }

    static func setOption<Value: BitwiseCopyable>(_ fd: CInt, level: CInt, name: CInt, value: Value) -> Result<Void, Errno> {
        withUnsafeBytes(of: value) { bytes in setOption(fd, level: level, name: name, bytes: bytes) }
    }

    static func setOption(_ fd: CInt, level: CInt, name: CInt, bytes: UnsafeRawBufferPointer) -> Result<Void, Errno> {
        valueOrErrno {
            setsockopt(fd, level, name, bytes.baseAddress, socklen_t(bytes.count))
        }.map { _ in () }
    }

    static func getIntOption(_ fd: CInt, level: CInt, name: CInt) -> Result<CInt, Errno> {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        return valueOrErrno { getsockopt(fd, level, name, &value, &length) }.map { _ in value }
    }

    /// `if_nametoindex`: 0 means failure, with errno set (`ENODEV` for an unknown name).
    static func interfaceIndex(_ name: String) -> Result<CInt, Errno> {
        let index = if_nametoindex(name)
        if index == 0 {
            let error = Errno(rawValue: errno)
            return .failure(error.rawValue == 0 ? .noSuchDevice : error)
        }
        return .success(CInt(index))
    }

    static func bind(_ fd: CInt, interfaceIndex: CInt) -> Result<Void, Errno> {
        valueOrErrno { clcan_bind(fd, interfaceIndex) }.map { _ in () }
    }

    /// `SIOCGIFFLAGS` through any socket.
    static func interfaceFlags(_ fd: CInt, name: String) -> Result<CShort, Errno> {
        var flags: CShort = 0
        return valueOrErrno { clcan_interface_flags(fd, name, &flags) }.map { _ in flags }
    }

    static func receiveMessage(_ fd: CInt, _ message: UnsafeMutablePointer<msghdr>) -> Result<Int, Errno> {
        valueOrErrno { recvmsg(fd, message, 0) }
    }

    static func receiveMessages(_ fd: CInt, _ vector: UnsafeMutablePointer<clcan_mmsghdr>, count: Int) -> Result<Int, Errno> {
        valueOrErrno { Int(clcan_recvmmsg_waitforone(fd, vector, CUnsignedInt(count))) }
    }

    /// The socket's cumulative drop counter (`getsockopt(SO_MEMINFO)`, `SK_MEMINFO_DROPS`).
    static func socketDrops(_ fd: CInt) -> Result<UInt32, Errno> {
        var drops: CUnsignedInt = 0
        return valueOrErrno { clcan_socket_drops(fd, &drops) }.map { _ in UInt32(drops) }
    }

    /// `recvmmsg` without waiting: the messages already queued; `EAGAIN` when there are none.
    static func receiveQueuedMessages(_ fd: CInt, _ vector: UnsafeMutablePointer<clcan_mmsghdr>, count: Int) -> Result<Int, Errno> {
        valueOrErrno { Int(clcan_recvmmsg_queued(fd, vector, CUnsignedInt(count))) }
    }

    static func write(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) -> Result<Int, Errno> {
        valueOrErrno { Glibc.write(fd, bytes.baseAddress, bytes.count) }
    }

    /// `poll` for one descriptor; returns the revents (0 on timeout).
    static func poll(_ fd: CInt, events: CShort, timeoutMilliseconds: CInt) -> Result<CShort, Errno> {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        return valueOrErrno { Glibc.poll(&entry, 1, timeoutMilliseconds) }.map { _ in entry.revents }
    }

    /// `close`. `EINTR` means closed on Linux (LWN 576478), so it is not retried; `EBADF`
    /// traps in `valueOrErrno`; a socket or pipe has no other failure to report.
    static func close(_ fd: CInt) {
        if case .failure(let error) = valueOrErrno(retryOnInterrupt: false, { Glibc.close(fd) }) {
            precondition(error == .interrupted, "close of an owned descriptor failed: \(error)")
        }
    }

    static func duplicate(_ fd: CInt) -> Result<CInt, Errno> {
        valueOrErrno { fcntl(fd, F_DUPFD_CLOEXEC, 3) }
    }

    static func duplicate(_ fd: CInt, onto target: CInt) -> Result<Void, Errno> {
        valueOrErrno { dup2(fd, target) }.map { _ in () }
    }

    /// `pipe` with both ends close-on-exec and the read end non-blocking; every `fcntl`
    /// checked (a failure closes both ends).
    static func makePipe() -> Result<(read: CInt, write: CInt), Errno> {
        var ends: (CInt, CInt) = (-1, -1)
        let made = withUnsafeMutableBytes(of: &ends) { raw in
            valueOrErrno { pipe(raw.baseAddress!.assumingMemoryBound(to: CInt.self)) }
        }
        return made.flatMap { _ in
            valueOrErrno { fcntl(ends.0, F_SETFD, FD_CLOEXEC) }
                .flatMap { _ in valueOrErrno { fcntl(ends.1, F_SETFD, FD_CLOEXEC) } }
                .flatMap { _ in valueOrErrno { fcntl(ends.0, F_SETFL, O_NONBLOCK) } }
                .map { _ in (ends.0, ends.1) }
                .mapError { error in
                    Self.close(ends.0)
                    Self.close(ends.1)
                    return error
                }
        }
    }

    static func read(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        valueOrErrno { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Sleeps for `nanoseconds` on the calling thread (readers and replay own their thread).
    static func sleep(nanoseconds: Int64) {
        guard nanoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    /// `CLOCK_MONOTONIC` in nanoseconds.
    static func monotonicNanoseconds() -> Int64 { ConditionLock.monotonicNanoseconds() }
}

extension Result where Failure == Errno {
    /// The value, or a `SocketCANError` naming the operation and interface.
    func orThrow(_ operation: String, interface: String) throws(SocketCANError) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let errno): throw SocketCANError(operation: operation, interface: interface, errno: errno)
        }
    }
}
