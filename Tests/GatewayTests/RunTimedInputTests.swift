import CANCore
import Foundation
import Gateway
import Testing

/// Frames, then blocks until stop() (a quiet bus until SIGTERM).
private final class QuietAfterFrames: LiveFrameInput, @unchecked Sendable {
    private let frames: [CANFrame]
    private var position = 0
    private let stopped = DispatchSemaphore(value: 0)
    init(_ frames: [CANFrame]) { self.frames = frames }
    func next() -> CANFrame? {
        if position < frames.count {
            defer { position += 1 }
            return frames[position]
        }
        stopped.wait()
        return nil
    }
    func stop() { stopped.signal() }
}

@Suite struct RunTimedInputTests {
    @Test func framesInOrderThenIdleThenEndAfterStop() {
        let frames = (0..<10_000).map { i in
            CANFrame(timestamp: CANTimestamp(seconds: Int64(i), nanoseconds: 0), bus: "can0", id: UInt32(i % 2048),
                     bytes: [UInt8(i & 0xff)])
        }
        let input = TimedInput(QuietAfterFrames(frames), capacity: 64)
        var received: [CANFrame] = []
        var idles = 0
        loop: while true {
            switch input.next(waitingAtMost: 20_000_000) {
            case .frame(let frame): received.append(frame)
            case .idle:
                idles += 1
                if received.count == frames.count { input.stop() }
            case .end: break loop
            }
        }
        #expect(received == frames)
        #expect(idles >= 1)
    }
}
