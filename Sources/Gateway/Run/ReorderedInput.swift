import CANCore

/// Puts the frames of several buses back in timestamp order before the aggregator sees them.
///
/// Each bus has its own reader thread; when one of them is scheduled late, its frames reach
/// the shared queue after newer frames of another bus. The aggregator closes windows on the
/// frames' own clock, so such a frame would land before an already closed window and be
/// counted as late instead of aggregated. This input holds every frame until a frame at
/// least `horizon` nanoseconds newer has arrived (or the input goes idle or ends), and hands
/// them out oldest first; frames with equal timestamps keep their arrival order. A single
/// bus is already in order: the horizon then only delays each frame by that much.
///
/// Single consumer; `stop()` is forwarded to the wrapped input.
public final class ReorderedInput: LiveFrameInput {
    private let inner: any LiveFrameInput
    private let horizon: Int64
    /// A binary min-heap on (timestamp, arrival).
    private var heap: [(time: Int64, arrival: Int, frame: CANFrame)] = []
    private var arrivals = 0
    private var newest = Int64.min
    /// Set when the wrapped input went idle or ended: hand out everything held first.
    private var draining = false
    private var ended = false

    public init(_ inner: any LiveFrameInput, horizon: Int64) {
        precondition(horizon >= 0, "horizon must not be negative")
        self.inner = inner
        self.horizon = horizon
        heap.reserveCapacity(4096)
    }

    public func stop() { inner.stop() }

    public func next() -> CANFrame? {
        while true {
            if let frame = releasable() { return frame }
            if ended { return nil }
            if let frame = inner.next() { hold(frame) } else { ended = true; draining = true }
        }
    }

    public func next(waitingAtMost nanoseconds: Int64) -> LiveInputEvent {
        while true {
            if let frame = releasable() { return .frame(frame) }
            if ended { return .end }
            if draining {
                // Everything held was handed out: now report the idle period.
                draining = false
                return .idle
            }
            switch inner.next(waitingAtMost: nanoseconds) {
            case .frame(let frame): hold(frame)
            case .idle: draining = true
            case .end: ended = true; draining = true
            }
        }
    }

    /// The oldest held frame if it may go out now.
    private func releasable() -> CANFrame? {
        guard let first = heap.first else { return nil }
        guard draining || first.time <= newest - horizon else { return nil }
        return pop()
    }

    private func hold(_ frame: CANFrame) {
        let time = frame.timestamp.totalNanoseconds
        newest = max(newest, time)
        heap.append((time, arrivals, frame))
        arrivals += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() -> CANFrame {
        let top = heap[0].frame
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && Self.less(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count && Self.less(heap[right], heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }

    private static func less(_ a: (time: Int64, arrival: Int, frame: CANFrame), _ b: (time: Int64, arrival: Int, frame: CANFrame)) -> Bool {
        a.time != b.time ? a.time < b.time : a.arrival < b.arrival
    }
}
