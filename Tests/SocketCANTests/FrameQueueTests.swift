import CANCore
import Testing
@testable import SocketCAN

@Suite("FrameQueue: bounded, counted overflow")
struct FrameQueueTests {
    private func frame(_ id: UInt32) -> CANFrame { CANFrame(bus: "vcan0", id: id, bytes: [UInt8(id & 0xFF)]) }

    @Test func firstInFirstOutAcrossTheWrap() {
        let queue = FrameQueue(capacity: 3)
        var popped: [UInt32] = []
        for id in 1...10 as ClosedRange<UInt32> {
            #expect(queue.push(frame(id)))
            if id % 2 == 0 { popped.append(queue.pop()!.id); popped.append(queue.pop()!.id) }
        }
        #expect(popped == Array(1...10))
        #expect(queue.overflowCount == 0)
    }

    @Test func overflowDropsTheNewFrameAndCountsIt() {
        let queue = FrameQueue(capacity: 2)
        #expect(queue.push(frame(1)))
        #expect(queue.push(frame(2)))
        #expect(!queue.push(frame(3)))
        #expect(queue.overflowCount == 1)
        #expect(queue.pop()?.id == 1)
        #expect(queue.pop()?.id == 2)
        #expect(queue.depth == 0)
    }

    @Test func closedQueueDrainsThenEnds() {
        let queue = FrameQueue(capacity: 4)
        queue.push(frame(1))
        queue.close()
        #expect(!queue.push(frame(2)))
        #expect(queue.pop()?.id == 1)
        #expect(queue.pop() == nil)
    }

    @Test func passedDeadlineOnAnEmptyQueueReturnsNil() {
        let queue = FrameQueue(capacity: 1)
        #expect(queue.pop(untilMonotonic: 0) == nil)
    }
}
