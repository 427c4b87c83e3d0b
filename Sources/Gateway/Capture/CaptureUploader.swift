import SystemIO

/// The uplink's capture thread (`candor-capture`): takes the cuts the ingest side hands over
/// (`submit`, never waits: at most `capacity` cuts queued, more are dropped and counted),
/// encodes each (`CaptureEncoder`: candump log, gzip, chunks, index) and stores the messages
/// in the outbox, where the link sends them like every other message. `finish` encodes what
/// is queued and stops the thread.
final class CaptureUploader: @unchecked Sendable {
    private let encoder: CaptureEncoder
    private let store: ([UplinkMessage]) throws -> Void
    let counters: CaptureCounters
    private let condition = ConditionLock()
    private var queue: [CaptureCut] = []
    private var stopping = false
    private var thread: SystemThread?
    /// The thread's CPU time as it ended (under `condition`).
    private var threadCPU: UInt64 = 0
    static let capacity = 8

    init(encoder: CaptureEncoder, counters: CaptureCounters, store: @escaping ([UplinkMessage]) throws -> Void) {
        self.encoder = encoder
        self.counters = counters
        self.store = store
        thread = SystemThread(name: "candor-capture") { self.run() }
    }

    /// Queues a cut for the thread; false (counted as dropped) when the queue is full or
    /// stopped. `wait`: wait for room instead (a replay, which must lose nothing; a live
    /// gateway never waits).
    @discardableResult
    func submit(_ cut: CaptureCut, wait: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while wait && !stopping && queue.count >= Self.capacity { condition.wait() }
        guard !stopping, queue.count < Self.capacity else {
            counters.update { $0.dropped += 1 }
            return false
        }
        queue.append(cut)
        condition.signal()
        return true
    }

    /// Encodes and stores what is queued, then stops the thread. Calling it again does nothing.
    func finish() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        thread?.join()
        thread = nil
    }

    /// The thread's CPU time as it ended; 0 before `finish`.
    var finalCPU: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return threadCPU
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty {
                threadCPU = CPUTime.thread()
                condition.unlock()
                return
            }
            let cut = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            let (messages, bytes) = encoder.messages(cut)
            do {
                try store(messages)
                counters.update { c in
                    c.stored += 1
                    c.chunks += UInt64(messages.count - 1)
                    c.bytes += UInt64(bytes)
                    c.frames += UInt64(cut.frames.count)
                }
            } catch {
                counters.update { $0.dropped += 1 }
            }
        }
    }
}
