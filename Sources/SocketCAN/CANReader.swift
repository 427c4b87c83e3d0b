import CANCore
import CLinuxCAN
import SystemIO

/// Reads one interface on its own thread and pushes every frame into a shared `FrameQueue`.
///
/// The thread blocks in `recvmsg` with a receive timeout, so `stop()` is noticed within that
/// timeout. When the interface goes down (`ENETDOWN`) or away (`ENODEV`), the reader reports
/// it, closes the socket, waits until the interface exists and is up again — polling with
/// `ReconnectBackoff` — and reopens it; frames resume without a restart.
final class CANReader: @unchecked Sendable {
    let interface: String
    private let options: CANSocketOptions
    private let backoff: ReconnectBackoff
    private let queue: FrameQueue
    private let lock = ConditionLock()
    private var stopping = false
    /// With `stop(draining: true)`: read what the kernel has queued before closing the socket.
    private var drainAtStop = false
    private var stats: ReaderStatistics
    private var events: [ReaderEvent] = []
    private var droppedEvents = 0
    private var thread: SystemThread?
    private static let maximumPendingEvents = 1024
    /// The first socket, opened by the caller so that fatal setup errors surface at once.
    private var initialSocket: CANSocket?

    init(socket: CANSocket, backoff: ReconnectBackoff, queue: FrameQueue) {
        interface = socket.interface
        options = socket.options
        self.backoff = backoff
        self.queue = queue
        stats = ReaderStatistics(interface: socket.interface)
        stats.isOpen = true
        stats.receiveBufferBytes = socket.receiveBufferBytes
        initialSocket = socket
        record(.opened(attempt: 0))
    }

    func start() {
        let socket = initialSocket
        initialSocket = nil
        thread = SystemThread { [self] in run(socket) }
    }

    /// Asks the thread to finish and waits for it. `draining`: before it closes the socket, the
    /// thread reads the frames the kernel had queued on it and delivers them (a daemon's stop:
    /// a frame received before SIGTERM is processed, not closed away uncounted), for at most
    /// `drainMilliseconds`.
    func stop(draining: Bool = false) {
        lock.withLock { stopping = true; drainAtStop = draining; lock.broadcast() }
        thread?.join()
        thread = nil
    }

    /// How long a draining stop reads at most: the queue holds at most the receive buffer
    /// (thousands of frames, milliseconds to read), but a bus that keeps a flood coming must
    /// not hold the stop.
    static let drainMilliseconds: Int64 = 500

    var statistics: ReaderStatistics { lock.withLock { stats } }

    func drainEvents() -> [ReaderEvent] {
        lock.withLock {
            let drained = events
            events.removeAll(keepingCapacity: true)
            return drained
        }
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func record(_ kind: ReaderEvent.Kind) {
        let event = ReaderEvent(interface: interface, kind: kind, monotonicNanoseconds: Syscall.monotonicNanoseconds())
        lock.withLock {
            if events.count < Self.maximumPendingEvents { events.append(event) } else { droppedEvents += 1 }
        }
    }

    /// Sleeps up to `milliseconds`, waking early on `stop()`; false when stopping.
    private func pause(milliseconds: Int) -> Bool {
        let deadline = Syscall.monotonicNanoseconds() + Int64(milliseconds) * 1_000_000
        return lock.withLock {
            while !stopping {
                if !lock.wait(untilMonotonic: deadline) { return true }
            }
            return false
        }
    }

    private func run(_ first: CANSocket?) {
        var socket = first
        var lastDrops: UInt32 = 0
        var attempt = 0
        var batch: [CANFrame] = []
        batch.reserveCapacity(max(1, options.receiveBatchSize))
        // Hardware-stamp counts of sockets closed before the current one.
        var hardwareStampedBefore = 0
        while !isStopping {
            guard let current = socket else {
                // Wait until the interface exists and is up, then reopen.
                if !interfaceIsUp() {
                    if !pause(milliseconds: backoff.delayMilliseconds(attempt: attempt)) { break }
                    attempt += 1
                    continue
                }
                do throws(SocketCANError) {
                    socket = try CANSocket(interface: interface, options: options)
                    lastDrops = 0
                    attempt += 1
                    let granted = socket?.receiveBufferBytes ?? 0
                    lock.withLock { stats.reopens += 1; stats.isOpen = true; stats.receiveBufferBytes = granted }
                    record(.opened(attempt: attempt))
                    attempt = 0
                } catch {
                    record(.failed(error))
                    if !pause(milliseconds: backoff.delayMilliseconds(attempt: attempt)) { break }
                    attempt += 1
                }
                continue
            }
            do throws(SocketCANError) {
                batch.removeAll(keepingCapacity: true)
                _ = try current.receiveBatch { batch.append($0) }
                deliver(batch, from: current, lastDrops: &lastDrops, hardwareStampedBefore: hardwareStampedBefore)
            } catch where error.code == .timedOut {
                // Idle: drops after the last frame the kernel queued are reported by no frame.
                refreshDrops(current, lastDrops: &lastDrops)
                continue
            } catch {
                switch error.code {
                case .interfaceDown: record(.interfaceDown)
                case .interfaceRemoved: record(.interfaceRemoved)
                default: record(.failed(error))
                }
                // Frames before an unexpected one were read into the batch: keep them.
                if !batch.isEmpty { deliver(batch, from: current, lastDrops: &lastDrops, hardwareStampedBefore: hardwareStampedBefore) }
                // The error came before the frames queued ahead of it; they are still there.
                drainQueued(current, into: &batch, lastDrops: &lastDrops, hardwareStampedBefore: hardwareStampedBefore)
                refreshDrops(current, lastDrops: &lastDrops)
                hardwareStampedBefore += current.hardwareTimestampedFrames
                current.close()
                socket = nil
                lock.withLock { stats.isOpen = false }
                attempt = 0
            }
        }
        if let socket, socket.isOpen {
            if lock.withLock({ drainAtStop }) {
                let deadline = Syscall.monotonicNanoseconds() + Self.drainMilliseconds * 1_000_000
                drainQueued(socket, into: &batch, lastDrops: &lastDrops, hardwareStampedBefore: hardwareStampedBefore, until: deadline)
            }
            refreshDrops(socket, lastDrops: &lastDrops)
            socket.close()
        }
        lock.withLock { stats.isOpen = false }
        record(.stopped)
    }

    /// Pushes one batch into the queue and counts it, its error frames, the queue's and the
    /// kernel's drops.
    private func deliver(_ batch: [CANFrame], from socket: CANSocket, lastDrops: inout UInt32, hardwareStampedBefore: Int) {
        let accepted = queue.push(contentsOf: batch)
        let drops = socket.kernelDropCount
        var errorFrames = 0
        for frame in batch where frame.kind == .error { errorFrames += 1 }
        let hardwareStamped = socket.hardwareTimestampedFrames
        lock.withLock {
            stats.framesReceived += batch.count
            stats.errorFrames += errorFrames
            stats.queueDrops += batch.count - accepted
            if drops != lastDrops { stats.kernelDrops += Int(drops &- lastDrops) }
            stats.hardwareTimestampedFrames = hardwareStampedBefore + hardwareStamped
        }
        lastDrops = drops
    }

    /// Counts the drops the kernel has made since the last report (`SO_MEMINFO`). A failure
    /// leaves the count as it was: the next frame reports it.
    private func refreshDrops(_ socket: CANSocket, lastDrops: inout UInt32) {
        do throws(SocketCANError) { try socket.refreshKernelDropCount() } catch { return }
        let drops = socket.kernelDropCount
        guard drops != lastDrops else { return }
        lock.withLock { stats.kernelDrops += Int(drops &- lastDrops) }
        lastDrops = drops
    }

    /// After the socket reported the interface down or gone: the kernel reports that error
    /// before the frames it had already queued, and clears it, so those frames are read now,
    /// without waiting (`EAGAIN` ends it), before the socket is closed. Any other error ends it
    /// too, and so does `stop()` — unless `until` is given (a draining stop): then that
    /// monotonic deadline.
    private func drainQueued(_ socket: CANSocket, into batch: inout [CANFrame], lastDrops: inout UInt32, hardwareStampedBefore: Int,
                             until deadline: Int64? = nil) {
        while deadline.map({ Syscall.monotonicNanoseconds() < $0 }) ?? !isStopping {
            batch.removeAll(keepingCapacity: true)
            do throws(SocketCANError) {
                _ = try socket.receiveBatch(waiting: false) { batch.append($0) }
            } catch {
                if !batch.isEmpty { deliver(batch, from: socket, lastDrops: &lastDrops, hardwareStampedBefore: hardwareStampedBefore) }
                return
            }
            if batch.isEmpty { return }
            deliver(batch, from: socket, lastDrops: &lastDrops, hardwareStampedBefore: hardwareStampedBefore)
        }
    }

    /// Whether the interface exists and has `IFF_UP` (`SIOCGIFFLAGS` through a throw-away socket).
    private func interfaceIsUp() -> Bool {
        guard case .success(let fd) = Syscall.openRawCANSocket() else { return false }
        defer { Syscall.close(fd) }
        guard case .success(let flags) = Syscall.interfaceFlags(fd, name: interface) else { return false }
        return flags & CShort(IFF_UP) != 0
    }
}
