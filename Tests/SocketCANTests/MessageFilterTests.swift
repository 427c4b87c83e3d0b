import CANCore
import SocketCAN
import Testing

/// Kernel filters from a DBC's ids pass exactly the frames the decoder matches to a message,
/// checked by applying the kernel's rule (`can_id & mask == filter.id & mask`, any filter) to
/// every frame format and id around the listed ones.
@Suite struct MessageFilterTests {
    static func passes(_ filters: [CANIDFilter], id: UInt32, isExtended: Bool, remote: Bool = false) -> Bool {
        var word = isExtended ? (id | SocketCANID.extendedFlag) : id
        if remote { word |= SocketCANID.remoteFlag }
        return filters.contains { word & $0.mask == $0.id & $0.mask }
    }

    @Test func standardAndExtendedMessages() throws {
        let filters = try #require(CANIDFilter.passing(messages: [(0x123, false), (0x18FEF100, true), (0x123, false)]))
        #expect(filters.count == 3, "0x123 standard + its extended fallback, 0x18FEF100 extended; duplicates once")
        // What the decoder matches: 0x123 as a standard frame, 0x123 as an extended frame
        // (falls back to the 11-bit message), 0x18FEF100 as an extended frame.
        #expect(Self.passes(filters, id: 0x123, isExtended: false))
        #expect(Self.passes(filters, id: 0x123, isExtended: true))
        #expect(Self.passes(filters, id: 0x18FEF100, isExtended: true))
        #expect(Self.passes(filters, id: 0x123, isExtended: false, remote: true), "remote frames of a message pass")
        // What it does not: neighbours, another format, the 29-bit id cut to 11 bits.
        for id: UInt32 in [0x122, 0x124, 0x523, 0x7FF, 0] {
            #expect(!Self.passes(filters, id: id, isExtended: false), "standard \(id)")
        }
        for id: UInt32 in [0x18FEF101, 0x18FEF000, 0x08FEF100, 0x1923, 0x100] {
            #expect(!Self.passes(filters, id: id, isExtended: true), "extended \(id)")
        }
        #expect(!Self.passes(filters, id: 0x18FEF100 & 0x7FF, isExtended: false))
    }

    @Test func emptyDatabasePassesNothingAndTooManyIsNil() {
        #expect(CANIDFilter.passing(messages: []) == [])
        let extended = (0..<512).map { (id: UInt32(0x1000 + $0), isExtended: true) }
        #expect(CANIDFilter.passing(messages: extended)?.count == 512)
        #expect(CANIDFilter.passing(messages: extended + [(0x2000, true)]) == nil, "over CAN_RAW_FILTER_MAX")
        let standard = (0..<257).map { (id: UInt32($0), isExtended: false) }
        #expect(CANIDFilter.passing(messages: standard) == nil, "257 standard ids need 514 filters")
    }
}
