import CANCore
import CLinuxCAN
import Testing
@testable import SocketCAN

@Suite("KernelFrameCodec: CANFrame <-> struct can_frame / canfd_frame")
struct KernelFrameCodecTests {
    @Test func sizesMatchTheKernelHeaders() {
        #expect(KernelFrameCodec.classicSize == Int(CLCAN_MTU))
        #expect(KernelFrameCodec.fdSize == Int(CLCANFD_MTU))
        #expect(MemoryLayout<can_frame>.size == 16)
        #expect(MemoryLayout<canfd_frame>.size == 72)
    }

    private func roundTrip(_ frame: CANFrame) -> (size: Int, frame: CANFrame?) {
        var storage = [UInt8](repeating: 0xAA, count: 72)
        return storage.withUnsafeMutableBytes { raw in
            let size = KernelFrameCodec.encode(frame, into: raw)
            return (size, KernelFrameCodec.decode(UnsafeRawBufferPointer(raw), byteCount: size, bus: frame.bus, timestamp: frame.timestamp))
        }
    }

    static let frames: [CANFrame] = [
        CANFrame(bus: "vcan0", id: 0x123, bytes: [0x11, 0x22, 0x33]),
        CANFrame(bus: "vcan0", id: 0x7FF, bytes: []),
        CANFrame(bus: "can1", id: 0x1ABC_DEF0, isExtended: true, bytes: [1, 2, 3, 4, 5, 6, 7, 8]),
        CANFrame(bus: "can1", id: 0x005, isExtended: true, bytes: [9]),
        CANFrame(bus: "vcan0", id: 0x42, kind: .remote, length: 5),
        CANFrame(bus: "vcan0", id: 0x42, kind: .classic, length: 8, len8DLC: 13, data: CANPayload([1, 2, 3, 4, 5, 6, 7, 8])),
        CANFrame(bus: "vcan0", id: 0x100, bytes: Array(0..<64), fd: true, fdFlags: [.bitRateSwitch, .fdFormat]),
        CANFrame(bus: "vcan0", id: 0x1FFF_FFFF, isExtended: true, bytes: Array(0..<12), fd: true, fdFlags: [.fdFormat, .errorStateIndicator]),
        CANFrame(bus: "vcan0", id: 0x004, kind: .error, length: 8, data: CANPayload([0, 0x04, 0, 0, 0, 0, 96, 0])),
    ]

    @Test(arguments: frames)
    func roundTripKeepsEveryField(frame: CANFrame) {
        let (size, decoded) = roundTrip(frame)
        #expect(size == (frame.kind == .fd ? 72 : 16))
        #expect(decoded == frame)
    }

    @Test func classicLayoutMatchesTheCStruct() {
        var cFrame = can_frame()
        cFrame.can_id = 0x8000_0000 | 0x1234_5678
        cFrame.len = 3
        cFrame.len8_dlc = 0
        withUnsafeMutableBytes(of: &cFrame.data) { $0[0] = 0xDE; $0[1] = 0xAD; $0[2] = 0x01 }
        let decoded = withUnsafeBytes(of: cFrame) { raw in
            KernelFrameCodec.decode(raw, byteCount: 16, bus: "can0", timestamp: .zero)
        }
        #expect(decoded == CANFrame(bus: "can0", id: 0x1234_5678, isExtended: true, bytes: [0xDE, 0xAD, 0x01]))

        var encoded = can_frame()
        withUnsafeMutableBytes(of: &encoded) { raw in
            var buffer = [UInt8](repeating: 0, count: 72)
            buffer.withUnsafeMutableBytes { _ = KernelFrameCodec.encode(decoded!, into: $0) }
            for i in 0..<16 { raw[i] = buffer[i] }
        }
        #expect(encoded.can_id == cFrame.can_id)
        #expect(encoded.len == 3)
        #expect(withUnsafeBytes(of: encoded.data) { Array($0.prefix(3)) } == [0xDE, 0xAD, 0x01])
    }

    @Test func fdLayoutMatchesTheCStruct() {
        var cFrame = canfd_frame()
        cFrame.can_id = 0x321
        cFrame.len = 16
        cFrame.flags = UInt8(CANFD_BRS) | 0x04
        withUnsafeMutableBytes(of: &cFrame.data) { for i in 0..<16 { $0[i] = UInt8(i * 3) } }
        let decoded = withUnsafeBytes(of: cFrame) { raw in
            KernelFrameCodec.decode(raw, byteCount: 72, bus: "vcan0", timestamp: .zero)
        }
        #expect(decoded?.kind == .fd)
        #expect(decoded?.fdFlags == [.bitRateSwitch, .fdFormat])
        #expect(decoded?.bytes == (0..<16).map { UInt8($0 * 3) })
    }

    @Test func errorFlagMakesAnErrorFrameWithClassBits() {
        var cFrame = can_frame()
        cFrame.can_id = CAN_ERR_FLAG | CAN_ERR_CRTL | CAN_ERR_CNT
        cFrame.len = 8
        let decoded = withUnsafeBytes(of: cFrame) { KernelFrameCodec.decode($0, byteCount: 16, bus: "can1", timestamp: .zero) }
        #expect(decoded?.kind == .error)
        #expect(decoded?.isExtended == false)
        #expect(decoded.map { CANErrorReport(frame: $0).classes } == [.controller, .errorCounters])
    }

    @Test(arguments: [0, 8, 15, 17, 71, 73])
    func otherByteCountsAreNotFrames(count: Int) {
        let raw = [UInt8](repeating: 0, count: 80)
        #expect(raw.withUnsafeBytes { KernelFrameCodec.decode($0, byteCount: count, bus: "x", timestamp: .zero) } == nil)
    }

    @Test func timestampsAreCutToTheirDigits() {
        let stamp = CANSocket.timestamp(nanoseconds: 1_700_000_000_123_456_789, fractionDigits: 6)
        #expect(stamp.text == "1700000000.123456")
        #expect(stamp.nanoseconds == 123_456_000)
        #expect(CANSocket.timestamp(nanoseconds: 1_700_000_000_123_456_789, fractionDigits: 9).text == "1700000000.123456789")
    }
}
