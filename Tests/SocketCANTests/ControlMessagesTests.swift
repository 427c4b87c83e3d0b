#if canImport(Glibc)
import Glibc
#endif
import CLinuxCAN
import Testing
@testable import SocketCAN

/// Control messages laid out with the kernel's own CMSG macros (through CLinuxCAN), as
/// `recvmsg` would return them.
@Suite("ControlMessages: cmsg parsing on synthetic buffers")
struct ControlMessagesTests {
    /// Builds a control buffer from (level, type, payload) and parses it.
    private func parse(_ messages: [(CInt, CInt, [UInt8])]) -> ReceivedAncillaryData {
        let size = messages.reduce(0) { $0 + clcan_cmsg_space($1.2.count) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        var header = msghdr()
        header.msg_control = buffer.baseAddress
        header.msg_controllen = size
        var offset = 0
        for (level, type, payload) in messages {
            let cmsg = (buffer.baseAddress! + offset).assumingMemoryBound(to: cmsghdr.self)
            cmsg.pointee.cmsg_len = clcan_cmsg_len(payload.count)
            cmsg.pointee.cmsg_level = level
            cmsg.pointee.cmsg_type = type
            let data = clcan_cmsg_data(cmsg)!
            for (i, byte) in payload.enumerated() { data[i] = byte }
            offset += clcan_cmsg_space(payload.count)
        }
        return withUnsafePointer(to: &header) { ControlMessages.parse($0) }
    }

    private func bytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

    @Test func nanosecondTimestampAndDropCounter() {
        let time = timespec(tv_sec: 1_700_000_000, tv_nsec: 987_654_321)
        let parsed = parse([(SOL_SOCKET, CLCAN_SCM_TIMESTAMPNS, bytes(time)), (SOL_SOCKET, CLCAN_SO_RXQ_OVFL, bytes(UInt32(497)))])
        #expect(parsed.softwareTimestamp == 1_700_000_000_987_654_321)
        #expect(parsed.dropCount == 497)
        #expect(parsed.hardwareTimestamp == nil)
    }

    @Test func timestampingTripleGivesHardwareWhenSet() {
        let software = timespec(tv_sec: 10, tv_nsec: 1)
        let hardware = timespec(tv_sec: 20, tv_nsec: 2)
        let triple = bytes(software) + bytes(timespec()) + bytes(hardware)
        let parsed = parse([(SOL_SOCKET, CLCAN_SCM_TIMESTAMPING, triple)])
        #expect(parsed.softwareTimestamp == 10_000_000_001)
        #expect(parsed.hardwareTimestamp == 20_000_000_002)
        #expect(parsed.timestamp(preferHardware: true) == 20_000_000_002)
        #expect(parsed.timestamp(preferHardware: false) == 10_000_000_001)
    }

    @Test func missingHardwareStampFallsBackToSoftware() {
        let triple = bytes(timespec(tv_sec: 5, tv_nsec: 5)) + bytes(timespec()) + bytes(timespec())
        let parsed = parse([(SOL_SOCKET, CLCAN_SCM_TIMESTAMPNS, bytes(timespec(tv_sec: 5, tv_nsec: 6))),
                            (SOL_SOCKET, CLCAN_SCM_TIMESTAMPING, triple)])
        #expect(parsed.hardwareTimestamp == nil)
        #expect(parsed.timestamp(preferHardware: true) == 5_000_000_006)
    }

    @Test func unknownAndTruncatedMessagesAreSkipped() {
        let parsed = parse([(CLCAN_SOL_CAN_RAW, 99, [1, 2, 3, 4]), (SOL_SOCKET, CLCAN_SO_RXQ_OVFL, [1, 0]),
                            (SOL_SOCKET, CLCAN_SCM_TIMESTAMPNS, [0, 0, 0])])
        #expect(parsed == ReceivedAncillaryData())
    }

    @Test func emptyControlBuffer() {
        #expect(parse([]) == ReceivedAncillaryData())
    }
}
