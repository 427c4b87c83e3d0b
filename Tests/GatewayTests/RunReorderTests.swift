import CANCore
import Gateway
import Testing

/// `ReorderedInput`: several buses' frames back in timestamp order, and the `live:` section.
@Suite struct RunReorderTests {
    static func frame(_ bus: String, milliseconds: Int64, id: UInt32) -> CANFrame {
        CANFrame(timestamp: CANTimestamp(totalNanoseconds: milliseconds * 1_000_000, fractionDigits: 6), bus: bus, id: id, bytes: [])
    }

    /// Reads `input` through `next(waitingAtMost:)` until it ends.
    static func drain(_ input: ReorderedInput) -> [CANFrame] {
        var out: [CANFrame] = []
        while true {
            switch input.next(waitingAtMost: 1_000_000) {
            case .frame(let frame): out.append(frame)
            case .idle: continue
            case .end: return out
            }
        }
    }

    @Test func aLaggingBusIsMergedBackInTimeOrder() {
        // can1's reader ran 30 ms late: its frames come after newer can0 frames.
        let arrivals = [
            Self.frame("can0", milliseconds: 0, id: 1), Self.frame("can0", milliseconds: 10, id: 2),
            Self.frame("can0", milliseconds: 20, id: 3), Self.frame("can0", milliseconds: 30, id: 4),
            Self.frame("can1", milliseconds: 5, id: 100), Self.frame("can1", milliseconds: 15, id: 101),
            Self.frame("can0", milliseconds: 40, id: 5), Self.frame("can1", milliseconds: 25, id: 102),
        ]
        let out = Self.drain(ReorderedInput(FrameListInput(arrivals), horizon: 50_000_000))
        #expect(out.map(\.id) == [1, 100, 2, 101, 3, 102, 4, 5])
    }

    @Test func eachBusKeepsItsArrivalOrderAndTiesGoToTheBusSeenFirst() {
        let arrivals = [
            Self.frame("can1", milliseconds: 10, id: 1), Self.frame("can0", milliseconds: 10, id: 2),
            Self.frame("can1", milliseconds: 10, id: 3), Self.frame("can0", milliseconds: 9, id: 4),
        ]
        let out = Self.drain(ReorderedInput(FrameListInput(arrivals), horizon: 1_000_000_000))
        // can0's own order (10 ms, then 9 ms) is kept: a bus is never reordered within itself.
        #expect(out.map(\.id) == [1, 3, 2, 4])
    }

    @Test func framesAreHeldUntilTheHorizonOrTheEndAndNoneIsLost() {
        let input = ReorderedInput(FrameListInput([Self.frame("can0", milliseconds: 0, id: 1), Self.frame("can0", milliseconds: 99, id: 2),
                                                   Self.frame("can0", milliseconds: 100, id: 3)]), horizon: 100_000_000)
        // 100 ms after the first frame, the first may go; the others wait for newer frames or the end.
        guard case .frame(let first) = input.next(waitingAtMost: 1_000_000) else { Issue.record("expected a frame"); return }
        #expect(first.id == 1)
        #expect(Self.drain(input).map(\.id) == [2, 3])
    }

    @Test func zeroHorizonPassesASingleBusStraightThrough() {
        let arrivals = (0..<1000).map { Self.frame("can0", milliseconds: Int64($0), id: UInt32($0)) }
        #expect(Self.drain(ReorderedInput(FrameListInput(arrivals), horizon: 0)).map(\.id) == arrivals.map(\.id))
    }

    @Test func blockingNextDrainsEverythingAtTheEnd() {
        let arrivals = [Self.frame("can1", milliseconds: 7, id: 1), Self.frame("can0", milliseconds: 3, id: 2)]
        let input = ReorderedInput(FrameListInput(arrivals), horizon: 1_000_000_000)
        var ids: [UInt32] = []
        while let frame = input.next() { ids.append(frame.id) }
        #expect(ids == [2, 1])
    }

    // MARK: live:

    func decode(_ yaml: String) throws(ConfigError) -> GatewayConfig {
        try GatewayConfig.decode(yaml: ConfigTests.minimal + "\n" + yaml, file: "/etc/candor/candor.yaml", environment: [:])
    }

    @Test func liveDefaults() throws {
        #expect(try decode("").live == LiveInputOptions(receiveBufferBytes: nil, queueCapacity: 16_384, reorderNanoseconds: 100_000_000))
    }

    @Test func liveEveryKeyIsRead() throws {
        #expect(try decode("live: { receive_buffer: 4MiB, queue: 1024, reorder: 250ms }\n").live
            == LiveInputOptions(receiveBufferBytes: 4 << 20, queueCapacity: 1024, reorderNanoseconds: 250_000_000))
        #expect(try decode("live: { receive_buffer: 212992, reorder: off }\n").live
            == LiveInputOptions(receiveBufferBytes: 212_992, queueCapacity: 16_384, reorderNanoseconds: 0))
        #expect(try decode("live: { receive_buffer: 512KiB }\n").live.receiveBufferBytes == 512 << 10)
        #expect(try decode("").live.kernelFilter == false)
        #expect(try decode("live: { kernel_filter: true }\n").live.kernelFilter == true)
        #expect(try decode("").live.receiveBatch == 32)
        #expect(try decode("live: { receive_batch: 1 }\n").live.receiveBatch == 1)
    }

    @Test func liveBadValuesNameTheKey() {
        for (yaml, fragment) in [
            ("live: { receive_buffer: 4MB }\n", "live.receive_buffer"), ("live: { receive_buffer: 4GiB }\n", "live.receive_buffer"),
            ("live: { queue: 0 }\n", "live.queue"), ("live: { reorder: 5 }\n", "live.reorder"),
            ("live: { kernel_filter: dbc }\n", "live.kernel_filter"), ("live: { buffer: 1 }\n", "buffer"),
            ("live: { receive_batch: 0 }\n", "live.receive_batch"), ("live: { receive_batch: 1025 }\n", "live.receive_batch"),
        ] {
            #expect(throws: ConfigError.self, "\(yaml)") { try decode(yaml) }
            do { _ = try decode(yaml) } catch { #expect(error.description.contains(fragment), "\(error.description)") }
        }
    }
}
