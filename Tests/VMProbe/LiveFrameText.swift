import CANCore
#if canImport(Glibc)
import Glibc
#endif

/// candump `-L` lines (`(1700000000.123456) vcan0 123#11223344`) for the hidden probe
/// command. The capture module's writer replaces this once it is on main.
struct LiveFrameText {
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func append(_ frame: CANFrame, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "("))
        frame.timestamp.write(to: &buffer)
        buffer.append(contentsOf: ") ".utf8)
        buffer.append(contentsOf: frame.bus.utf8)
        buffer.append(UInt8(ascii: " "))
        let word = SocketCANID(frame: frame).rawValue
        if frame.kind == .error {
            appendHex(word, digits: 8, to: &buffer)
        } else if frame.isExtended {
            appendHex(word & SocketCANID.extendedMask, digits: 8, to: &buffer)
        } else {
            appendHex(word & SocketCANID.standardMask, digits: 3, to: &buffer)
        }
        buffer.append(UInt8(ascii: "#"))
        switch frame.kind {
        case .remote:
            buffer.append(UInt8(ascii: "R"))
            if frame.length > 0 { buffer.append(hex[Int(frame.length & 0xF)]) }
        case .fd:
            buffer.append(UInt8(ascii: "#"))
            buffer.append(hex[Int(frame.fdFlags.rawValue & 0xF)])
            appendBytes(frame, to: &buffer)
        case .classic, .error:
            appendBytes(frame, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    private static func appendBytes(_ frame: CANFrame, to buffer: inout [UInt8]) {
        frame.data.withUnsafeBytes { payload in
            for i in 0..<Int(frame.length) {
                buffer.append(hex[Int(payload[i] >> 4)])
                buffer.append(hex[Int(payload[i] & 0xF)])
            }
        }
    }

    private static func appendHex(_ value: UInt32, digits: Int, to buffer: inout [UInt8]) {
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            buffer.append(hex[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}

/// Buffered writes to a file descriptor (stdout, stderr) without Foundation.
struct LiveOutput {
    let descriptor: Int32
    private(set) var buffer: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
    }

    mutating func append(_ frame: CANFrame) {
        LiveFrameText.append(frame, to: &buffer)
        if buffer.count >= 1 << 15 { flush() }
    }

    mutating func flush() {
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { break } }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
