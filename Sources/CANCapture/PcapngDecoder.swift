import CANCore

/// Reads pcapng: section header blocks in either byte order, interface description blocks
/// (`if_name` -> bus, `if_tsresol` decimal or binary, `if_tsoffset`), enhanced and simple
/// packet blocks on `LINKTYPE_CAN_SOCKETCAN` (227) interfaces. Other blocks, and packets
/// of interfaces with other link types, are counted as non-frame records.
final class PcapngDecoder: FrameDecoder {
    private struct Interface {
        var linkType: UInt16
        var bus: String
        /// Decimal resolution: 10^-digits seconds per unit; binary: 2^-shift.
        var digits: Int = 6
        var binaryShift: Int? = nil
        var offsetSeconds: Int64 = 0
    }

    private let input: InputBuffer
    private let name: String
    private let strict: Bool
    private let rejectNonFrames: Bool
    private let defaultBus: String
    private var order = ByteOrder(bigEndian: false)
    private var interfaces: [Interface] = []
    private(set) var statistics = CaptureStatistics()

    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let interfaceDescription: UInt32 = 1
    static let simplePacket: UInt32 = 3
    static let enhancedPacket: UInt32 = 6

    init(input: InputBuffer, name: String, strict: Bool, rejectNonFrames: Bool, bus: String) throws(CaptureError) {
        self.input = input
        self.name = name
        self.strict = strict
        self.rejectNonFrames = rejectNonFrames
        defaultBus = bus
        guard try input.fill(atLeast: 12) else {
            throw CaptureError(file: name, message: "truncated pcapng section header: expected at least 12 bytes")
        }
        let head = input.available
        guard head[0] == 0x0A && head[1] == 0x0D && head[2] == 0x0D && head[3] == 0x0A else {
            throw CaptureError(file: name, message: "not a pcapng file: it does not start with a section header block")
        }
    }

    func next() throws(CaptureError) -> CANFrame? {
        while true {
            guard try input.fill(atLeast: 1) else { return nil }
            let record = statistics.records + 1
            guard try input.fill(atLeast: 12) else {
                try malformed(record, "truncated block header at the end of the file")
                _ = try input.skip(count: input.available.count)
                return nil
            }
            statistics.records = record
            let head = input.available
            let type = order.u32(head, 0)
            if head[0] == 0x0A && head[1] == 0x0D && head[2] == 0x0D && head[3] == 0x0A {
                switch (head[8], head[9], head[10], head[11]) {
                case (0x1A, 0x2B, 0x3C, 0x4D): order = ByteOrder(bigEndian: true)
                case (0x4D, 0x3C, 0x2B, 0x1A): order = ByteOrder(bigEndian: false)
                default:
                    throw CaptureError(file: name, line: record, message: "pcapng section header with an unknown byte-order magic")
                }
            }
            let length = Int(order.u32(head, 4))
            guard length >= 12 && length % 4 == 0 else {
                // The block boundaries are lost: nothing after this can be trusted.
                throw CaptureError(file: name, line: record, message: "pcapng block \(record) has an invalid length \(length)")
            }
            guard length <= InputBuffer.maxRecord else {
                try malformed(record, "block of \(length) bytes is larger than any CAN packet block")
                guard try input.skip(count: length) else { return nil }
                continue
            }
            guard let block = try input.bytes(count: length) else {
                try malformed(record, "truncated block: \(length) bytes announced")
                return nil
            }
            switch type {
            case Self.sectionHeader:
                interfaces.removeAll()
                statistics.nonFrameLines += 1
            case Self.interfaceDescription:
                try describeInterface(block, record: record)
                statistics.nonFrameLines += 1
            case Self.enhancedPacket, Self.simplePacket:
                if let frame = try packet(block, type: type, record: record) {
                    if frame.kind == .error {
                        if rejectNonFrames { throw rejection(of: frame, name: name, record: record) }
                        statistics.errorFrames += 1
                    }
                    statistics.frames += 1
                    return frame
                }
            default:
                statistics.nonFrameLines += 1
            }
        }
    }

    private func describeInterface(_ block: UnsafeRawBufferPointer, record: Int) throws(CaptureError) {
        guard block.count >= 20 else {
            try malformed(record, "interface description block too short")
            interfaces.append(Interface(linkType: 0, bus: defaultBus))
            return
        }
        var interface = Interface(linkType: order.u16(block, 8), bus: defaultBus)
        var offset = 16
        let end = block.count - 4
        while offset + 4 <= end {
            let code = order.u16(block, offset)
            let length = Int(order.u16(block, offset + 2))
            let value = offset + 4
            if code == 0 || value + length > end { break }
            switch code {
            case 2:  // if_name
                var bytes = Array(UnsafeRawBufferPointer(rebasing: block[value..<(value + length)]))
                while bytes.last == 0 { bytes.removeLast() }
                if !bytes.isEmpty { interface.bus = String(decoding: bytes, as: UTF8.self) }
            case 9 where length >= 1:  // if_tsresol
                let resolution = block[value]
                if resolution & 0x80 != 0 {
                    interface.binaryShift = Int(resolution & 0x7F)
                } else {
                    interface.digits = Int(resolution)
                }
            case 14 where length >= 8:  // if_tsoffset
                let high = UInt64(order.u32(block, order.bigEndian ? value : value + 4))
                let low = UInt64(order.u32(block, order.bigEndian ? value + 4 : value))
                interface.offsetSeconds = Int64(bitPattern: high << 32 | low)
            default:
                break
            }
            offset = value + (length + 3) / 4 * 4
        }
        interfaces.append(interface)
    }

    private func packet(_ block: UnsafeRawBufferPointer, type: UInt32, record: Int) throws(CaptureError) -> CANFrame? {
        let interfaceID: Int
        let data: UnsafeRawBufferPointer
        var units: UInt64 = 0
        if type == Self.enhancedPacket {
            guard block.count >= 32 else {
                try malformed(record, "enhanced packet block too short")
                return nil
            }
            interfaceID = Int(order.u32(block, 8))
            units = UInt64(order.u32(block, 12)) << 32 | UInt64(order.u32(block, 16))
            let captured = Int(order.u32(block, 20))
            guard 28 + captured <= block.count - 4 else {
                try malformed(record, "captured length \(captured) exceeds the block")
                return nil
            }
            data = UnsafeRawBufferPointer(rebasing: block[28..<(28 + captured)])
        } else {
            guard block.count >= 16 else {
                try malformed(record, "simple packet block too short")
                return nil
            }
            interfaceID = 0
            let original = Int(order.u32(block, 8))
            data = UnsafeRawBufferPointer(rebasing: block[12..<(12 + min(original, block.count - 16))])
        }
        guard interfaceID < interfaces.count else {
            try malformed(record, "packet for interface \(interfaceID), which no interface description block defined")
            return nil
        }
        let interface = interfaces[interfaceID]
        guard interface.linkType == UInt16(PcapDecoder.linkTypeSocketCAN) else {
            if rejectNonFrames {
                throw CaptureError(
                    file: name, line: record, message: "a packet of link type \(interface.linkType), not a CAN frame")
            }
            statistics.nonFrameLines += 1
            return nil
        }
        let time = Self.timestamp(units, interface)
        guard time.seconds >= -Int64(ByteCursor.maxSeconds) && time.seconds <= Int64(ByteCursor.maxSeconds) else {
            try malformed(record, "timestamp beyond the year 2255")
            return nil
        }
        switch SocketCANPacket.parse(data) {
        case .frame(var frame):
            frame.timestamp = time
            frame.bus = interface.bus
            return frame
        case .canXL:
            if rejectNonFrames {
                throw CaptureError(file: name, line: record, message: "a CAN XL packet, which candor does not read")
            }
            statistics.nonFrameLines += 1
            return nil
        case .malformed(let reason):
            try malformed(record, reason)
            return nil
        }
    }

    private static func timestamp(_ units: UInt64, _ interface: Interface) -> CANTimestamp {
        var seconds: UInt64
        var nanoseconds: UInt64
        var digits: UInt8 = 9
        if let shift = interface.binaryShift {
            let clamped = min(shift, 63)
            seconds = units >> UInt64(clamped)
            let fraction = units & ((1 << UInt64(clamped)) - 1)
            let (high, low) = fraction.multipliedFullWidth(by: 1_000_000_000)
            nanoseconds = clamped == 0 ? 0 : (high << (64 - UInt64(clamped))) | (low >> UInt64(clamped))
        } else {
            let d = min(interface.digits, 19)
            var scale: UInt64 = 1
            for _ in 0..<d { scale *= 10 }
            seconds = units / scale
            var fraction = units % scale
            if d <= 9 {
                for _ in d..<9 { fraction *= 10 }
            } else {
                for _ in 9..<d { fraction /= 10 }
            }
            nanoseconds = fraction
            digits = UInt8(min(d, 9))
        }
        return CANTimestamp(
            seconds: Int64(truncatingIfNeeded: seconds) &+ interface.offsetSeconds,
            nanoseconds: UInt32(nanoseconds), fractionDigits: digits)
    }

    private func malformed(_ record: Int, _ reason: String) throws(CaptureError) {
        if strict {
            throw CaptureError(file: name, line: record, message: "malformed pcapng block \(record): \(reason)")
        }
        statistics.malformedLines += 1
        if statistics.firstMalformed == nil { statistics.firstMalformed = (record, reason) }
    }
}
