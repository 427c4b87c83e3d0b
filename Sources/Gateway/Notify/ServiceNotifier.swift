import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The systemd notification protocol without libsystemd: each state change is one datagram
/// of `KEY=VALUE` lines sent to the `AF_UNIX` socket named by `$NOTIFY_SOCKET` (a leading `@`
/// names the abstract namespace). A socket is opened per message and closed at once, so the
/// notifier owns no descriptor between calls.
///
///     if let notifier = ServiceNotifier(environment: env) {
///         try notifier.ready(status: "2 buses")
///     }
public struct ServiceNotifier: Sendable {
    /// The socket address as given (`/run/systemd/notify` or `@name`).
    public let socketName: String
    /// Half of `WATCHDOG_USEC`, the interval at which to send `WATCHDOG=1`; nil when systemd
    /// asked for no watchdog, or asked it of another process (`WATCHDOG_PID`).
    public let watchdogInterval: Duration?

    /// Nil when `NOTIFY_SOCKET` is unset or empty (not started by systemd with Type=notify).
    public init?(environment: [String: String], processID: Int32 = getpid()) {
        guard let name = environment["NOTIFY_SOCKET"], !name.isEmpty else { return nil }
        socketName = name
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
    }

    /// `WATCHDOG_USEC / 2` when set, positive, and meant for `processID`.
    public static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let micros = UInt64(text), micros > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty, Int32(pid) != processID { return nil }
        return .microseconds(Int64(clamping: micros / 2))
    }

    /// `READY=1`, with an optional status line.
    public func ready(status: String? = nil) throws(NotifyError) {
        try send(status.map { "READY=1\nSTATUS=\($0)" } ?? "READY=1")
    }

    /// `STATUS=<text>` (shown by `systemctl status`); newlines become spaces.
    public func status(_ text: String) throws(NotifyError) {
        try send("STATUS=" + String(text.map { $0 == "\n" ? " " : $0 }))
    }

    /// `WATCHDOG=1`: the service is alive.
    public func watchdog() throws(NotifyError) { try send("WATCHDOG=1") }

    /// `RELOADING=1` with `MONOTONIC_USEC` (CLOCK_MONOTONIC now), as Type=notify-reload wants.
    public func reloading() throws(NotifyError) {
        try send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
    }

    /// `STOPPING=1`: shutdown has begun.
    public func stopping() throws(NotifyError) { try send("STOPPING=1") }

    static func monotonicMicroseconds() -> UInt64 {
        UInt64(ConditionLock.monotonicNanoseconds() / 1_000)
    }

    /// Sends `message` as one datagram.
    public func send(_ message: String) throws(NotifyError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketName.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !path.isEmpty, path.count < capacity else {
            throw NotifyError(socket: socketName, operation: "address", code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        // Abstract names are exactly `path.count` bytes; filesystem paths are NUL-terminated.
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + path.count + (abstract ? 0 : 1)
        let descriptor: Int32
        do throws(SystemError) {
            descriptor = try Syscall.retrying("socket") { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        } catch { throw NotifyError(socket: socketName, operation: error.call, code: error.code) }
        defer { Syscall.closeAbandoned(descriptor) }  // a datagram sent or refused: nothing left to lose
        let bytes = Array(message.utf8)
        do throws(SystemError) {
            let sent = try Syscall.retrying("sendto") {
                bytes.withUnsafeBytes { payload in
                    withUnsafePointer(to: &address) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(descriptor, payload.baseAddress, payload.count, Int32(MSG_NOSIGNAL), $0, socklen_t(length))
                        }
                    }
                }
            }
            // A datagram goes whole or not at all; a short count would be a kernel's bug.
            guard sent == bytes.count else { throw SystemError("sendto", code: EMSGSIZE) }
        } catch { throw NotifyError(socket: socketName, operation: error.call, code: error.code) }
    }
}

/// A notification that could not be sent: the socket name, the failing call and errno.
public struct NotifyError: Error, Equatable, CustomStringConvertible {
    public let socket: String
    public let operation: String
    public let code: Int32
    public var description: String {
        "\(socket): \(operation) failed: \(SystemError.text(code))"
    }
}
