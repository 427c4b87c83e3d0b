import CANCore

/// Puts the frames of several buses back in timestamp order before the aggregator sees them.
///
/// Each bus has its own reader thread; when one of them is scheduled late, its frames reach
/// the shared queue after newer frames of another bus. The aggregator closes windows on the
/// frames' own clock, so such a frame would land before an already closed window and be
/// counted as late instead of aggregated. This input holds every frame until a frame at
/// least `horizon` nanoseconds newer has arrived (or the input goes idle or ends), and hands
/// them out oldest first: a merge of one first-in-first-out line per bus (each bus's frames
/// stay in their arrival order; between buses, the older head goes first, the bus seen first
/// on a tie). A single bus is already in order: the horizon then only delays each frame.
///
/// Single consumer; `stop()` is forwarded to the wrapped input.
public final class ReorderedInput: LiveFrameInput {
    private let inner: any LiveFrameInput
    private let horizon: Int64
    /// One line of held frames per bus, in the order the buses first appeared.
    private var lines: [HeldFrames] = []
    private var busNames: [String] = []
    private var lastBusName = ""
    private var lastLine = -1
    private var held = 0
    private var newest = Int64.min
    /// Set when the wrapped input went idle or ended: hand out everything held first.
    private var draining = false
    private var ended = false

    public init(_ inner: any LiveFrameInput, horizon: Int64) {
        precondition(horizon >= 0, "horizon must not be negative")
        self.inner = inner
        self.horizon = horizon
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

    /// The oldest head of the lines if it may go out now.
    private func releasable() -> CANFrame? {
        guard held > 0 else { return nil }
        var oldest = -1
        var oldestTime = Int64.max
        for index in lines.indices {
            guard let time = lines[index].headTime, time < oldestTime else { continue }
            oldest = index
            oldestTime = time
        }
        guard draining || oldestTime <= newest &- horizon else { return nil }
        held -= 1
        return lines[oldest].pop()
    }

    private func hold(_ frame: CANFrame) {
        if frame.bus != lastBusName {
            lastBusName = frame.bus
            if let index = busNames.firstIndex(of: frame.bus) {
                lastLine = index
            } else {
                busNames.append(frame.bus)
                lines.append(HeldFrames())
                lastLine = lines.count - 1
            }
        }
        newest = max(newest, frame.timestamp.totalNanoseconds)
        lines[lastLine].push(frame)
        held += 1
    }
}

/// A first-in-first-out line of frames; storage is reused once read.
private struct HeldFrames {
    private var frames: [CANFrame] = []
    private var head = 0

    var headTime: Int64? { head < frames.count ? frames[head].timestamp.totalNanoseconds : nil }

    mutating func push(_ frame: CANFrame) {
        if head == frames.count {
            frames.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4096 && head * 2 >= frames.count {
            frames.removeFirst(head)
            head = 0
        }
        frames.append(frame)
    }

    mutating func pop() -> CANFrame {
        defer { head += 1 }
        return frames[head]
    }
}
