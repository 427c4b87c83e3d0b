import Foundation
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
        let fd: Int32
        var queue: TailClientQueue
        var outgoing: [UInt8] = []
        var sent = 0
        init(fd: Int32, capacity: Int) {
            self.fd = fd
            queue = TailClientQueue(capacity: capacity)
        }
    }
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var clients: [Client] = []
    private var stopping = false
    private var stopped = false
    private var missedTotal: UInt64 = 0
    private var wakePending = false
    // Owned by the I/O thread after init.
    private let listener: Int32
    /// The wake pipe: publish() writes a byte when the I/O thread may be asleep in poll().
    private let wake: Int32
    private let wakeWriter: Int32

    public init(options: TailHubOptions) throws(TailError) {
        self.options = options
        let path = options.path
        let fd = try UnixSocket.streamSocket(path)
        // A socket file left by a previous run: remove it only if nobody answers on it.
        if let stale = try? UnixSocket.connect(to: path) {
            Glibc.close(stale)
            Glibc.close(fd)
            throw TailError(path: path, message: "another candor is serving this tail socket")
        }
        unlink(path)
        let bound = try UnixSocket.withAddress(path) { bind(fd, $0, $1) }
        guard bound == 0 else { let e = UnixSocket.failure(path, "bind"); Glibc.close(fd); throw e }
        do {
            try Self.setOwnership(path: path, mode: options.mode, group: options.group)
        } catch {
            Glibc.close(fd); unlink(path); throw error
        }
        guard listen(fd, 16) == 0 else { let e = UnixSocket.failure(path, "listen"); Glibc.close(fd); throw e }
        UnixSocket.setNonBlocking(fd)
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { let e = UnixSocket.failure(path, "pipe"); Glibc.close(fd); throw e }
        for end in pipeEnds {
            UnixSocket.setNonBlocking(end)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        listener = fd
        wake = pipeEnds[0]
        wakeWriter = pipeEnds[1]
        let thread = Thread { self.serve() }
        thread.name = "candor-tail"
        thread.start()
    }

    static func setOwnership(path: String, mode: UInt32, group: String?) throws(TailError) {
        guard chmod(path, mode_t(mode)) == 0 else { throw UnixSocket.failure(path, "chmod") }
        guard let group else { return }
        var gid: gid_t
        if let number = UInt32(group) {
            gid = number
        } else {
            guard let entry = getgrnam(group) else { throw TailError(path: path, message: "no group named \(group)") }
            gid = entry.pointee.gr_gid
        }
        guard chown(path, uid_t.max, gid) == 0 else { throw UnixSocket.failure(path, "chown to group \(group)") }
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
        if wakeNeeded && !wakePending { wakePending = true } else { wakeNeeded = false }
        condition.unlock()
        if wakeNeeded { signalWake() }
    }

    public func publish(_ line: String) { publish(Array(line.utf8)) }

    /// Connected clients now.
    public var clientCount: Int {
        condition.lock(); defer { condition.unlock() }
        return clients.count
    }

    /// Lines dropped over all clients because they fell behind.
    public var missedLines: UInt64 {
        condition.lock(); defer { condition.unlock() }
        return missedTotal
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
        condition.unlock()
        signalWake()
        condition.lock()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func signalWake() {
        var one: UInt8 = 1
        _ = Glibc.write(wakeWriter, &one, 1)
    }

    /// The I/O thread: poll the listener, the wake eventfd and every client.
    private func serve() {
        var pollSet: [pollfd] = []
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            condition.lock()
            if stopping { condition.unlock(); break }
            wakePending = false
            // Refill outgoing buffers from queues.
            for client in clients where client.sent == client.outgoing.count {
                client.outgoing.removeAll(keepingCapacity: true)
                client.sent = 0
                client.queue.take(into: &client.outgoing, limit: 64 * 1024)
            }
            let snapshot = clients
            condition.unlock()

            pollSet.removeAll(keepingCapacity: true)
            pollSet.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0))
            pollSet.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0))
            for client in snapshot {
                let wantsOut = client.sent < client.outgoing.count
                pollSet.append(pollfd(fd: client.fd, events: Int16(POLLIN) | (wantsOut ? Int16(POLLOUT) : 0), revents: 0))
            }
            let ready = poll(&pollSet, nfds_t(pollSet.count), -1)
            if ready < 0 {
                precondition(errno == EINTR, "poll on owned descriptors failed: errno \(errno)")
                continue
            }
            if pollSet[0].revents != 0 {
                while read(wake, &scratch, scratch.count) > 0 {}
            }
            if pollSet[1].revents & Int16(POLLIN) != 0 { acceptClients() }
            var gone: [Int32] = []
            for (index, client) in snapshot.enumerated() {
                let events = pollSet[index + 2].revents
                if events & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    // Clients send nothing; input is discarded, end of stream is a disconnect.
                    let n = read(client.fd, &scratch, scratch.count)
                    if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { gone.append(client.fd); continue }
                }
                if events & Int16(POLLOUT) != 0 && !writePending(client) { gone.append(client.fd) }
            }
            if !gone.isEmpty { disconnect(gone) }
        }
        condition.lock()
        for client in clients { Glibc.close(client.fd) }
        clients.removeAll()
        condition.unlock()
        Glibc.close(listener)
        Glibc.close(wake)
        Glibc.close(wakeWriter)
        unlink(options.path)
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

    private func acceptClients() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            UnixSocket.setNonBlocking(fd)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            condition.lock()
            clients.append(Client(fd: fd, capacity: options.clientCapacity))
            condition.broadcast()
            condition.unlock()
        }
    }

    private func disconnect(_ descriptors: [Int32]) {
        condition.lock()
        clients.removeAll { descriptors.contains($0.fd) }
        condition.unlock()
        for fd in descriptors { Glibc.close(fd) }
    }
}
