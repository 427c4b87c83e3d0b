import CANCore

/// Where a live gateway's frames come from: SocketCAN readers in the daemon
/// (`LiveFrameSource` conforms in the executable), a list of frames in tests.
public protocol LiveFrameInput: AnyObject {
    /// The next frame, blocking until one arrives; nil once the input is stopped and drained.
    func next() -> CANFrame?
    /// Stops reading; `next()` then returns what is already queued, then nil. Callable from any thread.
    func stop()
    /// The next frame, `.idle` when none arrived within `nanoseconds`, `.end` once stopped and
    /// drained. The default waits without limit (never idle): inputs that can time out override it.
    func next(waitingAtMost nanoseconds: Int64) -> LiveInputEvent
}

/// What a timed read of a live input gave.
public enum LiveInputEvent: Sendable {
    case frame(CANFrame)
    /// Nothing arrived in time: every bus is quiet.
    case idle
    case end
}

extension LiveFrameInput {
    public func next(waitingAtMost nanoseconds: Int64) -> LiveInputEvent {
        next().map { .frame($0) } ?? .end
    }
}

/// Frames from memory, in order; for tests and for feeding a gateway from a capture.
public final class FrameListInput: LiveFrameInput {
    private let frames: [CANFrame]
    private var position = 0

    public init(_ frames: [CANFrame]) {
        self.frames = frames
    }

    public func next() -> CANFrame? {
        guard position < frames.count else { return nil }
        defer { position += 1 }
        return frames[position]
    }

    public func stop() {}
}
