import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Streams decoded-frame lines to every connected `candor tail` client over a Unix socket.
///
/// `publish(_:)` never waits on a client: it appends the line to each client's bounded
/// queue (TailClientQueue: a full queue drops its oldest line and the client is later told
/// `{"missed":N}`) and wakes the hub's I/O thread, which owns every socket and writes with
/// non-blocking sends. A stuck client only ever loses its own lines.
///
///     let hub = try TailHub(options: TailHubOptions(path: "/run/candor/tail.sock", group: "candor"))
///     hub.publish(line)         // the canonical JSON line, without newline
///     hub.close()               // SIGTERM: disconnect clients, remove the socket
public final class TailHub: @unchecked Sendable {
    public let options: TailHubOptions
    private final class Client {
        private var socket: FileDescriptor?
        /// The socket's number (-1 once closed: `poll` skips it).
        var fd: Int32 { socket?.rawValue ?? -1 }
        var queue: TailClientQueue
        var outgoing: [UInt8] = []
        var sent = 0
        init(_ socket: consuming FileDescriptor, capacity: Int) {
            self.socket = consume socket
            queue = TailClientQueue(capacity: capacity)
        }
        func close() throws(SystemError) { try socket.take()?.close() }
    }
    // Guarded by `condition`.
    private let condition = ConditionLock()
    private var clients: [Client] = []
    private var stopping = false
    private var stopped = false
    private var missedTotal: UInt64 = 0
    private var refusedTotal = 0
    private var wakePending = false
    private var passes = 0
    /// The listening socket and the wake pipe (signalled when the I/O thread may be asleep in
    /// poll()); the I/O thread closes both when it ends. Signalled and taken under `condition`.
    private var listener: FileDescriptor?
    private var wake: WakePipe?
    private let log: GatewayLog?
    private var acceptFailures = LogThrottle(interval: .seconds(10))
    private var refusals = LogThrottle(interval: .seconds(10))
    private var acceptBackoff: Int64 = 0
    private var acceptAgainAt: Int64 = 0
    /// Nanoseconds between two refills of the client buffers (a burst of lines is one pass).
    static let refillInterval: Int64 = 5_000_000

    public init(options: TailHubOptions, log: GatewayLog? = nil) throws(TailError) {
        self.options = options
        self.log = log
        let path = options.path
        try Self.removeStaleSocket(at: path)
        // A throw below drops `socket`, which closes it.
        let socket = FileDescriptor(owning: try UnixSocket.streamSocket(path))
        let fd = socket.rawValue
        let bound = try UnixSocket.withAddress(path) { bind(fd, $0, $1) }
        guard bound == 0 else { throw UnixSocket.failure(path, "bind") }
        do {
            try Self.setOwnership(path: path, mode: options.mode, group: options.group)
        } catch {
            do throws(SystemError) { try Syscall.unlinkIfPresent(path) } catch let left {
                log?.warning("the tail socket could not be removed after a failed start", ["path": path, "error": left.description])
            }
            throw error
        }
        guard listen(fd, 64) == 0 else { throw UnixSocket.failure(path, "listen") }
        UnixSocket.setNonBlocking(fd)
        do { wake = try WakePipe() } catch { throw UnixSocket.failure(path, error) }
        listener = consume socket
        let wakeReader = wake?.reader.rawValue ?? -1
        if options.mode & 0o002 != 0 {
            log?.warning("tail socket is writable by every local user (mode \(String(options.mode, radix: 8))): anyone on this machine can read the decoded frames; 0660 with a group is safer", ["path": path])
        }
        _ = SystemThread(name: "candor-tail") { self.serve(listener: fd, wake: wakeReader) }
    }

    /// Hands `line` (one canonical JSON line, no newline) to every client. Never blocks on I/O.
    public func publish(_ line: [UInt8]) {
        condition.lock()
        var wakeNeeded = false
        for client in clients {
            let before = client.queue.totalMissed
            client.queue.push(line)
            missedTotal += client.queue.totalMissed - before
            wakeNeeded = true
        }
        if wakeNeeded && !wakePending {
            wakePending = true
            wake?.signal()
        }
        condition.unlock()
    }

    public func publish(_ line: String) { publish(Array(line.utf8)) }

    /// Connected clients now.
    public var clientCount: Int {
        condition.lock(); defer { condition.unlock() }
        return clients.count
    }

    /// Clients turned away because `maxClients` were connected.
    public var refusedClients: Int {
        condition.lock(); defer { condition.unlock() }
        return refusedTotal
    }

    /// Lines dropped over all clients because they fell behind.
    public var missedLines: UInt64 {
        condition.lock(); defer { condition.unlock() }
        return missedTotal
    }

    /// Passes of the I/O thread's loop so far, one `poll` each: what a spinning thread shows
    /// (for tests of the accept back-off).
    var loopPasses: Int {
        condition.lock(); defer { condition.unlock() }
        return passes
    }

    /// Waits until at least `count` clients are connected (for tests and start-up ordering).
    public func awaitClients(_ count: Int) {
        condition.lock()
        while clients.count < count && !stopped { condition.wait() }
        condition.unlock()
    }

    /// Disconnects every client, removes the socket and stops the thread. Idempotent.
    public func close() {
        condition.lock()
        if stopped { condition.unlock(); return }
        stopping = true
        wake?.signal()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    /// The I/O thread: poll the wake pipe, the listener and every client. Client buffers are
    /// refilled at most once per `refillInterval`, so a fast bus with many clients costs a
    /// pass per interval, not one per frame; the listener is left out of the poll while the
    /// accept back-off runs (after `EMFILE`…), so a failing accept cannot spin the thread.
    private func serve(listener: Int32, wake: Int32) {
        var pollSet: [pollfd] = []
        var scratch = [UInt8](repeating: 0, count: 4096)
        var lastRefill: Int64 = 0
        while true {
            let now = LogThrottle.monotonicNow()
            let refillDue = now - lastRefill >= Self.refillInterval
            condition.lock()
            passes += 1
            if stopping { condition.unlock(); break }
            if refillDue {
                wakePending = false
                lastRefill = now
                for client in clients where client.sent == client.outgoing.count {
                    client.outgoing.removeAll(keepingCapacity: true)
                    client.sent = 0
                    client.queue.take(into: &client.outgoing, limit: 64 * 1024)
                }
            }
            let snapshot = clients
            condition.unlock()

            let accepting = now >= acceptAgainAt
            pollSet.removeAll(keepingCapacity: true)
            // Between refills the pipe's pending byte would end every poll at once: leave it out.
            pollSet.append(pollfd(fd: refillDue ? wake : -1, events: Int16(POLLIN), revents: 0))
            pollSet.append(pollfd(fd: accepting ? listener : -1, events: Int16(POLLIN), revents: 0))
            for client in snapshot {
                let wantsOut = client.sent < client.outgoing.count
                pollSet.append(pollfd(fd: client.fd, events: Int16(POLLIN) | (wantsOut ? Int16(POLLOUT) : 0), revents: 0))
            }
            var wakeAt = refillDue ? Int64.max : lastRefill + Self.refillInterval
            if !accepting { wakeAt = min(wakeAt, acceptAgainAt) }
            let timeout = wakeAt == Int64.max ? -1 : Int32(clamping: max(0, (wakeAt - now + 999_999) / 1_000_000))
            do { _ = try Syscall.retrying("poll") { poll(&pollSet, nfds_t(pollSet.count), timeout) } } catch {
                preconditionFailure("poll on owned descriptors failed: \(error)")
            }
            if pollSet[0].revents != 0 { self.wake?.drain() }
            if pollSet[1].revents & Int16(POLLIN) != 0 { acceptClients(listener) }
            var gone: [Client] = []
            for (index, client) in snapshot.enumerated() {
                let events = pollSet[index + 2].revents
                if events & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    // Clients send nothing; input is discarded, end of stream is a disconnect.
                    let n = read(client.fd, &scratch, scratch.count)
                    if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { gone.append(client); continue }
                }
                if events & Int16(POLLOUT) != 0 && !writePending(client) { gone.append(client) }
            }
            if !gone.isEmpty { disconnect(gone) }
        }
        condition.lock()
        let left = clients
        clients.removeAll()
        var failures = self.wake.take()?.close() ?? []
        do { try self.listener.take()?.close() } catch { failures.append(error) }
        condition.unlock()
        closeAll(left, failures: failures)
        do { try Self.removeOwnSocket(at: options.path) } catch {
            log?.warning("tail socket not removed at shutdown", ["path": options.path, "error": error.reason])
        }
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Sends what the socket takes now; false when the client is gone.
    private func writePending(_ client: Client) -> Bool {
        while client.sent < client.outgoing.count {
            let n = client.outgoing.withUnsafeBytes { raw in
                send(client.fd, raw.baseAddress! + client.sent, raw.count - client.sent, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if n > 0 { client.sent += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { return true }
            return false
        }
        return true
    }

    /// Accepts every waiting connection. Beyond `maxClients` a connection is told why in one
    /// line (`{"refused":"…"}`) and closed. A failing accept other than a client giving up
    /// (`EMFILE`, `ENFILE`, `ENOBUFS`…) is logged, throttled, and backed off from (50 ms
    /// doubling to 1 s) before the listener is polled again.
    private func acceptClients(_ listener: Int32) {
        while true {
            let fd: Int32
            do { fd = try Syscall.retrying("accept") { accept(listener, nil, nil) } } catch {
                let code = error.code
                switch code {
                case EAGAIN, EWOULDBLOCK: return
                case ECONNABORTED, EPROTO: continue
                default:
                    acceptBackoff = min(max(acceptBackoff * 2, 50_000_000), 1_000_000_000)
                    let now = LogThrottle.monotonicNow()
                    acceptAgainAt = now + acceptBackoff
                    if let held = acceptFailures.admit(now: now) {
                        log?.error("tail socket cannot accept clients; retrying", [
                            "path": options.path, "error": error.reason, "errno": String(code),
                            "retry_ms": String(acceptBackoff / 1_000_000), "failures_not_logged": String(held),
                        ])
                    }
                    return
                }
            }
            acceptBackoff = 0
            let client = Client(FileDescriptor(owning: fd), capacity: options.clientCapacity)
            UnixSocket.setNonBlockingCloseOnExec(fd)
            condition.lock()
            let full = clients.count >= options.maxClients
            if full {
                refusedTotal += 1
            } else {
                clients.append(client)
            }
            condition.broadcast()
            condition.unlock()
            if full { refuse(client) }
        }
    }

    /// Tells a client beyond the limit why it is turned away, then closes it.
    private func refuse(_ client: Client) {
        let notice = Array("{\"refused\":\"too many tail clients (tail.max_clients is \(options.maxClients))\"}\n".utf8)
        // Best effort: a client that already left is not told; either way it is closed.
        let told = notice.withUnsafeBytes { send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
        closeAll([client])
        if let held = refusals.admit(now: LogThrottle.monotonicNow()) {
            log?.warning("tail client refused: too many clients", [
                "path": options.path, "max_clients": String(options.maxClients), "told": String(told > 0), "refused_not_logged": String(held),
            ])
        }
    }

    private func disconnect(_ gone: [Client]) {
        condition.lock()
        clients.removeAll { client in gone.contains { $0 === client } }
        condition.unlock()
        closeAll(gone)
    }

    /// Closes the clients' sockets; a failed close (of those or of `failures`) is logged.
    private func closeAll(_ closing: [Client], failures: [SystemError] = []) {
        var failures = failures
        for client in closing {
            do { try client.close() } catch { failures.append(error) }
        }
        for failure in failures { log?.warning("tail socket: a close failed", ["path": options.path, "error": failure.description]) }
    }
}
